"""Accounts: roll-up of their people, status from their key people, revenue weighting
and revenue at risk."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.metrics.scoring import DETRACTOR_MAX, PROMOTER_MIN, nps_summary
from nps_helpers.params import ACCOUNT_COLUMNS

STATUSES = ("at_risk", "stable", "advocate", "no_decision_maker")
DIVERGENCE = {
    "dm_detract_users_promote": "decision-makers detract while users promote",
    "users_detract_dm_promote": "users detract while decision-makers promote",
}


def _group_counts(
    codes: np.ndarray, keys: pd.Index, scores: np.ndarray, rows: np.ndarray, prefix: str
) -> dict[str, np.ndarray]:
    """Per account (``codes`` index ``keys``), the counts, NPS and mean score of the
    rows where ``rows`` is true: NaN NPS and mean where the account has none of them."""
    k = len(keys)
    take = rows & (codes >= 0)
    at, s = codes[take], scores[take]
    n = np.bincount(at, minlength=k)
    promoters = np.bincount(at[s >= PROMOTER_MIN], minlength=k)
    detractors = np.bincount(at[s <= DETRACTOR_MAX], minlength=k)
    total = np.bincount(at, weights=s, minlength=k)
    some = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        nps = np.where(some, (promoters - detractors) / n * 100, np.nan)
        mean = np.where(some, total / n, np.nan)
    return {
        f"{prefix}n": n,
        f"{prefix}promoters": promoters,
        f"{prefix}detractors": detractors,
        f"{prefix}passives": n - promoters - detractors,
        f"{prefix}nps": nps,
        f"{prefix}mean_score": mean,
    }


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
        users (responses with an empty account_id count in no account);
        divergence (a key of :data:`DIVERGENCE` or ""), and status: at_risk,
        advocate (decision-makers answered, all promoters), no_decision_maker, or
        stable. Sorted by arr, largest first.
    """
    if rule not in (
        "any_decision_maker_detractor",
        "decision_maker_nps_below",
        "account_nps_below",
    ):
        raise ValueError(f"unknown account risk rule {rule!r}")
    # responses without an account (an export-only wave without an account column)
    # belong to no account
    responses = responses[responses["account_id"].notna() & (responses["account_id"] != "")]
    role = responses["role"].astype(str).to_numpy()
    # each account's position once (in the order groupby would give), then every count
    # of the three groups of respondents by bincount
    codes, keys = pd.factorize(responses["account_id"], sort=True)
    keys = pd.Index(keys, name="account_id")
    scores = responses["score"].astype(float).to_numpy()
    everyone = np.ones(len(responses), dtype=bool)
    columns = _group_counts(codes, keys, scores, everyone, "")
    for group, prefix in (("decision_maker", "dm_"), ("user", "user_")):
        columns.update(_group_counts(codes, keys, scores, role == group, prefix))
    out = pd.DataFrame(columns, index=keys)
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
    attrs = [c for c in ACCOUNT_COLUMNS if c in responses.columns]
    first = responses.drop_duplicates("account_id").set_index("account_id")[attrs]
    out = first.join(out, how="right").reset_index()
    return out.sort_values(
        ["arr", "account_id"], ascending=[False, True], kind="stable", ignore_index=True
    )


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
    """NPS with each account weighted by its annual revenue; the interval takes the
    accounts as clusters (Kish's n of the weights over the design effect: ``n_eff``)."""
    accounts = responses["account_id"].astype(object)
    return nps_summary(
        responses["score"],
        weights=revenue_weights(responses),
        clusters=accounts.where(accounts.notna() & (accounts.astype(str) != "")),
        confidence=confidence,
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
    at_risk = at_risk.sort_values(
        ["_order", "arr", "account_id"], ascending=[True, False, True], kind="stable"
    ).drop(columns="_order")
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
