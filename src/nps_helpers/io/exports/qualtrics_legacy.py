"""Qualtrics' legacy export: two header rows and no ImportId row, sometimes UTF-16
tab-separated.

Two forms are known. The older one numbers the metadata columns ``V1``, ``V2``, ... and
names them in the second row (``ResponseID``, ``ResponseSet``, ``Name``, ...,
``StartDate``, ``EndDate``, ``Finished``), question ids (``Q1``) follow with their text
below. The other has column ids in the first row and labels in the second, both naming
the response id (``ResponseID`` / ``Response ID``).

Detection: no ImportId row, and either the first row starts ``V1, V2, V3`` with a
response id in the second row, or both rows name the response id. Columns take the
second row's name where the first holds a ``V<n>`` id.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout, cells
from nps_helpers.io.exports.qualtrics import has_import_ids

if TYPE_CHECKING:
    import pandas as pd

_V_ID = re.compile(r"^V\d+$")


def _names_response_id(row: list[str]) -> bool:
    return any(c.lower().replace(" ", "") == "responseid" for c in row)


def _v_ids(row: list[str]) -> bool:
    return row[:3] == ["V1", "V2", "V3"]


def detect(grid: pd.DataFrame) -> bool:
    if has_import_ids(grid):
        return False
    top, labels = cells(grid, 0), cells(grid, 1)
    if not _names_response_id(labels):
        return False
    return _v_ids(top) or _names_response_id(top)


def header(grid: pd.DataFrame) -> Header:
    top, labels = cells(grid, 0), cells(grid, 1) or cells(grid, 0)
    names = [label if _V_ID.match(c) and label else c for c, label in zip(top, labels, strict=True)]
    columns = unique_names(names)
    return Header(columns=columns, rows=2, questions=dict(zip(columns, labels, strict=True)))


LAYOUT = Layout(
    name="qualtrics_legacy",
    description="Qualtrics legacy: V1..Vn or ResponseID ids, then labels, no ImportId row",
    detect=detect,
    header=header,
    min_rows=2,
)
