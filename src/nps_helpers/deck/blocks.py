"""Blocks of the wave report: what each section of the deck says, as escaped HTML.

No raw DataFrame reprs reach the deck: tables go through :func:`styled_table`, which
escapes every value (comments and CRM labels are untrusted input).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from nps_helpers.deck.format import fmt_int, fmt_money, fmt_nps, fmt_pct
from nps_helpers.metrics.accounts import DIVERGENCE

STATUS_WORDS = {
    "at_risk": "at risk",
    "stable": "stable",
    "advocate": "advocate",
    "no_decision_maker": "no decision-maker answered",
}


def nps_table(table: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """A display copy of an :func:`~nps_helpers.scoring.nps_by` table, formatted as text."""
    keys = [by] if isinstance(by, str) else list(by)
    out = pd.DataFrame(
        {k.replace("_", " ").capitalize(): table[k].astype(str).str.replace("_", " ") for k in keys}
    )
    out["n"] = table["n"].map(fmt_int)
    out["NPS"] = table["nps"].map(fmt_nps)
    interval = table["ci_low"].map(fmt_nps) + " to " + table["ci_high"].map(fmt_nps)
    out["95% interval"] = interval.where(~table["suppressed"].astype(bool), "too few to report")
    for name in ("promoters", "passives", "detractors"):
        out[name.capitalize()] = table[f"pct_{name}"].map(fmt_pct)
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


def change_words(change: float, p_value: float, significant: bool, since: str | None = None) -> str:
    """'up 8 points since 2026-H1, significant (p = 0.01)' or '... not significant'."""
    if change is None or pd.isna(change):
        return "no comparison"
    points = int(round(abs(change)))
    direction = "up" if change > 0.5 else "down" if change < -0.5 else "unchanged,"
    head = f"{direction} {points} point{'s' if points != 1 else ''}" if points else "unchanged"
    when = f" since {since}" if since else ""
    verdict = (
        f"significant (p = {p_value:.3f})"
        if significant
        else f"not significant (p = {p_value:.2f})"
    )
    return f"{head}{when}, {verdict}"


def headline(
    summary: dict[str, float],
    rate: dict[str, float] | None = None,
    comparison: dict[str, Any] | None = None,
    previous_wave: str | None = None,
    weighted: dict[str, float] | None = None,
) -> str:
    """KPI cards: NPS with interval and n, change with its significance, revenue-weighted
    NPS, response rate."""
    cards = {
        "NPS": (
            fmt_nps(summary["nps"]),
            f"95% interval {fmt_nps(summary['ci_low'])} to {fmt_nps(summary['ci_high'])}"
            f" · n = {fmt_int(summary['n'])}",
        ),
    }
    if comparison is not None and not pd.isna(comparison.get("change")):
        interval = (
            f"; 95% interval {fmt_nps(comparison['ci_low'])} to {fmt_nps(comparison['ci_high'])}"
            if "ci_low" in comparison
            else ""
        )
        cards[f"Change since {previous_wave}"] = (
            fmt_nps(comparison["change"]),
            change_words(comparison["change"], comparison["p_value"], comparison["significant"])
            + f"{interval}; {previous_wave}: NPS {fmt_nps(comparison['nps_a'])}, n = "
            f"{fmt_int(comparison['n_a'])}",
        )
    if weighted is not None:
        cards["Revenue-weighted NPS"] = (
            fmt_nps(weighted["nps"]),
            f"each account counts by its annual revenue; 95% interval "
            f"{fmt_nps(weighted['ci_low'])} to {fmt_nps(weighted['ci_high'])}"
            + (
                f" · effective n = {fmt_int(round(weighted['n_eff']))} of {fmt_int(weighted['n'])}"
                if "n_eff" in weighted
                else ""
            )
            + (_weighted_change(weighted["change"], previous_wave) if "change" in weighted else ""),
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


def _weighted_change(c: dict[str, Any], since: str | None) -> str:
    """'; since 2026-H1 +9 (+1 to +17), not significant (p = 0.07)' of a tested change."""
    words = change_words(c["change"], c["p_value"], c["significant"]).split(", ", 1)[-1]
    ci = f"{fmt_nps(c['ci_low'])} to {fmt_nps(c['ci_high'])}"
    return f"; since {since} {fmt_nps(c['change'])} ({ci}), {words}"


def _change_cell(row: Any) -> str:
    """'+16 ▲ (+4 to +29)': the change, ▲▼ only where the table's flag (``flagged``:
    Holm-corrected, enough responses; else ``significant``) holds, and its interval."""
    if pd.isna(getattr(row, "change", float("nan"))):
        return "–"
    flag = getattr(row, "flagged", row.significant)
    mark = " ▲" if row.change > 0 else " ▼" if row.change < 0 else ""
    low, high = (getattr(row, c, None) for c in ("change_ci_low", "change_ci_high"))
    ci = f" ({fmt_nps(low)} to {fmt_nps(high)})"
    return f"{fmt_nps(row.change)}{mark if flag else ''}" + (
        ci if low is not None else " (significant)" if flag else " (n.s.)"
    )


def differences_note(pairs: pd.DataFrame, by: str) -> str:
    """Which segments differ from each other (tested pair by pair, Holm-corrected)."""
    if pairs.empty:
        return ""
    label = by.replace("_", " ")
    differ = pairs[pairs["differ"]]
    if differ.empty:
        return note(f"No two {label}s differ beyond chance (pairs tested, Holm-corrected).")
    listed = "; ".join(
        f"{r.b.replace('_', ' ')} vs {r.a.replace('_', ' ')}: {fmt_nps(r.difference)} "
        f"({fmt_nps(r.ci_low)} to {fmt_nps(r.ci_high)})"
        for r in differ.itertuples()
    )
    return note(f"{label.capitalize()}s that differ (pairs tested, Holm-corrected): {listed}.")


def segment_table(
    table: pd.DataFrame, by: str | list[str], min_n: int, previous_wave: str | None = None
) -> str:
    """A segment table for the deck: n, NPS, interval, change, mix; suppression as caption."""
    out = nps_table(table, by).drop(columns=["Passives"])
    if "change" in table and previous_wave:
        out.insert(
            out.columns.get_loc("Promoters"),
            f"Change since {previous_wave}",
            [_change_cell(r) for r in table.itertuples()],
        )
    return styled_table(
        out,
        caption=f"Segments with fewer than {min_n} responses are not reported; a change "
        "shows its 95% interval; ▲▼ marks one significant after Holm's correction over "
        "this table's changes, with enough responses in both waves (min_n_change).",
        numeric=["n", "NPS", "Promoters", "Detractors"],
    )


def cross_table(table: pd.DataFrame, rows: str, columns: str, min_n: int) -> str:
    """A pivot of NPS (with n) for a pair of segments; small cells show only their n."""
    cell = [
        f"{fmt_nps(nps)} (n = {n})" if not s else f"– (n = {n})"
        for nps, n, s in zip(table["nps"], table["n"], table["suppressed"], strict=True)
    ]
    frame = table[[rows, columns]].astype(str).assign(cell=cell)
    pivot = frame.pivot(index=rows, columns=columns, values="cell").fillna("no responses")
    order_r = [str(v) for v in pd.unique(table[rows])]
    order_c = [str(v) for v in pd.unique(table[columns])]
    pivot = pivot.reindex(index=order_r, columns=order_c)
    pivot.columns = [c.replace("_", " ") for c in pivot.columns]
    pivot = pivot.reset_index().rename(columns={rows: rows.replace("_", " ").capitalize()})
    return styled_table(
        pivot,
        caption=f"NPS by {rows.replace('_', ' ')} and "
        f"{columns.replace('_', ' ')}; cells under {min_n} responses show only n",
    )


def _mix(p: int, pa: int, d: int, n: int) -> str:
    return "–" if not n else f"{p}\u00a0P · {pa}\u00a0N · {d}\u00a0D"


def _mixes(frame: pd.DataFrame, who: str) -> list[str]:
    """'P promoters · N passives · D detractors' of ``who`` (dm, user) per row."""
    cols = [f"{who}_{c}" for c in ("promoters", "passives", "detractors", "n")]
    return [_mix(*v) for v in frame[cols].to_numpy()]


def key_accounts_table(rollup: pd.DataFrame, limit: int = 10) -> str:
    """Key accounts: decision-makers beside users, divergence and status."""
    top = rollup.head(limit)
    frame = pd.DataFrame(
        {
            "Account": top["account_name"],
            "Tier": top["tier"].astype(str),
            "Annual revenue": top["arr"].map(fmt_money),
            "Renewal": top["renewal_date"].astype(str),
            "Decision-makers": _mixes(top, "dm"),
            "Users": _mixes(top, "user"),
            "Divergence": top["divergence"].map(DIVERGENCE).fillna(""),
            "Status": top["status"].map(STATUS_WORDS),
        }
    )
    return styled_table(
        frame,
        caption=f"The {len(top)} largest key accounts that answered; "
        "P promoters, N passives, D detractors",
        numeric=["Annual revenue"],
    )


def export_accounts_table(rollup: pd.DataFrame, min_n: int, limit: int = 10) -> str:
    """The accounts an export-only wave names (its account column), most respondents
    first: respondents and NPS; an account with fewer than ``min_n`` respondents shows
    no NPS and no mix, so no respondent can be singled out."""
    top = rollup.sort_values(["n", "account_id"], ascending=[False, True], kind="stable").head(
        limit
    )
    shown = top["n"] >= min_n
    frame = pd.DataFrame(
        {
            "Account": top["account_name"].fillna(top["account_id"]).astype(str),
            "Respondents": top["n"].map(fmt_int),
            "NPS": [fmt_nps(v) if ok else "–" for v, ok in zip(top["nps"], shown, strict=True)],
            "Promoters · passives · detractors": [
                _mix(*v) if ok else f"fewer than {min_n} respondents"
                for v, ok in zip(
                    top[["promoters", "passives", "detractors", "n"]].to_numpy(), shown, strict=True
                )
            ],
        }
    )
    return styled_table(
        frame,
        caption=f"The {len(top)} accounts with most respondents, as the export names them",
        numeric=["Respondents", "NPS"],
    )


def revenue_at_risk_cards(risk: dict[str, Any], horizon_days: int) -> str:
    return kpi_cards(
        {
            "Revenue at risk": (
                fmt_money(risk["at_risk_arr"]),
                f"{fmt_pct(risk['share'])} of the revenue of accounts that answered",
            ),
            "Accounts at risk": (
                fmt_int(risk["at_risk_accounts"]),
                "a decision-maker or the account's people detract",
            ),
            f"Renewing within {horizon_days} days": (
                fmt_money(risk["renewing_soon_arr"]),
                "of the revenue at risk",
            ),
        }
    )


def revenue_at_risk_table(risk: dict[str, Any], limit: int = 10) -> str:
    accounts = risk["accounts"].head(limit)
    frame = pd.DataFrame(
        {
            "Account": accounts["account_name"],
            "Tier": accounts["tier"].astype(str),
            "Annual revenue": accounts["arr"].map(fmt_money),
            "Renewal": accounts["renewal_date"].astype(str),
            "Renews soon": accounts["renews_soon"].map({True: "yes", False: ""}),
            "Owner": accounts["owner"].astype(str),
            "Decision-makers": _mixes(accounts, "dm"),
        }
    )
    return styled_table(
        frame,
        caption="Accounts at risk: renewals in the next two quarters first, then by revenue",
        numeric=["Annual revenue"],
    )


def coverage_cards(rate: dict[str, float], coverage: dict[str, float]) -> str:
    return kpi_cards(
        {
            "Response rate": (
                fmt_pct(rate["rate"]),
                f"{fmt_int(rate['responded'])} of {fmt_int(rate['reached'])} reached",
            ),
            "Accounts heard": (
                fmt_pct(coverage["account_coverage"]),
                f"{fmt_int(coverage['accounts_responded'])} of "
                f"{fmt_int(coverage['accounts'])} invited accounts",
            ),
            "Key accounts with a decision-maker's voice": (
                fmt_pct(coverage["key_dm_coverage"]),
                f"{fmt_int(coverage['key_accounts_with_dm'])} of "
                f"{fmt_int(coverage['key_accounts'])}",
            ),
            "Revenue covered": (
                fmt_pct(coverage["revenue_coverage"]),
                f"{fmt_money(coverage['arr_covered'])} of {fmt_money(coverage['arr_total'])}",
            ),
        }
    )


def rate_table(table: pd.DataFrame, by: str, target: float) -> str:
    frame = pd.DataFrame(
        {
            by.replace("_", " ").capitalize(): table[by].astype(str).str.replace("_", " "),
            "Invited": table["invited"].map(fmt_int),
            "Bounced": table["bounced"].map(fmt_int),
            "Responded": table["responded"].map(fmt_int),
            "Rate": table["rate"].map(fmt_pct),
            "": table["below_target"].map({True: f"below the {target:.0f}% target", False: ""}),
        }
    )
    return styled_table(frame, numeric=["Invited", "Bounced", "Responded", "Rate"])


def moves_table(moves: pd.DataFrame, before: str, caption: str) -> str:
    """Contacts in both waves by category in ``before`` (rows) and now (columns)."""
    frame = moves.rename(columns=lambda c: f"now {c}s").astype(str)
    frame.insert(0, f"In {before}", [f"{c}s" for c in moves.index])
    return styled_table(frame, caption=caption, numeric=list(frame.columns[1:]))


def account_moves_table(accounts: pd.DataFrame, min_n: int) -> str:
    """Accounts with ``min_n`` or more contacts in both waves: their moves and the
    paired change of their NPS with its interval (▲▼ after Holm over the table)."""
    frame = pd.DataFrame(
        {
            "Account": accounts["account_name"].astype(str),
            "Contacts in both": accounts["contacts"].map(fmt_int),
            "Up · same · down": accounts[["up", "same", "down"]]
            .astype(str)
            .agg(" · ".join, axis=1),
            "NPS then → now": accounts["nps_before"].map(fmt_nps)
            + " → "
            + accounts["nps_now"].map(fmt_nps),
            "Change": [_change_cell(r) for r in accounts.itertuples()],
        }
    )
    return styled_table(
        frame,
        caption=f"Accounts with at least {min_n} contacts in both waves; the change is paired "
        "(the same people), with its 95% interval; ▲▼ after Holm's correction over the table",
        numeric=["Contacts in both"],
    )


def trend_table(trend: pd.DataFrame) -> str:
    frame = pd.DataFrame(
        {
            "Wave": trend["wave_id"].astype(str),
            "n": trend["n"].map(fmt_int),
            "NPS": trend["nps"].map(fmt_nps),
            "95% interval": trend["ci_low"].map(fmt_nps) + " to " + trend["ci_high"].map(fmt_nps),
            "Change": [_change_cell(r) for r in trend.itertuples()],
        }
    )
    return styled_table(frame, numeric=["n", "NPS"])


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
    table = styled_table(frame, numeric=["Rows"])
    return table + "".join(note(line) for line in quality.get("skipped", []))


def validation_table(validation: dict[str, Any]) -> str:
    """The Great Expectations checks and their outcome; then the checks that did not
    apply to the wave, each with its reason."""
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
    table = styled_table(
        frame,
        caption=f"Great Expectations: {validation['passed']} of {validation['evaluated']} "
        "checks passed",
        css_class="nps-table compact",
    )
    skipped = validation.get("not_applied") or []
    if not skipped:
        return table
    frame = pd.DataFrame(
        {
            "Check": [c["description"] for c in skipped],
            "Why it did not apply": [c["reason"] for c in skipped],
        }
    )
    return table + styled_table(
        frame,
        caption=f"{len(skipped)} check(s) did not apply to this wave",
        css_class="nps-table compact",
    )


def columns_table(quality: dict[str, Any]) -> str:
    """What the reader found: format, encoding, and which column feeds each field."""
    found_by = quality.get("columns_found_by", {})
    rows = [
        ("format", quality.get("format", ""), f"{quality.get('header_rows', '')} header row(s)"),
        ("encoding", quality.get("encoding", ""), ""),
        ("delimiter", repr(quality.get("delimiter")), ""),
    ]
    rows += [(f, c, found_by.get(f, "")) for f, c in quality.get("columns", {}).items()]
    rows += [("note", note, "") for note in quality.get("notes", [])]
    return styled_table(
        pd.DataFrame(rows, columns=["Field", "Export column", "Found by"]),
        caption="How the export was read",
    )


def theme_table(table: pd.DataFrame, previous_wave: str | None = None, top: int = 15) -> str:
    """The theme table for the deck: what is said, by whom, and what it is worth."""
    t = table[table["mentions"] > 0].head(top)
    frame = pd.DataFrame(
        {
            "Theme": t["theme"].str.replace("_", " "),
            "Kind": t["kind"],
            "Mentions": t["mentions"].map(fmt_int),
            "Share of comments": t["share_of_comments"].map(fmt_pct),
            "Among promoters": t["share_promoters"].map(fmt_pct),
            "Among detractors": t["share_detractors"].map(fmt_pct),
            "Avg score": t["mean_score"].map(lambda v: "–" if pd.isna(v) else f"{v:.1f}"),
            "Praise · complaints": [
                f"{p} · {c}" for p, c in zip(t["praise"], t["complaints"], strict=True)
            ],
            "NPS gain if fixed": t["gain_if_fixed"].map(lambda v: f"+{v:.1f}"),
            "NPS in praise": t["loss_without_praise"].map(lambda v: f"{v:.1f}"),
        }
    )
    tested = "share_ci_low" in t
    if previous_wave and t["share_change"].notna().any():
        frame[f"Share change since {previous_wave}"] = [
            _share_cell(r, tested) for r in t.itertuples()
        ]
    tests = "A share change shows its 95% interval; ▲▼ marks one significant after Holm's "
    return styled_table(
        frame,
        caption=(tests + "correction over this table (accounts as clusters). " if tested else "")
        + "Share of comments = comments mentioning the theme ÷ comments; "
        "NPS gain if fixed = detractors who mention it, other than in praise, "
        "÷ all responses × 100; "
        "NPS in praise = promoters praising it ÷ all responses × 100",
        numeric=[
            "Mentions",
            "Share of comments",
            "Among promoters",
            "Among detractors",
            "Avg score",
            "NPS gain if fixed",
            "NPS in praise",
        ],
    )


def _share_cell(row: Any, tested: bool) -> str:
    """'+12 pts ▲ (+5 to +19)': the share change, ▲▼ only where ``share_flagged``."""
    if pd.isna(row.share_change) or not tested or pd.isna(row.share_ci_low):
        return "–" if pd.isna(row.share_change) else f"{row.share_change:+.0f} pts"
    mark = (" ▲" if row.share_change > 0 else " ▼") if row.share_flagged else ""
    ci = f"{fmt_nps(row.share_ci_low)} to {fmt_nps(row.share_ci_high)}"
    return f"{row.share_change:+.0f} pts{mark} ({ci})"


def _known(row: Any, name: str) -> bool:
    """The row has a value in ``name`` (an export-only wave's tier is empty)."""
    return hasattr(row, name) and not pd.isna(getattr(row, name))


def verbatim_blocks(groups: list[tuple[str, str, pd.DataFrame]]) -> str:
    """Quoted comments per theme: (theme, heading, verbatims table)."""
    parts = []
    for theme, heading, quotes in groups:
        if quotes.empty:
            continue
        items = "".join(
            f'<blockquote class="verbatim"><p>{html.escape(str(q.text))}</p>'
            f"<footer>score {int(q.score)} · {html.escape(str(q.role).replace('_', ' '))}"
            f"{' · ' + html.escape(str(q.tier)) + ' account' if _known(q, 'tier') else ''}"
            "</footer></blockquote>"
            for q in quotes.itertuples()
        )
        parts.append(
            f'<div class="verbatims"><h3>{html.escape(heading)}: '
            f"{html.escape(theme.replace('_', ' '))}</h3>{items}</div>"
        )
    return "".join(parts) or "<p>No comments to quote.</p>"


def discovery_table(candidates: pd.DataFrame) -> str:
    """Candidate themes among the comments no codebook theme catches."""
    if candidates.empty:
        return "<p>Every comment long enough to cluster is covered by the codebook.</p>"
    frame = pd.DataFrame(
        {
            "Candidate": candidates["candidate"],
            "Comments": candidates["size"].map(fmt_int),
            "Top terms": candidates["top_terms"],
            "Examples": [" | ".join(e) for e in candidates["examples"]],
        }
    )
    return styled_table(
        frame,
        caption="Clusters (TF-IDF + NMF) of comments without a theme: "
        "candidates to add to params/codebook.yaml",
        numeric=["Comments"],
    )


def title_slide(
    company: str, title: str, field: str, n: int, rate: dict | None = None, logo: str | None = None
) -> str:
    """The title slide: company, wave, field dates, responses and response rate."""
    facts = f"Field period {field} · {fmt_int(n)} responses"
    if rate is not None:
        facts += f" · response rate {fmt_pct(rate['rate'])}"
    image = f'<img class="logo" alt="{html.escape(company)} logo" src="{logo}">' if logo else ""
    return (
        f'<div class="title-slide">{image}<div class="company">{html.escape(company)}</div>'
        f'<h1>{html.escape(title)}</h1><div class="facts">{html.escape(facts)}</div></div>'
    )


def slide_heading(title: str, lead: str = "") -> str:
    """A slide's heading and lead sentence (for slides made in a loop)."""
    lead_html = f'<p class="slide-lead">{html.escape(lead)}</p>' if lead else ""
    return f'<h2 class="slide-title">{html.escape(title)}</h2>{lead_html}'


def note(text: str) -> str:
    """A visible note, used to say why a figure is missing."""
    return f'<p class="note">{html.escape(text)}</p>'


def segment_notes(table: pd.DataFrame, by: str, min_n: int) -> str:
    """Why some or all figures of a segment table are missing, in plain words."""
    label = by.replace("_", " ")
    shown = table[~table["suppressed"]]
    hidden = table[table["suppressed"]]
    notes = []
    if table.empty:
        notes.append(f"No responses carry a {label}.")
    elif shown.empty:
        notes.append(
            f"No {label} has the {min_n} responses needed to report an NPS, so none is shown."
        )
    elif len(table) == 1:
        value = str(table[by].iloc[0]).replace("_", " ")
        notes.append(
            f"Every response of this wave comes from one {label} ({value}): there is "
            f"nothing to compare across {label}s."
        )
    if len(hidden) and len(shown):
        listed = ", ".join(
            f"{str(v).replace('_', ' ')} (n = {n})"
            for v, n in zip(hidden[by], hidden["n"], strict=True)
        )
        notes.append(f"Not shown, fewer than {min_n} responses: {listed}.")
    return "".join(note(t) for t in notes)


def bullets(items: list[str]) -> str:
    """A list of sentences; ``**bold**`` marks the term a sentence defines."""

    def one(text: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))

    return "<ul>" + "".join(f"<li>{one(t)}</li>" for t in items) + "</ul>"


def call_table(summary: pd.DataFrame) -> str:
    """Detractors to call back, by account owner (from :func:`followup.call_summary`)."""
    if summary.empty:
        return note("No detractors in this wave: nobody to call back.")
    frame = pd.DataFrame(
        {
            "Account owner": summary["owner"],
            "Detractors to call": summary["detractors"].map(fmt_int),
            "of them decision-makers": summary["decision_makers"].map(fmt_int),
            "Accounts": summary["accounts"].map(fmt_int),
            "Their annual revenue": summary["arr"].map(fmt_money),
        }
    )
    return styled_table(
        frame,
        numeric=[
            "Detractors to call",
            "of them decision-makers",
            "Accounts",
            "Their annual revenue",
        ],
    )


def followup_cards(counts: dict[str, int], top_priority: int, by_account: bool = True) -> str:
    """What the closed-loop lists hold (the lists themselves go to account teams; without
    an account master they are by respondent, and the first card says so)."""
    first = (
        f"{fmt_int(top_priority)} in key accounts where a decision-maker detracts: first"
        if by_account
        else "by respondent, lowest score first (no account master to rank accounts)"
    )
    cards = {
        "Detractors to call": (fmt_int(counts.get("detractor_calls", 0)), first),
        "Promoters to ask": (fmt_int(counts.get("promoters", 0)), "for referrals and case studies"),
        "Passives to talk to": (fmt_int(counts.get("passives", 0)), "upsell conversations"),
        "Interviews": (
            fmt_int(counts.get("interviews", 0)),
            "detractors who commented, and a sample of promoters",
        ),
    }
    if "reminders" in counts:
        cards["Still to answer"] = (
            fmt_int(counts["reminders"]),
            "invited, not bounced: reminders by owner",
        )
    return kpi_cards(cards)


def file_list(paths) -> str:
    """The files a step wrote, one per line."""
    return "<br>".join(html.escape(str(p)) for p in paths)


def theme_counts(themed) -> str:
    """How many comments mention each theme (for the analyst, after theming)."""
    counts = themed.tags.sum().sort_values(ascending=False)
    frame = pd.DataFrame(
        {"Theme": [t.replace("_", " ") for t in counts.index], "Comments": counts.map(fmt_int)}
    )
    return styled_table(frame, caption="Comments that mention each theme", numeric=["Comments"])
