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
size ``n_kish = (sum w)^2 / sum w^2`` in place of n (Kish 1965).

Clusters (accounts)
-------------------
People of one account answer alike, so with ``clusters`` (the account of each
response) the variance is cluster-robust: the NPS is the weighted mean of x = +1, 0, -1,
its Taylor linearisation is ``z_i = w_i (x_i - NPS) / sum w``, and with ``Z_g`` the sum
of z over cluster g of G, ``var_cl = G / (G - 1) * sum_g Z_g^2`` (accounts as primary
sampling units, with the small-count factor G/(G-1); Wolter 2007 ch. 6, Cameron and
Miller 2015). The same formula with every response its own cluster gives ``var_ind``;
the design effect ``deff = var_cl / var_ind`` (never below 1 for one wave) turns the
Kish n into ``n_eff = n_kish / deff``, which goes into the adjusted-Wald formula in
place of n, and the quantile is Student's t with G - 1 degrees of freedom (Cameron and
Miller 2015, section VI). With no variance to measure (every answer alike) the
design effect is n_kish / G: each account counts once.

Changes
-------
The change between two waves is tested as MeasuringU does (Sauro 2018): each wave's
counts adjusted as above, the **adjusted** difference over the adjusted standard error.
With clusters, one linearised variance for the change takes the accounts of both waves
as primary sampling units: an account in both waves adds its covariance, so contacts
and accounts surveyed twice are handled by the design; its design effect
``var_cl(change) / var_ind(change)`` scales the adjusted variance (it is below 1 when
the same accounts answer alike in both waves).

References: B. Rocks, "Interval Estimation for the 'Net Promoter Score'", The American
Statistician 70(4), 2016, pp. 365-372, arXiv:1601.07235. J. Sauro, "How to Compare Net
Promoter Scores" (MeasuringU, 2018: adjusted-Wald difference of two NPS). L. Kish,
Survey Sampling, Wiley 1965. K. Wolter, Introduction to Variance Estimation, 2nd ed.,
Springer 2007. A. C. Cameron and D. L. Miller, "A Practitioner's Guide to
Cluster-Robust Inference", Journal of Human Resources 50(2), 2015, pp. 317-372.

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


def _series(values: Any, name: str) -> pd.Series:
    """A Series of ``values`` (a Series, ndarray, list or tuple; one dimension)."""
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name}: give one column of values, not a table")
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, not of shape {array.shape}")
    return pd.Series(array)


def _aligned(values: Any, scores: pd.Series, name: str) -> pd.Series:
    """``values`` (weights or clusters) on the index of ``scores``: a Series must carry
    the same labels (in any order), an array the same length; else ``ValueError``
    (never silently missing values)."""
    if isinstance(values, pd.Series):
        if values.index.equals(scores.index):
            return values
        if (
            len(values) == len(scores)
            and values.index.is_unique
            and values.index.sort_values().equals(scores.index.sort_values())
        ):
            return values.reindex(scores.index)
        raise ValueError(f"{name} are not aligned with the scores: give one per score, same index")
    array = np.asarray(values)
    if array.ndim != 1 or len(array) != len(scores):
        raise ValueError(f"{name}: {array.size} values for {len(scores)} scores")
    return pd.Series(array, index=scores.index)


def classify(scores: Any) -> pd.Series:
    """Map 0-10 scores (a Series, ndarray or list) to the categorical promoter /
    passive / detractor.

    Missing scores stay missing; values outside 0-10 raise ``ValueError``.

    Examples
    --------
    >>> classify([10, 7, 3]).tolist()
    ['promoter', 'passive', 'detractor']
    """
    scores = _series(scores, "scores")
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


def quantile(confidence: float, df: Any = None) -> Any:
    """The two-sided quantile of ``confidence``: normal without ``df`` (or where it is
    infinite), Student's t with ``df`` degrees of freedom otherwise (arrays allowed)."""
    z = z_value(confidence)
    if df is None:
        return z
    from scipy.stats import t

    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        q = t.ppf(0.5 + confidence / 2, np.where(np.isfinite(df), np.maximum(df, 1), 1))
    return np.where(np.isfinite(df), q, z)


def _two_sided_p(stat: Any, df: Any) -> np.ndarray:
    """Two-sided p-value of |stat| under t(df) (normal where df is infinite)."""
    from scipy.stats import norm, t

    stat, df = np.broadcast_arrays(np.abs(np.asarray(stat, float)), np.asarray(df, float))
    finite = np.isfinite(df)
    with np.errstate(invalid="ignore"):
        p = np.where(finite, 2 * t.sf(stat, np.where(finite, np.maximum(df, 1), 1)), 0.0)
        return np.where(finite, p, 2 * norm.sf(stat))


def nps_interval(
    p: Any, d: Any, n: Any, confidence: float = 0.95, df: Any = None
) -> tuple[Any, Any]:
    """Adjusted-Wald interval (Rocks 2016) of an NPS, in NPS points.

    Parameters
    ----------
    p, d
        Shares (0-1) of promoters and detractors; arrays allowed.
    n
        Sample size, or the effective sample size of weighted or clustered data.
    df
        Degrees of freedom of a t quantile (clustered data: accounts - 1); None or
        infinite for the normal quantile.

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
        spread = np.sqrt(np.clip(p_adj + d_adj - centre**2, 0, None) / n_adj)
        half = quantile(confidence, df) * spread
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


def cluster_codes(clusters: Any) -> np.ndarray:
    """Integer codes of cluster labels; a missing label is a cluster of its own."""
    codes, uniques = pd.factorize(pd.Series(clusters).astype(object).to_numpy(), sort=False)
    lonely = codes < 0
    codes[lonely] = len(uniques) + np.arange(int(lonely.sum()))
    return codes


def design_variances(
    x: np.ndarray,
    w: np.ndarray,
    group: np.ndarray,
    k: int,
    cluster: np.ndarray | None,
    side: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linearised variances, per group, of ``sum_side side * mean_w(x)`` (one wave:
    side +1; a change: -1 before, +1 after).

    ``z_i = side_i * w_i (x_i - mean) / sum w`` (mean and sum w of the row's group and
    side). Returns ``(var_ind, var_cl, G)``: var_ind = sum over sides of
    ``m / (m - 1) * sum z^2`` (m rows of the side), var_cl = ``G / (G - 1) * sum_g Z_g^2``
    over the G clusters of the group (Z_g the sum of z of cluster g, both sides
    together: a cluster in both waves brings its covariance), NaN for G < 2.
    Without ``cluster`` var_cl is var_ind and G the rows. Also ``G_eff``, the effective
    number of clusters ``(sum_g W_g)^2 / sum_g W_g^2`` of their weight totals (Kish's
    formula over clusters): a few large (or heavily weighted) accounts carry the
    estimate, and the t quantile takes G_eff - 1 degrees of freedom (in the spirit of
    Carter, Schnepel and Steigerwald 2017's effective number of clusters).
    """
    side = np.ones(len(x), dtype=int) if side is None else np.asarray(side)
    cell = group * 2 + (side > 0)
    W = np.bincount(cell, w, minlength=2 * k)
    m = np.bincount(cell, minlength=2 * k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(cell, w * x, minlength=2 * k) / W
        z = side * w * (x - mean[cell]) / W[cell]
        factor = np.where(m > 1, m / (m - 1), 1.0)
    var_ind = np.bincount(cell, z**2 * factor[cell], minlength=2 * k).reshape(k, 2).sum(axis=1)
    if cluster is None:
        rows = np.bincount(group, minlength=k).astype(float)
        return var_ind, var_ind, rows, rows
    key = group.astype(np.int64) * (int(cluster.max(initial=0)) + 1) + cluster
    uniq, inverse = np.unique(key, return_inverse=True)
    Z = np.bincount(inverse.ravel(), z)
    owner = uniq // (int(cluster.max(initial=0)) + 1)
    G = np.bincount(owner, minlength=k).astype(float)
    Wg = np.bincount(inverse.ravel(), w)
    with np.errstate(invalid="ignore", divide="ignore"):
        var_cl = np.where(G > 1, G / (G - 1) * np.bincount(owner, Z**2, minlength=k), np.nan)
        G_eff = np.bincount(owner, Wg, minlength=k) ** 2 / np.bincount(owner, Wg**2, minlength=k)
    return var_ind, var_cl, G, G_eff


def wave_design(
    var_ind: Any, var_cl: Any, G: Any, n_kish: Any, G_eff: Any = None
) -> tuple[Any, Any]:
    """One wave's design effect of clustering (at least 1) and t degrees of freedom
    (G_eff - 1, at least 1): ``var_cl / var_ind``; n_kish / G where there is no
    variance to measure; n_kish (each account one response) under two clusters."""
    G_eff = G if G_eff is None else G_eff
    var_ind, var_cl, G, n_kish, G_eff = (
        np.asarray(v, float) for v in (var_ind, var_cl, G, n_kish, G_eff)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(var_ind > 0, var_cl / var_ind, n_kish / G)
        deff = np.where(G < 2, n_kish, deff)
    return np.maximum(np.nan_to_num(deff, nan=1.0), 1.0), np.maximum(np.fmin(G, G_eff) - 1, 1)


def _signs(s: np.ndarray) -> np.ndarray:
    """+1 promoter, 0 passive, -1 detractor."""
    return (s >= PROMOTER_MIN).astype(float) - (s <= DETRACTOR_MAX).astype(float)


def _prepared(
    scores: Any, weights: Any, clusters: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Valid scores, weights scaled to a maximum of 1, and cluster labels (or None)."""
    s = pd.to_numeric(_series(scores, "scores"), errors="raise").astype(float)
    w = (
        pd.Series(1.0, index=s.index)
        if weights is None
        else pd.to_numeric(_aligned(weights, s, "weights"), errors="raise").astype(float)
    )
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    g = None if clusters is None else _aligned(clusters, s, "clusters")
    keep = (s.notna() & w.notna()).to_numpy()
    s, w = s.to_numpy()[keep], w.to_numpy()[keep]
    if len(w) and w.max() > 0:
        w = w / w.max()  # scale-free; avoids underflow of tiny weights squared
    return s, w, None if g is None else g.astype(object).to_numpy()[keep]


def nps_summary(
    scores: Any,
    weights: Any | None = None,
    clusters: Any | None = None,
    confidence: float = 0.95,
) -> dict[str, float]:
    """NPS of a set of 0-10 scores, with shares and an adjusted-Wald interval.

    Parameters
    ----------
    scores
        0-10 scores (Series, ndarray or list); missing ones are ignored.
    weights
        Optional non-negative weights per score (e.g. revenue weights): shares and NPS
        are weighted and the interval uses Kish's effective sample size. A Series must
        carry the scores' index labels, an array their length (else ``ValueError``).
    clusters
        Optional account of each score (aligned like ``weights``): the interval is then
        cluster-robust (accounts as primary sampling units, see the module notes).
    confidence
        Of the interval.

    Returns
    -------
    dict
        n, promoters, passives, detractors (counts), pct_promoters, pct_passives,
        pct_detractors (shares in percent, weighted if weights are given), nps, ci_low,
        ci_high, n_kish (Kish's n of the weights), deff (design effect of clustering, 1
        without clusters), n_eff = n_kish / deff, clusters (G, or n without clusters)
        and df (of the t quantile; infinite without clusters). With n = 0 the shares
        and NPS are NaN.

    Examples
    --------
    >>> nps_summary([10, 9, 8, 3])["nps"]
    25.0
    """
    s, w, g = _prepared(scores, weights, clusters)
    n = int(len(s))
    promoters = int((s >= PROMOTER_MIN).sum())
    detractors = int((s <= DETRACTOR_MAX).sum())
    total = w.sum()
    out = dict(n=n, promoters=promoters, passives=n - promoters - detractors)
    out["detractors"] = detractors
    if n == 0 or total == 0:
        nan = float("nan")
        shares = ("pct_promoters", "pct_passives", "pct_detractors", "nps", "ci_low", "ci_high")
        return {**out, **dict.fromkeys(shares, nan), "n_eff": 0.0, "n_kish": 0.0, "deff": nan,
                "clusters": 0, "df": nan}  # fmt: skip
    p = w[s >= PROMOTER_MIN].sum() / total
    d = w[s <= DETRACTOR_MAX].sum() / total
    n_kish = float(total**2 / (w**2).sum())
    deff, df = 1.0, float("inf")
    G = n
    if g is not None:
        codes = cluster_codes(g)
        var_ind, var_cl, groups, g_eff = design_variances(_signs(s), w, np.zeros(n, int), 1, codes)
        deff_a, df_a = wave_design(var_ind, var_cl, groups, n_kish, g_eff)
        deff, df, G = float(deff_a[0]), float(df_a[0]), int(groups[0])
    n_eff = n_kish / deff
    low, high = nps_interval(p, d, n_eff, confidence, None if g is None else df)
    return {
        **out,
        "pct_promoters": p * 100,
        "pct_passives": (1 - p - d) * 100,
        "pct_detractors": d * 100,
        "nps": float(np.clip((p - d) * 100, -100, 100)),
        "ci_low": float(low),
        "ci_high": float(high),
        "n_eff": n_eff,
        "n_kish": n_kish,
        "deff": deff,
        "clusters": G,
        "df": df,
    }


def compare_waves(
    a: Any,
    b: Any,
    weights_a: Any | None = None,
    weights_b: Any | None = None,
    confidence: float = 0.95,
    clusters_a: Any | None = None,
    clusters_b: Any | None = None,
) -> dict[str, Any]:
    """Change of NPS from wave ``a`` (earlier) to wave ``b`` (later), with its
    interval and a two-sided p-value.

    MeasuringU's test (Sauro 2018): each wave's counts adjusted (n + 3, 3/4 more
    promoters and detractors), the adjusted difference over the square root of the sum
    of the adjusted variances. With clusters (the account of each response; a response
    of the other wave without them is a cluster of its own) the adjusted variance is
    scaled by the design effect of the change, linearised with the accounts of both
    waves as primary sampling units (an account in both waves adds its covariance), and
    the quantile and p-value are Student's t with G - 1 degrees of freedom.
    ``significant`` is the uncorrected verdict ``p_value < 1 - confidence``: minimum-n
    rules and corrections for many tests belong to whoever flags.

    Returns
    -------
    dict
        nps_a, nps_b, n_a, n_b, n_eff_a, n_eff_b, change (observed), change_adj (the
        adjusted difference the test centres on), se, ci_low, ci_high, p_value,
        significant, deff (of the change), df.

    Examples
    --------
    >>> r = compare_waves([10, 3] * 50, [10, 10, 3] * 40)
    >>> round(r["change"], 1), r["significant"]
    (33.3, True)
    """
    sa = nps_summary(a, weights_a, clusters_a, confidence)
    sb = nps_summary(b, weights_b, clusters_b, confidence)
    design = None
    if clusters_a is not None or clusters_b is not None:
        xa, wa, la = _prepared(a, weights_a, clusters_a)
        xb, wb, lb = _prepared(b, weights_b, clusters_b)
        none = [np.full(len(x), None, dtype=object) for x in (xa, xb)]
        labels = [none[0] if la is None else la, none[1] if lb is None else lb]
        codes = cluster_codes(np.concatenate(labels))  # a response without one: its own
        x, w = _signs(np.concatenate([xa, xb])), np.concatenate([wa, wb])
        side = np.r_[-np.ones(len(xa), int), np.ones(len(xb), int)]
        var_ind, var_cl, G, G_eff = design_variances(x, w, np.zeros(len(x), int), 1, codes, side)
        design = change_design(var_ind, var_cl, G_eff)
    return compare_summaries(sa, sb, confidence, design)


def change_design(var_ind: Any, var_cl: Any, G: Any) -> pd.DataFrame:
    """Design effect and degrees of freedom of a change from its linearised variances
    (:func:`design_variances` with sides): ``var_cl / var_ind``, 1 where either is
    unknown or zero, G - 1 degrees of freedom (G: the effective number of clusters).
    Not bounded below by 1: a covariance between the waves (the same accounts) makes a
    change more precise."""
    var_ind, var_cl, G = (np.atleast_1d(np.asarray(v, float)) for v in (var_ind, var_cl, G))
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where((var_ind > 0) & np.isfinite(var_cl), var_cl / var_ind, 1.0)
    return pd.DataFrame({"deff": deff, "df": np.where(G > 1, G - 1, np.inf)})


def compare_summaries(
    sa: dict[str, float],
    sb: dict[str, float],
    confidence: float = 0.95,
    design: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """:func:`compare_waves` from two :func:`nps_summary` results (waves independent,
    each with its own design effect, unless ``design`` gives the change's)."""
    frame = compare_tables(pd.DataFrame([sa]), pd.DataFrame([sb]), confidence, design)
    row = frame.iloc[0]
    return dict(
        nps_a=sa["nps"],
        nps_b=sb["nps"],
        n_a=sa["n"],
        n_b=sb["n"],
        n_eff_a=sa.get("n_eff", sa["n"]),
        n_eff_b=sb.get("n_eff", sb["n"]),
        change=float(row["change"]),
        change_adj=float(row["change_adj"]),
        se=float(row["change_se"]),
        ci_low=float(row["change_ci_low"]),
        ci_high=float(row["change_ci_high"]),
        p_value=float(row["p_value"]),
        significant=bool(row["significant"]),
        deff=float(row["change_deff"]),
        df=float(row["change_df"]),
    )


def _adjusted(t: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted-Wald centre (share) and variance (shares squared) of each row, from
    Kish's n (the weights only): the design effect is applied afterwards."""
    n = next(t[c] for c in ("n_kish", "n_eff", "n") if c in t).to_numpy(float)
    p = t["pct_promoters"].to_numpy(float) / 100
    d = t["pct_detractors"].to_numpy(float) / 100
    with np.errstate(invalid="ignore", divide="ignore"):
        n2 = n + ADJUST_N
        pa, da = (p * n + ADJUST_COUNT) / n2, (d * n + ADJUST_COUNT) / n2
        return pa - da, (pa + da - (pa - da) ** 2) / n2


def compare_tables(
    before: pd.DataFrame,
    after: pd.DataFrame,
    confidence: float = 0.95,
    design: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Row-wise change between two aligned tables of NPS statistics (vectorized).

    Both need pct_promoters, pct_detractors, nps and n (n_kish or n_eff when there).
    The test is MeasuringU's (see :func:`compare_waves`); the adjusted variance of each
    side is scaled by its ``deff`` column when there is one (independent waves), or the
    sum by ``design["deff"]`` (the change's own design effect, row by row), and the
    quantile is t with ``design["df"]`` (else the smaller ``df`` of the two sides, else
    normal).

    Returns change (observed), change_adj, change_se, change_ci_low, change_ci_high,
    p_value, significant (uncorrected), change_deff and change_df, aligned with
    ``after``.
    """
    ca, va = _adjusted(before)
    cb, vb = _adjusted(after)

    def col(t: pd.DataFrame, name: str, default: float) -> np.ndarray:
        return t[name].to_numpy(float) if name in t else np.full(len(t), default)

    if design is not None:
        deff = np.asarray(design["deff"], float)
        df = np.asarray(design["df"], float)
        var = (va + vb) * deff
    else:
        var = va * col(before, "deff", 1.0) + vb * col(after, "deff", 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            deff = var / (va + vb)
        df = np.fmin(col(before, "df", np.inf), col(after, "df", np.inf))
    change = after["nps"].to_numpy(float) - before["nps"].to_numpy(float)
    centre = (cb - ca) * 100
    se = np.sqrt(var) * 100
    q = quantile(confidence, df)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_value = np.where(np.isnan(se) | np.isnan(centre), np.nan, _two_sided_p(centre / se, df))
    return pd.DataFrame(
        {
            "change": change,
            "change_adj": centre,
            "change_se": se,
            "change_ci_low": np.clip(centre - q * se, -200, 200),
            "change_ci_high": np.clip(centre + q * se, -200, 200),
            "p_value": p_value,
            "significant": np.where(np.isnan(p_value), False, p_value < 1 - confidence),
            "change_deff": deff,
            "change_df": df,
        },
        index=after.index,
    )


def nps_by(
    responses: pd.DataFrame,
    by: str | list[str],
    min_n: int = 5,
    confidence: float = 0.95,
    weights: str | None = None,
    clusters: str | None = None,
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
    clusters
        Optional column of each response's account: intervals become cluster-robust
        within each group (see :func:`nps_summary`); an empty value is its own cluster.

    Returns
    -------
    DataFrame
        The ``by`` columns, n, promoters, passives, detractors, the shares, nps,
        ci_low, ci_high, n_eff, n_kish, deff, clusters, df and suppressed; sorted by
        the ``by`` columns (in the categories' order where they are categorical).
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
    grouped = frame.groupby(keys, observed=True, dropna=False, sort=True)
    out = grouped.sum().reset_index()
    out["passives"] = out["n"] - out["promoters"] - out["detractors"]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (out["_wp"] / out["_w"]).to_numpy(float)
        d = (out["_wd"] / out["_w"]).to_numpy(float)
        out["n_kish"] = out["_w"] ** 2 / out["_w2"]
    df = None
    out["deff"], out["clusters"], out["df"] = 1.0, out["n"].astype(float), np.inf
    if clusters is not None and len(out):
        keep = valid.to_numpy()
        group = grouped.ngroup().to_numpy()[keep]
        codes = cluster_codes(responses[clusters].where(responses[clusters] != "").to_numpy())
        var_ind, var_cl, G, G_eff = design_variances(
            _signs(s.to_numpy()[keep]), w.to_numpy()[keep], group, len(out), codes[keep]
        )
        out["deff"], df = wave_design(var_ind, var_cl, G, out["n_kish"], G_eff)
        out["clusters"], out["df"] = G, df
    out["n_eff"] = out["n_kish"] / out["deff"]
    out["pct_promoters"] = p * 100
    out["pct_passives"] = (1 - p - d) * 100
    out["pct_detractors"] = d * 100
    out["nps"] = np.clip((p - d) * 100, -100, 100)
    out["ci_low"], out["ci_high"] = nps_interval(p, d, out["n_eff"], confidence, df)
    out["suppressed"] = out["n"] < min_n
    shown = ["pct_promoters", "pct_passives", "pct_detractors", "nps", "ci_low", "ci_high", "n_eff"]
    out.loc[out["suppressed"], shown] = np.nan
    for col in ("promoters", "passives", "detractors"):
        out[col] = out[col].astype("Int64").mask(out["suppressed"])
    design = ["n_kish", "deff", "clusters", "df"]
    cols = [*keys, "n", "promoters", "passives", "detractors", *shown, *design, "suppressed"]
    return out[cols].reset_index(drop=True)
