"""Themes of a wave's comments: tags, polarity and sentiment per response, and their impact on NPS.

Everything runs offline: the codebook is YAML (``params/codebook.yaml``), sentiment is
VADER (a lexicon shipped inside the vaderSentiment package) extended with B2B and
non-English words, and discovery uses scikit-learn's TF-IDF and NMF.

Tagging is vectorized: each theme is one compiled regular expression run over the
whole column of comments with pandas' string methods (no Python loop per comment and
theme). Polarity is decided per clause: a comment is split into clauses at sentence
ends, commas and contrast words ("but", "however", "aber", "mais", "pero", ...), and a
theme mention takes the sentiment of the clauses it appears in, so "great support but
the invoices are always wrong" praises support and complains about billing, and
negation inside a clause flips it ("no problems with support" is praise).

Impact on NPS (points, for the scope of the table, n = all its responses)::

    gain_if_fixed      = 100 * detractors whose mention of the theme is not positive / n
    loss_without_praise = 100 * promoters whose mention of the theme is positive / n

``gain_if_fixed`` is how much NPS would rise if those detractors became passives;
``loss_without_praise`` how much it would fall if the promoters praising the theme were
passives instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.metrics.scoring import DETRACTOR_MAX, PROMOTER_MIN
from nps_helpers.text.codebook import Theme, codebook_key, load_codebook, normalize
from nps_helpers.text.lists import clause_stance
from nps_helpers.text.match import CHUNK, _by_response, _text_tags
from nps_helpers.text.sentiment import NEGATIVE, POSITIVE, SARCASM, sentiment

#: Answers this low are a clear complaint, whatever the comment's words say.
CLEAR_COMPLAINT_MAX = 4


@dataclass
class ThemedComments:
    """Themes, per-mention polarity and sentiment of a set of comments."""

    tags: pd.DataFrame  # bool per theme
    polarity: pd.DataFrame  # sentiment (-1..1) of each mention, NaN where not mentioned
    sentiment: pd.Series  # sentiment of each whole comment
    codebook: dict[str, Theme]

    @property
    def themes(self) -> list[str]:
        return list(self.tags.columns)

    def label(self, theme: str) -> pd.Series:
        """'+', '-', '0' per comment that mentions ``theme`` (empty string otherwise)."""
        p = self.polarity[theme]
        return pd.Series(
            np.select([p > POSITIVE, p < NEGATIVE, p.notna()], ["+", "-", "0"], ""), index=p.index
        )

    def to_frame(self, response_ids: pd.Series) -> pd.DataFrame:
        """One row per comment, to store: ``response_id``, ``sentiment``, then a
        ``tag:<theme>`` (bool) and a ``polarity:<theme>`` (float) column per theme.
        ``response_ids`` is indexed like the comments."""
        ids = response_ids.reindex(self.tags.index)
        columns = {
            "response_id": ids.astype(str).to_numpy(),
            "sentiment": self.sentiment.to_numpy(),
        }
        for name in self.themes:
            columns[f"tag:{name}"] = self.tags[name].to_numpy(dtype=bool)
            columns[f"polarity:{name}"] = self.polarity[name].to_numpy(dtype=float)
        return pd.DataFrame(columns)

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, response_ids: pd.Series, codebook: dict[str, Theme]
    ) -> ThemedComments | None:
        """The themes of ``response_ids`` (indexed like the responses) from a stored
        :meth:`to_frame`; None when a response is missing from it or its themes are
        not the codebook's."""
        stored = [c[4:] for c in frame.columns if c.startswith("tag:")]
        if stored != list(codebook):
            return None
        at = pd.Index(frame["response_id"].astype(str)).get_indexer(response_ids.astype(str))
        if (at < 0).any():
            return None
        rows = frame.iloc[at]
        index = response_ids.index
        tags = pd.DataFrame({t: rows[f"tag:{t}"].to_numpy(dtype=bool) for t in stored}, index=index)
        polarity = pd.DataFrame(
            {t: rows[f"polarity:{t}"].to_numpy(dtype=float) for t in stored}, index=index
        )
        sentiment = pd.Series(
            rows["sentiment"].to_numpy(dtype=float), index=index, name="sentiment"
        )
        return cls(tags=tags, polarity=polarity, sentiment=sentiment, codebook=codebook)


@dataclass
class TextAnalysis:
    """The work :func:`analyse` does once per distinct text: its themes, the polarity
    of each mention and its sentiment. It depends on nothing but the text and the
    codebook."""

    texts: np.ndarray  # distinct texts (object)
    codebook: str  # codebook_key() of the codebook used
    tags: np.ndarray  # bool, texts x themes
    polarity: np.ndarray  # mean sentiment of the clauses that mention a theme, else NaN
    sentiment: np.ndarray  # the text's (sarcasm rule applied)
    sarcastic: np.ndarray  # bool per text

    def __len__(self) -> int:
        return len(self.texts)


def analyse_texts(
    texts: Iterable[str], codebook: dict[str, Theme] | str | Path | None = None
) -> TextAnalysis:
    """Theme and score each of ``texts`` (distinct strings, already stripped as the
    cleaned ``comment`` column is) with the codebook: see :class:`TextAnalysis`.

    In chunks of :data:`~nps_helpers.text.match.CHUNK` texts, so the token and clause
    tables of 200,000 comments never sit in memory at once."""
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    unique = np.asarray(list(texts) if not isinstance(texts, np.ndarray) else texts, dtype=object)
    n = len(unique)
    by_text = np.zeros((n, len(book)), dtype=bool)
    text_polarity = np.full((n, len(book)), np.nan)
    text_sentiment = np.zeros(n)
    for start in range(0, n, CHUNK):
        part = pd.Series(unique[start : start + CHUNK], dtype=object)
        tags_, clauses, clause_tags = _text_tags(part, book)
        scored = sentiment(clauses["clause"]).to_numpy()
        # "+ uptime", "- invoices", "Cons: price": the layout decides the clause's stance
        stance = clause_stance(part, clauses)
        scored = np.where(np.isnan(stance), scored, stance * np.maximum(np.abs(scored), 0.4))
        rows = clauses["row"].to_numpy(dtype=np.int64)
        end = start + len(part)
        by_text[start:end] = tags_
        # a comment's sentiment is the mean of its clauses' (each clause scored once)
        per_text = pd.Series(scored).groupby(rows).mean()
        text_sentiment[start + per_text.index.to_numpy()] = per_text.to_numpy()
        for j in range(len(book)):
            sel = clause_tags[:, j]
            if sel.any():
                means = pd.Series(scored[sel]).groupby(rows[sel]).mean()
                text_polarity[start + means.index.to_numpy(), j] = means.to_numpy()
    sarcastic = normalize(pd.Series(unique, dtype=object)).str.contains(SARCASM).to_numpy()
    sarcastic = sarcastic.astype(bool)
    text_sentiment[sarcastic] = -np.maximum(np.abs(text_sentiment[sarcastic]), 0.4)
    return TextAnalysis(
        unique, codebook_key(book), by_text, text_polarity, text_sentiment, sarcastic
    )


def analyse(
    comments: pd.Series,
    codebook: dict[str, Theme] | str | Path | None = None,
    industries: pd.Series | None = None,
    scores: pd.Series | None = None,
) -> ThemedComments:
    """Tag ``comments`` and score the sentiment of each comment and each theme mention.

    With ``scores`` (the respondents' 0-10 answers), a mention whose clauses read as
    neutral takes the stance of a clear score (0-4 a complaint, 9-10 praise), else of
    the whole comment, and failing that of the score (5-6 a complaint).

    Each clause is scored once (VADER with the B2B lexicon). A mention's polarity is
    the mean sentiment of the comment's clauses that mention the theme; a comment's
    sentiment is the mean over its clauses; a sarcastic comment is never read as
    praise.
    """
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    comments = comments.fillna("").astype(str)
    # each distinct text is themed and scored once (empty and stock answers repeat)
    codes, unique = pd.factorize(comments)
    per_text = analyse_texts(np.asarray(unique, dtype=object), book)
    by_text, text_polarity = per_text.tags, per_text.polarity
    text_sentiment, sarcastic_text = per_text.sentiment, per_text.sarcastic
    tags = _by_response(by_text, codes, comments.index, book, industries)
    whole = pd.Series(text_sentiment[codes], index=comments.index, name="sentiment")
    sarcastic = sarcastic_text[codes]
    polarity = pd.DataFrame(text_polarity[codes], index=comments.index, columns=tags.columns)
    polarity = polarity.where(tags.to_numpy())  # industry filter
    neutral = polarity.abs() < POSITIVE
    if neutral.any().any():
        fallback = pd.Series(whole.to_numpy(), index=comments.index)
        if scores is not None:
            answer = pd.to_numeric(pd.Series(scores).set_axis(comments.index), errors="coerce")
            answer = answer.to_numpy(dtype=float)
            by_score = np.select(
                [answer >= PROMOTER_MIN, answer <= DETRACTOR_MAX], [0.2, -0.2], 0.0
            )
            # a clear answer (0-4 or 9-10) says more about a neutral-sounding mention than
            # the other clauses of the comment, which are often about other themes
            clear = (answer <= CLEAR_COMPLAINT_MAX) | (answer >= PROMOTER_MIN)
            fallback = fallback.where((fallback.abs() >= POSITIVE) & ~clear, by_score)
        filled = np.repeat(fallback.to_numpy()[:, None], polarity.shape[1], axis=1)
        polarity = polarity.mask(
            neutral, pd.DataFrame(filled, index=polarity.index, columns=polarity.columns)
        )
    if sarcastic.any():
        block = polarity.iloc[sarcastic]
        polarity.iloc[sarcastic] = block.where(block.isna(), -block.abs().clip(lower=0.4))
    return ThemedComments(tags=tags, polarity=polarity, sentiment=whole, codebook=book)


def theme_table(
    responses: pd.DataFrame, themed: ThemedComments, previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Theme statistics for a wave or any segment of it.

    Parameters
    ----------
    responses
        Canonical responses (``score``, ``category``, ``comment``), indexed like the
        comments given to :func:`analyse`; pass a subset for a segment.
    themed
        :func:`analyse` of the responses' comments (at least their index).
    previous
        The same table for the previous wave, for the change in share of comments.

    Returns
    -------
    DataFrame
        One row per theme: theme, description, kind, mentions, praise, complaints,
        share_of_comments, share_promoters, share_passives, share_detractors (each the
        percent of that group's comments mentioning the theme), mean_score, sentiment,
        gain_if_fixed, loss_without_praise (NPS points, see module docs),
        share_change (points since the previous wave). Sorted by mentions.
    """
    idx = responses.index
    same = themed.tags.index.equals(idx)  # the usual case: the whole wave, no reindexing
    tags = themed.tags if same else themed.tags.loc[idx]
    pol = (themed.polarity if same else themed.polarity.loc[idx]).to_numpy(dtype=float)
    hits = tags.to_numpy(dtype=bool)
    # a comment counts from three characters on (stripped), each distinct text measured once
    codes, texts = pd.factorize(responses["comment"].fillna("").astype(str))
    has_comment = (pd.Series(texts, dtype=object).str.strip().str.len() > 2).to_numpy()[codes]
    category = responses["category"].astype(str).to_numpy()
    is_ = {c: category == c for c in ("promoter", "passive", "detractor")}
    group = {c: has_comment & is_[c] for c in is_}
    score = responses["score"].astype(float).to_numpy()
    n = len(responses)
    n_comments = int(has_comment.sum())
    rows = []
    for j, name in enumerate(tags.columns):
        hit, p = hits[:, j], pol[:, j]
        praised, complained = p > POSITIVE, p < NEGATIVE  # NaN (no mention) is neither
        theme = themed.codebook.get(name)
        rows.append(
            {
                "theme": name,
                "description": theme.description if theme else "",
                "kind": theme.kind if theme else "",
                "mentions": int(hit.sum()),
                "praise": int(praised.sum()),
                "complaints": int(complained.sum()),
                "share_of_comments": hit.sum() / n_comments * 100 if n_comments else np.nan,
                **{
                    f"share_{c}s": (hit & g).sum() / g.sum() * 100 if g.sum() else np.nan
                    for c, g in group.items()
                },
                # means as pandas takes them (missing values skipped)
                "mean_score": pd.Series(score[hit]).mean(),
                "sentiment": pd.Series(p[hit]).mean(),
                "gain_if_fixed": (is_["detractor"] & hit & ~praised).sum() / n * 100
                if n
                else np.nan,
                "loss_without_praise": (is_["promoter"] & hit & praised).sum() / n * 100
                if n
                else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table["share_change"] = np.nan
    if previous is not None and len(previous):
        before = previous.set_index("theme")["share_of_comments"]
        table["share_change"] = table["share_of_comments"] - table["theme"].map(before)
    return table.sort_values(["mentions", "theme"], ascending=[False, True], ignore_index=True)


def commented_tags(responses: pd.DataFrame, themed: ThemedComments) -> pd.DataFrame:
    """The themes (bool per theme) of the responses that carry a comment, three
    characters or more once stripped: the comments :func:`theme_table` counts in
    ``share_of_comments``, so its ``share_change`` can be tested comment by comment
    (``nps_helpers.metrics.shares.share_changes``, with each comment's account)."""
    text = responses["comment"].fillna("").astype(str).str.strip()
    keep = responses.index[(text.str.len() > 2).to_numpy()]
    return themed.tags.loc[keep]
