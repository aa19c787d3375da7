import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.metrics.accounts import (
    account_rollup,
    key_accounts,
    revenue_at_risk,
    revenue_weighted_nps,
    revenue_weights,
)
from nps_helpers.metrics.scoring import nps_summary


def responses():
    rows = [
        # account, role, score, tier, arr, renewal
        ("A", "decision_maker", 3, "key", 1000.0, "2026-12-01"),
        ("A", "user", 10, "key", 1000.0, "2026-12-01"),
        ("A", "user", 9, "key", 1000.0, "2026-12-01"),
        ("B", "decision_maker", 10, "premium", 5000.0, "2027-09-01"),
        ("B", "user", 2, "premium", 5000.0, "2027-09-01"),
        ("C", "user", 8, "small", 100.0, "2027-01-15"),
        ("D", "decision_maker", 9, "small", 200.0, "2026-11-15"),
        ("E", "decision_maker", 5, "small", 300.0, "2028-01-01"),
    ]
    frame = pd.DataFrame(
        rows, columns=["account_id", "role", "score", "tier", "arr", "renewal_date"]
    )
    frame["account_name"] = "Acc " + frame["account_id"]
    frame["owner"] = "Olga"
    return frame


def test_rollup_by_hand():
    roll = account_rollup(responses()).set_index("account_id")
    a = roll.loc["A"]
    assert (a["n"], a["promoters"], a["detractors"]) == (3, 2, 1)
    assert a["nps"] == pytest.approx(100 / 3)
    assert (a["dm_n"], a["dm_detractors"], a["dm_mean_score"]) == (1, 1, 3)
    assert (a["user_n"], a["user_promoters"], a["user_nps"]) == (2, 2, 100)
    assert a["divergence"] == "dm_detract_users_promote" and a["status"] == "at_risk"
    assert roll.loc["B", "divergence"] == "users_detract_dm_promote"
    assert roll.loc["B", "status"] == "advocate"
    assert roll.loc["C", "status"] == "no_decision_maker" and roll.loc["C", "dm_n"] == 0
    assert roll.loc["D", "status"] == "advocate" and roll.loc["E", "status"] == "at_risk"
    assert list(roll.index) == ["B", "A", "E", "D", "C"], "largest revenue first"


def test_risk_rules():
    r = responses()
    by_dm = account_rollup(r, "decision_maker_nps_below", threshold=0).set_index("account_id")
    assert by_dm.loc["A", "status"] == "at_risk"  # dm NPS -100
    by_all = account_rollup(r, "account_nps_below", threshold=0).set_index("account_id")
    assert by_all.loc["A", "status"] == "advocate" or by_all.loc["A", "status"] == "stable"
    assert by_all.loc["E", "status"] == "at_risk"  # one detractor: NPS -100
    with pytest.raises(ValueError):
        account_rollup(r, "coin_flip")


def test_revenue_weights_and_weighted_nps_by_hand():
    r = responses()
    w = revenue_weights(r)
    assert w.tolist() == [1000 / 3] * 3 + [2500.0, 2500.0, 100.0, 200.0, 300.0]
    # weighted promoters: A users 2*333.3 + B dm 2500 + D 200 = 3366.7
    # weighted detractors: A dm 333.3 + B user 2500 + E 300 = 3133.3; total 6600
    s = revenue_weighted_nps(r)
    assert s["nps"] == pytest.approx((3366.667 - 3133.333) / 6600 * 100, abs=1e-3)
    plain = nps_summary(r["score"])
    assert plain["nps"] != pytest.approx(s["nps"])


def test_equal_revenue_one_respondent_each_is_plain_nps():
    r = responses().drop_duplicates("account_id").assign(arr=10.0)
    assert revenue_weighted_nps(r)["nps"] == pytest.approx(nps_summary(r["score"])["nps"])


def test_revenue_at_risk_orders_renewals_first():
    roll = account_rollup(responses())
    risk = revenue_at_risk(roll, dt.date(2026, 10, 31), horizon_days=182)
    # at risk: A (1000, renews 2026-12-01, soon) and E (300, renews 2028, later)
    assert risk["at_risk_arr"] == 1300 and risk["at_risk_accounts"] == 2
    assert risk["total_arr"] == 6600
    assert risk["share"] == pytest.approx(1300 / 6600 * 100)
    assert risk["renewing_soon_arr"] == 1000
    assert risk["accounts"]["account_id"].tolist() == ["A", "E"]
    assert risk["accounts"]["renews_soon"].tolist() == [True, False]


def test_key_accounts():
    roll = account_rollup(responses())
    assert key_accounts(roll, ["key", "premium"])["account_id"].tolist() == ["B", "A"]


def _counts_reference(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The roll-up's counts the plain pandas way (groupby), as it was first written."""
    s = frame["score"].astype(float)
    counts = frame.assign(_n=1, _p=(s >= 9).astype(int), _d=(s <= 6).astype(int), _s=s)
    g = counts.groupby("account_id", observed=True)[["_n", "_p", "_d", "_s"]].sum()
    return pd.DataFrame(
        {
            f"{prefix}n": g["_n"],
            f"{prefix}promoters": g["_p"],
            f"{prefix}detractors": g["_d"],
            f"{prefix}passives": g["_n"] - g["_p"] - g["_d"],
            f"{prefix}nps": (g["_p"] - g["_d"]) / g["_n"] * 100,
            f"{prefix}mean_score": g["_s"] / g["_n"],
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A3", "A1", "A2", "B7"]),
            st.integers(0, 10),
            st.sampled_from(["decision_maker", "user", "influencer"]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_rollup_counts_match_a_groupby(rows):
    r = pd.DataFrame(rows, columns=["account_id", "score", "role"])
    r["score"] = r["score"].astype("Int8")
    r["arr"] = r["account_id"].map({"A3": 5.0, "A1": 9.0, "A2": 1.0, "B7": 3.0})
    want = _counts_reference(r, "")
    for role, prefix in (("decision_maker", "dm_"), ("user", "user_")):
        want = want.join(_counts_reference(r[r["role"] == role], prefix))
    for col in want.columns:
        if not col.endswith(("nps", "mean_score")):
            want[col] = want[col].fillna(0).astype(int)
    got = account_rollup(r).set_index("account_id")[list(want.columns)]
    pd.testing.assert_frame_equal(got, want.loc[got.index])
