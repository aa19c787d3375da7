"""Microsoft Forms responses (Excel workbook, or saved as CSV): one header row that
starts "ID, Start time, Completion time, Email, Name" (quizzes add "Total points",
"Quiz feedback" and "Points - <question>" columns), then one column per question.

Detection: the first cell is "ID" and the header has "Start time" and "Completion time".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.layout import Header, Layout, cells, keys, one_header_row

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    first = cells(grid, 0)[:1]
    return first in (["ID"], ["Id"]) and {"start time", "completion time"} <= keys(grid, 0)


def header(grid: pd.DataFrame) -> Header:
    return one_header_row(grid)


LAYOUT = Layout(
    name="microsoft_forms",
    description="Microsoft Forms: ID, Start time, Completion time, Email, Name, questions",
    detect=detect,
    header=header,
)
