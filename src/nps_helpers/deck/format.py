"""How numbers read in the deck: NPS as a signed whole number, percentages, counts, money.

The one place figures are formatted; every block, chart label and drill-down table uses
these.
"""

from __future__ import annotations

import math

import pandas as pd


def fmt_nps(value: float | None) -> str:
    """An NPS as a whole number with its sign: +12, -3, 0; a dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    rounded = int(round(float(value)))
    return f"{rounded:+d}" if rounded else "0"


def fmt_pct(value: float | None, digits: int = 0) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{float(value):.{digits}f}%"


def fmt_int(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    return f"{int(value):,}"


def fmt_money(value: float | None) -> str:
    """Revenue in compact form: 1.2M, 350k, 900."""
    if value is None or pd.isna(value):
        return "–"
    v = float(value)
    if abs(v) >= 999_500:  # what rounds to 1000k is 1.0M
        return f"{v / 1e6:.1f}M"
    if abs(v) >= 999.5:  # what rounds to 1000 is 1k
        return f"{v / 1e3:.0f}k"
    return f"{v:.0f}"
