import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.metrics.scoring import (
    CATEGORIES,
    classify,
    compare_summaries,
    compare_tables,
    compare_waves,
    nps_by,
    nps_interval,
    nps_summary,
    nps_variance,
    z_value,
)

scores_lists = st.lists(st.integers(0, 10), min_size=1, max_size=300)
Z = 1.959964


def test_classify_boundaries():
    got = classify(pd.Series([0, 6, 7, 8, 9, 10])).tolist()
    assert got == ["detractor", "detractor", "passive", "passive", "promoter", "promoter"]
    assert list(classify(pd.Series([5])).cat.categories) == list(CATEGORIES)


@pytest.mark.parametrize("score", range(11))
def test_nps_thresholds_promoters_9_10_detractors_0_6(score):
    want = "promoter" if score >= 9 else ("detractor" if score <= 6 else "passive")
    assert classify(pd.Series([score])).iloc[0] == want


@given(scores_lists)
def test_classify_counts_are_the_thresholds(scores):
    got = classify(pd.Series(scores)).value_counts()
    assert got["promoter"] == sum(s in (9, 10) for s in scores)
    assert got["detractor"] == sum(0 <= s <= 6 for s in scores)
    assert got["passive"] == sum(s in (7, 8) for s in scores)
    s = nps_summary(pd.Series(scores))
    assert (s["promoters"], s["detractors"]) == (got["promoter"], got["detractor"])


def test_classify_keeps_missing_and_rejects_out_of_range():
    got = classify(pd.Series([9, None], dtype="Int8"))
    assert got.iloc[0] == "promoter" and pd.isna(got.iloc[1])
    with pytest.raises(ValueError):
        classify(pd.Series([11]))


def test_nps_summary_by_hand():
    # 3 promoters, 1 passive, 2 detractors of 6: NPS = (3 - 2) / 6 * 100 = 16.67.
    # Adjusted Wald: n' = 6 + 3 = 9, p' = (3 + .75) / 9 = .416667, d' = (2 + .75) / 9 = .305556,
    # centre = .111111, var = (p' + d' - centre^2) / n' = (.722222 - .012346) / 9 = .078875,
    # half width = 1.959964 * sqrt(.078875) = .550450 -> [-43.93, 66.16]
    s = nps_summary(pd.Series([10, 9, 9, 7, 6, 0]))
    assert (s["n"], s["promoters"], s["passives"], s["detractors"]) == (6, 3, 1, 2)
    assert s["nps"] == pytest.approx(100 / 6)
    assert s["pct_passives"] == pytest.approx(100 / 6)
    assert s["ci_low"] == pytest.approx(-43.934, abs=1e-3)
    assert s["ci_high"] == pytest.approx(66.156, abs=1e-3)
    assert s["n_eff"] == 6


def test_interval_behaves_at_the_edges():
    # all 20 promoters: Wald would give [100, 100]; adjusted: n' = 23, p' = 20.75/23,
    # d' = .75/23, centre = 20/23 = .869565, var = (21.5/23 - .756144)/23 = .007769,
    # half = 1.959964 * .088141 = .172754 -> low 69.68, high clipped at 100
    s = nps_summary(pd.Series([10] * 20))
    assert s["nps"] == 100 and s["ci_high"] == 100
    assert s["ci_low"] == pytest.approx(69.68, abs=0.01)
    one = nps_summary(pd.Series([9]))
    assert one["ci_low"] < 100 and one["ci_high"] == 100, "widened to contain the estimate"


def test_weighted_summary_by_hand():
    # promoter weight 3, detractor weight 1: p = .75, d = .25, NPS 50;
    # Kish n_eff = (3 + 1)^2 / (9 + 1) = 1.6
    s = nps_summary(pd.Series([10, 0]), weights=pd.Series([3.0, 1.0]))
    assert s["nps"] == pytest.approx(50) and s["n_eff"] == pytest.approx(1.6)
    assert s["n"] == 2 and s["promoters"] == 1
    low, high = nps_interval(0.75, 0.25, 1.6)
    assert (s["ci_low"], s["ci_high"]) == (pytest.approx(float(low)), pytest.approx(float(high)))
    with pytest.raises(ValueError):
        nps_summary(pd.Series([1]), weights=pd.Series([-1.0]))


def test_nps_summary_empty_and_missing():
    s = nps_summary(pd.Series([], dtype=float))
    assert s["n"] == 0 and math.isnan(s["nps"])
    assert nps_summary(pd.Series([10, None]))["n"] == 1


def test_confidence_checked():
    assert z_value(0.95) == pytest.approx(Z, abs=1e-6)
    with pytest.raises(ValueError):
        nps_summary(pd.Series([1, 2]), confidence=1.5)


def test_compare_waves_by_hand():
    # a: 50 promoters, 50 detractors of 100 -> NPS 0; b: 80 and 40 of 120 -> NPS 33.33.
    # adjusted variances: a (n' 103, p' = d' = 50.75/103): 95.673; b (n' 123, p' 80.75/123,
    # d' 40.75/123): 71.711; se = sqrt(167.385) = 12.9377; z = 33.333/12.9377 = 2.5764;
    # p = 2 * (1 - Phi(2.5764)) = 0.00998; CI = 33.333 -+ 1.96 * 12.9377 = [7.98, 58.69]
    r = compare_waves(pd.Series([10] * 50 + [3] * 50), pd.Series([10, 10, 3] * 40))
    assert r["change"] == pytest.approx(100 / 3)
    assert r["p_value"] == pytest.approx(0.00998, abs=1e-4)
    assert r["ci_low"] == pytest.approx(7.976, abs=1e-3)
    assert r["ci_high"] == pytest.approx(58.691, abs=1e-3)
    assert r["significant"] and (r["n_a"], r["n_b"]) == (100, 120)
    assert nps_variance(0.5, 0.5, 100) == pytest.approx(95.673, abs=1e-3)


def test_small_change_is_not_significant():
    r = compare_waves(pd.Series([10, 8, 3] * 10), pd.Series([10, 10, 8, 3] * 8))
    assert r["change"] == pytest.approx(25)  # from 0 (10 of 30 vs 10 of 30) to 25 (16-8 of 32)
    assert not r["significant"] and r["p_value"] > 0.05


@given(scores_lists)
def test_summary_invariants(scores):
    s = nps_summary(pd.Series(scores))
    assert s["promoters"] + s["passives"] + s["detractors"] == s["n"] == len(scores)
    assert -100 <= s["ci_low"] <= s["nps"] <= s["ci_high"] <= 100
    total = s["pct_promoters"] + s["pct_passives"] + s["pct_detractors"]
    assert total == pytest.approx(100)
    assert s["nps"] == pytest.approx(s["pct_promoters"] - s["pct_detractors"])


@given(scores_lists, st.floats(0.01, 1e6))
def test_equal_weights_give_the_plain_nps(scores, w):
    plain = nps_summary(pd.Series(scores))
    weighted = nps_summary(pd.Series(scores), weights=pd.Series([w] * len(scores)))
    for key in ("nps", "ci_low", "ci_high", "pct_promoters", "pct_detractors", "n_eff"):
        assert weighted[key] == pytest.approx(plain[key], rel=1e-9, abs=1e-9), key


@given(st.lists(st.tuples(st.integers(0, 10), st.floats(0, 1e6)), min_size=1, max_size=100))
def test_weighted_invariants(pairs):
    scores = [s for s, _ in pairs]
    w = pd.Series([x for _, x in pairs])
    s = nps_summary(pd.Series(scores), weights=w)
    if w.sum() > 0:
        assert -100 <= s["ci_low"] <= s["nps"] <= s["ci_high"] <= 100
        assert s["pct_promoters"] + s["pct_passives"] + s["pct_detractors"] == pytest.approx(100)
        assert 1 - 1e-9 <= s["n_eff"] <= len(scores) + 1e-9


@settings(max_examples=50)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 10)), min_size=1, max_size=200),
    st.integers(1, 10),
)
def test_nps_by_agrees_with_summary_and_never_leaks(rows, min_n):
    frame = pd.DataFrame(rows, columns=["seg", "score"])
    table = nps_by(frame, "seg", min_n=min_n)
    assert table["n"].sum() == len(frame)
    for row in table.itertuples(index=False):
        expected = nps_summary(frame.loc[frame["seg"] == row.seg, "score"])
        if row.n < min_n:
            assert row.suppressed
            assert all(
                pd.isna(getattr(row, c))
                for c in (
                    "nps",
                    "ci_low",
                    "ci_high",
                    "promoters",
                    "passives",
                    "detractors",
                    "pct_promoters",
                    "pct_passives",
                    "pct_detractors",
                )
            )
        else:
            assert not row.suppressed
            assert row.nps == pytest.approx(expected["nps"])
            assert row.ci_low == pytest.approx(expected["ci_low"])
            assert row.ci_high == pytest.approx(expected["ci_high"])
            assert row.promoters == expected["promoters"]


def test_nps_by_weighted_matches_summary():
    frame = pd.DataFrame({"seg": ["a"] * 4, "score": [10, 10, 3, 8], "w": [1.0, 2.0, 4.0, 1.0]})
    row = nps_by(frame, "seg", weights="w", min_n=1).iloc[0]
    s = nps_summary(frame["score"], weights=frame["w"])
    assert row["nps"] == pytest.approx(s["nps"]) and row["n_eff"] == pytest.approx(s["n_eff"])


def test_nps_by_pairs_and_category_order():
    frame = pd.DataFrame(
        {
            "tier": pd.Categorical(
                ["small"] * 2 + ["key"] * 6, categories=["small", "key", "premium"]
            ),
            "role": ["user"] * 8,
            "score": [10, 10, 10, 10, 9, 8, 3, 2],
        }
    )
    table = nps_by(frame, ["tier", "role"], min_n=5)
    assert table[["tier", "role"]].astype(str).values.tolist() == [
        ["small", "user"],
        ["key", "user"],
    ]
    assert table.loc[1, "nps"] == pytest.approx((3 - 2) / 6 * 100)
    assert table.loc[0, "suppressed"] and np.isnan(table.loc[0, "nps"])


def test_compare_tables_aligned_and_summaries():
    a = pd.DataFrame([nps_summary(pd.Series([10, 3] * 50))])
    b = pd.DataFrame([nps_summary(pd.Series([10, 10, 3] * 40))])
    row = compare_tables(a, b).iloc[0]
    assert row["p_value"] == pytest.approx(0.00998, abs=1e-4)
    assert compare_summaries(a.iloc[0].to_dict(), b.iloc[0].to_dict())["significant"]
    empty = compare_tables(a, pd.DataFrame([nps_summary(pd.Series([], dtype=float))]))
    assert np.isnan(empty.iloc[0]["change"]) and not empty.iloc[0]["significant"]
