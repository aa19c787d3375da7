"""Qualtrics CSV: three header rows (column ids, question text, ImportId JSON with time
zones), often UTF-8 with BOM; the legacy export has the first two rows only (its second
row names "Response ID"), sometimes as UTF-16 tab-separated text."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout

if TYPE_CHECKING:
    import pandas as pd

_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"')


def _has_import_ids(grid: pd.DataFrame) -> bool:
    return len(grid) >= 3 and any(_IMPORT_ID.match(str(v)) for v in grid.iloc[2])


def detect(grid: pd.DataFrame) -> bool:
    if _has_import_ids(grid):
        return True
    row0 = {str(v).strip().lower().replace(" ", "") for v in grid.iloc[0]} if len(grid) else set()
    # legacy export: column ids, then question text, no ImportId row
    return (
        "responseid" in row0
        and len(grid) >= 2
        and "response id" in {str(v).strip().lower() for v in grid.iloc[1]}
    )


def header(grid: pd.DataFrame) -> Header:
    rows = 3 if _has_import_ids(grid) else 2
    columns = unique_names([str(v) for v in grid.iloc[0]])
    questions = dict(zip(columns, (str(v) for v in grid.iloc[1]), strict=True))
    timezones: dict[str, str] = {}
    if rows == 3:
        for col, meta in zip(columns, grid.iloc[2], strict=True):
            try:
                tz = json.loads(meta).get("timeZone")
            except (json.JSONDecodeError, AttributeError):
                tz = None
            if tz:
                timezones[col] = tz
    return Header(columns=columns, rows=rows, questions=questions, timezones=timezones)


LAYOUT = Layout(
    name="qualtrics",
    description="Qualtrics: column ids, question text and ImportId rows (or the legacy two)",
    detect=detect,
    header=header,
    min_rows=2,
)
