import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.metrics.scoring import compare_waves
from nps_helpers.metrics.segments import segment_table, segment_tables


def frames():
    now = pd.DataFrame(
        {
            "tier": ["key"] * 10 + ["small"] * 10 + ["premium"] * 2,
            "role": ["user", "decision_maker"] * 11,
            "score": [10] * 8 + [3] * 2 + [9] * 5 + [2] * 5 + [10, 10],
        }
    )
    before = pd.DataFrame(
        {
            "tier": ["key"] * 10 + ["small"] * 10 + ["premium"] * 6,
            "role": ["user", "decision_maker"] * 13,
            "score": [10] * 5 + [3] * 5 + [9] * 5 + [2] * 5 + [10] * 6,
        }
    )
    return now, before


def test_change_since_previous_wave_by_hand():
    now, before = frames()
    table = segment_table(now, "tier", min_n=5, previous=before).set_index("tier")
    # key: now 8 promoters, 2 detractors of 10 -> +60; before 5 and 5 -> 0; change +60
    assert table.loc["key", "nps"] == pytest.approx(60)
    assert table.loc["key", "nps_prev"] == pytest.approx(0)
    assert table.loc["key", "change"] == pytest.approx(60)
    expected = compare_waves(
        before.loc[before["tier"] == "key", "score"], now.loc[now["tier"] == "key", "score"]
    )
    assert table.loc["key", "p_value"] == pytest.approx(expected["p_value"])
    # small: unchanged 0 -> 0
    assert table.loc["small", "change"] == pytest.approx(0)
    assert not table.loc["small", "significant"]
    # premium: 2 responses now -> suppressed, no change shown although before had 6
    assert table.loc["premium", "suppressed"]
    assert np.isnan(table.loc["premium", "change"]) and np.isnan(table.loc["premium", "nps"])


def test_first_wave_has_no_change():
    now, _ = frames()
    table = segment_table(now, "tier")
    assert table["change"].isna().all() and not table["significant"].any()


def test_previous_wave_segment_suppressed_hides_change():
    now, before = frames()
    before = before[before["tier"] != "key"].copy()
    table = segment_table(now, "tier", previous=before).set_index("tier")
    assert np.isnan(table.loc["key", "change"]) and np.isnan(table.loc["key", "nps_prev"])


def test_segment_tables_with_pairs():
    now, before = frames()
    tables = segment_tables(now, ["tier", "role", "region"], [("tier", "role")], 2, before)
    assert set(tables) == {"tier", "role", "tier x role"}, "missing columns are skipped"
    cross = tables["tier x role"]
    assert cross["n"].sum() == len(now)
    assert list(cross.columns[:2]) == ["tier", "role"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ab"), st.sampled_from("xy"), st.integers(0, 10)),
        min_size=1,
        max_size=80,
    ),
    st.lists(
        st.tuples(st.sampled_from("ab"), st.sampled_from("xy"), st.integers(0, 10)),
        min_size=0,
        max_size=80,
    ),
    st.integers(1, 8),
)
def test_suppression_never_leaks(now_rows, before_rows, min_n):
    now = pd.DataFrame(now_rows, columns=["a", "b", "score"])
    before = pd.DataFrame(before_rows, columns=["a", "b", "score"])
    table = segment_table(now, ["a", "b"], min_n=min_n, previous=before)
    small = table[table["n"] < min_n]
    shown = [
        "nps",
        "ci_low",
        "ci_high",
        "pct_promoters",
        "pct_detractors",
        "promoters",
        "detractors",
        "passives",
        "change",
        "p_value",
        "nps_prev",
    ]
    assert small[shown].isna().all().all()
    assert not small["significant"].any()
    if len(before):
        prev_n = before.groupby(["a", "b"]).size()
        for row in table.itertuples(index=False):
            if prev_n.get((row.a, row.b), 0) < min_n:
                assert pd.isna(row.change) and pd.isna(row.nps_prev)
