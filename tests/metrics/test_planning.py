import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd

from nps_helpers.metrics.planning import plan_invitations


def contacts():
    rows = []
    for acc, tier in (("K1", "key"), ("K2", "premium"), ("S1", "small")):
        for i, role in enumerate(("decision_maker", "user", "user", "influencer")):
            rows.append(
                {
                    "contact_id": f"{acc}-{i}",
                    "account_id": acc,
                    "tier": tier,
                    "region": "EMEA" if i % 2 else "APAC",
                    "role": role,
                }
            )
    return pd.DataFrame(rows)


def test_cooldown_bounces_and_key_account_rule():
    c = contacts()
    history = pd.DataFrame(
        {
            "contact_id": ["K1-0", "K1-1", "K2-0", "S1-2"],
            "invited_at": ["2026-12-01", "2026-01-01", "2026-10-01", "2026-01-01"],
            "bounced": [False, False, False, True],
        }
    )
    plan, gaps = plan_invitations(
        c, history, dt.date(2027, 2, 1), dt.date(2027, 2, 28), cooldown_days=150, slices=2
    )
    out = plan.set_index("contact_id")
    assert not out.loc["K1-0", "invite"] and "cool-down" in out.loc["K1-0", "reason"]
    assert out.loc["K1-1", "invite"], "invited a year ago: past the cool-down"
    assert not out.loc["S1-2", "invite"] and "bounced" in out.loc["S1-2", "reason"]
    # K1's only decision-maker (K1-0, 62 days ago) and K2's (K2-0, 123 days) are cooling
    assert sorted(gaps["account_id"]) == ["K1", "K2"]
    assert set(gaps["missing_role"]) == {"decision_maker"}
    assert (gaps["reason"].str.contains("cool-down")).all()


def test_even_slices_and_dates():
    c = pd.concat(
        [contacts().assign(contact_id=lambda f, k=k: f["contact_id"] + f"-{k}") for k in range(4)],
        ignore_index=True,
    )
    plan, _ = plan_invitations(
        c,
        pd.DataFrame(columns=["contact_id", "invited_at", "bounced"]),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 29),
        slices=4,
    )
    assert plan["invite"].all()
    per_slice = plan.groupby("slice").size()
    assert per_slice.max() - per_slice.min() <= 2
    mix = plan.groupby(["slice", "tier"]).size().unstack()
    assert (mix.max() - mix.min()).max() <= 1, "each tier spread evenly over the slices"
    assert sorted(plan["send_on"].unique()) == [
        "2027-04-01",
        "2027-04-08",
        "2027-04-15",
        "2027-04-22",
    ]
    again, _ = plan_invitations(
        c,
        pd.DataFrame(columns=["contact_id", "invited_at", "bounced"]),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 29),
        slices=4,
    )
    pd.testing.assert_frame_equal(plan, again)


def test_no_contact_of_a_role_is_a_gap():
    c = contacts()
    c = c[~((c["account_id"] == "K2") & (c["role"] == "user"))]
    _, gaps = plan_invitations(
        c,
        pd.DataFrame(columns=["contact_id", "invited_at", "bounced"]),
        dt.date(2027, 4, 1),
        dt.date(2027, 4, 29),
    )
    assert gaps.to_dict("records") == [
        {
            "account_id": "K2",
            "tier": "premium",
            "missing_role": "user",
            "reason": "no user among its contacts",
        }
    ]


def test_crm_tiers_mapped_by_tier_map_are_planned_as_key_accounts():
    """Issue 21: with CRM tiers like "Key Account", plan found no key-account gaps; with
    the master mapped by tier_map (as ``nps-wave plan`` does) K1's cooling decision-maker
    is a gap again."""
    from types import SimpleNamespace

    from nps_helpers.prepare.invitations import map_tiers

    labels = {"key": "Key Account", "premium": "Premium Partner", "small": "Small Business"}
    crm = contacts().assign(tier=lambda f: f["tier"].map(labels))
    history = pd.DataFrame(
        {"contact_id": ["K1-0"], "invited_at": ["2027-03-01"], "bounced": [False]}
    )
    start, end = dt.date(2027, 4, 1), dt.date(2027, 4, 29)
    _, unmapped = plan_invitations(crm, history, start, end)
    assert unmapped.empty, "the bug: no tier is key"
    params = SimpleNamespace(
        tiers=["small", "key", "premium"], tier_map={v: k for k, v in labels.items()}
    )
    _, gaps = plan_invitations(map_tiers(params, crm), history, start, end)
    assert gaps[["account_id", "tier", "missing_role"]].values.tolist() == [
        ["K1", "key", "decision_maker"]
    ]


def test_plan_command(project):
    nps_wave = str(Path(sys.executable).with_name("nps-wave"))
    proc = subprocess.run(
        [
            nps_wave,
            "plan",
            "2027-H1",
            "--start",
            "2027-04-01",
            "--end",
            "2027-04-30",
            "--root",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "from 2 wave(s) of invitations" in proc.stdout
    plan = pd.read_csv(project / "reports" / "plan" / "2027-H1" / "invitation_plan.csv")
    assert plan["invite"].any() and set(plan.loc[plan["invite"], "slice"]) == {1, 2, 3, 4}
    bad = subprocess.run(
        [
            nps_wave,
            "plan",
            "2027-H1",
            "--start",
            "2027-04-30",
            "--end",
            "2027-04-01",
            "--root",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "before --start" in bad.stderr


def test_a_minimal_list_plans_without_roles_or_dates():
    """Issue 21: a minimal invitation list (contact_id, account_id, bounced) has no role
    and no invited_at: nobody is cooling down, bounces still count, and every key
    account is a gap because no contact is known to be a decision-maker or user."""
    c = contacts().drop(columns="role")
    history = pd.DataFrame({"contact_id": ["K1-0", "S1-2"], "bounced": [False, True]})
    plan, gaps = plan_invitations(c, history, dt.date(2027, 4, 1), dt.date(2027, 4, 29))
    out = plan.set_index("contact_id")
    assert out["invite"].sum() == 11 and not out.loc["S1-2", "invite"]
    assert "bounced" in out.loc["S1-2", "reason"]
    assert out.loc["K1-0", "invite"], "no date: no cool-down known"
    assert gaps[["account_id", "missing_role"]].values.tolist() == [
        ["K1", "decision_maker"],
        ["K1", "user"],
        ["K2", "decision_maker"],
        ["K2", "user"],
    ]
    assert (gaps["reason"] == "roles unknown: the invitation list has no role column").all()
