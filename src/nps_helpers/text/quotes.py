"""Quotes for the deck: the comments that speak for a theme, scrubbed and shortened."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nps_helpers.text.codebook import normalize
from nps_helpers.text.scrub import shorten
from nps_helpers.text.sentiment import NEGATIVE, POSITIVE
from nps_helpers.text.themes import ThemedComments


def verbatims(
    responses: pd.DataFrame,
    themed: ThemedComments,
    theme: str,
    scrub: Any | None = None,
    polarity: str | None = None,
    k: int = 3,
    limit: int = 220,
) -> pd.DataFrame:
    """The most representative comments about ``theme``, scrubbed and shortened.

    Representative: the comment is mostly about this theme (fewest other themes), its
    polarity is strongest (in the asked direction: '+' praise, '-' complaint), and its
    length is readable. Ties are broken by response id, so reruns pick the same ones.

    Returns
    -------
    DataFrame
        response_id, score, category, role, tier, polarity and ``text``.
    """
    idx = responses.index
    hit = themed.tags.loc[idx, theme]
    pol = themed.polarity.loc[idx, theme]
    chosen = responses[hit].copy()
    chosen["polarity"] = pol[hit]
    if polarity == "+":
        chosen = chosen[chosen["polarity"] > POSITIVE]
    elif polarity == "-":
        chosen = chosen[chosen["polarity"] < NEGATIVE]
    if chosen.empty:
        return chosen.assign(text=pd.Series(dtype=str))
    others = themed.tags.loc[chosen.index].sum(axis=1) - 1
    length = chosen["comment"].astype(str).str.len()
    readable = length.between(30, 400)
    chosen["_rank"] = -readable.astype(int) * 10 + others * 2 - chosen["polarity"].abs() * 5
    chosen = chosen.sort_values(["_rank", "response_id"])
    chosen = chosen[~normalize(chosen["comment"]).str.strip(" .!").duplicated()].head(k)
    text = chosen["comment"].astype(str)
    chosen["text"] = shorten(scrub(text) if scrub else text, limit)
    keep = [
        c
        for c in ("response_id", "score", "category", "role", "tier", "polarity", "text")
        if c in chosen.columns
    ]
    return chosen[keep].reset_index(drop=True)
