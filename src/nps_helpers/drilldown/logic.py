"""Ad-hoc drill-down: pure functions from a selection to tables, and the ipywidgets
app that only wires controls to them (``notebooks/drilldown.ipynb``).

A :class:`Selection` says which wave (or all), which dimension to break down by,
which filter values to keep, the minimum n and a comment search. Every function takes
the history of responses (all waves, as :func:`nps_helpers.history.read_history`
gives it) and a selection, and returns a DataFrame; nothing here draws or reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.metrics.panel import climbers_fallers, moves_table
from nps_helpers.metrics.scoring import compare_waves, nps_by
from nps_helpers.metrics.segments import accounts_of
from nps_helpers.metrics.trend import nps_trend
from nps_helpers.text.themes import ThemedComments, theme_table

FILTER_COLUMNS = ("tier", "role", "industry", "region", "product")
COMMENT_COLUMNS = ("wave_id", "score", "category", "role", "tier", "account_name", "comment")


@dataclass(frozen=True)
class Selection:
    """What the analyst asked for."""

    wave: str | None = None  # None: all waves
    by: str = "tier"
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # empty tuple: all
    min_n: int = 5
    search: str = ""

    def with_(self, **changes: Any) -> Selection:
        return replace(self, **changes)


def options(history: pd.DataFrame, columns: tuple[str, ...] = FILTER_COLUMNS) -> dict[str, list]:
    """The values each filter can take, in their categorical (or sorted) order."""
    out = {}
    for col in columns:
        if col in history.columns:
            values = history[col]
            if isinstance(values.dtype, pd.CategoricalDtype):
                present = set(values.dropna().astype(str))
                out[col] = [str(c) for c in values.cat.categories if str(c) in present]
            else:
                out[col] = sorted(values.dropna().astype(str).unique())
    return out


_CACHE: dict[tuple, Any] = {}


def _same_history(history: pd.DataFrame) -> None:
    """Keep the cache for one history object at a time (held, so its id is not reused)."""
    if _CACHE.get(("history",)) is not history:
        _CACHE.clear()
        _CACHE[("history",)] = history


def _lowered(history: pd.DataFrame) -> pd.Series:
    _same_history(history)
    key = ("lower",)
    if key not in _CACHE:
        _CACHE[key] = history["comment"].fillna("").astype(str).str.lower()
    return _CACHE[key]


def mask(history: pd.DataFrame, selection: Selection, ignore_wave: bool = False) -> np.ndarray:
    """Boolean mask of the responses in the selection.

    The last few masks are cached: one update asks for the same selection several
    times (table, themes, comments, compare), and the comment search is the costly part.
    """
    _same_history(history)
    key = (
        "mask",
        None if ignore_wave else selection.wave,
        tuple(sorted((k, tuple(v)) for k, v in selection.filters.items())),
        selection.search.strip().lower(),
    )
    if key in _CACHE:
        return _CACHE[key]
    keep = np.ones(len(history), dtype=bool)
    if selection.wave is not None and not ignore_wave:
        keep &= (history["wave_id"].astype(str) == selection.wave).to_numpy()
    for col, values in selection.filters.items():
        if values and col in history.columns:
            keep &= history[col].astype(str).isin(values).to_numpy()
    if selection.search.strip():
        needle = selection.search.strip().lower()
        keep &= _lowered(history).str.contains(needle, regex=False).to_numpy()
    masks = [k for k in _CACHE if k[0] == "mask"]
    for old in masks[: max(0, len(masks) - 15)]:
        del _CACHE[old]
    _CACHE[key] = keep
    return keep


def select(history: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The responses in the selection."""
    return history[mask(history, selection)]


def nps_table(
    history: pd.DataFrame, selection: Selection, confidence: float = 0.95
) -> pd.DataFrame:
    """NPS with n and interval per value of ``selection.by`` (suppressed under min n)."""
    return nps_by(
        select(history, selection), selection.by, min_n=selection.min_n, confidence=confidence
    )


def trend(history: pd.DataFrame, selection: Selection, confidence: float = 0.95) -> pd.DataFrame:
    """NPS of the selection in every wave (the wave control is ignored)."""
    chosen = history[mask(history, selection, ignore_wave=True)]
    if chosen.empty:
        return chosen.iloc[:0][["wave_id"]].assign(n=pd.Series(dtype=int))
    return nps_trend(chosen, min_n=selection.min_n, confidence=confidence)


def themes_for(history: pd.DataFrame, themed: ThemedComments, selection: Selection) -> pd.DataFrame:
    """The theme table of the selection (``themed`` analysed once for all of history)."""
    return theme_table(select(history, selection), themed)


def comments(
    history: pd.DataFrame,
    selection: Selection,
    scrub: Any | None = None,
    page: int = 0,
    page_size: int = 10,
) -> tuple[pd.DataFrame, int]:
    """One page of the matching comments (non-empty), newest wave and lowest score first.

    Returns
    -------
    (page, total)
        The page with wave, score, category, role, tier, account name and the scrubbed
        comment; and how many comments match in all.
    """
    chosen = select(history, selection)
    chosen = chosen[chosen["comment"].astype(str).str.strip().str.len() > 2]
    order = chosen.assign(
        _w=chosen["wave_id"].cat.codes
        if isinstance(chosen["wave_id"].dtype, pd.CategoricalDtype)
        else 0
    )
    order = order.sort_values(["_w", "score", "response_id"], ascending=[False, True, True])
    total = len(order)
    part = order.iloc[page * page_size : (page + 1) * page_size]
    cols = [c for c in COMMENT_COLUMNS if c in part.columns]
    out = part[cols].copy()
    if scrub is not None:
        out["comment"] = scrub(out["comment"])
    return out.reset_index(drop=True), total


def compare(
    history: pd.DataFrame,
    a: Selection,
    b: Selection,
    confidence: float = 0.95,
    min_n_change: int = 30,
) -> dict[str, Any]:
    """NPS of two selections side by side, the difference (b - a), its interval and its
    test, with the accounts as clusters across both (an account in both adds its
    covariance). ``significant`` also needs ``min_n_change`` responses each side."""
    first, second = select(history, a), select(history, b)
    result = compare_waves(
        first["score"],
        second["score"],
        confidence=confidence,
        clusters_a=accounts_of(first),
        clusters_b=accounts_of(second),
    )
    if min(result["n_a"], result["n_b"]) < min_n_change:
        result["significant"] = False
    small = min(result["n_a"], result["n_b"]) < max(a.min_n, b.min_n)
    if small:
        for key in ("nps_a", "nps_b", "change", "ci_low", "ci_high", "p_value"):
            result[key] = float("nan")
        result["significant"] = False
    result["suppressed"] = small
    return result


def climbers(history: pd.DataFrame, selection: Selection, before: str, now: str) -> pd.DataFrame:
    """Contacts of the selection who answered both waves ``before`` and ``now``: counts
    by category before (rows) and now (:func:`nps_helpers.metrics.panel.moves_table`)."""
    chosen = history[mask(history, selection, ignore_wave=True)]
    wave = chosen["wave_id"].astype(str)
    return moves_table(climbers_fallers(chosen[wave == now], chosen[wave == before]))
