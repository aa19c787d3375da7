"""Climbers and fallers: the contacts who answered both waves, and where they moved."""

from __future__ import annotations

import pandas as pd

from nps_helpers.metrics.scoring import CATEGORIES

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
