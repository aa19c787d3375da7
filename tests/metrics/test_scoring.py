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
    # d' 40.75/123): 71.711; se = sqrt(167.385) = 12.9377. MeasuringU's form centres on
    # the adjusted difference: 40/123 * 100 - 0 = 32.5203; z = 32.5203/12.9377 = 2.5136;
    # p = 2 * (1 - Phi(2.5136)) = 0.01195; CI = 32.5203 -+ 1.96 * 12.9377 = [7.163, 57.878]
    r = compare_waves(pd.Series([10] * 50 + [3] * 50), pd.Series([10, 10, 3] * 40))
    assert r["change"] == pytest.approx(100 / 3)
    assert r["change_adj"] == pytest.approx(100 * 40 / 123)
    assert r["se"] == pytest.approx(12.9377, abs=1e-4)
    assert r["p_value"] == pytest.approx(0.01195, abs=1e-5)
    assert r["ci_low"] == pytest.approx(7.163, abs=1e-3)
    assert r["ci_high"] == pytest.approx(57.878, abs=1e-3)
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
    assert row["p_value"] == pytest.approx(0.01195, abs=1e-5)  # as in test_compare_waves_by_hand
    assert compare_summaries(a.iloc[0].to_dict(), b.iloc[0].to_dict())["significant"]
    empty = compare_tables(a, pd.DataFrame([nps_summary(pd.Series([], dtype=float))]))
    assert np.isnan(empty.iloc[0]["change"]) and not empty.iloc[0]["significant"]


def test_array_likes_accepted_everywhere():
    for scores in ([10, 9, 8, 3], np.array([10, 9, 8, 3]), pd.Series([10, 9, 8, 3])):
        assert nps_summary(scores)["nps"] == 25.0
        assert classify(scores).tolist() == ["promoter", "promoter", "passive", "detractor"]
    r = compare_waves([10, 3] * 20, np.array([10, 10, 3] * 20), weights_b=[1.0] * 60)
    assert r["change"] == pytest.approx(100 / 3)


def test_weights_not_aligned_raise_instead_of_going_missing():
    scores = pd.Series([10, 3], index=[5, 6])
    with pytest.raises(ValueError, match="not aligned"):
        nps_summary(scores, weights=pd.Series([1.0, 2.0]))  # index 0, 1
    with pytest.raises(ValueError):
        nps_summary(scores, weights=[1.0, 2.0, 3.0])
    same = nps_summary(scores, weights=pd.Series([2.0, 1.0], index=[6, 5]))  # reordered
    assert same["nps"] == pytest.approx((1 - 2) / 3 * 100)  # promoter 1, detractor 2
    assert nps_summary(scores, weights=np.array([1.0, 1.0]))["nps"] == 0


def test_clustered_summary_by_hand():
    # accounts A: 10, 10; B: 3, 3; C: 8, 10 -> x = +1 +1 -1 -1 0 +1, n = 6, NPS = 1/6.
    # z_i = (x_i - 1/6) / 6: A 5/36 each, B -7/36 each, C -1/36 and 5/36;
    # cluster sums Z: A 10/36, B -14/36, C 4/36 (they add up to 0).
    # var_cl = G/(G-1) sum Z^2 = 3/2 * (100 + 196 + 16) / 1296 = 468/1296 = .361111
    # var_ind = n/(n-1) sum z^2 = 6/5 * (25 + 25 + 49 + 49 + 1 + 25) / 1296 = 208.8/1296
    # deff = 468 / 208.8 = 2.241379; n_eff = 6 / deff = 2.676923; G = 3, df = 2
    s = nps_summary([10, 10, 3, 3, 8, 10], clusters=["A", "A", "B", "B", "C", "C"])
    assert s["deff"] == pytest.approx(468 / 208.8)
    assert s["n_eff"] == pytest.approx(6 * 208.8 / 468)
    assert (s["n"], s["n_kish"], s["clusters"], s["df"]) == (6, 6, 3, 2)
    # adjusted Wald with n_eff: n' = 5.676923, p' = (.5 n_eff + .75)/n' = .367886,
    # d' = (n_eff/3 + .75)/n' = .289295, centre .078591, se = sqrt((.657181 - .006177)
    # / 5.676923) = .338639; t(2) = 4.302653: half 1.457 -> the whole range
    assert (s["ci_low"], s["ci_high"]) == (-100, 100)
    low, high = nps_interval(0.5, 1 / 3, s["n_eff"], df=2)
    assert (float(low), float(high)) == (-100, 100)
    # every respondent its own account: deff 1, n_eff = n, t with n - 1 = 5 df
    alone = nps_summary([10, 10, 3, 3, 8, 10], clusters=list("abcdef"))
    assert alone["deff"] == pytest.approx(1) and alone["n_eff"] == pytest.approx(6)
    low, high = nps_interval(0.5, 1 / 3, 6, df=5)
    assert (alone["ci_low"], alone["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    # every answer alike: no variance to measure, each account counts once (n_eff = G)
    same = nps_summary([10] * 6, clusters=list("aabbcc"))
    assert same["n_eff"] == pytest.approx(3)


def test_clustered_change_by_hand():
    # wave a: A 10, 3; B 10 -> x +1 -1 +1, NPS 1/3; wave b: A 10, 10; C 3 -> +1 +1 -1.
    # z = side * (x - 1/3) / 3: a (side -1): A -2/9, 4/9; B -2/9; b: A 2/9, 2/9; C -4/9.
    # cluster sums (A in both waves): A 6/9, B -2/9, C -4/9; G = 3.
    # var_cl = 3/2 * (36 + 4 + 16) / 81 = 84/81; var_ind = 3/2 * 24/81 * 2 = 72/81
    # deff = 84/72 = 1.166667. Adjusted (each wave n' 6, p' 2.75/6, d' 1.75/6):
    # var = (.75 - 1/36)/6 = .120370 per wave; se = sqrt(2 * .120370 * 1.166667) = .529966
    r = compare_waves([10, 3, 10], [10, 10, 3], clusters_a=list("AAB"), clusters_b=list("AAC"))
    assert r["deff"] == pytest.approx(84 / 72)
    assert r["se"] == pytest.approx(52.9966, abs=1e-3)
    assert r["change"] == 0 and r["p_value"] == pytest.approx(1)
    assert r["df"] == 1  # effective clusters (4 + 1 + 1)^2 / (16 + 1 + 1) = 2, so df = 1
    assert r["ci_low"] == -200 and r["ci_high"] == 200  # clipped to the scale


def test_same_accounts_in_both_waves_make_a_change_more_precise():
    # each account answers alike in both waves: the covariance cancels account effects
    rng = np.random.default_rng(3)
    acc = np.repeat(np.arange(60), 4)
    level = rng.choice([10, 8, 3], 60)[acc]
    a, b = level, np.where(rng.random(240) < 0.15, 10, level)
    independent = compare_waves(a, b)
    paired = compare_waves(a, b, clusters_a=acc, clusters_b=acc)
    assert paired["se"] < independent["se"] and paired["deff"] < 1
    assert paired["p_value"] < independent["p_value"]


def test_nps_by_with_clusters_matches_the_summary():
    frame = pd.DataFrame(
        {
            "seg": ["x"] * 6 + ["y"] * 4,
            "acc": ["A", "A", "B", "B", "C", "C", "A", "D", "D", "E"],
            "score": [10, 10, 3, 3, 8, 10, 9, 2, 7, 10],
        }
    )
    table = nps_by(frame, "seg", min_n=1, clusters="acc")
    for row in table.itertuples():
        part = frame[frame["seg"] == row.seg]
        s = nps_summary(part["score"], clusters=part["acc"])
        assert (row.ci_low, row.ci_high, row.deff) == (
            pytest.approx(s["ci_low"]),
            pytest.approx(s["ci_high"]),
            pytest.approx(s["deff"]),
        )
