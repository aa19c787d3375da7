import pandas as pd

from nps_helpers.report import headline, quality_table, segment_table, validation_table
from nps_helpers.scoring import nps_by, nps_summary


def test_headline_cards():
    s = nps_summary(pd.Series([10, 10, 9, 7, 3]))
    prev = nps_summary(pd.Series([10, 3, 3, 8]))
    rate = dict(invited=10, bounced=1, reached=9, responded=5, rate=5 / 9 * 100)
    html = headline(s, rate=rate, previous=prev, previous_wave="2026-H1")
    assert ">+40<" in html and "n = 5" in html
    assert "Change since 2026-H1" in html and ">+65<" in html
    assert ">56%<" in html and "5 of 9 reached" in html
    assert "Change since" not in headline(s)


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
