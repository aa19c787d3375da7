"""Styled HTML for the notebooks and the deck: KPI cards and tables.

No raw DataFrame reprs reach the deck: tables go through :func:`styled_table`, which
escapes every value (comments are untrusted input) and formats numbers for readers.
"""

from __future__ import annotations

import hashlib
import html
import math
from collections.abc import Mapping, Sequence

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


def nps_table(table: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """A display copy of an :func:`~nps_helpers.scoring.nps_by` table, formatted as text."""
    keys = [by] if isinstance(by, str) else list(by)
    out = pd.DataFrame(
        {k.replace("_", " ").capitalize(): table[k].astype(str).str.replace("_", " ") for k in keys}
    )
    out["n"] = table["n"].map(fmt_int)
    out["NPS"] = table["nps"].map(fmt_nps)
    out["95% interval"] = [
        "too few to report" if s else f"{fmt_nps(lo)} to {fmt_nps(hi)}"
        for s, lo, hi in zip(table["suppressed"], table["ci_low"], table["ci_high"], strict=True)
    ]
    out["Promoters"] = table["pct_promoters"].map(fmt_pct)
    out["Passives"] = table["pct_passives"].map(fmt_pct)
    out["Detractors"] = table["pct_detractors"].map(fmt_pct)
    return out


def styled_table(
    frame: pd.DataFrame,
    caption: str | None = None,
    numeric: Sequence[str] = (),
    css_class: str = "nps-table",
) -> str:
    """An escaped, styled HTML table without the index.

    ``numeric`` columns are right-aligned. The table id comes from its content, so
    the same data gives the same HTML.
    """
    digest = hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:10]
    num = {c: ' class="num"' if c in numeric else "" for c in frame.columns}
    head = "".join(f"<th{num[c]}>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = "".join(
            f"<td{num[c]}>{html.escape(str(v))}</td>"
            for c, v in zip(frame.columns, record, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="{html.escape(css_class)}" id="t-{digest}">{cap}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def kpi_cards(cards: Mapping[str, tuple[str, str]]) -> str:
    """A row of headline figures: label -> (big value, small note)."""
    items = "".join(
        f'<div class="kpi"><div class="kpi-label">{html.escape(label)}</div>'
        f'<div class="kpi-value">{html.escape(value)}</div>'
        f'<div class="kpi-note">{html.escape(note)}</div></div>'
        for label, (value, note) in cards.items()
    )
    return f'<div class="kpis">{items}</div>'


def show_html(markup: str, slide: str | None = None) -> None:
    """Display trusted markup built by this package (values inside are escaped).

    With ``slide``, the output starts a new slide of the deck with that title.
    """
    from IPython.display import HTML, display

    metadata = {"nps_deck": {"slide": slide}} if slide is not None else None
    display(HTML(markup), metadata=metadata)
