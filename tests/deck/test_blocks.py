import pandas as pd

from nps_helpers.report import (
    change_words,
    cross_table,
    fmt_money,
    headline,
    quality_table,
    segment_table,
    validation_table,
)
from nps_helpers.scoring import compare_summaries, nps_by, nps_summary
from nps_helpers.segments import segment_table as segment_stats


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
    assert "+50 ▲ (significant)" in html  # key: 20 and 20 of 40 -> 30 and 10 of 40: 0 -> +50
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
