"""Writing files so that a crash never leaves half of one where the last good one was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd


def atomic_write(target: Path, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` for a temporary file beside ``target``, then rename it to
    ``target``; on any error the temporary file is removed and ``target`` is untouched."""
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


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    return atomic_write(Path(target), lambda p: p.write_text(text, encoding="utf-8"))


def read_notebook(path: str | Path):
    """A notebook file (nbformat 4), as Papermill wrote it."""
    import nbformat

    return nbformat.read(str(path), as_version=4)


def data_uri(path: str | Path | None) -> str | None:
    """A file (the company logo) as a data: URI, so the deck stays one self-contained
    page; None for no file."""
    import base64
    import mimetypes

    if path is None:
        return None
    file = Path(path)
    kind = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{kind};base64," + base64.b64encode(file.read_bytes()).decode("ascii")


def copy_if_missing(source: str | Path, target: str | Path) -> bool:
    """Copy ``source`` to ``target`` unless ``target`` exists (an analyst's own file is
    never replaced); True when it copied."""
    import shutil

    target = Path(target)
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return True


#: The first characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that starts like a formula prefixed by ``'``
    (numbers, dates and booleans are left as they are: they are not text)."""
    out = None
    for column in frame.columns:
        values = frame[column]
        if not (
            values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype)
        ):
            continue
        if isinstance(values.dtype, pd.CategoricalDtype):  # look at the few categories
            labels = pd.Series(values.cat.categories, dtype=object)
            if not labels.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).any():
                continue
        text = values.astype(object)
        if pd.api.types.infer_dtype(text, skipna=True) in ("string", "empty"):
            risky = text.str.startswith(FORMULA_START, na=False).astype(bool)
        else:  # text among numbers or dates: only the text cells
            is_text = text.map(lambda v: isinstance(v, str))
            risky = is_text & text.where(is_text, "").str.startswith(FORMULA_START)
        if risky.any():
            out = frame.copy() if out is None else out
            out[column] = text.where(~risky, "'" + text.where(risky, ""))
    return frame if out is None else out


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) while the block runs;
    waits for another holder. The system releases it when its process dies."""
    import fcntl

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        os.close(fd)
