"""Candidate themes among the comments no codebook theme catches (TF-IDF + NMF, offline)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.text.codebook import normalize
from nps_helpers.text.scrub import shorten
from nps_helpers.text.themes import ThemedComments

#: the scrubber's tokens ([name], [email], ...): left out of the terms
_TOKEN = re.compile(r"\[(?:email|phone|iban|card|ip|address|name)\]")
TOP_TERMS = 8


def _term_check(scrub: Any | None):
    """Whether a term may be shown: the scrubber's own check, else that scrubbing the
    term (as written and capitalised) leaves it as it is."""
    if scrub is None:
        return lambda term: True
    if hasattr(scrub, "term_ok"):
        return scrub.term_ok

    def ok(term: str) -> bool:
        titled = " ".join(w[:1].upper() + w[1:] for w in term.split())
        return list(scrub(pd.Series([term, titled]))) == [term, titled]

    return ok


def discover(
    comments: pd.Series,
    themed: ThemedComments | None = None,
    n_topics: int | None = None,
    seed: int = 0,
    scrub: Any | None = None,
) -> pd.DataFrame:
    """Candidate themes among the comments no codebook theme catches (TF-IDF + NMF).

    Parameters
    ----------
    comments
        The comments; those tagged with any theme (per ``themed``) and those under four
        words are left out.
    n_topics
        Number of candidates; by default one per 15 uncaught comments, between 2 and 8.
    seed
        Seed of NMF, so reruns give the same candidates.
    scrub
        The scrubber (:func:`nps_helpers.text.scrub.scrubber`). The comments are scrubbed
        before the terms are counted, and a term that is or holds personal data (a
        listed name's word in any case, a long number) is dropped for the next one.

    Returns
    -------
    DataFrame
        candidate (1, 2, ...), size (comments mostly about it), top_terms (comma
        separated, up to eight) and examples (three comments, scrubbed when ``scrub``
        is given).
        Empty when there are too few uncaught comments (under 20).
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = comments.fillna("").astype(str)
    if themed is not None:
        text = text[~themed.tags.loc[text.index].any(axis=1)]
    text = text[text.str.split().str.len() >= 4]
    columns = ["candidate", "size", "top_terms", "examples"]
    if len(text) < 20:
        return pd.DataFrame(columns=columns)
    if scrub is not None:
        text = scrub(text)
    k = n_topics or int(np.clip(len(text) // 15, 2, 8))
    vectorizer = TfidfVectorizer(
        stop_words="english", min_df=2, max_df=0.7, ngram_range=(1, 2), sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(normalize(text.str.replace(_TOKEN, " ", regex=True)))
    except ValueError:  # nothing left after stop words
        return pd.DataFrame(columns=columns)
    k = min(k, matrix.shape[1], matrix.shape[0])
    if k < 1:
        return pd.DataFrame(columns=columns)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    terms = np.array(vectorizer.get_feature_names_out())
    best = weights.argmax(axis=1)
    term_ok = _term_check(scrub)
    rows = []
    for topic in range(k):
        ranked = terms[np.argsort(model.components_[topic])[::-1]]
        top = [t for t in ranked[: TOP_TERMS * 4] if term_ok(t)][:TOP_TERMS]
        order = np.argsort(weights[:, topic])[::-1][:3]
        examples = text.iloc[order]
        rows.append(
            {
                "candidate": topic + 1,
                "size": int((best == topic).sum()),
                "top_terms": ", ".join(top),
                "examples": list(shorten(examples, 160)),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["size", "candidate"], ascending=[False, True], ignore_index=True)
    out["candidate"] = range(1, len(out) + 1)
    return out
