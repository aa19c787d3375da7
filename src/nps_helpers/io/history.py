"""All waves in one store: Parquet partitioned by wave under data/processed/history/.

``history/wave_id=<wave>/part-0.parquet`` holds a wave's canonical responses and
``history/waves.json`` the waves' field dates, which order them. Rerunning a wave
replaces its partition (never a second copy). Writes are atomic: the new partition is
written beside the old one and swapped in by renames, so a crash leaves the last good
state; the manifest is changed under a lock (several waves may be published at once)
and replaced whole by a rename, so a reader never sees half of it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from nps_helpers.io.files import atomic_write, file_lock

MANIFEST = "waves.json"


def partition(history_dir: str | Path, wave_id: str) -> Path:
    """The folder of ``wave_id``'s partition: ``history/wave_id=<wave>/``."""
    return Path(history_dir) / f"wave_id={wave_id}"


def lock_path(history_dir: str | Path) -> Path:
    """The lock every writer of the manifest holds: ``<processed>/.locks/history.lock``
    (beside the history folder, which holds no hidden file)."""
    return Path(history_dir).parent / ".locks" / "history.lock"


def read_manifest(history_dir: str | Path) -> dict[str, dict]:
    """The manifest (wave -> field dates and count), oldest first. The file is only ever
    replaced whole, by a rename, so a reader sees the old or the new one."""
    path = Path(history_dir) / MANIFEST
    for attempt in range(5):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:  # not written by this version's writers: try again
            if attempt == 4:
                raise
            time.sleep(0.05)
    return {}


def manifest_entry(responses: pd.DataFrame, field_start: dt.date, field_end: dt.date) -> dict:
    return {
        "field_start": field_start.isoformat(),
        "field_end": field_end.isoformat(),
        "responses": int(len(responses)),
    }


def ordered(manifest: dict[str, dict]) -> dict[str, dict]:
    """The manifest's waves in field-date order."""
    return dict(sorted(manifest.items(), key=lambda kv: (kv[1]["field_start"], kv[0])))


def set_entry(history_dir: str | Path, wave_id: str, entry: dict) -> Path:
    """Set ``wave_id``'s manifest entry, under the history lock (several waves' runs may
    publish at once): read, change, write to a temporary file of its own, rename."""
    history_dir = Path(history_dir)
    history_dir.mkdir(parents=True, exist_ok=True)
    with file_lock(lock_path(history_dir)):
        manifest = read_manifest(history_dir)
        manifest[wave_id] = entry
        text = json.dumps(ordered(manifest), indent=2) + "\n"
        return atomic_write(history_dir / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))


def stale_temporaries(history_dir: str | Path) -> list[Path]:
    """Remove the manifest's temporary files left by killed writers (under the history
    lock, so no live writer's file is taken); the files removed."""
    history_dir = Path(history_dir)
    with file_lock(lock_path(history_dir)):
        found = sorted(history_dir.glob(f".{MANIFEST}*.tmp"))
        for path in found:
            path.unlink(missing_ok=True)
    return found


def stage_partition(responses: pd.DataFrame, folder: str | Path, entry: dict) -> Path:
    """Write a wave's partition (``part-0.parquet``) and its manifest entry
    (``entry.json``) into ``folder``, a staging folder published later as a whole."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    responses.drop(columns=["wave_id"], errors="ignore").to_parquet(
        folder / "part-0.parquet", index=False
    )
    (folder / "entry.json").write_text(json.dumps(entry) + "\n", encoding="utf-8")
    return folder


def write_wave(
    responses: pd.DataFrame,
    history_dir: str | Path,
    wave_id: str,
    field_start: dt.date,
    field_end: dt.date,
) -> Path:
    """Store (or replace) the canonical responses of ``wave_id`` in the history, in
    place, under the history lock (a run of ``nps-wave run`` stages the partition with
    :func:`stage_partition` instead, and publishes it with the rest of the wave).

    Returns
    -------
    Path
        The wave's partition folder.
    """
    history_dir = Path(history_dir)
    history_dir.mkdir(parents=True, exist_ok=True)
    final = partition(history_dir, wave_id)
    with file_lock(lock_path(history_dir)):
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
    set_entry(history_dir, wave_id, manifest_entry(responses, field_start, field_end))
    return final


def wave_order(history_dir: str | Path, staged: dict[str, dict] | None = None) -> list[str]:
    """The stored waves, oldest first (by field start); with ``staged`` (wave -> manifest
    entry), as they will be once those waves are published."""
    return list(ordered({**read_manifest(history_dir), **(staged or {})}))


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
        part = pd.read_parquet(partition(history_dir, wave) / "part-0.parquet", columns=columns)
        frames.append(part.assign(wave_id=wave))
    if not frames:
        return pd.DataFrame({"wave_id": pd.Categorical([], categories=[], ordered=True)})
    out = pd.concat(frames, ignore_index=True)
    out["wave_id"] = pd.Categorical(out["wave_id"], categories=order, ordered=True)
    return out
