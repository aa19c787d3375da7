"""One header row of column names, as CustomerGauge, a CRM report or a hand-made sheet
write them (CSV or XLSX). The fallback when no other layout is recognised."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.layout import Header, Layout, one_header_row

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    """Any grid can be read with one header row."""
    return True


def header(grid: pd.DataFrame) -> Header:
    return one_header_row(grid)


LAYOUT = Layout(
    name="generic",
    description="one header row (CustomerGauge, CRM reports, hand-made sheets, ...)",
    detect=detect,
    header=header,
)
