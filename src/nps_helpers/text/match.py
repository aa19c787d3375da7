"""Which themes a comment mentions: the codebook's phrases matched word by word.

Tagging is vectorized: comments are split into clauses, each clause into words, and
the codebook's phrases are matched as arrays of word specs (exact, prefix with ``*``,
or one typing slip for long words), so there is no Python loop per comment and theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.text.codebook import TOKEN, Theme, load_codebook, normalize, phrase_words

#: Words of at least this many letters also match the codebook's words with one typing
#: slip (see :func:`one_typo`): "implemntation", "suppport", "invocie".
TYPO_MIN_LENGTH = 7
#: Comments themed at a time by :func:`analyse` and :func:`tag`: bounds their memory
#: (54k distinct comments: +500 MB of peak memory in chunks of 50,000, none in chunks of
#: 10,000) at no cost in speed.
CHUNK = 10_000


#: Clause boundaries: sentence ends, semicolons, commas, line breaks and contrast words
#: (not the point or colon inside a number: 99.99%, 10:30).
CLAUSE_SPLIT = re.compile(
    r"[.!?;:\n]+(?!\d)\s*|,\s+|\s+-\s+|\s+(?:but|however|although|though|whereas|yet|except|"
    r"aber|jedoch|doch|obwohl|allerdings|mais|cependant|pourtant|pero|sin embargo|aunque|"
    r"maar|hoewel|men|ma|mas|porem|embora|ale|jednak|chociaż|chociaz|tuttavia)\s+",
    re.IGNORECASE,
)


@dataclass
class _Compiled:
    """A codebook as arrays: word specs, and patterns as rows of spec ids."""

    themes: list[str]
    exact: dict[str, list[int]]  # word -> spec ids matching it exactly
    prefix: dict[str, list[int]]  # stem -> spec ids matching words starting with it
    near: dict[str, list[str]]  # a long exact word and its one-letter deletions -> words
    specs: np.ndarray  # (patterns, max words) spec ids, -1 padded
    length: np.ndarray  # words per pattern
    theme: np.ndarray  # theme index per pattern
    excluding: np.ndarray  # True for exclusion patterns


@lru_cache(maxsize=8)
def _compile(book_items: tuple[tuple[str, Theme], ...]) -> _Compiled:
    spec_ids: dict[tuple[str, bool], int] = {}
    rows: list[tuple[list[int], int, bool]] = []
    names = [name for name, _ in book_items]
    for t_index, (_, theme) in enumerate(book_items):
        for excluding, phrases in ((False, theme.phrases), (True, theme.exclude)):
            variants: set[tuple[tuple[str, bool], ...]] = set()
            for phrase in phrases:
                words = phrase_words(phrase)
                variants.add(tuple(words))
                if 2 <= len(words) <= 3 and not any(p for _, p in words[:-1]):
                    joined = "".join(w for w, _ in words)
                    if len(joined) >= 5:  # "roll out" also matches "rollout"
                        variants.add(((joined, words[-1][1]),))
            for words in variants:
                ids = [spec_ids.setdefault(w, len(spec_ids)) for w in words]
                rows.append((ids, t_index, excluding))
    exact: dict[str, list[int]] = {}
    prefix: dict[str, list[int]] = {}
    for (word, is_prefix), i in spec_ids.items():
        (prefix if is_prefix else exact).setdefault(word, []).append(i)
    near: dict[str, list[str]] = {}
    for word in exact:
        if len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
            for key in {word, *_deletions(word)}:
                near.setdefault(key, []).append(word)
    width = max(len(r[0]) for r in rows)
    specs = np.full((len(rows), width), -1, dtype=np.int64)
    for i, (ids, _, _) in enumerate(rows):
        specs[i, : len(ids)] = ids
    return _Compiled(
        themes=names,
        exact=exact,
        prefix=prefix,
        near=near,
        specs=specs,
        length=np.array([len(r[0]) for r in rows]),
        theme=np.array([r[1] for r in rows]),
        excluding=np.array([r[2] for r in rows], dtype=bool),
    )


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_typo(word: str, target: str) -> bool:
    """Whether ``word`` is ``target`` with one typing slip: a letter dropped inside the
    word ("implemntation"), a letter doubled ("suppport") or two neighbours swapped
    ("invocie"). Not a changed, added or final letter: those make other words or other
    forms ("annual" is not "manual", "honestly" not "honesty", "incident" not
    "incidents"), which the codebook lists on purpose or not at all."""
    if word == target:
        return False
    if len(word) == len(target) - 1:
        return any(target[:i] + target[i + 1 :] == word for i in range(len(target) - 1))
    if len(word) == len(target) + 1:
        return any(
            word[:i] + word[i + 1 :] == target
            and word[i] in (word[i - 1 : i] + word[i + 1 : i + 2])
            for i in range(len(word))
        )
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]]
            and word[diff[1]] == target[diff[0]]
        )
    return False


def typo_of(word: str, near: dict[str, list[str]]) -> list[str]:
    """The codebook words ``word`` is a one-letter typo of (``near`` from the compiled
    codebook: each long word and its one-letter deletions)."""
    found = set()
    for key in {word, *_deletions(word)}:
        found.update(t for t in near.get(key, ()) if one_typo(word, t))
    return sorted(found)


def _token_table(normalized: pd.Series) -> pd.DataFrame:
    """One row per word: doc (position of the text), pos (word number), code, vocab."""
    words = normalized.str.findall(TOKEN)
    counts = words.str.len().to_numpy()
    flat = [w for ws in words for w in ws]
    doc = np.repeat(np.arange(len(normalized)), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    pos = np.arange(len(flat)) - starts
    codes, vocab = pd.factorize(pd.Series(flat, dtype=object))
    return pd.DataFrame({"doc": doc, "pos": pos, "code": codes}), vocab


def _match(normalized: pd.Series, compiled: _Compiled) -> pd.DataFrame:
    """Every phrase match: doc, start, length and theme, exclusions applied."""
    tokens, vocab = _token_table(normalized)
    # which word specs each distinct word satisfies (a loop over the vocabulary only)
    pairs_code, pairs_spec = [], []
    for code, word in enumerate(vocab):
        ids = list(compiled.exact.get(word, ()))
        for cut in range(1, len(word) + 1):
            ids.extend(compiled.prefix.get(word[:cut], ()))
        if not ids and len(word) >= TYPO_MIN_LENGTH:
            for target in typo_of(word, compiled.near):
                ids.extend(compiled.exact[target])
        pairs_code.extend([code] * len(ids))
        pairs_spec.extend(ids)
    vocab_spec = pd.DataFrame(
        {"code": np.array(pairs_code, dtype=np.int64), "spec": np.array(pairs_spec, dtype=np.int64)}
    )
    hits = tokens.merge(vocab_spec, on="code")[["doc", "pos", "spec"]]
    # patterns by their first spec, then extended word by word
    first = pd.DataFrame({"spec": compiled.specs[:, 0], "pattern": np.arange(len(compiled.specs))})
    partial = hits.merge(first, on="spec")[["doc", "pos", "pattern"]].rename(
        columns={"pos": "start"}
    )
    found = []
    step = 1
    while len(partial):
        length = compiled.length[partial["pattern"].to_numpy()]
        done = length == step
        found.append(partial[done])
        partial = partial[~done]
        if not len(partial):
            break
        need = compiled.specs[partial["pattern"].to_numpy(), step]
        probe = pd.DataFrame(
            {
                "doc": partial["doc"].to_numpy(),
                "pos": partial["start"].to_numpy() + step,
                "spec": need,
                "start": partial["start"].to_numpy(),
                "pattern": partial["pattern"].to_numpy(),
            }
        )
        partial = probe.merge(hits, on=["doc", "pos", "spec"])[["doc", "start", "pattern"]]
        step += 1
    matches = (
        pd.concat(found, ignore_index=True)
        if found
        else pd.DataFrame(columns=["doc", "start", "pattern"], dtype=np.int64)
    )
    p = matches["pattern"].to_numpy(dtype=np.int64)
    matches = matches.assign(
        end=matches["start"].to_numpy() + compiled.length[p] - 1,
        theme=compiled.theme[p],
        excluding=compiled.excluding[p],
    )
    keep = matches[~matches["excluding"]]
    blocked = matches[matches["excluding"]]
    if len(blocked) and len(keep):
        pairs = keep.reset_index().merge(blocked, on=["doc", "theme"], suffixes=("", "_x"))
        overlap = (pairs["start"] <= pairs["end_x"]) & (pairs["start_x"] <= pairs["end"])
        keep = keep.drop(index=pairs.loc[overlap, "index"].unique())
    return keep[["doc", "start", "end", "theme"]]


def _doc_tags(normalized: pd.Series, book: dict[str, Theme]) -> np.ndarray:
    """Boolean matrix (texts x themes) of theme mentions."""
    compiled = _compile(tuple(book.items()))
    matches = _match(normalized.reset_index(drop=True), compiled)
    out = np.zeros((len(normalized), len(compiled.themes)), dtype=bool)
    out[matches["doc"].to_numpy(dtype=np.int64), matches["theme"].to_numpy(dtype=np.int64)] = True
    return out


def split_clauses(comments: pd.Series) -> pd.DataFrame:
    """One row per clause: the comment's index label (``row``) and the clause text."""
    parts = comments.fillna("").astype(str).str.split(CLAUSE_SPLIT, regex=True)
    exploded = parts.explode()
    exploded = exploded[exploded.fillna("").str.strip() != ""]
    return pd.DataFrame({"row": exploded.index, "clause": exploded.to_numpy()})


def tag(
    comments: pd.Series,
    codebook: dict[str, Theme] | str | Path | None = None,
    industries: pd.Series | None = None,
) -> pd.DataFrame:
    """Which themes each comment talks about.

    Parameters
    ----------
    comments
        The comments (any index; missing ones are treated as empty).
    codebook
        A loaded codebook, a path to one, or None for the default codebook.
    industries
        Optional industry per comment: a theme whose ``industries`` do not include it
        is not tagged there.

    Returns
    -------
    DataFrame
        Indexed like ``comments``, one boolean column per theme of the codebook.

    Examples
    --------
    >>> tag(pd.Series(["Support is slow", "love it"]))["support"].tolist()
    [True, False]
    """
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    comments = comments.fillna("").astype(str)
    codes, unique = pd.factorize(comments)
    by_text = np.zeros((len(unique), len(book)), dtype=bool)
    for start in range(0, len(unique), CHUNK):
        part = pd.Series(unique[start : start + CHUNK], dtype=object)
        by_text[start : start + len(part)] = _text_tags(part, book)[0]
    return _by_response(by_text, codes, comments.index, book, industries)


def _text_tags(texts: pd.Series, book: dict[str, Theme]):
    """Themes of each text (texts x themes), its clauses (``row`` = text position)
    and the themes of each clause."""
    clauses = split_clauses(texts.set_axis(np.arange(len(texts))))
    clause_tags = _doc_tags(normalize(clauses["clause"]), book)
    by_text = np.zeros((len(texts), len(book)), dtype=bool)
    np.logical_or.at(by_text, clauses["row"].to_numpy(dtype=np.int64), clause_tags)
    return by_text, clauses, clause_tags


def _by_response(by_text, codes, index, book, industries) -> pd.DataFrame:
    """Per-text themes spread back to the responses (``codes`` = text of each), with
    the industry filter applied."""
    out = pd.DataFrame(by_text[codes], index=index, columns=list(book))
    if industries is not None:
        ind = industries.reindex(index).astype(str)
        for name, theme in book.items():
            if "all" not in theme.industries:
                out[name] &= ind.isin(theme.industries)
    return out
