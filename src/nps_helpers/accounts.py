"""Accounts: roll-up of their people, status from their key people, revenue weighting
and revenue at risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.frames import sort_rows
from nps_helpers.scoring import nps_summary

STATUSES = ("at_risk", "stable", "advocate", "no_decision_maker")
DIVERGENCE = {
    "dm_detract_users_promote": "decision-makers detract while users promote",
    "users_detract_dm_promote": "users detract while decision-makers promote",
}
ACCOUNT_ATTRIBUTES = ("account_name", "tier", "industry", "region", "arr", "owner", "renewal_date")


def _group_counts(frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    s = frame["score"].astype(float)
    counts = frame.assign(_n=1, _p=(s >= 9).astype(int), _d=(s <= 6).astype(int), _s=s)
    g = counts.groupby("account_id", observed=True)[["_n", "_p", "_d", "_s"]].sum()
    out = pd.DataFrame(index=g.index)
    out[f"{prefix}n"] = g["_n"]
    out[f"{prefix}promoters"] = g["_p"]
    out[f"{prefix}detractors"] = g["_d"]
    out[f"{prefix}passives"] = g["_n"] - g["_p"] - g["_d"]
    out[f"{prefix}nps"] = (g["_p"] - g["_d"]) / g["_n"] * 100
    out[f"{prefix}mean_score"] = g["_s"] / g["_n"]
    return out


def account_rollup(
    responses: pd.DataFrame, rule: str = "any_decision_maker_detractor", threshold: float = 0.0
) -> pd.DataFrame:
    """One row per account with responses: its people, decision-makers beside users.

    Parameters
    ----------
    responses
        Canonical responses (with the account attributes).
    rule
        When the account is at risk: ``any_decision_maker_detractor``,
        ``decision_maker_nps_below`` (the decision-makers' NPS under ``threshold``) or
        ``account_nps_below`` (the NPS of all its respondents under ``threshold``).

    Returns
    -------
    DataFrame
        account_id, the account attributes, n, promoters, passives, detractors, nps,
        mean_score; the same with prefix ``dm_`` for decision-makers and ``user_`` for
        users; divergence (a key of :data:`DIVERGENCE` or ""), and status: at_risk,
        advocate (decision-makers answered, all promoters), no_decision_maker, or
        stable. Sorted by arr, largest first.
    """
    if rule not in (
        "any_decision_maker_detractor",
        "decision_maker_nps_below",
        "account_nps_below",
    ):
        raise ValueError(f"unknown account risk rule {rule!r}")
    role = responses["role"].astype(str)
    out = _group_counts(responses, "")
    out = out.join(_group_counts(responses[role == "decision_maker"], "dm_"))
    out = out.join(_group_counts(responses[role == "user"], "user_"))
    for col in out.columns:
        if col.endswith(("n", "promoters", "detractors", "passives")) and not col.endswith("nps"):
            out[col] = out[col].fillna(0).astype(int)
    dm_neg, dm_pos = out["dm_nps"] < 0, out["dm_nps"] > 0
    user_neg, user_pos = out["user_nps"] < 0, out["user_nps"] > 0
    out["divergence"] = np.select(
        [dm_neg & user_pos, dm_pos & user_neg],
        ["dm_detract_users_promote", "users_detract_dm_promote"],
        default="",
    )
    if rule == "any_decision_maker_detractor":
        risk = out["dm_detractors"] > 0
    elif rule == "decision_maker_nps_below":
        risk = out["dm_nps"] < threshold
    else:
        risk = out["nps"] < threshold
    has_dm = out["dm_n"] > 0
    advocate = has_dm & (out["dm_promoters"] == out["dm_n"])
    out["status"] = np.select(
        [risk, advocate, ~has_dm], ["at_risk", "advocate", "no_decision_maker"], "stable"
    )
    attrs = [c for c in ACCOUNT_ATTRIBUTES if c in responses.columns]
    first = responses.drop_duplicates("account_id").set_index("account_id")[attrs]
    out = first.join(out, how="right").reset_index()
    return sort_rows(out, ["arr", "account_id"], [False, True], ignore_index=True)


def revenue_weights(responses: pd.DataFrame) -> pd.Series:
    """Weight of each response so that each account counts by its annual revenue:
    arr of the account divided by the number of its respondents.

    Examples
    --------
    >>> r = pd.DataFrame({"account_id": ["a", "a", "b"], "arr": [100.0, 100.0, 10.0]})
    >>> revenue_weights(r).tolist()
    [50.0, 50.0, 10.0]
    """
    per_account = responses.groupby("account_id", observed=True)["account_id"].transform("size")
    return (responses["arr"].astype(float).fillna(0.0) / per_account).rename("weight")


def revenue_weighted_nps(responses: pd.DataFrame, confidence: float = 0.95) -> dict[str, float]:
    """NPS with each account weighted by its annual revenue (Kish effective n)."""
    return nps_summary(
        responses["score"], weights=revenue_weights(responses), confidence=confidence
    )


def revenue_at_risk(
    rollup: pd.DataFrame, as_of: dt.date, horizon_days: int = 182
) -> dict[str, Any]:
    """Annual revenue of the accounts at risk, those renewing soon first.

    Parameters
    ----------
    rollup
        :func:`account_rollup` output.
    as_of
        The date renewals are counted from (the end of the field period).
    horizon_days
        Renewals within this many days are "soon" (two quarters by default).

    Returns
    -------
    dict
        total_arr (of accounts with responses), at_risk_arr, share (percent),
        at_risk_accounts, renewing_soon_arr, and ``accounts``: the at-risk accounts,
        renewing soon first by renewal date, then the rest by revenue.
    """
    at_risk = rollup[rollup["status"] == "at_risk"].copy()
    renewal = pd.to_datetime(at_risk["renewal_date"], errors="coerce")
    days = (renewal - pd.Timestamp(as_of)).dt.days
    at_risk["days_to_renewal"] = days
    at_risk["renews_soon"] = days.between(0, horizon_days)
    at_risk["_order"] = np.where(at_risk["renews_soon"], days, np.inf)
    at_risk = sort_rows(at_risk, ["_order", "arr", "account_id"], [True, False, True]).drop(
        columns="_order"
    )
    total = float(rollup["arr"].sum())
    risk = float(at_risk["arr"].sum())
    return {
        "total_arr": total,
        "at_risk_arr": risk,
        "share": risk / total * 100 if total else float("nan"),
        "at_risk_accounts": int(len(at_risk)),
        "renewing_soon_arr": float(at_risk.loc[at_risk["renews_soon"], "arr"].sum()),
        "accounts": at_risk.reset_index(drop=True),
    }


def key_accounts(rollup: pd.DataFrame, key_tiers: list[str]) -> pd.DataFrame:
    """The roll-up of the key-tier accounts, largest revenue first."""
    return rollup[rollup["tier"].astype(str).isin(key_tiers)].reset_index(drop=True)
