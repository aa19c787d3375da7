"""The invitation list cut like the responses (prepare.invitations)."""

from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.errors import MappingError
from nps_helpers.params import CANONICAL_ROLES
from nps_helpers.prepare.invitations import invitation_segments, map_tiers, report_invitations


def test_invitation_segments_maps_roles_and_joins_accounts():
    inv = pd.DataFrame(
        {
            "contact_id": ["a", "b"],
            "account_id": ["A1", "A2"],
            "role": ["End User", "CFO"],
            "bounced": [False, False],
        }
    )
    acc = pd.DataFrame({"account_id": ["A1", "A2"], "tier": ["key", "small"]})
    got = invitation_segments(inv, acc, {"End User": "user"})
    assert got["role"].tolist() == ["user", "other"] and got["tier"].tolist() == ["key", "small"]


def test_invitation_segments_keeps_the_lists_own_columns_and_the_input():
    inv = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c"],
            "account_id": ["A1", "A9", "A1"],
            "owner": ["from the list", "x", "y"],
            "role": [" decision_maker ", "influencer", None],
        }
    )
    before = inv.copy()
    acc = pd.DataFrame({"account_id": ["A1"], "owner": ["from CRM"], "region": ["EU"]})
    got = invitation_segments(inv, acc)
    assert got["owner"].tolist() == ["from the list", "x", "y"], "the list's columns win"
    assert got["region"].fillna("none").tolist() == ["EU", "none", "EU"], "A9 is not in the CRM"
    assert got["role"].tolist() == ["decision_maker", "influencer", "other"]
    pd.testing.assert_frame_equal(inv, before)
    alone = invitation_segments(inv.drop(columns="role"))
    assert list(alone.columns) == ["contact_id", "account_id", "owner"] and alone is not inv


def params():
    return SimpleNamespace(
        role_map={"End User": "user", "CFO": "decision_maker"},
        tier_map={"Key Account": "key"},
        tiers=["small", "key", "premium"],
    )


def test_report_invitations_maps_tiers_and_roles_as_categories():
    inv = pd.DataFrame(
        {
            "contact_id": ["a", "b", "c", "d"],
            "account_id": ["A1", "A2", "A3", "A4"],
            "role": ["End User", "CFO", "Intern", "influencer"],
            "bounced": [False, True, False, False],
        }
    )
    acc = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4"],
            "tier": ["Key Account", "small", "premium", "Gold"],
            "arr": [1.0, 2.0, 3.0, 4.0],
        }
    )
    before = inv.copy()
    got = report_invitations(params(), inv, acc)
    assert list(got["tier"].cat.categories) == ["small", "key", "premium"]
    # Gold is in no tier: missing, not a new category
    assert got["tier"].astype(object).where(got["tier"].notna(), None).tolist() == [
        "key",
        "small",
        "premium",
        None,
    ]
    assert list(got["role"].cat.categories) == list(CANONICAL_ROLES)
    assert got["role"].tolist() == ["user", "decision_maker", "other", "influencer"]
    assert got["arr"].tolist() == [1.0, 2.0, 3.0, 4.0] and got["bounced"].tolist() == [
        False,
        True,
        False,
        False,
    ]
    pd.testing.assert_frame_equal(inv, before, obj="the invitation list is not changed")


def test_report_invitations_of_the_demo_wave(small_project, small_params):
    from nps_helpers.io import crm

    inv = crm.read_invitations(small_params.path(small_params.inputs.invitations))
    acc = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    got = report_invitations(small_params, inv, acc)
    assert len(got) == len(inv) and got["contact_id"].tolist() == inv["contact_id"].tolist()
    assert got["tier"].notna().all() and got["role"].notna().all()
    assert set(got["role"]) <= set(CANONICAL_ROLES) - {"other"}, "every demo role is mapped"


def test_report_invitations_of_a_minimal_list():
    """Issue 21: the README's minimal list (contact_id, account_id, bounced) has no
    roles; the report frame has none either (not a KeyError), its tiers still mapped."""
    inv = pd.DataFrame(
        {"contact_id": ["a", "b"], "account_id": ["A1", "A2"], "bounced": [False, True]}
    )
    acc = pd.DataFrame({"account_id": ["A1", "A2"], "tier": ["Key Account", "small"]})
    got = report_invitations(params(), inv, acc)
    assert "role" not in got.columns
    assert got["tier"].tolist() == ["key", "small"]
    assert list(got["tier"].cat.categories) == ["small", "key", "premium"]
    alone = report_invitations(params(), inv, None)
    assert list(alone.columns) == ["contact_id", "account_id", "bounced"]


def test_map_tiers_maps_the_crm_labels_once():
    """Issue 21: the account master keeps CRM labels ("Key Account"); mapped, coverage
    and plan see the tiers of params."""
    acc = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3", "A4", "A5"],
            "tier": [" Key Account", "small", "premium", "", None],
            "arr": [1.0, 2.0, 3.0, 4.0, 5.0],
        },
        index=[10, 11, 12, 13, 14],
    )
    before = acc.copy()
    got = map_tiers(params(), acc)
    assert list(got["tier"].cat.categories) == ["small", "key", "premium"]
    assert got["tier"].astype(object).where(got["tier"].notna(), None).tolist() == [
        "key",
        "small",
        "premium",
        None,  # no tier given: missing, not an error
        None,
    ]
    assert got.index.equals(acc.index) and got["arr"].tolist() == acc["arr"].tolist()
    pd.testing.assert_frame_equal(acc, before, obj="the master is not changed")
    no_tier = acc.drop(columns="tier")
    assert map_tiers(params(), no_tier) is no_tier


def test_map_tiers_names_an_unmapped_label_or_leaves_it_missing():
    acc = pd.DataFrame({"account_id": ["A1", "A2", "A3"], "tier": ["Gold", "Gold", "key"]})
    with pytest.raises(MappingError, match=r"'Gold' \(2 rows\).*tier_map"):
        map_tiers(params(), acc)
    loose = map_tiers(params(), acc, strict=False)
    assert loose["tier"].isna().tolist() == [True, True, False]


@given(st.lists(st.sampled_from(["small", "key", "premium", "Key Account", " key "]), max_size=12))
def test_map_tiers_is_the_tier_map_and_maps_once(labels):
    """Each label is its tier_map entry or itself; mapping the mapped frame changes nothing."""
    acc = pd.DataFrame({"account_id": [f"A{i}" for i in range(len(labels))], "tier": labels})
    got = map_tiers(params(), acc)
    want = [{"Key Account": "key"}.get(t.strip(), t.strip()) for t in labels]
    assert got["tier"].astype(str).tolist() == want
    pd.testing.assert_frame_equal(map_tiers(params(), got), got)
