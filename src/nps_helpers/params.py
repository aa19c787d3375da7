"""The wave's parameters: one YAML file per wave, checked by a pydantic model.

``params/<wave>.yaml`` is the only configuration surface of a wave run. Paths in it
are relative to the project root, which is the folder that holds ``params/``.
A wrong key or a wrong type is reported as a :class:`~nps_helpers.errors.ParamsError`
naming the file and the key.

Checked before any work (issue 23), by :func:`load_params`: the file itself (a regular
UTF-8 file of at most 1 MB, not nested deeper than 20 levels), every number in its
range, ``columns.extra`` names that shadow no canonical column, the inputs as regular
files under ``max_input_mb``, the logo as a PNG, JPEG or SVG by its bytes; and by
:func:`check_project`, which ``nps-wave run`` calls first: the paths of ``inputs``,
``outputs``, ``logo`` and ``codebook`` inside the project root unless
``allow_paths_outside`` lists them, and one ``wave_id`` per params file of the project.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nps_helpers.bundled import bundled
from nps_helpers.errors import ExportFormatError, ParamsError
from nps_helpers.io import exports
from nps_helpers.io.exports import limits

CANONICAL_ROLES = ("decision_maker", "influencer", "user", "other")
ACCOUNT_COLUMNS = ("account_name", "tier", "industry", "region", "arr", "owner", "renewal_date")
#: Columns the workbook itself makes or reads: a ``columns.extra`` name may not be one.
CANONICAL_COLUMNS = (
    "wave_id",
    "response_id",
    "respondent_id",
    "contact_id",
    "email",
    "account_id",
    "role",
    "score",
    "category",
    "comment",
    "responded_at",
    "status",
    "finished",
    "input_row",
    "reason",
    "reason_text",
    "domain",
    "first_name",
    "last_name",
    *ACCOUNT_COLUMNS,
)
#: The theme codebook a wave uses unless its params name another.
DEFAULT_CODEBOOK = bundled("params/codebook.yaml")
#: The largest params (or codebook) file: a wave's params are a few KB.
MAX_PARAMS_BYTES = 1024 * 1024
#: The deepest nesting of lists and mappings a params file may have (params need 3).
MAX_YAML_DEPTH = 20
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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

    @field_validator("extra")
    @classmethod
    def _extra_not_canonical(cls, value: dict[str, str]) -> dict[str, str]:
        shadowed = sorted(set(value) & set(CANONICAL_COLUMNS))
        if shadowed:
            raise ValueError(
                f"{', '.join(shadowed)} would shadow the workbook's own column(s) of that name;"
                f" rename them (the canonical columns are {', '.join(CANONICAL_COLUMNS)})"
            )
        return value

    def forced(self) -> dict[str, str | None]:
        """The canonical fields named here (without ``extra``)."""
        return {k: v for k, v in self.model_dump(exclude={"extra"}).items() if v}


class Outputs(_Strict):
    processed_dir: Path = Path("data/processed")
    reports_dir: Path = Path("reports")


class WaveParams(_Strict):
    """Everything that varies between waves."""

    wave_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
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
        le=366,
        description="Responses this many days before field_start or after field_end still count.",
    )
    max_rejected_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="The gate fails when a larger share of the export's rows is rejected.",
    )
    min_responses: int = Field(
        default=30,
        ge=1,
        le=10_000_000,
        description="The gate fails with fewer kept responses than this.",
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
    confidence: float = Field(default=0.95, gt=0.5, le=0.999, description="Of every interval.")
    min_n_change: int = Field(
        default=30,
        ge=1,
        description="Responses each side of a change needs before the deck or the drill-down "
        "marks it significant (the test itself is run and shown at any n).",
    )
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
        le=3660,
        description="Renewals within this many days of field_end are listed first (two quarters).",
    )
    followup_include_email: bool = Field(
        default=False,
        description="Put contacts' e-mails in the follow-up lists for account "
        "teams (never in the deck).",
    )
    interview_promoters: int = Field(
        default=10, ge=0, le=100_000, description="Promoters sampled for interviews."
    )
    followup_seed: int = Field(
        default=0, ge=0, le=2**32 - 1, description="Seed of the interview sample."
    )
    cooldown_days: int = Field(
        default=150,
        ge=0,
        le=3660,
        description="nps-wave plan: no contact is invited again sooner.",
    )
    response_rate_target: float = Field(
        default=40, ge=0, le=100, description="Segments answering less (in %) are flagged."
    )
    min_n: int = Field(default=5, ge=1, le=1_000_000)
    max_input_mb: float = Field(
        default=limits.DEFAULT_MAX_INPUT_MB,
        gt=0,
        le=4096,
        description="The largest input file (export, account master, invitation list), in MB.",
    )
    allow_paths_outside: list[Path] = Field(
        default_factory=list,
        description="Files or folders outside the project root that inputs, outputs, logo "
        "and codebook may point into (resolved against the root, symlinks followed).",
    )
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

    @field_validator("field_start", "field_end")
    @classmethod
    def _sane_year(cls, value: dt.date) -> dt.date:
        if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
            raise ValueError(f"the year must be between {_FIRST_YEAR} and {_LAST_YEAR}")
        return value

    @model_validator(mode="after")
    def _dates_in_order(self) -> WaveParams:
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
    shown = "" if isinstance(given, dict | list) else f"{given!r}"
    shown = f" (got {shown[:60]}...)" if len(shown) > 64 else f" (got {shown})" if shown else ""
    return f"key '{key}': {error['msg']}{shown}"


def _depth(value, limit: int) -> int:
    """How deep lists and mappings nest in ``value``, counting each shared node once (a
    YAML alias bomb shares its nodes) and stopping past ``limit``."""
    seen: set[int] = set()
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, level)
        if deepest > limit:
            break
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        stack.extend((child, level + 1) for child in children)
    return deepest


def read_yaml_mapping(path: Path, what: str) -> dict:
    """A YAML file whose top level is a mapping; a :class:`ParamsError` of one sentence
    naming the file when it is missing, not a regular file, over 1 MB, not UTF-8, not
    YAML, nested deeper than :data:`MAX_YAML_DEPTH` levels, or not a mapping."""
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError:
        raise ParamsError(f"{path}: {what} not found") from None
    if not stat.S_ISREG(info.st_mode):
        raise ParamsError(f"{path}: the {what} is not a regular file; name the YAML file itself")
    if info.st_size > MAX_PARAMS_BYTES:
        raise ParamsError(
            f"{path}: the {what} is {info.st_size / 2**20:,.1f} MB, over the limit of 1 MB for"
            " a YAML file of settings; check that this is the right file"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:200:2].count(0) > 10
        kind = "UTF-16 text" if utf16 else f"not UTF-8 text (byte {exc.start})"
        raise ParamsError(
            f"{path}: the {what} is {kind}; save it again as UTF-8 (in a text editor: "
            "Save as, encoding UTF-8)"
        ) from None
    deep = ParamsError(
        f"{path}: the {what} nests lists or mappings deeper than {MAX_YAML_DEPTH} levels;"
        " params need three at most, so this is not a params file"
    )
    try:
        raw = yaml.safe_load(text)
    except RecursionError:
        raise deep from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        problem = getattr(exc, "problem", None) or "it is not valid YAML"
        raise ParamsError(
            f"{path}: the {what} is not valid YAML{at} ({problem}); fix that line"
        ) from None
    if _depth(raw, MAX_YAML_DEPTH) > MAX_YAML_DEPTH:
        raise deep
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: expected a mapping of keys at the top level")
    return raw


def _named_paths(params: WaveParams) -> dict[str, Path]:
    """The paths params name, by key: ``inputs.*``, ``outputs.*``, ``logo``, ``codebook``."""
    named = {f"inputs.{k}": v for k, v in params.inputs.model_dump().items() if v is not None}
    named |= {f"outputs.{k}": v for k, v in params.outputs.model_dump().items()}
    named |= {k: getattr(params, k) for k in ("logo", "codebook") if getattr(params, k)}
    return {key: params.path(Path(value)) for key, value in named.items()}


def check_files(params: WaveParams, source: Path | str = "params") -> None:
    """Refuse, in one sentence naming ``source`` (the params file) and the key, an input
    that exists but is no regular file or is over ``max_input_mb``
    (:func:`~nps_helpers.io.exports.limits.check_input_file`), and a logo that is not a
    PNG, JPEG or SVG by its bytes (:func:`~nps_helpers.io.exports.limits.read_logo`).
    Missing inputs are left to the readers, which name them."""
    try:
        for key, path in _named_paths(params).items():
            if key.startswith("inputs.") and os.path.lexists(path):
                limits.check_input_file(path, params.max_input_mb, key)
        if params.logo is not None:
            limits.read_logo(params.path(params.logo))
    except ExportFormatError as exc:
        raise ParamsError(f"{source}: {exc}") from None


def check_project(params: WaveParams, source: Path | str) -> None:
    """The checks of a wave against its project, made by ``nps-wave run`` before any
    work; each refusal is one sentence naming the params file ``source``.

    - Every path of ``inputs``, ``outputs``, ``logo`` and ``codebook`` resolves (symlinks
      followed) inside the project root or inside an entry of ``allow_paths_outside``:
      a wave neither reads nor writes elsewhere unless its params say so.
    - No other params file of the project has the same ``wave_id`` (the later run would
      overwrite the earlier's processed data and deck). Files of ``params/`` without a
      ``wave_id`` (the codebook) or that cannot be read are skipped: their own run
      reports them.
    """
    source = Path(source).resolve()
    root = params.root.resolve()
    allowed = [root, *(params.path(p).resolve() for p in params.allow_paths_outside)]
    for key, path in _named_paths(params).items():
        where = path.resolve()
        if not any(where == f or where.is_relative_to(f) for f in allowed):
            raise ParamsError(
                f"{source}: {key} points to {where}, outside the project {root}; copy the file"
                " into the project, or list the folder under allow_paths_outside"
            )
    for other in sorted((params.root / "params").glob("*.y*ml")):
        if other.resolve() == source:
            continue
        try:
            wave_id = read_yaml_mapping(other, "params file").get("wave_id")
        except ParamsError:
            continue
        if str(wave_id) == params.wave_id:
            raise ParamsError(
                f"{source} and {other.resolve()} both have wave_id {params.wave_id}, so one "
                "wave would overwrite the other's data and deck; give each wave its own id"
            )


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
        When the file is missing, no regular UTF-8 file of at most 1 MB, not YAML or
        nested too deep, a key is unknown, of a wrong type or out of its range, or a path
        an input is no regular file or too large, or the logo no image
        (:func:`check_files`); the message names the file and every offending key.

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
        params = WaveParams.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"  - {_describe(e)}" for e in exc.errors())
        raise ParamsError(
            f"{path}: {exc.error_count()} problem(s) in the parameters:\n{problems}"
        ) from None
    check_files(params, path)
    return params
