"""The invitation list cut like the responses: account attributes, mapped tiers, canonical roles."""

from __future__ import annotations

import pandas as pd

from nps_helpers.params import CANONICAL_ROLES, WaveParams
from nps_helpers.prepare.values import stripped_text


def invitation_segments(
    invitations: pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    role_map: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The invitation list with the account attributes and canonical roles added, so
    that it can be cut by the same segments as the responses."""
    if accounts is not None:  # the merge makes a new frame
        attrs = accounts.drop(
            columns=[c for c in accounts.columns if c in invitations.columns and c != "account_id"]
        )
        inv = invitations.merge(attrs, on="account_id", how="left")
    else:
        inv = invitations.copy()
    if "role" in inv.columns:
        known = {**{r: r for r in CANONICAL_ROLES}, **(role_map or {})}
        inv["role"] = stripped_text(inv["role"].astype(str)).map(known).fillna("other")
    return inv


def report_invitations(
    params: WaveParams, invitations: pd.DataFrame, accounts: pd.DataFrame | None
) -> pd.DataFrame:
    """The invitation list as the report uses it: with its accounts' segments, the
    tiers mapped by params and canonical roles (``invitations`` is not changed).

    A minimal list (``contact_id, account_id, bounced``) stays without a role column:
    who was invited in which role is unknown, and the report says so.
    """
    out = invitation_segments(invitations, accounts, params.role_map)
    if "tier" in out.columns:
        tiers = out["tier"].map({t: params.tier_map.get(t, t) for t in out["tier"].unique()})
        out["tier"] = pd.Categorical(tiers, categories=params.tiers)
    if "role" in out.columns:
        out["role"] = pd.Categorical(out["role"], categories=CANONICAL_ROLES)
    return out
