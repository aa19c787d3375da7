"""Many tests at once: Holm's correction within a table, and the differences between
the segments of one table, tested and corrected the same way.

The deck corrects within each table (a segment table's changes; its pairs of
segments): Holm (1979) controls the chance of any false flag in the table at the
test's level, without assuming the tests independent, and is uniformly more powerful
than Bonferroni. Reference: S. Holm, "A Simple Sequentially Rejective Multiple Test
Procedure", Scandinavian Journal of Statistics 6(2), 1979, pp. 65-70.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.metrics.scoring import compare_tables


def holm(p_values: Any) -> np.ndarray:
    """Holm-adjusted p-values (NaN stays NaN and does not count as a test).

    Sorted ascending, the i-th of m p-values (from 0) becomes ``(m - i) * p``, made
    non-decreasing and capped at 1; a flag survives where the adjusted p is below alpha.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03, np.nan]).round(2).tolist()[:3]
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if not len(ok):
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    adjusted = np.minimum(np.maximum.accumulate((m - np.arange(m)) * p[order]), 1.0)
    out[order] = adjusted
    return out


def segment_differences(
    table: pd.DataFrame, by: str, confidence: float = 0.95, min_n_change: int = 1
) -> pd.DataFrame:
    """Every pair of shown segments of a :func:`~nps_helpers.metrics.segments.segment_table`
    compared (second minus first) with the change test of
    :func:`~nps_helpers.metrics.scoring.compare_tables` (each side with its own
    design effect; segments taken as independent samples), Holm-corrected over the
    table's pairs.

    Returns
    -------
    DataFrame
        a, b, nps_a, nps_b, difference, ci_low, ci_high, p_value, p_holm, and
        ``differ``: p_holm below 1 - confidence and both with ``min_n_change``
        responses or more.
    """
    shown = table[~table["suppressed"]].reset_index(drop=True)
    pairs = list(combinations(range(len(shown)), 2))
    cols = ["a", "b", "nps_a", "nps_b", "difference", "ci_low", "ci_high", "p_value", "p_holm"]
    if not pairs:
        return pd.DataFrame(columns=[*cols, "differ"])
    first = shown.iloc[[i for i, _ in pairs]].reset_index(drop=True)
    second = shown.iloc[[j for _, j in pairs]].reset_index(drop=True)
    test = compare_tables(first, second, confidence)
    out = pd.DataFrame(
        {
            "a": first[by].astype(str),
            "b": second[by].astype(str),
            "nps_a": first["nps"],
            "nps_b": second["nps"],
            "difference": test["change"],
            "ci_low": test["change_ci_low"],
            "ci_high": test["change_ci_high"],
            "p_value": test["p_value"],
        }
    )
    out["p_holm"] = holm(out["p_value"])
    big = (first["n"] >= min_n_change) & (second["n"] >= min_n_change)
    out["differ"] = (out["p_holm"] < 1 - confidence) & big
    return out
