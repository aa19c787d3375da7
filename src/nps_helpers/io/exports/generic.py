"""One header row of column names, as Delighted, CustomerGauge, Typeform or Google Forms
write them (CSV or XLSX). The fallback when no other layout is recognised."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names
from nps_helpers.io.exports.layout import Header, Layout

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    """Any grid can be read with one header row."""
    return True


def header(grid: pd.DataFrame) -> Header:
    columns = unique_names([str(v) for v in grid.iloc[0]])
    return Header(columns=columns, rows=1, questions=dict(zip(columns, columns, strict=True)))


LAYOUT = Layout(
    name="generic",
    description="one header row (Delighted, CustomerGauge, Typeform, Google Forms, ...)",
    detect=detect,
    header=header,
)
