"""Delighted responses CSV: one header row, one response a row: the response id, when it
was created and updated, who answered (person id, name, email), the survey type, the
0-10 score and the comment, then tags, notes and the person's properties.

Detection: "Score" and "Comment" columns, with "Response ID" and "Created At", or with
"Survey type".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.layout import Header, Layout, keys, one_header_row

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    top = keys(grid, 0)
    if not {"score", "comment"} <= top:
        return False
    return {"response id", "created at"} <= top or "survey type" in top


def header(grid: pd.DataFrame) -> Header:
    return one_header_row(grid)


LAYOUT = Layout(
    name="delighted",
    description="Delighted: Response ID, Created At, ..., Score, Comment (or Survey type)",
    detect=detect,
    header=header,
)
