"""The next wave's invitation plan: who to invite, respecting a cool-down, covering
every key account's decision-makers and users, and sliced evenly across the field period."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def plan_invitations(
    contacts: pd.DataFrame,
    history: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    cooldown_days: int = 150,
    key_tiers: tuple[str, ...] = ("key", "premium"),
    slices: int = 4,
    slice_by: tuple[str, ...] = ("tier", "region"),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Propose the invitations of the next wave.

    Parameters
    ----------
    contacts
        The contact base: contact_id, account_id, role (canonical) and the account
        attributes (tier, region, ...), e.g. the latest invitation list with accounts.
        Without a role column (a minimal invitation list) no contact is known to be a
        decision-maker or user, and every key account is a gap for that reason.
    history
        Every past invitation: contact_id, invited_at (date) and bounced. Without
        ``invited_at`` no invitation is known to be recent: no cool-down applies.
    start, end
        The next wave's field period.
    cooldown_days
        A contact invited less than this many days before ``start`` is not invited.
    key_tiers
        Accounts of these tiers need a decision-maker and a user in the plan.
    slices
        The field period is cut into this many send dates; every segment of
        ``slice_by`` is spread evenly over them.

    Returns
    -------
    (plan, gaps)
        ``plan``: the contacts to invite with their send date and slice, and ``gaps``:
        key accounts that lack an invitable decision-maker or user, with the reason.
        Contacts left out are in ``plan`` too, with ``invite`` False and the reason.
    """
    past = history.copy()
    past["invited_at"] = pd.to_datetime(
        past["invited_at"] if "invited_at" in past.columns else pd.NaT, errors="coerce"
    )
    last = past.sort_values("invited_at").groupby("contact_id").last()
    base = contacts.drop_duplicates("contact_id").copy()
    base["last_invited"] = base["contact_id"].map(last["invited_at"])
    bounced = base["contact_id"].map(last["bounced"]).astype("boolean")
    base["last_bounced"] = bounced.fillna(False).astype(bool)
    since = (pd.Timestamp(start) - base["last_invited"]).dt.days
    cooling = since.notna() & (since < cooldown_days)
    base["invite"] = ~cooling & ~base["last_bounced"]
    base["reason"] = np.select(
        [cooling, base["last_bounced"]],
        [
            f"invited within the {cooldown_days}-day cool-down",
            "last invitation bounced: check the address",
        ],
        "",
    )
    # even slices: within each segment, contacts go round-robin over the send dates
    keys = [c for c in slice_by if c in base.columns]
    chosen = base[base["invite"]].sort_values([*keys, "account_id", "contact_id"])
    rank = (
        chosen.groupby(keys, observed=True, dropna=False).cumcount()
        if keys
        else pd.Series(np.arange(len(chosen)), index=chosen.index)
    )
    span = max((end - start).days, 0)
    step = span / slices if slices else 0
    base["slice"] = pd.Series(dtype="Int64")
    base.loc[chosen.index, "slice"] = (rank % max(slices, 1) + 1).astype("Int64")
    base["send_on"] = base["slice"].map(
        lambda s: (
            (start + dt.timedelta(days=int(round((s - 1) * step)))).isoformat()
            if pd.notna(s)
            else ""
        )
    )
    # key-account coverage
    gaps = []
    key = base[base["tier"].astype(str).isin(key_tiers)]
    roles_known = "role" in key.columns
    for account, people in key.groupby("account_id", sort=True):
        for role in ("decision_maker", "user"):
            of_role = people[people["role"].astype(str) == role] if roles_known else people[:0]
            if of_role["invite"].any():
                continue
            why = (
                f"no {role.replace('_', '-')} among its contacts"
                if of_role.empty
                else f"every {role.replace('_', '-')} is in the cool-down or bounced"
            )
            if not roles_known:
                why = "roles unknown: the invitation list has no role column"
            gaps.append(
                {
                    "account_id": account,
                    "tier": str(people["tier"].iloc[0]),
                    "missing_role": role,
                    "reason": why,
                }
            )
    plan = base.sort_values(
        ["invite", "slice", *keys, "account_id", "contact_id"],
        ascending=[False, True, *([True] * len(keys)), True, True],
    )
    return plan.reset_index(drop=True), pd.DataFrame(
        gaps, columns=["account_id", "tier", "missing_role", "reason"]
    )
