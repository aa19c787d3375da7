import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.scoring import CATEGORIES, classify, nps_by, nps_summary

scores_lists = st.lists(st.integers(0, 10), min_size=1, max_size=300)


def test_classify_boundaries():
    got = classify(pd.Series([0, 6, 7, 8, 9, 10])).tolist()
    assert got == ["detractor", "detractor", "passive", "passive", "promoter", "promoter"]
    assert list(classify(pd.Series([5])).cat.categories) == list(CATEGORIES)


def test_classify_keeps_missing_and_rejects_out_of_range():
    got = classify(pd.Series([9, None], dtype="Int8"))
    assert got.iloc[0] == "promoter" and pd.isna(got.iloc[1])
    with pytest.raises(ValueError):
        classify(pd.Series([11]))


def test_nps_summary_by_hand():
    # 3 promoters, 1 passive, 2 detractors of 6: NPS = (3 - 2) / 6 * 100
    s = nps_summary(pd.Series([10, 9, 9, 7, 6, 0]))
    assert (s["n"], s["promoters"], s["passives"], s["detractors"]) == (6, 3, 1, 2)
    assert s["nps"] == pytest.approx(100 / 6)
    p, d = 0.5, 2 / 6
    half = 1.959964 * math.sqrt((p + d - (p - d) ** 2) / 6) * 100
    assert s["ci_low"] == pytest.approx(100 / 6 - half, abs=1e-3)
    assert s["ci_high"] == pytest.approx(100 / 6 + half, abs=1e-3)


def test_nps_summary_empty_and_missing():
    s = nps_summary(pd.Series([], dtype=float))
    assert s["n"] == 0 and math.isnan(s["nps"])
    assert nps_summary(pd.Series([10, None]))["n"] == 1


def test_confidence_checked():
    with pytest.raises(ValueError):
        nps_summary(pd.Series([1, 2]), confidence=1.5)


@given(scores_lists)
def test_summary_invariants(scores):
    s = nps_summary(pd.Series(scores))
    assert s["promoters"] + s["passives"] + s["detractors"] == s["n"] == len(scores)
    assert -100 <= s["ci_low"] <= s["nps"] <= s["ci_high"] <= 100
    total = s["pct_promoters"] + s["pct_passives"] + s["pct_detractors"]
    assert total == pytest.approx(100)
    assert s["nps"] == pytest.approx(s["pct_promoters"] - s["pct_detractors"])


@settings(max_examples=50)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 10)), min_size=1, max_size=200),
    st.integers(1, 10),
)
def test_nps_by_agrees_with_summary(rows, min_n):
    frame = pd.DataFrame(rows, columns=["seg", "score"])
    table = nps_by(frame, "seg", min_n=min_n)
    assert table["n"].sum() == len(frame)
    for row in table.itertuples(index=False):
        expected = nps_summary(frame.loc[frame["seg"] == row.seg, "score"])
        if row.n < min_n:
            assert row.suppressed and np.isnan(row.nps) and pd.isna(row.promoters)
        else:
            assert not row.suppressed
            assert row.nps == pytest.approx(expected["nps"])
            assert row.ci_low == pytest.approx(expected["ci_low"])
            assert row.promoters == expected["promoters"]


def test_nps_by_pairs_and_order():
    frame = pd.DataFrame(
        {
            "tier": ["key"] * 6 + ["small"] * 2,
            "role": ["user"] * 8,
            "score": [10, 10, 9, 8, 3, 2, 10, 10],
        }
    )
    table = nps_by(frame, ["tier", "role"], min_n=5)
    assert table[["tier", "role"]].values.tolist() == [["key", "user"], ["small", "user"]]
    assert table.loc[0, "nps"] == pytest.approx((3 - 2) / 6 * 100)
    assert table.loc[1, "suppressed"] and np.isnan(table.loc[1, "nps"])
