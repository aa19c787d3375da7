"""Response rate and coverage: who was invited, who could be reached, who answered,
which accounts and how much revenue the answers speak for."""

from __future__ import annotations

import numpy as np
import pandas as pd


def response_rate(responses: pd.DataFrame, invitations: pd.DataFrame) -> dict[str, float]:
    """Invited, bounced, reached (invited and not bounced), responded, and the rate.

    ``responded`` counts the reached contacts with a kept response (a respondent is a
    contact id); the rate is responded / reached, in percent.

    Examples
    --------
    >>> inv = pd.DataFrame({"contact_id": ["a", "b", "c"], "bounced": [False, False, True]})
    >>> response_rate(pd.DataFrame({"respondent_id": ["a"]}), inv)["rate"]
    50.0
    """
    table = response_rate_by(responses, invitations, by=None)
    return {
        k: (float(v) if k == "rate" else int(v))
        for k, v in table.iloc[0][["invited", "bounced", "reached", "responded", "rate"]].items()
    }


def response_rate_by(
    responses: pd.DataFrame,
    invitations: pd.DataFrame,
    by: str | list[str] | None,
    target: float | None = None,
) -> pd.DataFrame:
    """Response rate per segment of the invitation list.

    Parameters
    ----------
    responses
        Canonical responses (``respondent_id`` is the contact id).
    invitations
        Invitation list with ``contact_id``, ``bounced`` and the ``by`` columns (see
        :func:`invitation_segments`).
    by
        Segment column(s); None for the whole wave.
    target
        Response-rate target in percent; segments under it get ``below_target``.

    Returns
    -------
    DataFrame
        The ``by`` columns, invited, bounced, reached, responded, rate (percent of
        reached) and below_target.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    # each contact once (its first invitation), only the columns needed: no copy of
    # the whole list; membership looked up against the responses' column itself
    first = ~invitations["contact_id"].duplicated()
    inv = invitations.loc[first, list(dict.fromkeys([*keys, "contact_id", "bounced"]))]
    answered = inv["contact_id"].isin(responses["respondent_id"])
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


def account_coverage(
    responses: pd.DataFrame,
    accounts: pd.DataFrame,
    invitations: pd.DataFrame | None = None,
    key_tiers: list[str] | None = None,
) -> dict[str, float]:
    """Which accounts and how much revenue the answers speak for.

    The base is the accounts that were invited (all of the account master when there
    is no invitation list).

    Returns
    -------
    dict
        accounts, accounts_responded, account_coverage (percent), key_accounts,
        key_accounts_with_dm (a decision-maker answered), key_dm_coverage (percent),
        arr_total, arr_covered, revenue_coverage (percent).
    """
    key_tiers = key_tiers or ["key", "premium"]
    base = accounts
    if invitations is not None:
        base = accounts[accounts["account_id"].isin(invitations["account_id"])]
    responded = responses["account_id"]
    with_dm = responses.loc[responses["role"].astype(str) == "decision_maker", "account_id"]
    is_key = base["tier"].astype(str).isin(key_tiers)
    answered = base["account_id"].isin(responded)
    key_dm = base["account_id"].isin(with_dm) & is_key

    def pct(a: float, b: float) -> float:
        return a / b * 100 if b else float("nan")

    arr_total = float(base["arr"].sum())
    arr_covered = float(base.loc[answered, "arr"].sum())
    return {
        "accounts": int(len(base)),
        "accounts_responded": int(answered.sum()),
        "account_coverage": pct(answered.sum(), len(base)),
        "key_accounts": int(is_key.sum()),
        "key_accounts_with_dm": int(key_dm.sum()),
        "key_dm_coverage": pct(key_dm.sum(), is_key.sum()),
        "arr_total": arr_total,
        "arr_covered": arr_covered,
        "revenue_coverage": pct(arr_covered, arr_total),
    }
