"""All waves in one store: Parquet partitioned by wave under data/processed/history/.

``history/wave_id=<wave>/part-0.parquet`` holds a wave's canonical responses and
``history/waves.json`` the waves' field dates, which order them. Rerunning a wave
replaces its partition (never a second copy). Writes are atomic: the new partition is
written beside the old one and swapped in by renames, so a crash leaves the last good
state.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

MANIFEST = "waves.json"


def _partition(history_dir: Path, wave_id: str) -> Path:
    return history_dir / f"wave_id={wave_id}"


def read_manifest(history_dir: str | Path) -> dict[str, dict]:
    path = Path(history_dir) / MANIFEST
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write_wave(
    responses: pd.DataFrame,
    history_dir: str | Path,
    wave_id: str,
    field_start: dt.date,
    field_end: dt.date,
) -> Path:
    """Store (or replace) the canonical responses of ``wave_id`` in the history.

    Returns
    -------
    Path
        The wave's partition folder.
    """
    history_dir = Path(history_dir)
    history_dir.mkdir(parents=True, exist_ok=True)
    final = _partition(history_dir, wave_id)
    staging = Path(tempfile.mkdtemp(dir=history_dir, prefix=f".staging-{wave_id}-"))
    staging.chmod(0o755)
    try:
        responses.drop(columns=["wave_id"], errors="ignore").to_parquet(
            staging / "part-0.parquet", index=False
        )
        retired = None
        if final.exists():
            retired = history_dir / f".retired-{wave_id}-{os.getpid()}"
            os.replace(final, retired)
        os.replace(staging, final)
        if retired is not None:
            shutil.rmtree(retired)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    manifest = read_manifest(history_dir)
    manifest[wave_id] = {
        "field_start": field_start.isoformat(),
        "field_end": field_end.isoformat(),
        "responses": int(len(responses)),
    }
    ordered = dict(sorted(manifest.items(), key=lambda kv: (kv[1]["field_start"], kv[0])))
    tmp = history_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, history_dir / MANIFEST)
    return final


def wave_order(history_dir: str | Path) -> list[str]:
    """The stored waves, oldest first (by field start)."""
    return list(read_manifest(history_dir))


def read_history(
    history_dir: str | Path, upto: str | None = None, columns: list[str] | None = None
) -> pd.DataFrame:
    """All stored waves' responses (up to and including ``upto``), oldest first.

    ``wave_id`` comes back as an ordered categorical in field-date order.
    """
    history_dir = Path(history_dir)
    order = wave_order(history_dir)
    if upto is not None:
        if upto not in order:
            raise KeyError(f"wave {upto} is not in the history at {history_dir}")
        order = order[: order.index(upto) + 1]
    frames = []
    for wave in order:
        part = pd.read_parquet(_partition(history_dir, wave) / "part-0.parquet", columns=columns)
        frames.append(part.assign(wave_id=wave))
    if not frames:
        return pd.DataFrame({"wave_id": pd.Categorical([], categories=[], ordered=True)})
    out = pd.concat(frames, ignore_index=True)
    out["wave_id"] = pd.Categorical(out["wave_id"], categories=order, ordered=True)
    return out
