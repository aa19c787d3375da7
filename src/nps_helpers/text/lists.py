"""The stance a comment's layout gives its clauses: ``+`` and ``-`` bullets, ✔ and ✘,
and headings such as "Pros:", "Cons:", "Good:", "Problems:".

"+ uptime / - invoices" praises uptime and complains about invoices whatever VADER
reads in two words. A dash is a plain bullet unless the comment also has ``+`` lines;
a heading sets the stance of what follows it until the next heading.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from nps_helpers.text.codebook import normalize
from nps_helpers.text.match import CLAUSE_SPLIT

#: Headings and the stance of what follows them (normalized words).
HEADINGS = {
    **dict.fromkeys(
        [
            "good",
            "pros",
            "pro",
            "likes",
            "like",
            "positives",
            "positive",
            "strengths",
            "strength",
            "plus",
            "plusses",
            "liked",
            "loved",
            "best",
            "upsides",
            "gut",
            "positiv",
            "bien",
            "ventajas",
            "voordelen",
            "zalety",
            "plusy",
            "pregi",
        ],
        1.0,
    ),
    **dict.fromkeys(
        [
            "bad",
            "cons",
            "con",
            "dislikes",
            "dislike",
            "negatives",
            "negative",
            "weaknesses",
            "weakness",
            "minus",
            "problems",
            "problem",
            "issues",
            "concerns",
            "complaints",
            "improve",
            "improvements",
            "worst",
            "downsides",
            "schlecht",
            "negativ",
            "mal",
            "desventajas",
            "nadelen",
            "wady",
            "minusy",
            "difetti",
        ],
        -1.0,
    ),
    "not good": -1.0,
    "not so good": -1.0,
    "what works": 1.0,
    "works well": 1.0,
    "points forts": 1.0,
    "pontos fortes": 1.0,
    "what doesnt work": -1.0,
    "could be better": -1.0,
    "to improve": -1.0,
    "needs improvement": -1.0,
    "points faibles": -1.0,
    "pontos fracos": -1.0,
}
HEADING = re.compile(
    r"(?:^|\n)[^\S\n]*(?:[-*•+]\s*)?(?:"
    + "|".join(sorted(map(re.escape, HEADINGS), key=len, reverse=True))
    + r")\s*:",
    re.IGNORECASE,
)
PLUS_LINE = re.compile(r"(?m)^\s*[+✔✓☑]")
CROSS_LINE = re.compile(r"(?m)^\s*[✘✗❌]")
MARKER = re.compile(r"^\s*([+✔✓☑]|[✘✗❌×]|[-–—*•])\s*")
PLUS, CROSS = "+✔✓☑", "✘✗❌×"


def _segments(text: str):
    """The clauses of ``text`` as :func:`~nps_helpers.text.match.split_clauses` cuts
    them, each with the separators before and after it."""
    pos, before = 0, "\n"
    for m in CLAUSE_SPLIT.finditer(text):
        yield text[pos : m.start()], before, m.group(0)
        pos, before = m.end(), m.group(0)
    yield text[pos:], before, ""


def _stances(text: str) -> list[float]:
    """The stance of each non-empty clause of a comment (NaN: none)."""
    dash = -1.0 if PLUS_LINE.search(text) else 0.0
    out, heading, line, new_line = [], 0.0, 0.0, True
    for segment, before, after in _segments(text):
        new_line = new_line or "\n" in before
        if not segment.strip():
            continue
        if new_line:
            line, new_line = 0.0, False
        rest = segment
        marker = MARKER.match(segment)
        if marker:
            sign = marker.group(1)
            line = 1.0 if sign in PLUS else -1.0 if sign in CROSS else dash
            rest = segment[marker.end() :]
        word = normalize(pd.Series([rest])).iloc[0].strip()
        if after.lstrip().startswith(":") and word in HEADINGS:
            heading = HEADINGS[word]
            out.append(np.nan)
            continue
        out.append(line or heading or np.nan)
    return out


def clause_stance(texts: pd.Series, clauses: pd.DataFrame) -> np.ndarray:
    """The stance (+1, -1, or NaN for none) that each clause of ``clauses`` (from
    ``split_clauses(texts)``, ``row`` = position in ``texts``) takes from its
    comment's bullets and headings.

    Examples
    --------
    >>> from nps_helpers.text.match import split_clauses
    >>> texts = pd.Series(["+ uptime\\n- invoices", "Pros: support. Cons: price", "ok"])
    >>> clause_stance(texts, split_clauses(texts)).tolist()
    [1.0, -1.0, nan, 1.0, nan, -1.0, nan]
    """
    out = np.full(len(clauses), np.nan)
    laid_out = (
        texts.str.contains(PLUS_LINE) | texts.str.contains(CROSS_LINE) | texts.str.contains(HEADING)
    ).to_numpy()
    if not laid_out.any():
        return out
    rows = clauses["row"].to_numpy()  # in order: split_clauses keeps the texts' order
    for i in np.flatnonzero(laid_out):
        at = np.arange(np.searchsorted(rows, i), np.searchsorted(rows, i, side="right"))
        stances = _stances(str(texts.iloc[i]))
        if len(stances) == len(at):  # the same cut as split_clauses, by construction
            out[at] = stances
    return out
