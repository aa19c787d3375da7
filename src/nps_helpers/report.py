"""Blocks of the wave report: what each slide of the deck says, as escaped HTML."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nps_helpers.tables import fmt_int, fmt_nps, fmt_pct, kpi_cards, nps_table, styled_table


def headline(
    summary: dict[str, float],
    rate: dict[str, float] | None = None,
    previous: dict[str, float] | None = None,
    previous_wave: str | None = None,
) -> str:
    """KPI cards: NPS with its interval and n, response rate, mix, change since last wave."""
    cards = {
        "NPS": (
            fmt_nps(summary["nps"]),
            f"95% interval {fmt_nps(summary['ci_low'])} to {fmt_nps(summary['ci_high'])}"
            f" · n = {fmt_int(summary['n'])}",
        ),
    }
    if previous is not None and previous.get("n"):
        change = summary["nps"] - previous["nps"]
        cards[f"Change since {previous_wave}"] = (
            fmt_nps(change),
            f"{previous_wave}: NPS {fmt_nps(previous['nps'])}, n = {fmt_int(previous['n'])}",
        )
    if rate is not None:
        cards["Response rate"] = (
            fmt_pct(rate["rate"]),
            f"{fmt_int(rate['responded'])} of {fmt_int(rate['reached'])} reached contacts "
            f"({fmt_int(rate['bounced'])} bounced)",
        )
    cards["Promoters − detractors"] = (
        f"{fmt_pct(summary['pct_promoters'])} − {fmt_pct(summary['pct_detractors'])}",
        f"{fmt_int(summary['promoters'])} promoters, {fmt_int(summary['passives'])} passives, "
        f"{fmt_int(summary['detractors'])} detractors",
    )
    return kpi_cards(cards)


def segment_table(table: pd.DataFrame, by: str, min_n: int) -> str:
    """The NPS table of one segment column, with its suppression rule as caption."""
    shown = nps_table(table, by)
    return styled_table(
        shown,
        caption=f"Segments with fewer than {min_n} responses are not reported.",
        numeric=["n", "NPS", "Promoters", "Passives", "Detractors"],
    )


def quality_table(quality: dict[str, Any]) -> str:
    """Rows in, kept and rejected by reason; they add up."""
    rows = [("Rows in the export", quality["rows_in"], "")]
    for reason, count in quality["rejected_by_reason"].items():
        rows.append(
            (f"Rejected: {reason.replace('_', ' ')}", count, quality["reasons"].get(reason, ""))
        )
    rows.append(("Kept for analysis", quality["kept"], ""))
    frame = pd.DataFrame(rows, columns=["", "Rows", "Why"])
    frame["Rows"] = frame["Rows"].map(fmt_int)
    return styled_table(frame, numeric=["Rows"])


def validation_table(validation: dict[str, Any]) -> str:
    """The Great Expectations checks and their outcome."""
    frame = pd.DataFrame(
        {
            "Check": [
                c.get("description") or c["expectation"].replace("expect_", "").replace("_", " ")
                for c in validation["checks"]
            ],
            "Severity": [c["severity"] for c in validation["checks"]],
            "Result": [
                "passed" if c["success"] else f"failed ({c['unexpected_count']} rows)"
                for c in validation["checks"]
            ],
        }
    )
    return styled_table(
        frame,
        caption=f"Great Expectations: {validation['passed']} of {validation['evaluated']} "
        "checks passed",
    )


def columns_table(quality: dict[str, Any]) -> str:
    """What the reader found: format, encoding, and which column feeds each field."""
    found_by = quality.get("columns_found_by", {})
    rows = [
        ("format", quality.get("format", ""), f"{quality.get('header_rows', '')} header row(s)"),
        ("encoding", quality.get("encoding", ""), ""),
        ("delimiter", repr(quality.get("delimiter")), ""),
    ]
    rows += [
        (field, column, found_by.get(field, ""))
        for field, column in quality.get("columns", {}).items()
    ]
    rows += [("note", note, "") for note in quality.get("notes", [])]
    return styled_table(
        pd.DataFrame(rows, columns=["Field", "Export column", "Found by"]),
        caption="How the export was read",
    )
