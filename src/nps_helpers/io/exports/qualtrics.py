"""Qualtrics CSV as exported today: three header rows (column ids, question text, then
the ImportId JSON row with time zones), often UTF-8 with a byte-order mark.

Detection: the third row holds a ``{"ImportId": ...}`` cell. The legacy export, without
that row, is :mod:`~nps_helpers.io.exports.qualtrics_legacy`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout, cells

if TYPE_CHECKING:
    import pandas as pd

_IMPORT_ID = re.compile(r'^\{\s*"ImportId"')


def has_import_ids(grid: pd.DataFrame) -> bool:
    """Whether the third row of the grid is Qualtrics' ImportId row."""
    return any(_IMPORT_ID.match(v) for v in cells(grid, 2))


def detect(grid: pd.DataFrame) -> bool:
    return has_import_ids(grid)


def header(grid: pd.DataFrame) -> Header:
    """Column ids, question texts and time zones; two header rows when the ImportId row is
    missing (a legacy file read with ``format="qualtrics"``)."""
    rows = 3 if has_import_ids(grid) else 2
    columns = unique_names(cells(grid, 0))
    questions = dict(zip(columns, cells(grid, 1) or columns, strict=True))
    timezones: dict[str, str] = {}
    if rows == 3:
        for col, meta in zip(columns, cells(grid, 2), strict=True):
            try:
                tz = json.loads(meta).get("timeZone")
            except (json.JSONDecodeError, AttributeError):
                tz = None
            if tz:
                timezones[col] = tz
    return Header(columns=columns, rows=rows, questions=questions, timezones=timezones)


LAYOUT = Layout(
    name="qualtrics",
    description="Qualtrics: column ids, question text and ImportId rows",
    detect=detect,
    header=header,
    min_rows=2,
)
