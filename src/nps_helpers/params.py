"""The wave's parameters: one YAML file per wave, checked by a pydantic model.

``params/<wave>.yaml`` is the only configuration surface of a wave run. Paths in it
are relative to the project root, which is the folder that holds ``params/``.
A wrong key or a wrong type is reported as a :class:`~nps_helpers.errors.ParamsError`
naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nps_helpers.bundled import bundled
from nps_helpers.errors import ParamsError
from nps_helpers.io import exports

CANONICAL_ROLES = ("decision_maker", "influencer", "user", "other")
ACCOUNT_COLUMNS = ("account_name", "tier", "industry", "region", "arr", "owner", "renewal_date")
#: The theme codebook a wave uses unless its params name another.
DEFAULT_CODEBOOK = bundled("params/codebook.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Inputs(_Strict):
    """Where the wave's raw files are, relative to the project root."""

    export: Path = Field(description="The survey tool's export of this wave.")
    accounts: Path | None = Field(
        default=None,
        description="The CRM account master (one row per account); without it the wave runs "
        "at respondent level (an export-only wave).",
    )
    invitations: Path | None = Field(
        default=None, description="Who was invited this wave (contact, account, bounced)."
    )


class Columns(_Strict):
    """Which export column holds each canonical field (the export's own header names).

    A field left out (or null) is found by the reader: the score by its question
    ("how likely ... recommend") or its 0-10 values, the comment as the open question
    after it, the others by their usual header names. Names given here always win.
    """

    response_id: str | None = None
    score: str | None = None
    comment: str | None = None
    contact_id: str | None = None
    email: str | None = None
    account_id: str | None = None
    role: str | None = None
    responded_at: str | None = None
    status: str | None = None
    finished: str | None = None
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="More export columns to keep, as canonical_name: export_column "
        "(for example product: Product). Any of them can be a segment.",
    )

    def forced(self) -> dict[str, str | None]:
        """The canonical fields named here (without ``extra``)."""
        return {k: v for k, v in self.model_dump(exclude={"extra"}).items() if v}


class Outputs(_Strict):
    processed_dir: Path = Path("data/processed")
    reports_dir: Path = Path("reports")


class WaveParams(_Strict):
    """Everything that varies between waves."""

    wave_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    company: str
    wave_label: str | None = None
    logo: Path | None = Field(
        default=None,
        description="Company logo (PNG, JPG or SVG) for the title slide, embedded in the deck.",
    )
    field_start: dt.date
    field_end: dt.date
    previous_wave: str | None = None
    export_format: str = Field(
        default="auto",
        description="The export's layout: auto (detected) or a name from the registry of "
        "nps_helpers.io.exports (qualtrics, qualtrics_legacy, surveymonkey, google_forms, ...).",
    )
    export_encoding: str | None = Field(default=None, description="Force the text encoding.")
    export_delimiter: Literal[",", ";", "\t", "|"] | None = Field(
        default=None, description="Force the CSV delimiter."
    )
    export_sheet: str | int | None = Field(default=None, description="Excel sheet (default first).")
    inputs: Inputs
    columns: Columns = Field(default_factory=Columns)
    role_map: dict[str, Literal["decision_maker", "influencer", "user", "other"]] = Field(
        default_factory=dict,
        description="Export role label -> canonical role. Canonical names map to themselves.",
    )
    tiers: list[str] = Field(
        default_factory=lambda: ["small", "key", "premium"],
        description="The allowed account tiers, smallest first (the order of tables and charts).",
    )
    tier_map: dict[str, str] = Field(
        default_factory=dict,
        description="CRM tier label -> one of tiers. Labels already in tiers map to themselves.",
    )
    join_on_email_domain: bool = Field(
        default=False,
        description="When the export has no account id, find the account by the respondent's "
        "e-mail domain (needs a domain column in the account master).",
    )
    field_grace_days: int = Field(
        default=7,
        ge=0,
        description="Responses this many days before field_start or after field_end still count.",
    )
    max_rejected_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="The gate fails when a larger share of the export's rows is rejected.",
    )
    min_responses: int = Field(
        default=30, ge=1, description="The gate fails with fewer kept responses than this."
    )
    codebook: Path | None = Field(
        default=None,
        description="The theme codebook shared by waves; default: the workbook's own "
        "params/codebook.yaml.",
    )
    segments: list[str] = Field(default_factory=lambda: ["tier", "role"])
    segment_pairs: list[tuple[str, str]] = Field(
        default_factory=lambda: [("tier", "role")],
        description="Pairs of segment columns for cross tables, e.g. [tier, role].",
    )
    confidence: float = Field(default=0.95, gt=0.5, lt=1, description="Of every interval.")
    key_tiers: list[str] = Field(
        default_factory=lambda: ["key", "premium"],
        description="Tiers whose accounts need a decision-maker's voice (coverage, key-account "
        "table).",
    )
    account_risk_rule: Literal[
        "any_decision_maker_detractor", "decision_maker_nps_below", "account_nps_below"
    ] = Field(
        default="any_decision_maker_detractor",
        description="When an account is at risk: any decision-maker detractor; the NPS of its "
        "decision-makers below account_risk_threshold; or the NPS of all its people below it.",
    )
    account_risk_threshold: float = Field(default=0, ge=-100, le=100)
    renewal_horizon_days: int = Field(
        default=182,
        ge=1,
        description="Renewals within this many days of field_end are listed first (two quarters).",
    )
    followup_include_email: bool = Field(
        default=False,
        description="Put contacts' e-mails in the follow-up lists for account "
        "teams (never in the deck).",
    )
    interview_promoters: int = Field(
        default=10, ge=0, description="Promoters sampled for interviews."
    )
    followup_seed: int = Field(default=0, description="Seed of the interview sample.")
    cooldown_days: int = Field(
        default=150, ge=0, description="nps-wave plan: no contact is invited again sooner."
    )
    response_rate_target: float = Field(
        default=40, ge=0, le=100, description="Segments answering less (in %) are flagged."
    )
    min_n: int = Field(default=5, ge=1)
    respondent_salt: str | None = Field(
        default=None,
        description="Salt of the respondent id hashed from an e-mail when there is no contact id."
        " Default: the project's own random salt, made at the first run and kept in .nps-salt"
        " (git-ignored; a project with history from before keeps the salt it was hashed with)."
        " Keep it the same across waves so respondents can be followed.",
    )
    include_partial: bool = Field(
        default=False, description="Count unfinished responses that carry a score."
    )
    outputs: Outputs = Field(default_factory=Outputs)
    root: Path = Field(
        default=Path("."),
        description="Project root; set by load_params to the folder that holds params/.",
    )

    @field_validator("export_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value != "auto" and value not in exports.names():
            raise ValueError(f"use auto or one of {', '.join(exports.names())}")
        return value

    @field_validator("segments")
    @classmethod
    def _segments_known(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("segments are listed twice: " + ", ".join(sorted(value)))
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> WaveParams:
        if self.logo is not None and not self.path(self.logo).is_file():
            raise ValueError(f"logo file {self.path(self.logo)} not found")
        unknown_tiers = sorted(
            (set(self.tier_map.values()) | set(self.key_tiers)) - set(self.tiers)
        )
        if unknown_tiers:
            raise ValueError(
                f"tier_map maps to {unknown_tiers}, which are not in tiers {self.tiers}"
            )
        if self.field_end < self.field_start:
            raise ValueError(
                f"field_end ({self.field_end}) is before field_start ({self.field_start})"
            )
        allowed = {"role", *ACCOUNT_COLUMNS, *self.columns.extra}
        paired = [c for pair in self.segment_pairs for c in pair]
        unknown = [s for s in [*self.segments, *paired] if s not in allowed]
        if unknown:
            raise ValueError(
                f"segments {unknown} are neither account attributes ({', '.join(ACCOUNT_COLUMNS)}),"
                " role, nor columns.extra entries"
            )
        return self

    # Resolved locations -------------------------------------------------
    def path(self, relative: Path) -> Path:
        """Resolve a path from the YAML against the project root."""
        return relative if relative.is_absolute() else (self.root / relative)

    @property
    def processed_dir(self) -> Path:
        return self.path(self.outputs.processed_dir) / self.wave_id

    @property
    def history_dir(self) -> Path:
        return self.path(self.outputs.processed_dir) / "history"

    @property
    def reports_dir(self) -> Path:
        return self.path(self.outputs.reports_dir) / self.wave_id

    @property
    def codebook_path(self) -> Path:
        """The codebook to use: the one named here, else the workbook's default."""
        if self.codebook is None:
            return DEFAULT_CODEBOOK
        return self.path(self.codebook)

    @property
    def window(self) -> tuple[dt.date, dt.date]:
        """The dates responses may carry: the field period with its grace days."""
        grace = dt.timedelta(days=self.field_grace_days)
        return self.field_start - grace, self.field_end + grace

    @property
    def title(self) -> str:
        return self.wave_label or f"{self.company} relationship NPS {self.wave_id}"


def project_root_for(params_file: Path) -> Path:
    """The project root of a params file: the parent of its ``params/`` folder."""
    params_file = params_file.resolve()
    if params_file.parent.name == "params":
        return params_file.parent.parent
    return params_file.parent


def _describe(error: dict) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"key '{key}' is not a known parameter"
    if error["type"] == "missing":
        return f"key '{key}' is required but missing"
    given = error.get("input")
    shown = "" if isinstance(given, dict | list) else f" (got {given!r})"
    return f"key '{key}': {error['msg']}{shown}"


def read_yaml_mapping(path: Path, what: str) -> dict:
    """A YAML file whose top level is a mapping; a :class:`ParamsError` naming the file
    when it is missing, not YAML, or not a mapping."""
    if not path.is_file():
        raise ParamsError(f"{path}: {what} not found")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of keys at the top level")
    return raw


def load_params(path: str | Path) -> WaveParams:
    """Read and check ``params/<wave>.yaml``.

    Parameters
    ----------
    path
        The YAML file. Relative paths inside it are resolved against the project
        root (the folder that holds ``params/``).

    Returns
    -------
    WaveParams
        The checked parameters, with ``root`` set.

    Raises
    ------
    ParamsError
        When the file is missing, is not YAML, or a key is unknown or of a wrong type;
        the message names the file and every offending key.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "params").mkdir()
    >>> wave = {
    ...     "wave_id": "2026-H2",
    ...     "company": "Northwind Systems",
    ...     "field_start": "2026-10-01",
    ...     "field_end": "2026-10-31",
    ...     "inputs": {"export": "data/raw/2026-H2/survey_export.csv",
    ...                "accounts": "data/raw/2026-H2/accounts.csv"},
    ... }
    >>> _ = (root / "params" / "2026-H2.yaml").write_text(yaml.safe_dump(wave))
    >>> p = load_params(root / "params" / "2026-H2.yaml")
    >>> p.wave_id, p.root == root.resolve()
    ('2026-H2', True)
    >>> p.path(p.inputs.export).relative_to(p.root).as_posix()
    'data/raw/2026-H2/survey_export.csv'
    >>> import shutil
    >>> shutil.rmtree(root)
    """
    path = Path(path)
    raw = read_yaml_mapping(path, "params file")
    if "root" in raw:
        raise ParamsError(f"{path}: key 'root' is set by the workbook, not in the YAML")
    raw["root"] = project_root_for(path)
    try:
        return WaveParams.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(e)}" for e in exc.errors())
        raise ParamsError(
            f"{path}: {exc.error_count()} problem(s) in the parameters:\n{problems}"
        ) from None
