"""Processed data on disk: ``data/processed/<wave>/``, written by prepare, read by the report.

What prepare writes for a wave, and the only place it is read back:

- ``responses.parquet``: the canonical responses (DESIGN.md);
- ``rejected.csv``: every row not kept, with its reason;
- ``quality.json``: the counts, the columns found and the Great Expectations verdicts;
- ``accounts.parquet`` and ``invitations.parquet``: the CRM files as the wave used them
  (the invitation list with its accounts' segments), so the report never reads the raw
  CRM files again and cannot mix two versions of them;
- ``themes.parquet``: each response's themes, their polarity and the comment's
  sentiment, with the digest of the codebook that made them (in the file's metadata).

Writes are atomic (write to a temporary file beside the target, then rename), so a
crash never leaves half a file where the last good one was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.io import history, publish
from nps_helpers.io.files import atomic_write, formula_safe
from nps_helpers.params import WaveParams

RESPONSES = "responses.parquet"
REJECTED = "rejected.csv"
QUALITY = "quality.json"
ACCOUNTS = "accounts.parquet"
INVITATIONS = "invitations.parquet"
THEMES = "themes.parquet"
#: The key of the codebook digest in the metadata of ``themes.parquet``.
CODEBOOK_KEY = b"nps_workbook.codebook"


def wave_dir(params: WaveParams, wave_id: str | None = None) -> Path:
    """``data/processed/<wave>/`` of ``wave_id`` (default: the params' wave); the params'
    own wave in the staging folder while ``nps-wave run`` runs it
    (:func:`nps_helpers.io.publish.processed_dir`)."""
    if wave_id is None or wave_id == params.wave_id:
        return publish.processed_dir(params)
    return params.path(params.outputs.processed_dir) / wave_id


def write_wave(
    params: WaveParams,
    responses: pd.DataFrame,
    rejected: pd.DataFrame,
    quality: dict[str, Any],
    accounts: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write the wave's canonical responses, rejected rows, quality.json and the CRM
    frames it used; a CRM frame not given removes an earlier copy."""
    out = wave_dir(params)
    written = {
        "responses": atomic_write(out / RESPONSES, lambda p: responses.to_parquet(p, index=False)),
        # the original values of rows not kept: formula-like text gets a leading '
        "rejected": atomic_write(
            out / REJECTED, lambda p: formula_safe(rejected).to_csv(p, index=False)
        ),
        "quality": atomic_write(
            out / QUALITY,
            lambda p: p.write_text(
                json.dumps(quality, indent=2, default=str) + "\n", encoding="utf-8"
            ),
        ),
    }
    for name, file, frame in (
        ("accounts", ACCOUNTS, accounts),
        ("invitations", INVITATIONS, invitations),
    ):
        if frame is None:
            (out / file).unlink(missing_ok=True)
        else:
            written[name] = atomic_write(
                out / file, lambda p, f=frame: f.to_parquet(p, index=False)
            )
    return written


def read_responses(params: WaveParams, wave_id: str | None = None) -> pd.DataFrame:
    """The canonical responses of ``wave_id`` (default: the params' wave)."""
    wave_id = wave_id or params.wave_id
    path = wave_dir(params, wave_id) / RESPONSES
    if not path.is_file():
        raise NpsWorkbookError(
            f"{path}: no processed responses for wave {wave_id}; run prepare_wave for it first "
            f"(nps-wave run params/{wave_id}.yaml)"
        )
    return pd.read_parquet(path)


def has_wave(params: WaveParams, wave_id: str) -> bool:
    return (wave_dir(params, wave_id) / RESPONSES).is_file()


def read_quality(params: WaveParams) -> dict[str, Any]:
    path = wave_dir(params) / QUALITY
    return json.loads(path.read_text(encoding="utf-8"))


def _read_optional(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.is_file() else None


# ------------------------------------------------------------------------- themes
def write_themes(
    params: WaveParams, frame: pd.DataFrame, codebook: str, wave_id: str | None = None
) -> Path:
    """Store a wave's themes (one row per response, see
    :meth:`nps_helpers.text.themes.ThemedComments.to_frame`) with the digest of the
    codebook that made them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), CODEBOOK_KEY: codebook.encode()}
    )
    return atomic_write(wave_dir(params, wave_id) / THEMES, lambda p: pq.write_table(table, p))


def read_themes(params: WaveParams, wave_id: str | None = None) -> tuple[pd.DataFrame, str] | None:
    """A wave's stored themes and the digest of their codebook; None when there are none."""
    import pyarrow.parquet as pq

    path = wave_dir(params, wave_id) / THEMES
    if not path.is_file():
        return None
    table = pq.read_table(path)
    digest = (table.schema.metadata or {}).get(CODEBOOK_KEY, b"").decode()
    return table.to_pandas(), digest


# --------------------------------------------------------------- the whole wave
@dataclass
class WaveData:
    """Everything the wave report reads, loaded once."""

    responses: pd.DataFrame
    quality: dict[str, Any]
    history: pd.DataFrame
    previous: pd.DataFrame | None
    previous_wave: str | None
    accounts: pd.DataFrame | None
    invitations: pd.DataFrame | None

    def personal_names(self) -> list[str]:
        """Names to scrub from quoted comments: contacts, account owners and accounts."""
        names: list[str] = []
        for frame, cols in (
            (self.invitations, ("first_name", "last_name")),
            (self.accounts, ("owner", "account_name")),
        ):
            if frame is not None:
                for col in cols:
                    if col in frame.columns:
                        names += frame[col].dropna().astype(str).unique().tolist()
        return names


def previous_wave_of(params: WaveParams, earlier: list[str]) -> str | None:
    """The wave this one is compared with: ``previous_wave`` of params when it is among
    the ``earlier`` waves; none when params say ``previous_wave: null``; the latest of
    the ``earlier`` waves when params do not name one."""
    if params.previous_wave is not None:
        return params.previous_wave if params.previous_wave in earlier else None
    if "previous_wave" in params.model_fields_set:  # `previous_wave: null`: no comparison
        return None
    return earlier[-1] if earlier else None


def load_wave(params: WaveParams) -> WaveData:
    """Read the processed wave, the history up to it, the previous wave, and the
    account master and invitation list the wave was prepared with (the snapshot prepare
    wrote: the raw CRM files are not read again). While ``nps-wave run`` runs the wave,
    its own files and history partition come from the run's staging folder."""
    responses = read_responses(params)
    staged = publish.staged_entry(params)
    order = history.wave_order(params.history_dir, {params.wave_id: staged} if staged else None)
    if params.wave_id in order:
        # the history up to this wave; the wave itself is the responses just read
        # (prepare_wave stores both from one frame), not read a second time
        upto = order[: order.index(params.wave_id) + 1]
        this = responses.drop(columns="wave_id", errors="ignore").assign(wave_id=params.wave_id)
        before = []
        if upto[:-1]:
            stored = history.read_history(params.history_dir, upto=upto[-2])
            before = [stored[stored["wave_id"].astype(str) != params.wave_id]]
        past = pd.concat([*before, this], ignore_index=True)
        past["wave_id"] = pd.Categorical(past["wave_id"].astype(str), categories=upto, ordered=True)
    else:
        past = responses.assign(wave_id=params.wave_id)
    earlier = order[: order.index(params.wave_id)] if params.wave_id in order else []
    previous_wave = previous_wave_of(params, earlier)
    previous = (
        past[past["wave_id"] == previous_wave].drop(columns="wave_id") if previous_wave else None
    )
    folder = wave_dir(params)
    return WaveData(
        responses=responses,
        quality=read_quality(params),
        history=past,
        previous=previous,
        previous_wave=previous_wave,
        accounts=_read_optional(folder / ACCOUNTS),
        invitations=_read_optional(folder / INVITATIONS),
    )
