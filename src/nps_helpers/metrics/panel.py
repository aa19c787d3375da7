"""Climbers and fallers: the contacts who answered both waves, where they moved, and
the change of their NPS tested on the same people (a paired test, accounts as clusters)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nps_helpers.metrics.multiple import holm
from nps_helpers.metrics.scoring import (
    CATEGORIES,
    _signs,
    _two_sided_p,
    cluster_codes,
    design_variances,
    quantile,
)

MOVES = ("up", "same", "down")


def climbers_fallers(
    responses: pd.DataFrame, previous: pd.DataFrame, on: str = "respondent_id"
) -> pd.DataFrame:
    """One row per contact in both waves (matched on ``on``; the latest answer of a
    wave when a contact answered twice): account_id, category before and now, score
    before and now, and ``move`` (up, same or down a category: detractor < passive <
    promoter).

    Examples
    --------
    >>> before = pd.DataFrame({"respondent_id": ["a", "b"], "account_id": ["x", "x"],
    ...                        "score": [3, 10]})
    >>> now = pd.DataFrame({"respondent_id": ["a", "b", "c"], "account_id": ["x"] * 3,
    ...                     "score": [9, 10, 2]})
    >>> climbers_fallers(now, before)["move"].tolist()
    ['up', 'same']
    """

    def last(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame[frame[on].notna() & (frame[on].astype(str) != "")]
        return frame.drop_duplicates(on, keep="last").set_index(on)

    now, before = last(responses), last(previous)
    both = now.index.intersection(before.index)
    rank = {c: i for i, c in enumerate(CATEGORIES)}

    def category(s: pd.Series) -> pd.Series:
        s = s.astype(float)
        return pd.Series(
            pd.cut(s, [-0.5, 6.5, 8.5, 10.5], labels=list(CATEGORIES)), index=s.index
        ).astype(str)

    out = pd.DataFrame(
        {
            "account_id": now.loc[both, "account_id"].astype(str) if "account_id" in now else "",
            "score_before": before.loc[both, "score"].astype(float),
            "score_now": now.loc[both, "score"].astype(float),
        }
    )
    out["before"] = category(out["score_before"])
    out["now"] = category(out["score_now"])
    step = out["now"].map(rank) - out["before"].map(rank)
    out["move"] = pd.Series("same", index=out.index).mask(step > 0, "up").mask(step < 0, "down")
    return out.rename_axis(on).reset_index()


def moves_table(panel: pd.DataFrame) -> pd.DataFrame:
    """Counts of the contacts in both waves: category before (rows) by category now."""
    table = pd.crosstab(
        pd.Categorical(panel["before"], categories=CATEGORIES),
        pd.Categorical(panel["now"], categories=CATEGORIES),
        dropna=False,
    )
    table.index.name, table.columns.name = "before", "now"
    return table


def moves_by_account(panel: pd.DataFrame) -> pd.DataFrame:
    """Per account: contacts in both waves and how many moved up, stayed or moved down;
    most fallers first."""
    counts = pd.crosstab(panel["account_id"], pd.Categorical(panel["move"], categories=MOVES))
    counts = counts.reindex(columns=list(MOVES), fill_value=0)
    counts.columns = list(MOVES)
    counts.insert(0, "contacts", counts.sum(axis=1))
    return counts.sort_values(["down", "contacts"], ascending=[False, False]).reset_index()


def _paired(
    panel: pd.DataFrame, group: np.ndarray, k: int, clusters: np.ndarray | None
) -> pd.DataFrame:
    """Per group (k of them): the paired change of the contacts in both waves, its
    linearised variance and degrees of freedom (see :func:`paired_change`)."""
    before = _signs(panel["score_before"].to_numpy(float))
    now = _signs(panel["score_now"].to_numpy(float))
    step = now - before
    var_ind, var_cl, G, G_eff = design_variances(step, np.ones(len(step)), group, k, clusters)
    n = np.bincount(group, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "n": n.astype(int),
                "nps_before": np.bincount(group, before, minlength=k) / n * 100,
                "nps_now": np.bincount(group, now, minlength=k) / n * 100,
            }
        )
        out["change"] = out["nps_now"] - out["nps_before"]
        out["se"] = np.sqrt(var_cl) * 100
        out["df"] = np.maximum(np.fmin(G, G_eff) - 1, 0)
    return out


def _tested(out: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Interval and two-sided p-value of each row's change (t with ``df``); a change
    with no spread (every contact moved alike) has p 1 when it is 0, else 0; NaN under
    2 contacts."""
    df = out["df"].to_numpy(float)
    q = np.asarray(quantile(confidence, np.where(df > 0, df, np.nan)), float)
    change, se = out["change"].to_numpy(float), out["se"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = _two_sided_p(change / se, np.where(df > 0, df, np.nan))
    p = np.where(se > 0, p, np.where(change == 0, 1.0, 0.0))
    ok = (df > 0) & np.isfinite(se)
    out["ci_low"] = np.where(ok, np.clip(change - q * se, -200, 200), np.nan)
    out["ci_high"] = np.where(ok, np.clip(change + q * se, -200, 200), np.nan)
    out["p_value"] = np.where(ok, p, np.nan)
    return out


def paired_change(
    panel: pd.DataFrame, confidence: float = 0.95, clusters: bool = True
) -> dict[str, float]:
    """The NPS change of the contacts who answered both waves, tested on the same people.

    Each contact's answer is x = +1 (promoter), 0 (passive) or -1 (detractor) in each
    wave; their change is c = x_now - x_before (-2 to +2), and the panel's NPS change
    is 100 * mean(c) (exactly NPS now - NPS before of these contacts). Its variance is
    linearised with the accounts as primary sampling units: ``z_i = (c_i - mean c) / n``,
    ``Z_g`` the sum over account g of G, ``var = G / (G - 1) * sum_g Z_g^2`` (with every
    contact its own account: s^2 / n, the paired t test); Student's t with G_eff - 1
    degrees of freedom (G_eff = n^2 / sum_g n_g^2, the effective number of accounts).

    Parameters
    ----------
    panel
        :func:`climbers_fallers` output.
    clusters
        Take ``account_id`` as clusters (an empty one: the contact its own).

    Returns
    -------
    dict
        n, nps_before, nps_now, change, se, df, ci_low, ci_high, p_value, up, same,
        down (contacts).

    Examples
    --------
    >>> panel = pd.DataFrame({"account_id": ["x", "x", "y", "z"],
    ...                       "score_before": [3, 8, 9, 10], "score_now": [9, 9, 9, 10]})
    >>> paired_change(panel, clusters=False)["change"]
    75.0
    """
    codes = None
    if clusters and "account_id" in panel:
        labels = panel["account_id"].astype(object)
        codes = cluster_codes(labels.where(labels.notna() & (labels.astype(str) != "")))
    out = _tested(_paired(panel, np.zeros(len(panel), int), 1, codes), confidence)
    row = {k: float(v) for k, v in out.iloc[0].items()} if len(panel) else {}
    moves = panel["move"].value_counts() if "move" in panel else pd.Series(dtype=int)
    return {**row, "n": len(panel), **{m: int(moves.get(m, 0)) for m in MOVES}}


def paired_by_account(
    panel: pd.DataFrame, confidence: float = 0.95, min_n_change: int = 1
) -> pd.DataFrame:
    """Per account: its contacts in both waves, how many moved up, stayed or moved down,
    their NPS before and now and the paired change (:func:`paired_change` within the
    account, each contact independent), its interval and p-value, Holm-corrected over
    the accounts (``p_holm``; ``flagged``: p_holm below 1 - confidence and at least
    ``min_n_change`` contacts). Most contacts first."""
    if panel.empty:
        cols = ["account_id", "contacts", *MOVES, "nps_before", "nps_now", "change"]
        return pd.DataFrame(columns=[*cols, "ci_low", "ci_high", "p_value", "p_holm", "flagged"])
    codes, accounts = pd.factorize(panel["account_id"].astype(str))
    stats = _tested(_paired(panel, codes, len(accounts), None), confidence)
    counts = (
        moves_by_account(panel).set_index("account_id").reindex(accounts).rename_axis("account_id")
    )
    out = pd.concat([counts.reset_index(), stats.drop(columns=["n", "se", "df"])], axis=1)
    out["p_holm"] = holm(out["p_value"])
    out["flagged"] = (out["p_holm"] < 1 - confidence) & (out["contacts"] >= min_n_change)
    return out.sort_values(
        ["contacts", "change", "account_id"], ascending=[False, True, True], ignore_index=True
    )
