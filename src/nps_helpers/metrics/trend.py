"""NPS across waves: each wave's score with its interval and the change since the wave before."""

from __future__ import annotations

import pandas as pd

from nps_helpers.metrics.scoring import compare_tables, nps_by


def nps_trend(
    history: pd.DataFrame,
    by: str | list[str] | None = None,
    min_n: int = 5,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """NPS per wave (and per segment) with intervals, and the change since the wave
    before, marked significant or not.

    Parameters
    ----------
    history
        :func:`nps_helpers.io.history.read_history` output (``wave_id`` ordered).
    by
        Optional segment column(s).

    Returns
    -------
    DataFrame
        wave_id, the ``by`` columns, the :func:`~nps_helpers.scoring.nps_by` columns,
        change, change_ci_low, change_ci_high, p_value, significant (all empty for a
        segment's first wave or where either wave is suppressed).
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    table = nps_by(history, ["wave_id", *keys], min_n=min_n, confidence=confidence)
    table = table.sort_values([*keys, "wave_id"], ignore_index=True) if keys else table
    prev = table.groupby(keys, observed=True, dropna=False).shift(1) if keys else table.shift(1)
    comparison = compare_tables(prev, table, confidence)
    hidden = table["suppressed"] | prev["suppressed"].astype("boolean").fillna(True).astype(bool)
    for col in ("change", "change_ci_low", "change_ci_high", "p_value"):
        table[col] = comparison[col].where(~hidden)
    table["significant"] = comparison["significant"] & ~hidden
    return table.sort_values(["wave_id", *keys], ignore_index=True)
