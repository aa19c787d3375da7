"""Processed data on disk: data/processed/<wave>/.

Writes are atomic (write to a temporary file beside the target, then rename), so a
crash never leaves half a file where the last good one was.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.params import CANONICAL_ROLES, WaveParams

RESPONSES = "responses.parquet"
REJECTED = "rejected.csv"
QUALITY = "quality.json"


def _atomic_write(target: Path, write) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` without its index as CSV at ``path``, readable like
    ``DataFrame.to_csv(index=False)``: header as pandas writes it, text values quoted,
    missing values empty. Arrow's C++ writer does the body (4-5 times faster than
    pandas on the follow-up lists of a large wave); a frame Arrow cannot type (mixed
    values in one column, repeated column names) is written by pandas instead."""
    import csv
    import io

    import pyarrow as pa
    import pyarrow.csv as pa_csv

    path = Path(path)
    try:
        if frame.columns.has_duplicates or frame.shape[1] == 0:
            raise ValueError("not a table Arrow can write")
        stamps = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        if stamps:  # as pandas writes them, not in Arrow's ISO form with nanoseconds
            frame = frame.assign(
                **{c: frame[c].astype(str).where(frame[c].notna()) for c in stamps}
            )
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError):
        frame.to_csv(path, index=False)
        return path
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([str(c) for c in frame.columns])
    with path.open("wb") as fh:
        fh.write(header.getvalue().encode("utf-8"))
        pa_csv.write_csv(
            table, fh, pa_csv.WriteOptions(include_header=False, quoting_style="needed")
        )
    return path


def write_wave(
    params: WaveParams, responses: pd.DataFrame, rejected: pd.DataFrame, quality: dict[str, Any]
) -> dict[str, Path]:
    """Write the canonical responses, the rejected rows and quality.json of a wave."""
    out = params.processed_dir
    return {
        "responses": _atomic_write(out / RESPONSES, lambda p: responses.to_parquet(p, index=False)),
        "rejected": _atomic_write(out / REJECTED, lambda p: write_csv(rejected, p)),
        "quality": _atomic_write(
            out / QUALITY,
            lambda p: p.write_text(
                json.dumps(quality, indent=2, default=str) + "\n", encoding="utf-8"
            ),
        ),
    }


def read_responses(params: WaveParams, wave_id: str | None = None) -> pd.DataFrame:
    """The canonical responses of ``wave_id`` (default: the params' wave)."""
    wave_id = wave_id or params.wave_id
    path = params.path(params.outputs.processed_dir) / wave_id / RESPONSES
    if not path.is_file():
        raise NpsWorkbookError(
            f"{path}: no processed responses for wave {wave_id}; run prepare_wave for it first "
            f"(nps-wave run params/{wave_id}.yaml)"
        )
    return pd.read_parquet(path)


def has_wave(params: WaveParams, wave_id: str) -> bool:
    return (params.path(params.outputs.processed_dir) / wave_id / RESPONSES).is_file()


def read_quality(params: WaveParams) -> dict[str, Any]:
    path = params.processed_dir / QUALITY
    return json.loads(path.read_text(encoding="utf-8"))


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


def report_invitations(
    params: WaveParams, invitations: pd.DataFrame, accounts: pd.DataFrame | None
) -> pd.DataFrame:
    """The invitation list as the report uses it: with its accounts' segments, the
    tiers mapped by params and canonical roles (``invitations`` is not changed)."""
    from nps_helpers.coverage import invitation_segments

    out = invitation_segments(invitations, accounts, params.role_map)
    tiers = out["tier"].map({t: params.tier_map.get(t, t) for t in out["tier"].unique()})
    out["tier"] = pd.Categorical(tiers, categories=params.tiers)
    out["role"] = pd.Categorical(out["role"], categories=CANONICAL_ROLES)
    return out


def load_wave(params: WaveParams) -> WaveData:
    """Read the processed wave, the history up to it, the previous wave, and the
    account master and invitation list (with the segments of their accounts)."""
    from nps_helpers import history
    from nps_helpers.ingest import read_accounts, read_invitations

    responses = read_responses(params)
    order = history.wave_order(params.history_dir)
    if params.wave_id in order:
        # the history up to this wave; the wave itself is the responses just read
        # (prepare_wave stores both from one frame), not read a second time
        upto = order[: order.index(params.wave_id) + 1]
        this = responses.drop(columns="wave_id", errors="ignore").assign(wave_id=params.wave_id)
        before = [history.read_history(params.history_dir, upto=upto[-2])] if upto[:-1] else []
        past = pd.concat([*before, this], ignore_index=True)
        past["wave_id"] = pd.Categorical(past["wave_id"], categories=upto, ordered=True)
    else:
        past = responses.assign(wave_id=params.wave_id)
    earlier = [w for w in order[: order.index(params.wave_id)]] if params.wave_id in order else []
    previous_wave = (
        params.previous_wave
        if params.previous_wave in earlier
        else (earlier[-1] if earlier and params.previous_wave is None else None)
    )
    previous = (
        past[past["wave_id"] == previous_wave].drop(columns="wave_id") if previous_wave else None
    )
    accounts = read_accounts(params.path(params.inputs.accounts))
    invitations = None
    if params.inputs.invitations:
        invitations = report_invitations(
            params, read_invitations(params.path(params.inputs.invitations)), accounts
        )
    return WaveData(
        responses=responses,
        quality=read_quality(params),
        history=past,
        previous=previous,
        previous_wave=previous_wave,
        accounts=accounts,
        invitations=invitations,
    )
