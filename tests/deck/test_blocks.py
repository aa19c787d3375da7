import datetime as dt
import re

import numpy as np
import pandas as pd

from nps_helpers.deck import blocks
from nps_helpers.deck.blocks import (
    change_words,
    cross_table,
    headline,
    kpi_cards,
    nps_table,
    quality_table,
    segment_table,
    styled_table,
    validation_table,
)
from nps_helpers.deck.format import fmt_money
from nps_helpers.metrics.accounts import account_rollup, revenue_at_risk
from nps_helpers.metrics.scoring import compare_summaries, nps_by, nps_summary
from nps_helpers.metrics.segments import segment_table as segment_stats
from nps_helpers.text.codebook import load_codebook
from nps_helpers.text.themes import ThemedComments, analyse, theme_table

EVIL = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_escaped(markup: str) -> None:
    assert "<script>" not in markup and ESCAPED in markup


def test_headline_cards():
    s = nps_summary(pd.Series([10, 10, 9, 7, 3]))
    prev = nps_summary(pd.Series([10, 3, 3, 8]))
    rate = dict(invited=10, bounced=1, reached=9, responded=5, rate=5 / 9 * 100)
    weighted = nps_summary(pd.Series([10, 3]), weights=pd.Series([3.0, 1.0]))
    html = headline(
        s,
        rate=rate,
        comparison=compare_summaries(prev, s),
        previous_wave="2026-H1",
        weighted=weighted,
    )
    assert ">+40<" in html and "n = 5" in html
    assert "Change since 2026-H1" in html and ">+65<" in html
    assert "up 65 points, not significant" in html
    assert 'Revenue-weighted NPS</div><div class="kpi-value">+50<' in html
    assert ">56%<" in html and "5 of 9 reached" in html
    assert "Change since" not in headline(s)


def test_change_words():
    assert change_words(8.2, 0.3, False, "2026-H1") == (
        "up 8 points since 2026-H1, not significant (p = 0.30)"
    )
    assert change_words(-12, 0.004, True) == "down 12 points, significant (p = 0.004)"
    assert change_words(0.2, 0.9, False).startswith("unchanged")
    assert change_words(float("nan"), 1, False) == "no comparison"
    assert fmt_money(1_234_567) == "1.2M" and fmt_money(35_000) == "35k" and fmt_money(900) == "900"


def test_quality_table_lists_reasons():
    q = {
        "rows_in": 10,
        "kept": 7,
        "rejected": 3,
        "rejected_by_reason": {"duplicate_submission": 2, "missing_score": 1},
        "reasons": {"duplicate_submission": "again", "missing_score": "blank"},
    }
    html = quality_table(q)
    assert "Rejected: duplicate submission" in html and ">2<" in html and "blank" in html


def test_validation_and_segment_tables():
    v = {
        "passed": 1,
        "evaluated": 2,
        "checks": [
            {
                "expectation": "expect_column_values_to_be_unique",
                "column": "response_id",
                "severity": "critical",
                "success": True,
                "unexpected_count": 0,
            },
            {
                "expectation": "expect_table_row_count_to_be_between",
                "column": None,
                "severity": "warning",
                "success": False,
                "unexpected_count": 3,
            },
        ],
    }
    html = validation_table(v)
    assert "1 of 2 checks passed" in html and "failed (3 rows)" in html
    frame = pd.DataFrame({"tier": ["key"] * 5, "score": [10] * 5})
    assert "fewer than 5 responses" in segment_table(nps_by(frame, "tier"), "tier", 5)


def test_segment_table_shows_change_and_suppression():
    now = pd.DataFrame({"tier": ["key"] * 40 + ["small"] * 3, "score": [10] * 30 + [3] * 13})
    before = pd.DataFrame({"tier": ["key"] * 40 + ["small"] * 8, "score": [10, 3] * 24})
    html = segment_table(segment_stats(now, "tier", 5, before), "tier", 5, "2026-H1")
    assert "Change since 2026-H1" in html
    # key: 20 and 20 of 40 -> 30 and 10 of 40: 0 -> +50, with its interval: adjusted
    # before var (41.5/43)/43 = .02244, now p' 30.75/43, d' 10.75/43, centre .4651,
    # var (.9651 - .2163)/43 = .01741; se = sqrt(.03985) = .1996; .4651 -+ 1.96 * .1996
    # -> +7 to +86; flagged (Holm over one change, 40 responses each side)
    assert "+50 ▲ (+7 to +86)" in html
    assert "Holm" in html
    assert "too few to report" in html and '<td>small</td><td class="num">3</td>' in html


def test_cross_table():
    frame = pd.DataFrame(
        {
            "tier": ["key"] * 6 + ["small"] * 2,
            "role": ["user"] * 6 + ["dm"] * 2,
            "score": [10, 10, 10, 9, 3, 8, 1, 2],
        }
    )
    html = cross_table(nps_by(frame, ["tier", "role"]), "tier", "role", 5)
    assert "+50 (n = 6)" in html and "– (n = 2)" in html and "no responses" in html


# ------------------------------------------------ tables (were tables.py)
def test_styled_table_escapes_and_is_deterministic():
    frame = pd.DataFrame({"comment": ["<script>alert(1)</script>", "a & b"], "n": [1, 2]})
    html = styled_table(frame, caption="<b>x</b>", numeric=["n"])
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<td class="num">2</td>' in html
    assert html == styled_table(frame, caption="<b>x</b>", numeric=["n"])


def test_nps_table_suppression_text():
    frame = pd.DataFrame({"tier": ["key"] * 5 + ["small"], "score": [10, 10, 9, 2, 7, 9]})
    shown = nps_table(nps_by(frame, "tier", min_n=5), "tier")
    assert shown["Tier"].tolist() == ["key", "small"]
    assert shown.loc[0, "NPS"] == "+40"
    assert shown.loc[1, "95% interval"] == "too few to report" and shown.loc[1, "NPS"] == "–"


def test_kpi_cards_escape():
    html = kpi_cards({"NPS <x>": ("+5", "n = 3")})
    assert "NPS &lt;x&gt;" in html and 'class="kpi-value">+5<' in html


# ------------------------------------------------ the other blocks
def rollup():
    rows = [
        # account, role, score, tier, arr, renewal
        ("A", "decision_maker", 3, "key", 1000.0, "2026-12-01"),
        ("A", "user", 10, "key", 1000.0, "2026-12-01"),
        ("A", "user", 9, "key", 1000.0, "2026-12-01"),
        ("B", "decision_maker", 10, "premium", 5_000_000.0, "2027-09-01"),
        ("B", "user", 2, "premium", 5_000_000.0, "2027-09-01"),
        ("E", "decision_maker", 5, "small", 300.0, "2028-01-01"),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "role", "score", "tier", "arr", "renewal_date"]
    )
    frame["account_name"] = frame["account_id"].map({"A": EVIL, "B": "Beta & Co", "E": "Echo"})
    frame["owner"] = "Olga"
    return account_rollup(frame)


def test_key_accounts_table():
    html = blocks.key_accounts_table(rollup(), limit=2)
    assert_escaped(html)
    # B first (largest revenue): dm 1 promoter; users 1 detractor; A: dm 1 detractor, users 2 P
    assert html.index("Beta &amp; Co") < html.index(ESCAPED)
    assert "5.0M" in html and "1\u00a0P · 0\u00a0N · 0\u00a0D" in html
    assert "0\u00a0P · 0\u00a0N · 1\u00a0D" in html and "2\u00a0P · 0\u00a0N · 0\u00a0D" in html
    assert "decision-makers detract while users promote" in html and "at risk" in html
    assert "The 2 largest key accounts that answered" in html and "Echo" not in html


def test_revenue_at_risk_cards_and_table():
    risk = revenue_at_risk(rollup(), dt.date(2026, 10, 31), horizon_days=182)
    # at risk: A (1,000, renews 2026-12-01) and E (300, 2028)
    cards = blocks.revenue_at_risk_cards(risk, 182)
    assert ">1k<" in cards and "Renewing within 182 days" in cards
    assert f"{risk['share']:.0f}% of the revenue" in cards
    table = blocks.revenue_at_risk_table(risk)
    assert_escaped(table)
    assert table.index(ESCAPED) < table.index("Echo"), "renewals soon first"
    assert "<td>yes</td>" in table and "<td>Olga</td>" in table
    assert "Beta" not in table


def test_coverage_cards():
    rate = {"invited": 12, "bounced": 2, "reached": 10, "responded": 4, "rate": 40.0}
    coverage = {
        "accounts": 8,
        "accounts_responded": 6,
        "account_coverage": 75.0,
        "key_accounts": 3,
        "key_accounts_with_dm": 1,
        "key_dm_coverage": 100 / 3,
        "arr_total": 2_000_000.0,
        "arr_covered": 1_500_000.0,
        "revenue_coverage": 75.0,
    }
    html = blocks.coverage_cards(rate, coverage)
    assert ">40%<" in html and "4 of 10 reached" in html
    assert ">75%<" in html and "6 of 8 invited accounts" in html
    assert ">33%<" in html and "1 of 3" in html and "1.5M of 2.0M" in html


def test_rate_table():
    table = pd.DataFrame(
        {
            "role": ["decision_maker", "<b>user</b>"],
            "invited": [10, 1200],
            "bounced": [0, 200],
            "responded": [2, 500],
            "rate": [20.0, 50.0],
            "below_target": [True, False],
        }
    )
    html = blocks.rate_table(table, "role", 30)
    assert "<th>Role</th>" in html and "decision maker" in html and "&lt;b&gt;user" in html
    assert ">1,200<" in html and ">20%<" in html and "below the 30% target" in html
    assert html.count("below the") == 1


def test_trend_table():
    trend = pd.DataFrame(
        {
            "wave_id": ["w1", "w2"],
            "n": [40, 1500],
            "nps": [0.0, 50.0],
            "ci_low": [-20.0, 40.0],
            "ci_high": [20.0, 60.0],
            "change": [np.nan, 50.0],
            "significant": [False, True],
        }
    )
    html = blocks.trend_table(trend)
    assert ">1,500<" in html and "-20 to +20" in html
    assert "+50 ▲ (significant)" in html and "<td>–</td>" in html


def test_columns_table():
    quality = {
        "format": "qualtrics",
        "header_rows": 3,
        "encoding": "utf-8-sig",
        "delimiter": ",",
        "columns": {"score": "Q1", "comment": EVIL},
        "columns_found_by": {"score": "named in params"},
        "notes": ["two score columns"],
    }
    html = blocks.columns_table(quality)
    assert_escaped(html)
    assert "3 header row(s)" in html and "utf-8-sig" in html and "&#x27;,&#x27;" in html
    assert "<td>score</td><td>Q1</td><td>named in params</td>" in html
    assert "two score columns" in html and "How the export was read" in html


def themes_table(previous=None):
    r = pd.DataFrame(
        {
            "response_id": ["r0", "r1", "r2", "r3"],
            "comment": ["Support is slow", "Support is great", "pricing too high", "fine"],
            "score": [2, 10, 5, 8],
            "category": ["detractor", "promoter", "detractor", "passive"],
        }
    )
    return theme_table(r, analyse(r["comment"]), previous)


def test_theme_table_block():
    table = themes_table()
    html = blocks.theme_table(table)
    assert "<td>support</td>" in html and "<td>price billing</td>" in html
    assert "training" not in html, "themes nobody mentions are left out"
    assert "1 · 1" in html  # support: one praise, one complaint
    assert "+25.0" in html  # support: 1 complaining detractor of 4 responses
    assert "Share change" not in html
    again = blocks.theme_table(themes_table(table.assign(share_of_comments=10.0)), "2026-H1")
    assert "Share change since 2026-H1" in again and "+40 pts" in again  # 50% now
    assert blocks.theme_table(table, top=1).count("<tr>") == 2, "header and one theme"


def test_verbatim_blocks_escape_and_skip_empty_groups():
    quotes = pd.DataFrame(
        {"text": [EVIL], "score": [3], "role": ["decision_maker"], "tier": ["key"]}
    )
    html = blocks.verbatim_blocks(
        [("price_billing", "Detractors <need>", quotes), ("support", "x", quotes.iloc[:0])]
    )
    assert_escaped(html)
    assert "<h3>Detractors &lt;need&gt;: price billing</h3>" in html
    assert "score 3 · decision maker · key account" in html and "support" not in html
    assert blocks.verbatim_blocks([]) == "<p>No comments to quote.</p>"


def test_discovery_table():
    found = pd.DataFrame(
        {
            "candidate": [1],
            "size": [1234],
            "top_terms": ["parking, lot"],
            "examples": [[EVIL, "b"]],
        }
    )
    html = blocks.discovery_table(found)
    assert_escaped(html)
    assert ">1,234<" in html and f"{ESCAPED} | b" in html
    empty = blocks.discovery_table(pd.DataFrame(columns=found.columns))
    assert "covered by the codebook" in empty


def test_title_slide_heading_and_note_escape():
    html = blocks.title_slide("Acme <GmbH>", EVIL, "1 Oct – 31 Oct", 1234, {"rate": 41.6})
    assert_escaped(html)
    assert "Acme &lt;GmbH&gt;" in html and "1,234 responses · response rate 42%" in html
    assert "<img" not in html
    logo = blocks.title_slide("Acme", "t", "f", 1, logo="data:image/png;base64,AAAA")
    assert '<img class="logo" alt="Acme logo" src="data:image/png;base64,AAAA">' in logo
    assert "response rate" not in logo
    assert blocks.slide_heading("A & B", "lead <i>") == (
        '<h2 class="slide-title">A &amp; B</h2><p class="slide-lead">lead &lt;i&gt;</p>'
    )
    assert blocks.slide_heading("Only") == '<h2 class="slide-title">Only</h2>'
    assert blocks.note(EVIL) == f'<p class="note">{ESCAPED}</p>'


def test_segment_notes_say_why_figures_are_missing():
    frame = pd.DataFrame(
        {"tier": ["key"] * 6 + ["small"] * 2 + ["premium_plus"], "score": [10] * 9}
    )
    some = blocks.segment_notes(nps_by(frame, "tier", min_n=5), "tier", 5)
    assert "Not shown, fewer than 5 responses: premium plus (n = 1), small (n = 2)." in some
    none = blocks.segment_notes(nps_by(frame, "tier", min_n=50), "tier", 50)
    assert "No tier has the 50 responses needed" in none and "Not shown" not in none
    one = blocks.segment_notes(nps_by(frame[:6], "tier", min_n=5), "tier", 5)
    assert "Every response of this wave comes from one tier (key)" in one
    assert "No responses carry a tier." in blocks.segment_notes(
        nps_by(frame[:0], "tier"), "tier", 5
    )
    assert blocks.segment_notes(nps_by(frame[:8], "tier", min_n=2), "tier", 2) == ""


def test_moves_table():
    moves = pd.DataFrame(
        [[5, 2, 1], [0, 3, 4], [1, 0, 9]],
        index=["detractor", "passive", "promoter"],
        columns=["detractor", "passive", "promoter"],
    )
    html = blocks.moves_table(moves, "2026-H1", "caption <i>")
    assert "<th>In 2026-H1</th>" in html and '<th class="num">now promoters</th>' in html
    assert '<td>passives</td><td class="num">0</td><td class="num">3</td>' in html
    assert "caption &lt;i&gt;" in html


def test_call_table():
    summary = pd.DataFrame(
        {
            "owner": [EVIL, "All owners"],
            "detractors": [3, 3],
            "decision_makers": [1, 1],
            "accounts": [2, 2],
            "arr": [1_500_000.0, 1_500_000.0],
        }
    )
    html = blocks.call_table(summary)
    assert_escaped(html)
    assert "<th>Account owner</th>" in html and ">1.5M<" in html and "All owners" in html
    assert "nobody to call back" in blocks.call_table(summary.iloc[:0])


def test_followup_cards():
    counts = {"detractor_calls": 1200, "promoters": 4, "passives": 2, "interviews": 3}
    html = blocks.followup_cards(counts, 7)
    assert ">1,200<" in html and "7 in key accounts" in html and ">4<" in html
    assert "Still to answer" not in html
    assert "Still to answer" in blocks.followup_cards({**counts, "reminders": 9}, 0)
    assert ">0<" in blocks.followup_cards({}, 0), "a missing list counts 0"
    by_person = blocks.followup_cards(counts, 0, by_account=False)
    assert "key accounts" not in by_person and "by respondent" in by_person


def test_bullets_escape_and_bold_the_defined_term():
    html = blocks.bullets(["**NPS** = a <b> & b", "plain"])
    assert html == ("<ul><li><strong>NPS</strong> = a &lt;b&gt; &amp; b</li><li>plain</li></ul>")


def test_file_list_escapes_one_per_line(tmp_path):
    paths = [tmp_path / "calls <owner>.xlsx", "a&b.csv"]
    html = blocks.file_list(paths)
    assert html == f"{tmp_path}/calls &lt;owner&gt;.xlsx<br>a&amp;b.csv"
    assert blocks.file_list([]) == ""


def test_theme_counts():
    book = load_codebook()
    names = ["support", "price_billing"]
    tags = pd.DataFrame(
        {"support": [True, True, False], "price_billing": [False, True, False]}, index=[5, 6, 7]
    )
    themed = ThemedComments(
        tags, tags.astype(float), pd.Series(0.0, index=tags.index), {n: book[n] for n in names}
    )
    html = blocks.theme_counts(themed)
    assert re.findall(r"<td>([a-z ]+)</td><td class=\"num\">(\d+)</td>", html) == [
        ("support", "2"),
        ("price billing", "1"),
    ], "most mentioned first"
    assert "Comments that mention each theme" in html


def test_export_accounts_table_suppresses_small_accounts():
    rollup = pd.DataFrame(
        {
            "account_id": ["Acme", "Globex"],
            "account_name": ["Acme", None],
            "n": [2, 6],
            "promoters": [1, 3],
            "passives": [0, 1],
            "detractors": [1, 2],
            "nps": [0.0, (3 - 2) / 6 * 100],
        }
    )
    html = blocks.export_accounts_table(rollup, min_n=5)
    assert html.index("Globex") < html.index("Acme"), "most respondents first"
    assert '<td>Globex</td><td class="num">6</td><td class="num">+17</td>' in html
    assert '<td>Acme</td><td class="num">2</td><td class="num">–</td>' in html
    assert "fewer than 5 respondents" in html and "1\u00a0P · 0\u00a0N · 1\u00a0D" not in html


def test_validation_table_lists_the_checks_that_did_not_apply():
    v = {"passed": 0, "evaluated": 0, "checks": []}
    assert "did not apply" not in validation_table(v)
    v["not_applied"] = [{"description": "tier must be <one>", "reason": "no account master"}]
    html = validation_table(v)
    assert "1 check(s) did not apply to this wave" in html
    assert "<td>tier must be &lt;one&gt;</td><td>no account master</td>" in html


def test_quality_table_says_which_checks_were_skipped():
    q = {"rows_in": 3, "kept": 3, "rejected": 0, "rejected_by_reason": {}, "reasons": {}}
    assert '<p class="note">' not in quality_table(q)
    html = quality_table({**q, "skipped": ["The field-window check was skipped: no <date>."]})
    assert html.endswith('<p class="note">The field-window check was skipped: no &lt;date&gt;.</p>')


def test_verbatim_without_a_tier_names_no_account():
    quotes = pd.DataFrame({"text": ["slow"], "score": [3], "role": ["other"], "tier": [None]})
    html = blocks.verbatim_blocks([("support", "Detractors need", quotes)])
    assert "score 3 · other</footer>" in html and "account" not in html


def test_theme_table_shows_the_share_change_interval_and_flags_only_what_survives():
    table = themes_table().assign(
        share_change=[12.4, -3.0] + [float("nan")] * (len(themes_table()) - 2),
        share_ci_low=4.6,
        share_ci_high=19.2,
        share_flagged=[True, False] + [False] * (len(themes_table()) - 2),
    )
    html = blocks.theme_table(table, "2026-H1")
    first, second = table["theme"].iloc[0], table["theme"].iloc[1]
    assert first and second
    assert "+12 pts ▲ (+5 to +19)" in html, "flagged after Holm: ▲ and its interval"
    assert "-3 pts (+5 to +19)" in html, "not flagged: no ▼"
    assert "Holm" in html


def test_account_moves_table():
    accounts = pd.DataFrame(
        {"account_name": ["Acme <b>"], "contacts": [6], "up": [3], "same": [2], "down": [1],
         "nps_before": [0.0], "nps_now": [33.3], "change": [33.3], "change_ci_low": [-10.2],
         "change_ci_high": [76.9], "flagged": [False], "significant": [False]}
    )  # fmt: skip
    html = blocks.account_moves_table(accounts, 5)
    assert "Acme &lt;b&gt;" in html and "3 · 2 · 1" in html and "0 → +33" in html
    assert "+33 (-10 to +77)" in html and "▲" not in html.split("</caption>")[1]
    assert "at least 5 contacts" in html


def test_headline_card_of_the_revenue_weighted_change():
    summary = {"nps": 30.0, "ci_low": 20.0, "ci_high": 40.0, "n": 100, "pct_promoters": 50.0,
               "pct_detractors": 20.0, "promoters": 50, "passives": 30,
               "detractors": 20}  # fmt: skip
    change = {
        "change": 11.2,
        "ci_low": -1.3,
        "ci_high": 23.4,
        "p_value": 0.07,
        "significant": False,
    }
    weighted = {"nps": 50.0, "ci_low": 34.0, "ci_high": 62.0, "n": 100, "n_eff": 40.0,
                "change": change}  # fmt: skip
    html = blocks.headline(summary, weighted=weighted, previous_wave="2026-H1")
    assert "since 2026-H1 +11 (-1 to +23), not significant (p = 0.07)" in html
