"""NPS by segment (tier, role, industry, region, product, ...) and by pairs of them,
with the change since the previous wave and small-cell suppression.

Intervals take the accounts as clusters, and each change is tested with one variance
across both waves (an account in both adds its covariance; see
:mod:`nps_helpers.metrics.scoring`). A table's changes are Holm-corrected together
(:mod:`nps_helpers.metrics.multiple`); ``flagged`` is what the deck may mark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nps_helpers.metrics.multiple import holm
from nps_helpers.metrics.scoring import (
    _signs,
    change_design,
    cluster_codes,
    compare_tables,
    design_variances,
    nps_by,
)

CHANGE_COLUMNS = (
    "n_prev",
    "nps_prev",
    "change",
    "change_ci_low",
    "change_ci_high",
    "p_value",
    "significant",
    "p_holm",
    "flagged",
)
#: The column of each response's account: the clusters of every interval and change.
ACCOUNT = "account_id"


def accounts_of(responses: pd.DataFrame) -> pd.Series | None:
    """Each response's account as a cluster label (an empty one: its own cluster), or
    None when the wave has no account column (every respondent its own cluster)."""
    if ACCOUNT not in responses.columns:
        return None
    accounts = responses[ACCOUNT].astype(object)
    return accounts.where(accounts.notna() & (accounts.astype(str) != ""))


def _key(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    return frame[keys].astype(str).agg("\x1f".join, axis=1)


def change_designs(
    previous: pd.DataFrame, responses: pd.DataFrame, current: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    """The design effect and degrees of freedom of each row's change of ``current``
    (an :func:`nps_by` table of ``responses``): both waves' responses of the segment
    linearised together with the accounts as clusters."""
    where = {k: i for i, k in enumerate(_key(current, keys))}
    both = pd.concat([previous.assign(_side=-1), responses.assign(_side=1)], ignore_index=True)
    both = both[both["score"].notna()]
    group = _key(both, keys).map(where)
    both, group = both[group.notna()], group.dropna().astype(int).to_numpy()
    labels = accounts_of(both)
    if labels is None:  # independent respondents: the plain test, normal quantile
        return pd.DataFrame({"deff": np.ones(len(current)), "df": np.inf})
    codes = cluster_codes(labels.to_numpy())
    var_ind, var_cl, _, g_eff = design_variances(
        _signs(both["score"].astype(float).to_numpy()),
        np.ones(len(both)),
        group,
        len(current),
        codes,
        both["_side"].to_numpy(),
    )
    return change_design(var_ind, var_cl, g_eff)


def segment_table(
    responses: pd.DataFrame,
    by: str | list[str],
    min_n: int = 5,
    previous: pd.DataFrame | None = None,
    confidence: float = 0.95,
    min_n_change: int = 1,
) -> pd.DataFrame:
    """NPS per segment with its interval and the change since the previous wave.

    Parameters
    ----------
    responses
        Canonical responses of the wave.
    by
        A segment column, or a list of them for a cross table (tier x role).
    min_n
        Segments with fewer responses are suppressed: no counts, shares, NPS, interval
        or change are shown, in this wave or as the previous wave's value.
    previous
        Canonical responses of the previous wave (None for the first wave).
    min_n_change
        Responses each wave needs before a change may be flagged.

    Returns
    -------
    DataFrame
        The columns of :func:`nps_helpers.scoring.nps_by` (accounts as clusters) plus
        n_prev, nps_prev, change, change_ci_low, change_ci_high, p_value, significant
        (uncorrected), p_holm (Holm over the table's shown changes) and flagged (p_holm
        below 1 - confidence, and ``min_n_change`` responses in both waves).

    Examples
    --------
    >>> now = pd.DataFrame({"tier": ["key"] * 6, "score": [10, 10, 10, 9, 3, 8]})
    >>> segment_table(now, "tier")[["tier", "n", "nps"]].values.tolist()
    [['key', 6, 50.0]]
    """
    keys = [by] if isinstance(by, str) else list(by)
    acc = ACCOUNT if ACCOUNT in responses.columns else None
    current = nps_by(responses, keys, min_n=min_n, confidence=confidence, clusters=acc)
    for col in CHANGE_COLUMNS:
        current[col] = np.nan
    current["significant"] = current["flagged"] = False
    if previous is None or not set(keys) <= set(previous.columns) or previous.empty:
        return current
    acc = ACCOUNT if ACCOUNT in previous.columns else None
    before = nps_by(previous, keys, min_n=min_n, confidence=confidence, clusters=acc)
    aligned = (
        current[keys]
        .astype(str)
        .merge(before.assign(**{k: before[k].astype(str) for k in keys}), on=keys, how="left")
    )
    aligned.index = current.index
    design = change_designs(previous, responses, current, keys)
    comparison = compare_tables(aligned, current, confidence, design)
    prev_hidden = aligned["suppressed"].astype("boolean").fillna(True).astype(bool)
    hidden = current["suppressed"] | prev_hidden
    current["n_prev"] = aligned["n"]
    current["nps_prev"] = aligned["nps"].where(~hidden)
    for col in ("change", "change_ci_low", "change_ci_high", "p_value"):
        current[col] = comparison[col].where(~hidden)
    current["significant"] = comparison["significant"] & ~hidden
    current["p_holm"] = holm(current["p_value"])
    big = (current["n"] >= min_n_change) & (current["n_prev"].fillna(0) >= min_n_change)
    current["flagged"] = (current["p_holm"] < 1 - confidence) & big & ~hidden
    return current


def _filled(responses: pd.DataFrame, column: str) -> bool:
    """The column is there and some response has a value in it."""
    if column not in responses.columns:
        return False
    values = responses[column]
    return bool((values.notna() & (values.astype(str) != "")).any())


def segment_tables(
    responses: pd.DataFrame,
    segments: list[str],
    pairs: list[tuple[str, str]] | None = None,
    min_n: int = 5,
    previous: pd.DataFrame | None = None,
    confidence: float = 0.95,
    min_n_change: int = 1,
) -> dict[str, pd.DataFrame]:
    """:func:`segment_table` for every segment column and pair present in ``responses``
    with a value in some response (an export-only wave's empty account attributes give
    no table).

    Returns
    -------
    dict
        ``"tier"`` -> table, ..., ``"tier x role"`` -> cross table.
    """
    tables: dict[str, pd.DataFrame] = {}
    filled = {c for c in {*segments, *(c for p in pairs or [] for c in p)} if _filled(responses, c)}
    for seg in segments:
        if seg in filled:
            tables[seg] = segment_table(responses, seg, min_n, previous, confidence, min_n_change)
    for a, b in pairs or []:
        if a in filled and b in filled:
            tables[f"{a} x {b}"] = segment_table(
                responses, [a, b], min_n, previous, confidence, min_n_change
            )
    return tables
