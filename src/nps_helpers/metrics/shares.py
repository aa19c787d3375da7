"""Changes of a share between two waves (the share of comments that mention a theme),
tested as the NPS change is: an adjusted difference over its adjusted standard error,
with the accounts of both waves as clusters, Holm-corrected within the table.

The adjustment is Agresti and Caffo's (2000) for a difference of two proportions: add
one mention and one comment without it to each wave, ``p~ = (x + 1) / (n + 2)``, and
``var = p~(1 - p~) / (n + 2)`` per wave, the binary counterpart of the adjusted-Wald
NPS (which adds 3/4 promoter and 3/4 detractor to n + 3). With clusters the summed
variance is scaled by the design effect of the change, linearised with the accounts of
both waves as primary sampling units (:func:`~nps_helpers.metrics.scoring.design_variances`:
an account in both waves adds its covariance), and the quantile and p-value are
Student's t with G_eff - 1 degrees of freedom.

Reference: A. Agresti and B. Caffo, "Simple and Effective Confidence Intervals for
Proportions and Differences of Proportions Result from Adding Two Successes and Two
Failures", The American Statistician 54(4), 2000, pp. 280-288.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.metrics.multiple import holm
from nps_helpers.metrics.scoring import (
    _two_sided_p,
    change_design,
    cluster_codes,
    design_variances,
    quantile,
)


def two_proportions(
    x_a: Any,
    n_a: Any,
    x_b: Any,
    n_b: Any,
    confidence: float = 0.95,
    deff: Any = 1.0,
    df: Any = np.inf,
) -> dict[str, np.ndarray]:
    """Change of a share from wave a to wave b (percent points), element-wise.

    ``x`` of ``n`` mention the theme in each wave. Returns change (observed),
    change_adj, se, ci_low, ci_high and p_value: the adjusted difference
    ``(x_b + 1) / (n_b + 2) - (x_a + 1) / (n_a + 2)`` over
    ``sqrt(deff * (var_a + var_b))``; NaN where a wave has no comment.

    Examples
    --------
    >>> r = two_proportions(10, 100, 30, 100)
    >>> round(float(r["change"][0]), 1), round(float(r["change_adj"][0]), 2)
    (20.0, 19.61)
    """
    x_a, n_a, x_b, n_b = (np.atleast_1d(np.asarray(v, float)) for v in (x_a, n_a, x_b, n_b))
    deff, df = np.asarray(deff, float), np.asarray(df, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pa, pb = (x_a + 1) / (n_a + 2), (x_b + 1) / (n_b + 2)
        var = deff * (pa * (1 - pa) / (n_a + 2) + pb * (1 - pb) / (n_b + 2))
        empty = (n_a <= 0) | (n_b <= 0)
        centre = np.where(empty, np.nan, (pb - pa) * 100)
        se = np.where(empty, np.nan, np.sqrt(var) * 100)
        q = quantile(confidence, df)
        p = np.where(empty, np.nan, _two_sided_p(centre / se, df))
        return {
            "change": np.where(empty, np.nan, (x_b / n_b - x_a / n_a) * 100),
            "change_adj": centre,
            "se": se,
            "ci_low": centre - q * se,
            "ci_high": centre + q * se,
            "p_value": p,
        }


def share_changes(
    before: pd.DataFrame,
    now: pd.DataFrame,
    clusters_before: Any | None = None,
    clusters_now: Any | None = None,
    confidence: float = 0.95,
    min_n_change: int = 1,
) -> pd.DataFrame:
    """The change of each column's share (a theme: True where a comment mentions it)
    between two waves of comments, tested and Holm-corrected over the columns.

    Parameters
    ----------
    before, now
        One row per comment of each wave, one bool column per theme (the same columns).
    clusters_before, clusters_now
        The account of each comment (aligned with the rows; a missing one is its own
        cluster); with neither, comments are independent and the quantile is normal.
    min_n_change
        Comments each wave needs before a change may be flagged.

    Returns
    -------
    DataFrame
        Indexed by theme: share_before, share_now (percent), and the columns of
        :func:`two_proportions`, p_holm and flagged (p_holm below 1 - confidence, both
        waves with ``min_n_change`` comments or more).
    """
    themes = list(now.columns)
    a = before.reindex(columns=themes, fill_value=False).to_numpy(bool)
    b = now.to_numpy(bool)
    n_a, n_b, k = len(a), len(b), len(themes)
    deff, df = np.ones(k), np.full(k, np.inf)
    if (clusters_before is not None or clusters_now is not None) and k and n_a + n_b:
        labels = [
            np.full(n, None, dtype=object) if c is None else pd.Series(c).astype(object).to_numpy()
            for c, n in ((clusters_before, n_a), (clusters_now, n_b))
        ]
        codes = np.tile(cluster_codes(np.concatenate(labels)), k)
        x = np.concatenate([a, b]).T.ravel().astype(float)  # theme by theme
        side = np.tile(np.r_[-np.ones(n_a, int), np.ones(n_b, int)], k)
        group = np.repeat(np.arange(k), n_a + n_b)
        var_ind, var_cl, _, g_eff = design_variances(x, np.ones(len(x)), group, k, codes, side)
        design = change_design(var_ind, var_cl, g_eff)
        deff, df = design["deff"].to_numpy(), design["df"].to_numpy()
    test = two_proportions(a.sum(axis=0), n_a, b.sum(axis=0), n_b, confidence, deff, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {"share_before": a.sum(axis=0) / n_a * 100, "share_now": b.sum(axis=0) / n_b * 100},
            index=pd.Index(themes, name="theme"),
        )
    for name, values in test.items():
        out[name] = values
    out["p_holm"] = holm(out["p_value"])
    big = min(n_a, n_b) >= min_n_change
    out["flagged"] = (out["p_holm"] < 1 - confidence) & big
    return out
