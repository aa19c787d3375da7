"""Response rates and account coverage (metrics.coverage)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.metrics.coverage import account_coverage, response_rate, response_rate_by


def test_response_rate():
    inv = pd.DataFrame({"contact_id": ["a", "b", "c", "d"], "bounced": [False, False, True, False]})
    got = response_rate(pd.DataFrame({"respondent_id": ["a", "c", "z"]}), inv)
    assert got == dict(invited=4, bounced=1, reached=3, responded=1, rate=pytest.approx(100 / 3))


def test_response_rate_counts_a_contact_once_and_none_reached_is_no_rate():
    inv = pd.DataFrame({"contact_id": ["a", "a", "b"], "bounced": [True, False, True]})
    got = response_rate(pd.DataFrame({"respondent_id": ["a"]}), inv)
    # a's first invitation bounced; nobody reached, so no rate (not 0%)
    assert {k: v for k, v in got.items() if k != "rate"} == dict(
        invited=2, bounced=2, reached=0, responded=0
    )
    assert np.isnan(got["rate"])


def test_response_rate_by_segment_and_target():
    inv = pd.DataFrame(
        {
            "contact_id": list("abcdef"),
            "tier": ["key"] * 3 + ["small"] * 3,
            "bounced": [False, False, True, False, False, False],
        }
    )
    got = response_rate_by(
        pd.DataFrame({"respondent_id": ["a", "b", "d"]}), inv, "tier", target=50
    ).set_index("tier")
    # key: 3 invited, 1 bounced, 2 reached, 2 answered -> 100%; small: 1 of 3 -> 33%
    assert got.loc["key", ["invited", "bounced", "reached", "responded"]].tolist() == [3, 1, 2, 2]
    assert got.loc["key", "rate"] == 100 and not got.loc["key", "below_target"]
    assert got.loc["small", "rate"] == pytest.approx(100 / 3) and got.loc["small", "below_target"]


def test_account_coverage_by_hand():
    acc = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D"],
            "tier": ["key", "key", "small", "premium"],
            "arr": [100.0, 300.0, 50.0, 550.0],
        }
    )
    inv = pd.DataFrame({"account_id": ["A", "B", "C"], "contact_id": ["a", "b", "c"]})
    resp = pd.DataFrame({"account_id": ["A", "A", "C"], "role": ["decision_maker", "user", "user"]})
    got = account_coverage(resp, acc, inv, ["key", "premium"])
    # base: invited accounts A, B, C (D was not invited); answered A and C
    assert got["accounts"] == 3 and got["accounts_responded"] == 2
    assert got["account_coverage"] == pytest.approx(200 / 3)
    assert (got["key_accounts"], got["key_accounts_with_dm"]) == (2, 1)
    assert got["key_dm_coverage"] == 50
    assert (got["arr_total"], got["arr_covered"]) == (450, 150)
    assert got["revenue_coverage"] == pytest.approx(100 / 3)
    everyone = account_coverage(resp, acc, None, ["key", "premium"])
    assert everyone["accounts"] == 4


def test_account_coverage_of_a_crm_master_counts_key_accounts_once_mapped():
    """Issue 21: with CRM tiers like "Key Account" the coverage card read "0 of 0": the
    stored master kept the CRM labels. Mapped by tier_map (prepare.invitations.map_tiers,
    as the wave stores it) the key accounts count."""
    from types import SimpleNamespace

    from nps_helpers.prepare.invitations import map_tiers

    crm = pd.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "tier": ["Key Account", "Key Account", "Small Business"],
            "arr": [100.0, 300.0, 50.0],
        }
    )
    resp = pd.DataFrame({"account_id": ["A", "C"], "role": ["decision_maker", "user"]})
    raw = account_coverage(resp, crm, None, ["key", "premium"])
    assert (raw["key_accounts"], raw["key_accounts_with_dm"]) == (0, 0), "the bug"
    params = SimpleNamespace(
        tiers=["small", "key", "premium"],
        tier_map={"Key Account": "key", "Small Business": "small"},
    )
    got = account_coverage(resp, map_tiers(params, crm), None, ["key", "premium"])
    # key: A and B; A's decision-maker answered
    assert (got["key_accounts"], got["key_accounts_with_dm"]) == (2, 1)
    assert got["key_dm_coverage"] == 50
    assert {k: v for k, v in got.items() if not k.startswith("key")} == {
        k: v for k, v in raw.items() if not k.startswith("key")
    }


def _rate_by_reference(responses, invitations, by, target):
    """response_rate_by as first written: the whole list deduplicated, a set lookup."""
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    inv = invitations.drop_duplicates("contact_id")
    answered = inv["contact_id"].isin(set(responses["respondent_id"]))
    frame = pd.DataFrame(
        {
            "invited": 1,
            "bounced": inv["bounced"].astype(int),
            "reached": (~inv["bounced"]).astype(int),
            "responded": (answered & ~inv["bounced"]).astype(int),
        },
        index=inv.index,
    )
    if keys:
        frame = pd.concat([inv[keys], frame], axis=1)
        out = frame.groupby(keys, observed=True, dropna=False).sum().reset_index()
    else:
        out = frame.sum().to_frame().T
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = out["responded"] / out["reached"].replace(0, np.nan) * 100
    out["below_target"] = (out["rate"] < target) if target is not None else False
    return out


@settings(max_examples=40, deadline=None)
@given(
    invited=st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
            st.booleans(),
            st.sampled_from(["key", "small", None]),
            st.sampled_from(["a", "b"]),
        ),
        min_size=1,
        max_size=25,
    ),
    answered=st.lists(st.sampled_from(["c1", "c2", "c3", "c9"]), unique=True),
    by=st.sampled_from([None, "tier", "owner", ["tier", "owner"], "contact_id"]),
)
def test_response_rate_by_is_the_reference(invited, answered, by):
    """Each contact counted once (its first invitation), whatever the segment."""
    invitations = pd.DataFrame(invited, columns=["contact_id", "bounced", "tier", "owner"])
    invitations.index = invitations.index * 3 + 1
    responses = pd.DataFrame({"respondent_id": answered}, dtype=object)
    pd.testing.assert_frame_equal(
        response_rate_by(responses, invitations, by, 40.0),
        _rate_by_reference(responses, invitations, by, 40.0),
        check_exact=True,
    )
