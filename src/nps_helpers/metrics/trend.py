"""NPS across waves: each wave's score with its interval and the change since the wave before.

With accounts (``account_id``) every interval takes them as clusters, and each change
is tested with one linearised variance across the two consecutive waves (an account in
both adds its covariance, see :mod:`nps_helpers.metrics.scoring`). The table's changes
are Holm-corrected together (``p_holm``); ``flagged`` is what the deck may mark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nps_helpers.metrics.multiple import holm
from nps_helpers.metrics.scoring import compare_tables, nps_by
from nps_helpers.metrics.segments import ACCOUNT, change_designs


def _designs(history: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Design effect and degrees of freedom of each row's change since the wave before
    (:func:`~nps_helpers.metrics.segments.change_designs` of each pair of consecutive
    waves); 1 and infinite for a wave's first row."""
    design = pd.DataFrame({"deff": np.ones(len(table)), "df": np.inf}, index=table.index)
    waves = [w for w in table["wave_id"].drop_duplicates()]
    by_wave = history["wave_id"].astype(str)
    for before, now in zip(waves, waves[1:], strict=False):
        rows = table["wave_id"].astype(str) == str(now)
        current = table.loc[rows, keys]
        pair = change_designs(
            history[by_wave == str(before)], history[by_wave == str(now)], current, keys
        )
        design.loc[rows, ["deff", "df"]] = pair[["deff", "df"]].to_numpy()
    return design


def nps_trend(
    history: pd.DataFrame,
    by: str | list[str] | None = None,
    min_n: int = 5,
    confidence: float = 0.95,
    min_n_change: int = 1,
) -> pd.DataFrame:
    """NPS per wave (and per segment) with intervals, and the change since the wave
    before, marked significant or not.

    Parameters
    ----------
    history
        :func:`nps_helpers.io.history.read_history` output (``wave_id`` ordered).
    by
        Optional segment column(s).
    min_n_change
        Responses each wave needs before a change may be flagged.

    Returns
    -------
    DataFrame
        wave_id, the ``by`` columns, the :func:`~nps_helpers.scoring.nps_by` columns,
        change, change_ci_low, change_ci_high, p_value, significant (uncorrected; all
        empty for a segment's first wave or where either wave is suppressed), p_holm
        (Holm over the table's shown changes) and flagged (p_holm below 1 - confidence
        and ``min_n_change`` responses in both waves).
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    acc = ACCOUNT if ACCOUNT in history.columns else None
    if acc is not None and history[acc].isna().all():
        acc = None
    table = nps_by(history, ["wave_id", *keys], min_n=min_n, confidence=confidence, clusters=acc)
    table = table.sort_values([*keys, "wave_id"], ignore_index=True) if keys else table
    prev = table.groupby(keys, observed=True, dropna=False).shift(1) if keys else table.shift(1)
    design = None
    if acc is not None:
        frame = history if keys else history.assign(_all="")
        design = _designs(frame, table.assign(_all="") if not keys else table, keys or ["_all"])
    comparison = compare_tables(prev, table, confidence, design)
    hidden = table["suppressed"] | prev["suppressed"].astype("boolean").fillna(True).astype(bool)
    for col in ("change", "change_ci_low", "change_ci_high", "p_value"):
        table[col] = comparison[col].where(~hidden)
    table["significant"] = comparison["significant"] & ~hidden
    table["p_holm"] = holm(table["p_value"])
    big = (table["n"] >= min_n_change) & (prev["n"].fillna(0) >= min_n_change)
    table["flagged"] = (table["p_holm"] < 1 - confidence) & big & ~hidden
    return table.sort_values(["wave_id", *keys], ignore_index=True)
