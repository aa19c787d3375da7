"""SurveyMonkey CSV and XLSX: two header rows, the question, then the sub-answer
("Response", "Open-Ended Response" or an option's label); "Respondent ID" and
"Collector ID" columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    row0 = {str(v).strip().lower() for v in grid.iloc[0]} if len(grid) else set()
    return {"respondent id", "collector id"} <= row0


def header(grid: pd.DataFrame) -> Header:
    import numpy as np
    import pandas as pd

    top = pd.Series([str(v) for v in grid.iloc[0]]).replace("", np.nan).ffill().fillna("")
    subs = [str(v).strip() for v in grid.iloc[1]] if len(grid) > 1 else [""] * len(top)
    names = []
    for question, sub in zip(top, subs, strict=True):
        plain = sub.lower() in ("", "response", "open-ended response")
        names.append(question if plain else f"{question} - {sub}")
    columns = unique_names(names)
    return Header(columns=columns, rows=2, questions=dict(zip(columns, top, strict=True)))


LAYOUT = Layout(
    name="surveymonkey",
    description="SurveyMonkey: question row, then sub-answer row",
    detect=detect,
    header=header,
)
