"""The CRM files beside a wave's export: the account master and the invitation list.

Both are optional for a wave. Each reader checks its required columns and values and
names the file, column and lines of anything it cannot use.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import limits
from nps_helpers.io.exports.base import read_grid, unique_names
from nps_helpers.params import ACCOUNT_COLUMNS

ACCOUNT_REQUIRED = ("account_id", *ACCOUNT_COLUMNS)
INVITATION_REQUIRED = ("contact_id", "account_id", "bounced")


def file_digest(path: str | Path, max_mb: float | None = None) -> str:
    """A hash of the file's bytes (a few milliseconds for a file of 250,000 rows), read in
    blocks after checking that it is a regular file of at most ``max_mb`` MB
    (:func:`~nps_helpers.io.exports.limits.check_input_file`): ``/dev/zero`` or a FIFO
    is refused unread."""
    return limits.file_digest(path, max_mb)


def _read_text_csv(path: Path, max_mb: float | None) -> pd.DataFrame:
    grid, _, _ = read_grid(path, None, None, None, max_mb=max_mb)
    columns = unique_names([str(v) for v in grid.iloc[0]])
    data = grid.iloc[1:].reset_index(drop=True)
    data.columns = columns
    return data


def _require(frame: pd.DataFrame, required: tuple[str, ...], path: Path, what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ExportFormatError(
            f"{path}: the {what} lacks column(s) {', '.join(missing)} "
            f"(it has: {', '.join(map(str, frame.columns))})"
        )


def read_accounts(path: str | Path, max_mb: float | None = None) -> pd.DataFrame:
    """Read the CRM account master: one row per account, typed.

    An optional ``domain`` column (e-mail domain of the account's people) allows
    joining exports without an account id. The file must be a regular file of at most
    ``max_mb`` MB (default: :data:`~nps_helpers.io.exports.limits.DEFAULT_MAX_INPUT_MB`).

    Raises
    ------
    ExportFormatError
        When the file is no regular file or too large, a required column is missing, an
        account id is repeated, or ``arr`` or ``renewal_date`` cannot be read; the message
        names the file, column and rows.
    """
    path = Path(path)
    frame = _read_text_csv(path, max_mb)
    _require(frame, ACCOUNT_REQUIRED, path, "account master")
    frame["account_id"] = frame["account_id"].str.strip()
    dup = frame["account_id"].duplicated(keep=False)
    if dup.any():
        rows = ", ".join(str(i + 2) for i in frame.index[dup][:20])
        raise ExportFormatError(f"{path}: column account_id repeats ids on lines {rows}")
    arr = pd.to_numeric(frame["arr"].str.replace(",", "").str.strip(), errors="coerce")
    renewal = pd.to_datetime(frame["renewal_date"].replace("", None), errors="coerce")
    for col, parsed, allow_blank in (("arr", arr, False), ("renewal_date", renewal, True)):
        bad = parsed.isna() & ~(allow_blank & (frame[col].str.strip() == ""))
        if bad.any():
            rows = ", ".join(f"{i + 2} ({frame.at[i, col]!r})" for i in frame.index[bad][:20])
            raise ExportFormatError(f"{path}: column {col} has unreadable values on lines {rows}")
    frame["arr"] = arr.astype(float)
    frame["renewal_date"] = renewal.dt.date
    if "domain" in frame.columns:
        frame["domain"] = frame["domain"].str.strip().str.lower()
    return frame


def read_invitations(path: str | Path, max_mb: float | None = None) -> pd.DataFrame:
    """Read the invitation list: who was asked this wave and whether the mail bounced
    (a regular file of at most ``max_mb`` MB, as :func:`read_accounts`)."""
    path = Path(path)
    frame = _read_text_csv(path, max_mb)
    _require(frame, INVITATION_REQUIRED, path, "invitation list")
    bounced = frame["bounced"].str.strip().str.lower()
    truthy, falsy = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}
    bad = ~bounced.isin(truthy | falsy)
    if bad.any():
        rows = ", ".join(f"{i + 2} ({frame.at[i, 'bounced']!r})" for i in frame.index[bad][:20])
        raise ExportFormatError(f"{path}: column bounced is not true/false on lines {rows}")
    frame["bounced"] = bounced.isin(truthy)
    return frame
