"""Classify scores and compute NPS with honest intervals.

Promoters answer 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors.

Intervals
---------
The variance of an NPS (a difference of two shares of one multinomial sample) is
``var = (p + d - (p - d)^2) / n``. The plain Wald interval built on it misbehaves at
small n and at the edges (all promoters gives a zero-width interval), so the workbook
uses the **adjusted-Wald** interval that Rocks (2016) found to perform best: add 3 to
n and 3/4 to each of the promoter and detractor counts, then apply the formula above
to the adjusted shares. The interval is widened, where needed, to contain the observed
NPS (this only happens for n = 1).

Weighted data (revenue weighting) use the weighted shares and Kish's effective sample
size ``n_eff = (sum w)^2 / sum w^2`` in place of n.

Reference: B. Rocks, "Interval Estimation for the 'Net Promoter Score'", The American
Statistician 70(4), 2016, pp. 365-372, arXiv:1601.07235.

All functions are vectorized over pandas/numpy objects; nothing loops over respondents.
"""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

#: The NPS scale's cut points, defined once: promoters answer PROMOTER_MIN or more
#: (9-10), passives PASSIVE_MIN to PROMOTER_MIN - 1 (7-8), detractors below PASSIVE_MIN
#: (0-6). Every module that sorts answers into the three groups uses these.
PROMOTER_MIN = 9
PASSIVE_MIN = 7
DETRACTOR_MAX = PASSIVE_MIN - 1
CATEGORIES = ("detractor", "passive", "promoter")
CATEGORY_DTYPE = pd.CategoricalDtype(list(CATEGORIES), ordered=True)
ADJUST_N = 3.0
ADJUST_COUNT = 0.75


def classify(scores: pd.Series) -> pd.Series:
    """Map 0-10 scores to the categorical promoter / passive / detractor.

    Missing scores stay missing; values outside 0-10 raise ``ValueError``.

    Examples
    --------
    >>> classify(pd.Series([10, 7, 3])).tolist()
    ['promoter', 'passive', 'detractor']
    """
    values = pd.to_numeric(scores, errors="raise").astype("Float64")
    if ((values < 0) | (values > 10)).any():
        raise ValueError("scores must lie between 0 and 10")
    cut = pd.cut(
        values.astype(float),
        bins=[-0.5, DETRACTOR_MAX + 0.5, PROMOTER_MIN - 0.5, 10.5],
        labels=list(CATEGORIES),
    )
    return pd.Series(cut, index=scores.index, name="category").astype(CATEGORY_DTYPE)


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of ``confidence`` (1.96 for 0.95)."""
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def nps_interval(p: Any, d: Any, n: Any, confidence: float = 0.95) -> tuple[Any, Any]:
    """Adjusted-Wald interval (Rocks 2016) of an NPS, in NPS points.

    Parameters
    ----------
    p, d
        Shares (0-1) of promoters and detractors; arrays allowed.
    n
        Sample size, or the effective sample size of weighted data.

    Returns
    -------
    (low, high)
        Clipped to [-100, 100] and widened to contain ``(p - d) * 100``.
    """
    p, d, n = (np.asarray(x, dtype=float) for x in (p, d, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        n_adj = n + ADJUST_N
        p_adj = (p * n + ADJUST_COUNT) / n_adj
        d_adj = (d * n + ADJUST_COUNT) / n_adj
        centre = p_adj - d_adj
        half = z_value(confidence) * np.sqrt(np.clip(p_adj + d_adj - centre**2, 0, None) / n_adj)
        observed = np.clip(p - d, -1, 1)  # float error must not leave [-100, 100]
        low = np.minimum(np.clip(centre - half, -1, 1), observed) * 100
        high = np.maximum(np.clip(centre + half, -1, 1), observed) * 100
    empty = ~(n > 0)
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def nps_variance(p: Any, d: Any, n: Any, adjusted: bool = True) -> Any:
    """Variance of an NPS in NPS points squared, adjusted-Wald by default."""
    p, d, n = (np.asarray(x, dtype=float) for x in (p, d, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        if adjusted:
            n2 = n + ADJUST_N
            p, d = (p * n + ADJUST_COUNT) / n2, (d * n + ADJUST_COUNT) / n2
            n = n2
        return (p + d - (p - d) ** 2) / n * 100**2


def nps_summary(
    scores: pd.Series, weights: pd.Series | None = None, confidence: float = 0.95
) -> dict[str, float]:
    """NPS of a set of 0-10 scores, with shares and an adjusted-Wald interval.

    Parameters
    ----------
    scores
        0-10 scores; missing ones are ignored.
    weights
        Optional non-negative weights per score (e.g. revenue weights). Shares and NPS
        are then weighted and the interval uses Kish's effective sample size.
    confidence
        Of the interval.

    Returns
    -------
    dict
        n, promoters, passives, detractors (counts), pct_promoters, pct_passives,
        pct_detractors (shares in percent, weighted if weights are given), nps,
        ci_low, ci_high, n_eff. With n = 0 the shares and NPS are NaN.

    Examples
    --------
    >>> nps_summary(pd.Series([10, 9, 8, 3]))["nps"]
    25.0
    """
    s = pd.to_numeric(scores, errors="raise").astype(float)
    w = (
        pd.Series(1.0, index=s.index)
        if weights is None
        else pd.to_numeric(weights, errors="raise").astype(float).reindex(s.index)
    )
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    keep = s.notna() & w.notna()
    s, w = s[keep].to_numpy(), w[keep].to_numpy()
    n = int(len(s))
    promoters = int((s >= PROMOTER_MIN).sum())
    detractors = int((s <= DETRACTOR_MAX).sum())
    passives = n - promoters - detractors
    if n and w.max() > 0:
        w = w / w.max()  # scale-free; avoids underflow of tiny weights squared
    total = w.sum()
    if n == 0 or total == 0:
        nan = float("nan")
        return dict(
            n=n,
            promoters=promoters,
            passives=passives,
            detractors=detractors,
            pct_promoters=nan,
            pct_passives=nan,
            pct_detractors=nan,
            nps=nan,
            ci_low=nan,
            ci_high=nan,
            n_eff=0.0,
        )
    p = w[s >= PROMOTER_MIN].sum() / total
    d = w[s <= DETRACTOR_MAX].sum() / total
    n_eff = float(total**2 / (w**2).sum())
    low, high = nps_interval(p, d, n_eff, confidence)
    return dict(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        pct_promoters=p * 100,
        pct_passives=(1 - p - d) * 100,
        pct_detractors=d * 100,
        nps=float(np.clip((p - d) * 100, -100, 100)),
        ci_low=float(low),
        ci_high=float(high),
        n_eff=n_eff,
    )


def compare_waves(
    a: pd.Series,
    b: pd.Series,
    weights_a: pd.Series | None = None,
    weights_b: pd.Series | None = None,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Change of NPS from wave ``a`` (earlier) to wave ``b`` (later), with its
    interval and a two-sided p-value.

    The two waves are independent samples, so the variance of the change is the sum of
    their adjusted-Wald variances; the p-value is that of the z statistic
    ``change / sqrt(var)``. ``significant`` is True when the p-value is below
    ``1 - confidence``.

    Returns
    -------
    dict
        nps_a, nps_b, n_a, n_b, change, ci_low, ci_high, p_value, significant.

    Examples
    --------
    >>> r = compare_waves(pd.Series([10, 3] * 50), pd.Series([10, 10, 3] * 40))
    >>> round(r["change"], 1), r["significant"]
    (33.3, True)
    """
    sa = nps_summary(a, weights_a, confidence)
    sb = nps_summary(b, weights_b, confidence)
    return compare_summaries(sa, sb, confidence)


def compare_summaries(
    sa: dict[str, float], sb: dict[str, float], confidence: float = 0.95
) -> dict[str, Any]:
    """:func:`compare_waves` from two :func:`nps_summary` results."""
    frame = compare_tables(pd.DataFrame([sa]), pd.DataFrame([sb]), confidence)
    row = frame.iloc[0]
    return dict(
        nps_a=sa["nps"],
        nps_b=sb["nps"],
        n_a=sa["n"],
        n_b=sb["n"],
        change=float(row["change"]),
        ci_low=float(row["change_ci_low"]),
        ci_high=float(row["change_ci_high"]),
        p_value=float(row["p_value"]),
        significant=bool(row["significant"]),
    )


def compare_tables(
    before: pd.DataFrame, after: pd.DataFrame, confidence: float = 0.95
) -> pd.DataFrame:
    """Row-wise change between two aligned tables of NPS statistics (vectorized).

    Both need pct_promoters, pct_detractors, nps and n (or n_eff). Returns change,
    change_ci_low, change_ci_high, p_value and significant, aligned with ``after``.
    """

    def parts(t: pd.DataFrame):
        n = t["n_eff"] if "n_eff" in t else t["n"]
        return (
            t["pct_promoters"].to_numpy(float) / 100,
            t["pct_detractors"].to_numpy(float) / 100,
            n.to_numpy(float),
        )

    pa, da, na = parts(before)
    pb, db, nb = parts(after)
    change = after["nps"].to_numpy(float) - before["nps"].to_numpy(float)
    se = np.sqrt(nps_variance(pa, da, na) + nps_variance(pb, db, nb))
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = np.abs(change) / se
    cdf = np.vectorize(NormalDist().cdf, otypes=[float])
    p_value = np.where(np.isnan(stat), np.nan, 2 * (1 - cdf(np.nan_to_num(stat))))
    return pd.DataFrame(
        {
            "change": change,
            "change_ci_low": change - z * se,
            "change_ci_high": change + z * se,
            "p_value": p_value,
            "significant": np.where(np.isnan(p_value), False, p_value < 1 - confidence),
        },
        index=after.index,
    )


def nps_by(
    responses: pd.DataFrame,
    by: str | list[str],
    min_n: int = 5,
    confidence: float = 0.95,
    weights: str | None = None,
) -> pd.DataFrame:
    """NPS per group of ``responses``, one row per group, suppressed below ``min_n``.

    Parameters
    ----------
    responses
        Canonical responses (needs ``score`` and the ``by`` columns).
    by
        Column or columns to group by (a pair gives a cross table, e.g. tier x role).
    min_n
        Groups with fewer responses keep their n but show no counts, shares, NPS or
        interval (``suppressed`` is True), so no respondent can be singled out.
    confidence
        Of the adjusted-Wald interval.
    weights
        Optional column of weights (shares, NPS and interval become weighted).

    Returns
    -------
    DataFrame
        The ``by`` columns, n, promoters, passives, detractors, the shares, nps,
        ci_low, ci_high, n_eff and suppressed; sorted by the ``by`` columns (in the
        categories' order where they are categorical).
    """
    keys = [by] if isinstance(by, str) else list(by)
    s = responses["score"].astype(float)
    w = responses[weights].astype(float) if weights else pd.Series(1.0, index=responses.index)
    valid = s.notna()
    w = w.where(valid, 0.0)
    frame = responses[keys].assign(
        n=valid.astype(int),
        promoters=(s >= PROMOTER_MIN).astype(int),
        detractors=(s <= DETRACTOR_MAX).astype(int),
        _w=w,
        _w2=w**2,
        _wp=w * (s >= PROMOTER_MIN),
        _wd=w * (s <= DETRACTOR_MAX),
    )
    out = frame.groupby(keys, observed=True, dropna=False, sort=True).sum().reset_index()
    out["passives"] = out["n"] - out["promoters"] - out["detractors"]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (out["_wp"] / out["_w"]).to_numpy(float)
        d = (out["_wd"] / out["_w"]).to_numpy(float)
        out["n_eff"] = out["_w"] ** 2 / out["_w2"]
    out["pct_promoters"] = p * 100
    out["pct_passives"] = (1 - p - d) * 100
    out["pct_detractors"] = d * 100
    out["nps"] = np.clip((p - d) * 100, -100, 100)
    out["ci_low"], out["ci_high"] = nps_interval(p, d, out["n_eff"], confidence)
    out["suppressed"] = out["n"] < min_n
    shown = ["pct_promoters", "pct_passives", "pct_detractors", "nps", "ci_low", "ci_high", "n_eff"]
    out.loc[out["suppressed"], shown] = np.nan
    for col in ("promoters", "passives", "detractors"):
        out[col] = out[col].astype("Int64").mask(out["suppressed"])
    cols = [*keys, "n", "promoters", "passives", "detractors", *shown, "suppressed"]
    return out[cols].reset_index(drop=True)
