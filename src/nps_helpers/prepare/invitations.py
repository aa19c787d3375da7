"""The CRM frames as the wave uses them: the account master with its tiers mapped by
params, and the invitation list cut like the responses (account attributes, mapped
tiers, canonical roles)."""

from __future__ import annotations

import pandas as pd

from nps_helpers.params import CANONICAL_ROLES, WaveParams
from nps_helpers.prepare.clean import map_labels
from nps_helpers.prepare.values import stripped_text


def map_tiers(params: WaveParams, frame: pd.DataFrame, strict: bool = True) -> pd.DataFrame:
    """A CRM frame (the account master, or the invitation list with its accounts) with
    each tier label mapped by ``tier_map`` to one of ``params.tiers``, as a categorical
    of them, as cleaning maps the responses' tiers: what the stored ``accounts.parquet``,
    coverage and plan read. ``frame`` is not changed; one without a tier column is
    returned as it is. With ``strict`` a label that is neither a tier nor in ``tier_map``
    is a :class:`~nps_helpers.errors.MappingError` naming it; without, it is missing."""
    if "tier" not in frame.columns:
        return frame
    labels = stripped_text(frame["tier"])
    given = labels[labels != ""]  # an empty tier (or an account the master lacks) stays so
    tiers, _ = map_labels(
        given,
        params.tier_map,
        tuple(params.tiers),
        "account master",
        "tier",
        "tier",
        strict,
        param="tier_map",
    )
    tiers = tiers.reindex(frame.index)
    return frame.assign(tier=pd.Categorical(tiers, categories=list(params.tiers)))


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
    out = map_tiers(params, invitation_segments(invitations, accounts, params.role_map), False)
    if "role" in out.columns:
        out["role"] = pd.Categorical(out["role"], categories=CANONICAL_ROLES)
    return out
