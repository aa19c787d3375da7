"""Typeform responses CSV: one header row, the response token first (headed "#"), one
column per question, then the metadata: "Start Date (UTC)", "Submit Date (UTC)",
"Network ID" (newer exports: "Response Type", "Stage Date (UTC)", "Tags", or
"Submitted At" and "Token").

Detection: "Network ID" or "Submit Date (UTC)" in the header, or both "Submitted At"
and "Token". Dates in the "(UTC)" columns are in UTC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.layout import Header, Layout, keys, one_header_row

if TYPE_CHECKING:
    import pandas as pd


def detect(grid: pd.DataFrame) -> bool:
    top = keys(grid, 0)
    return bool({"network id", "submit date (utc)"} & top) or {"submitted at", "token"} <= top


def header(grid: pd.DataFrame) -> Header:
    head = one_header_row(grid)
    head.timezones.update({c: "UTC" for c in head.columns if c.lower().endswith("(utc)")})
    return head


LAYOUT = Layout(
    name="typeform",
    description="Typeform: one header row, # token first, Submit Date (UTC), Network ID",
    detect=detect,
    header=header,
)
