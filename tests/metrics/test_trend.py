import datetime as dt

import numpy as np
import pandas as pd
import pytest

from nps_helpers.io import history
from nps_helpers.metrics.scoring import compare_waves
from nps_helpers.metrics.trend import nps_trend


def test_nps_trend_by_hand(tmp_path):
    a = pd.DataFrame({"score": [10, 10, 3, 3] * 10, "tier": ["key"] * 40})
    b = pd.DataFrame({"score": [10, 10, 10, 3] * 10, "tier": ["key"] * 40})
    history.write_wave(a, tmp_path, "w1", dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    history.write_wave(b, tmp_path, "w2", dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    trend = nps_trend(history.read_history(tmp_path))
    assert trend["nps"].tolist() == [0.0, 50.0]
    assert pd.isna(trend.loc[0, "change"]) and trend.loc[1, "change"] == 50
    assert trend.loc[1, "significant"]
    by_tier = nps_trend(history.read_history(tmp_path), "tier", min_n=50)
    assert by_tier["suppressed"].all() and by_tier["change"].isna().all()


def hand_history() -> pd.DataFrame:
    rows = (
        # w1 key: 10 promoters, 10 detractors of 20 -> NPS 0; w1 small: 3 responses
        [("w1", "key", s) for s in [10, 10, 3, 3] * 5]
        + [("w1", "small", s) for s in [10, 9, 2]]
        # w2 key: 15 promoters, 5 detractors of 20 -> +50; small 6 promoters -> +100;
        # premium only in w2: 3 promoters, 3 passives -> +50
        + [("w2", "key", s) for s in [10, 10, 10, 3] * 5]
        + [("w2", "small", 10)] * 6
        + [("w2", "premium", s) for s in [9, 9, 9, 8, 8, 7]]
    )
    frame = pd.DataFrame(rows, columns=["wave_id", "tier", "score"])
    frame["wave_id"] = pd.Categorical(frame["wave_id"], categories=["w1", "w2"], ordered=True)
    return frame


def test_nps_trend_by_segment_by_hand():
    h = hand_history()
    trend = nps_trend(h, "tier", min_n=5)
    assert trend[["wave_id", "tier"]].astype(str).values.tolist() == [
        ["w1", "key"],
        ["w1", "small"],
        ["w2", "key"],
        ["w2", "premium"],
        ["w2", "small"],
    ], "by wave, then segment"
    t = trend.set_index([trend["wave_id"].astype(str), "tier"])
    assert t.loc[("w1", "key"), "nps"] == pytest.approx(0)
    assert t.loc[("w2", "key"), "nps"] == pytest.approx(50)
    assert t.loc[("w2", "key"), "change"] == pytest.approx(50)
    expected = compare_waves(
        h.loc[(h["wave_id"] == "w1") & (h["tier"] == "key"), "score"],
        h.loc[(h["wave_id"] == "w2") & (h["tier"] == "key"), "score"],
    )
    assert t.loc[("w2", "key"), "p_value"] == pytest.approx(expected["p_value"])
    assert t.loc[("w2", "key"), "change_ci_low"] == pytest.approx(expected["ci_low"])
    assert bool(t.loc[("w2", "key"), "significant"]) == expected["significant"]
    # small: 3 responses in w1 are suppressed, so w2's +100 has no change to show
    assert t.loc[("w1", "small"), "suppressed"] and np.isnan(t.loc[("w1", "small"), "nps"])
    assert t.loc[("w2", "small"), "nps"] == pytest.approx(100)
    assert np.isnan(t.loc[("w2", "small"), "change"])
    assert not t.loc[("w2", "small"), "significant"]
    # premium: its first wave, no change
    assert t.loc[("w2", "premium"), "nps"] == pytest.approx(50)
    assert np.isnan(t.loc[("w2", "premium"), "change"])
    # a wave's first row of the whole history never has a change
    assert trend.loc[trend["wave_id"] == "w1", "change"].isna().all()


def test_nps_trend_overall_matches_the_waves():
    h = hand_history()
    trend = nps_trend(h, min_n=5)
    assert trend["wave_id"].astype(str).tolist() == ["w1", "w2"]
    # w1: 12 promoters, 11 detractors of 23 -> +4.35; w2: 24 promoters, 5 detractors of 32
    assert trend["n"].tolist() == [23, 32]
    assert trend.loc[0, "nps"] == pytest.approx((12 - 11) / 23 * 100)
    assert trend.loc[1, "nps"] == pytest.approx((24 - 5) / 32 * 100)
    assert trend.loc[1, "change"] == pytest.approx((24 - 5) / 32 * 100 - (12 - 11) / 23 * 100)
    expected = compare_waves(
        h.loc[h["wave_id"] == "w1", "score"], h.loc[h["wave_id"] == "w2", "score"]
    )
    assert trend.loc[1, "p_value"] == pytest.approx(expected["p_value"])


def test_trend_changes_take_accounts_across_both_waves_and_holm_over_the_table():
    h = hand_history()
    # accounts: the same two accounts answer in both waves
    h["account_id"] = np.where(np.arange(len(h)) % 2, "a1", "a2")
    trend = nps_trend(h, "tier", min_n=5, min_n_change=10)
    t = trend.set_index([trend["wave_id"].astype(str), "tier"])
    key = h["tier"] == "key"
    w1, w2 = key & (h["wave_id"] == "w1"), key & (h["wave_id"] == "w2")
    expected = compare_waves(
        h.loc[w1, "score"],
        h.loc[w2, "score"],
        clusters_a=h.loc[w1, "account_id"],
        clusters_b=h.loc[w2, "account_id"],
    )
    assert t.loc[("w2", "key"), "p_value"] == pytest.approx(expected["p_value"])
    assert t.loc[("w2", "key"), "change_ci_low"] == pytest.approx(expected["ci_low"])
    # one change shown (small and premium have none): Holm over one test keeps its p
    assert t.loc[("w2", "key"), "p_holm"] == pytest.approx(expected["p_value"])
    assert trend["p_holm"].notna().sum() == 1
    assert bool(t.loc[("w2", "key"), "flagged"]) == (expected["p_value"] < 0.05)
    # fewer than min_n_change responses in a wave: never flagged
    assert not nps_trend(h, "tier", min_n=5, min_n_change=21)["flagged"].any()
