"""Processed data on disk: data/processed/<wave>/.

Writes are atomic (write to a temporary file beside the target, then rename), so a
crash never leaves half a file where the last good one was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.params import WaveParams

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


def write_wave(
    params: WaveParams, responses: pd.DataFrame, rejected: pd.DataFrame, quality: dict[str, Any]
) -> dict[str, Path]:
    """Write the canonical responses, the rejected rows and quality.json of a wave."""
    out = params.processed_dir
    return {
        "responses": _atomic_write(out / RESPONSES, lambda p: responses.to_parquet(p, index=False)),
        "rejected": _atomic_write(out / REJECTED, lambda p: rejected.to_csv(p, index=False)),
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
