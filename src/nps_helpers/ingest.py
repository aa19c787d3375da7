"""Readers: survey exports and CRM files into raw DataFrames of text.

Raw files are opened read-only and never written to. Every value comes back as a
string (empty string for an empty cell) so that cleaning decides what is valid and
the rejected rows keep the original text. ``input_row`` numbers the data records of
the file from 1, after its header rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nps_helpers.errors import ExportFormatError

ACCOUNT_REQUIRED = (
    "account_id",
    "account_name",
    "tier",
    "industry",
    "region",
    "arr",
    "owner",
    "renewal_date",
)
INVITATION_REQUIRED = ("contact_id", "account_id", "bounced")


@dataclass
class RawExport:
    """A survey export as read: text values, plus what the header rows said."""

    data: pd.DataFrame
    source: Path
    questions: dict[str, str] = field(default_factory=dict)
    timezones: dict[str, str] = field(default_factory=dict)


def _read_text_csv(path: Path, **kwargs) -> pd.DataFrame:
    if not path.is_file():
        raise ExportFormatError(f"{path}: file not found")
    try:
        with open(path, "rb") as handle:  # read-only: raw data is never modified
            return pd.read_csv(
                handle, dtype=str, keep_default_na=False, encoding="utf-8-sig", **kwargs
            )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ExportFormatError(f"{path}: cannot be read as a CSV file: {exc}") from None


def read_qualtrics(path: str | Path) -> RawExport:
    """Read a Qualtrics CSV export (three header rows, UTF-8 with or without BOM).

    Parameters
    ----------
    path
        The export file.

    Returns
    -------
    RawExport
        ``data`` has one row per response and the column ids of the first header
        row; ``questions`` maps column id to question text (second row) and
        ``timezones`` column id to the time zone its ImportId names (third row).
    """
    path = Path(path)
    frame = _read_text_csv(path, header=None, nrows=3)
    if len(frame) < 3 or not str(frame.iloc[2, 0]).lstrip().startswith("{"):
        raise ExportFormatError(
            f"{path}: not a Qualtrics CSV export: expected three header rows with ImportId JSON "
            "in the third row"
        )
    columns = [str(c) for c in frame.iloc[0]]
    questions = dict(zip(columns, (str(q) for q in frame.iloc[1]), strict=True))
    timezones: dict[str, str] = {}
    for col, meta in zip(columns, frame.iloc[2], strict=True):
        try:
            tz = json.loads(meta).get("timeZone")
        except (json.JSONDecodeError, AttributeError):
            tz = None
        if tz:
            timezones[col] = tz
    data = _read_text_csv(path, header=0, skiprows=[1, 2])
    data.columns = columns
    data.insert(0, "input_row", range(1, len(data) + 1))
    return RawExport(data=data, source=path, questions=questions, timezones=timezones)


def _require(frame: pd.DataFrame, required: tuple[str, ...], path: Path, what: str) -> None:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ExportFormatError(
            f"{path}: the {what} lacks column(s) {', '.join(missing)} "
            f"(it has: {', '.join(map(str, frame.columns))})"
        )


def read_accounts(path: str | Path) -> pd.DataFrame:
    """Read the CRM account master: one row per account, typed.

    Raises
    ------
    ExportFormatError
        When a required column is missing, an account id is repeated, or ``arr`` or
        ``renewal_date`` cannot be read; the message names the file, column and rows.
    """
    path = Path(path)
    frame = _read_text_csv(path)
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
    return frame


def read_invitations(path: str | Path) -> pd.DataFrame:
    """Read the invitation list: who was asked this wave and whether the mail bounced."""
    path = Path(path)
    frame = _read_text_csv(path)
    _require(frame, INVITATION_REQUIRED, path, "invitation list")
    bounced = frame["bounced"].str.strip().str.lower()
    truthy, falsy = {"true", "1", "yes", "y"}, {"false", "0", "no", "n", ""}
    bad = ~bounced.isin(truthy | falsy)
    if bad.any():
        rows = ", ".join(f"{i + 2} ({frame.at[i, 'bounced']!r})" for i in frame.index[bad][:20])
        raise ExportFormatError(f"{path}: column bounced is not true/false on lines {rows}")
    frame["bounced"] = bounced.isin(truthy)
    return frame
