"""SurveyMonkey CSV and XLSX: two header rows, the question, then the sub-answer
("Response", "Open-Ended Response" or an option's label; older exports put "Response"
under every single-answer question).

Detection: the first row names the respondent id ("Respondent ID", or "RespondentID"
in older exports) and either the collector id too, or the second row is a sub-answer
row (blank under the respondent id, "Response" or "Open-Ended Response" in it): exports
trimmed to a few columns keep that row but may lose the collector id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout, cells

if TYPE_CHECKING:
    import pandas as pd

_PLAIN = ("", "response", "open-ended response")


def _squashed(row: list[str]) -> list[str]:
    return [c.lower().replace(" ", "") for c in row]


def detect(grid: pd.DataFrame) -> bool:
    top = _squashed(cells(grid, 0))
    if "respondentid" not in top:
        return False
    if "collectorid" in top:
        return True
    subs = [c.lower() for c in cells(grid, 1)]
    if not subs or subs[top.index("respondentid")]:
        return False  # a sub-answer row is blank under the respondent id
    return any(s in _PLAIN[1:] for s in subs)


def header(grid: pd.DataFrame) -> Header:
    top, subs = cells(grid, 0), cells(grid, 1)
    questions, last = [], ""
    for cell in top:  # a question spanning several columns names only the first
        last = cell or last
        questions.append(last)
    names = []
    for question, sub in zip(questions, subs or [""] * len(top), strict=True):
        names.append(question if sub.lower() in _PLAIN else f"{question} - {sub}")
    columns = unique_names(names)
    return Header(columns=columns, rows=2, questions=dict(zip(columns, questions, strict=True)))


LAYOUT = Layout(
    name="surveymonkey",
    description="SurveyMonkey: question row, then sub-answer row",
    detect=detect,
    header=header,
)
