"""NPS by segment (tier, role, industry, region, product, ...) and by pairs of them,
with the change since the previous wave and small-cell suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nps_helpers.metrics.scoring import compare_tables, nps_by

CHANGE_COLUMNS = (
    "n_prev",
    "nps_prev",
    "change",
    "change_ci_low",
    "change_ci_high",
    "p_value",
    "significant",
)


def segment_table(
    responses: pd.DataFrame,
    by: str | list[str],
    min_n: int = 5,
    previous: pd.DataFrame | None = None,
    confidence: float = 0.95,
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

    Returns
    -------
    DataFrame
        The columns of :func:`nps_helpers.scoring.nps_by` plus n_prev, nps_prev,
        change, change_ci_low, change_ci_high, p_value and significant.

    Examples
    --------
    >>> now = pd.DataFrame({"tier": ["key"] * 6, "score": [10, 10, 10, 9, 3, 8]})
    >>> segment_table(now, "tier")[["tier", "n", "nps"]].values.tolist()
    [['key', 6, 50.0]]
    """
    keys = [by] if isinstance(by, str) else list(by)
    current = nps_by(responses, keys, min_n=min_n, confidence=confidence)
    for col in CHANGE_COLUMNS:
        current[col] = np.nan
    current["significant"] = False
    if previous is None or not set(keys) <= set(previous.columns) or previous.empty:
        return current
    before = nps_by(previous, keys, min_n=min_n, confidence=confidence)
    aligned = (
        current[keys]
        .astype(str)
        .merge(before.assign(**{k: before[k].astype(str) for k in keys}), on=keys, how="left")
    )
    aligned.index = current.index
    comparison = compare_tables(aligned, current, confidence)
    prev_hidden = aligned["suppressed"].astype("boolean").fillna(True).astype(bool)
    hidden = current["suppressed"] | prev_hidden
    current["n_prev"] = aligned["n"]
    current["nps_prev"] = aligned["nps"].where(~hidden)
    for col in ("change", "change_ci_low", "change_ci_high", "p_value"):
        current[col] = comparison[col].where(~hidden)
    current["significant"] = comparison["significant"] & ~hidden
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
            tables[seg] = segment_table(responses, seg, min_n, previous, confidence)
    for a, b in pairs or []:
        if a in filled and b in filled:
            tables[f"{a} x {b}"] = segment_table(responses, [a, b], min_n, previous, confidence)
    return tables
