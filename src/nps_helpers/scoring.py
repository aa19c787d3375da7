"""Classify scores and compute NPS with an honest interval.

Promoters answer 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors.
All functions are vectorized over pandas objects.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

CATEGORIES = ("detractor", "passive", "promoter")
CATEGORY_DTYPE = pd.CategoricalDtype(list(CATEGORIES), ordered=True)


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
    cut = pd.cut(values.astype(float), bins=[-0.5, 6.5, 8.5, 10.5], labels=list(CATEGORIES))
    return pd.Series(cut, index=scores.index, name="category").astype(CATEGORY_DTYPE)


def nps_summary(scores: pd.Series, confidence: float = 0.95) -> dict[str, float]:
    """NPS of a set of 0-10 scores, with shares and a confidence interval.

    The interval is the Wald interval of a difference of two multinomial shares,
    var = (p + d - (p - d)^2) / n, in NPS points and clipped to [-100, 100].
    Missing scores are ignored.

    Returns
    -------
    dict
        n, promoters, passives, detractors (counts), pct_promoters, pct_passives,
        pct_detractors, nps, ci_low, ci_high. With n = 0 the shares and NPS are NaN.

    Examples
    --------
    >>> nps_summary(pd.Series([10, 9, 8, 3]))["nps"]
    25.0
    """
    s = pd.to_numeric(scores, errors="raise").dropna()
    n = int(len(s))
    promoters = int((s >= 9).sum())
    detractors = int((s <= 6).sum())
    passives = n - promoters - detractors
    if n == 0:
        nan = float("nan")
        return dict(
            n=0,
            promoters=0,
            passives=0,
            detractors=0,
            pct_promoters=nan,
            pct_passives=nan,
            pct_detractors=nan,
            nps=nan,
            ci_low=nan,
            ci_high=nan,
        )
    p, d = promoters / n, detractors / n
    z = _z(confidence)
    half = z * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    nps = (p - d) * 100
    return dict(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        pct_promoters=p * 100,
        pct_passives=passives / n * 100,
        pct_detractors=d * 100,
        nps=nps,
        ci_low=max(nps - half, -100.0),
        ci_high=min(nps + half, 100.0),
    )


def nps_by(
    responses: pd.DataFrame, by: str | list[str], min_n: int = 5, confidence: float = 0.95
) -> pd.DataFrame:
    """NPS per group of ``responses``, one row per group, suppressed below ``min_n``.

    Parameters
    ----------
    responses
        Canonical responses (needs ``score`` and the ``by`` columns).
    by
        Column or columns to group by.
    min_n
        Groups with fewer responses keep their n but show no counts, shares or NPS
        (``suppressed`` is True), so no respondent can be singled out.

    Returns
    -------
    DataFrame
        The ``by`` columns, n, promoters, passives, detractors, the shares, nps,
        ci_low, ci_high and suppressed; sorted by the ``by`` columns.
    """
    keys = [by] if isinstance(by, str) else list(by)
    s = responses["score"].astype(float)
    frame = responses[keys].assign(
        n=s.notna().astype(int), promoters=(s >= 9).astype(int), detractors=(s <= 6).astype(int)
    )
    out = frame.groupby(keys, observed=True, dropna=False).sum().reset_index()
    out["passives"] = out["n"] - out["promoters"] - out["detractors"]
    n = out["n"].astype(float)
    p, d = out["promoters"] / n, out["detractors"] / n
    half = _z(confidence) * np.sqrt(np.clip(p + d - (p - d) ** 2, 0, None) / n) * 100
    out["pct_promoters"] = p * 100
    out["pct_passives"] = out["passives"] / n * 100
    out["pct_detractors"] = d * 100
    out["nps"] = (p - d) * 100
    out["ci_low"] = (out["nps"] - half).clip(lower=-100)
    out["ci_high"] = (out["nps"] + half).clip(upper=100)
    out["suppressed"] = out["n"] < min_n
    shown = ["pct_promoters", "pct_passives", "pct_detractors", "nps", "ci_low", "ci_high"]
    out.loc[out["suppressed"], shown] = np.nan
    for col in ("promoters", "passives", "detractors"):
        out[col] = out[col].astype("Int64").mask(out["suppressed"])
    cols = [*keys, "n", "promoters", "passives", "detractors", *shown, "suppressed"]
    return out[cols].sort_values(keys, ignore_index=True)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)
