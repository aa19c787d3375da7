"""Themes in the open comments: codebook tagging, sentiment, discovery, impact on NPS.

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

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.ahead import on_two_cores
from nps_helpers.errors import ParamsError

DEFAULT_CODEBOOK = Path(__file__).resolve().parents[2] / "params" / "codebook.yaml"
KINDS = ("strategic", "operational")
#: Words of at least this many letters also match the codebook's words with one typing
#: slip (see :func:`one_typo`): "implemntation", "suppport", "invocie".
TYPO_MIN_LENGTH = 7
#: Comments themed at a time by :func:`analyse` and :func:`tag`: bounds their memory
#: (54k distinct comments: +500 MB of peak memory in chunks of 50,000, none in chunks of
#: 10,000) at no cost in speed.
CHUNK = 10_000
#: From this many distinct comments on, half the chunks are themed in a forked process
#: (Linux; see ahead.on_two_cores): 54,000 distinct comments in two thirds of the time.
TWO_CORES_FROM = 20_000
POSITIVE, NEGATIVE = 0.05, -0.05

#: Clause boundaries: sentence ends, semicolons, commas, line breaks and contrast words
#: (not the point or colon inside a number: 99.99%, 10:30).
CLAUSE_SPLIT = re.compile(
    r"[.!?;:\n]+(?!\d)\s*|,\s+|\s+-\s+|\s+(?:but|however|although|though|whereas|yet|except|"
    r"aber|jedoch|doch|mais|cependant|pero|sin embargo|maar|men|ma|mas|porem)\s+",
    re.IGNORECASE,
)
#: Phrases VADER reads the wrong way round, rewritten before scoring.
REWRITES = (
    (
        re.compile(
            r"\b(?:couldnt|could not|cant|can not|cannot) (?:be|have been) "
            r"(?:happier|better|more (?:satisfied|pleased|happy))"
        ),
        " extremely happy ",
    ),
    (re.compile(r"\b(?:cant|can not|cannot) complain\b"), " satisfied "),
    (re.compile(r"\b(?:nothing|little) to complain about\b"), " satisfied "),
    (re.compile(r"\bno complaints?\b"), " satisfied "),
    (
        re.compile(
            r"\bnever (?:had|have|experienced|seen) (?:an? |any )?(?:issue|issues|problem|"
            r"problems|outage|outages|downtime|bug|bugs|complaint|complaints)\b"
        ),
        " reliable good ",
    ),
    (re.compile(r"\bnot (?:cheap|inexpensive|affordable)\b"), " expensive "),
    (
        re.compile(r"\b(?:takes|took|take|taking) (?:ages|forever|weeks|months|days)\b"),
        " too slow ",
    ),
    (re.compile(r"\bwait(?:ed|ing)? (?:for )?(?:weeks|days|months|ages)\b"), " too slow "),
    (
        re.compile(
            r"\b(?:need|needs|needed|require|requires) (?:much |a lot |far |way |some |a )?"
            r"(?:better|more|improved?|improvement|work)\b"
        ),
        " lacking ",
    ),
    (
        re.compile(
            r"\b(?:could|should|can) be (?:much |a lot |far |way )?(?:better|improved|"
            r"faster|easier|cheaper|clearer)\b"
        ),
        " lacking ",
    ),
    (
        re.compile(
            r"\b(?:price|prices|pricing|cost|costs|fee|fees) (?:increase|increases|hike|"
            r"hikes|went up|go up|goes up|keep going up|keeps going up|rising)\b"
        ),
        " expensive increase ",
    ),
    (
        re.compile(
            r"\b(?:increased|raised|hiked|doubled) (?:the |our |their )?(?:price|prices|"
            r"pricing|fees|costs)\b"
        ),
        " expensive increase ",
    ),
    # problems counted as absent or rare: VADER does not read "zero", "hardly", "fewer"
    # as negations and scores the problem word
    (
        re.compile(
            r"\b(?:zero|hardly any|barely any|very few|fewer|far fewer|no more|rarely any)"
            r" (?:\w+ )?(?:unplanned )?(?:downtime|outages?|bugs?|defects?|issues?|problems?|"
            r"errors?|glitches|incidents?|complaints?|crash(?:es)?|escalations?|tickets?)\b"
        ),
        " flawless ",
    ),
    (
        re.compile(
            r"\b(?:hardly|rarely|seldom|barely) (?:ever )?(?:\w+ ){0,3}?(?:downtime|outages?|"
            r"bugs?|defects?|issues?|problems?|errors?|glitches|crash(?:es)?|breaks|broke)\b"
        ),
        " flawless ",
    ),
    (re.compile(r"\bahead of (?:schedule|plan|time)\b"), " excellent "),
    (re.compile(r"\brevolving door\b"), " constant turnover bad "),
    # the name of a team, not praise
    (re.compile(r"\bcustomer success\b"), " customer team "),
    (
        re.compile(r"\b(?:gone|went|goes) (?:completely )?(?:quiet|silent|dark)\b"),
        " unresponsive ",
    ),
    (
        re.compile(r"\b(?:then |and )?nothing (?:for|since) (?:\w+ )?(?:days|weeks|months)\b"),
        " ignored ",
    ),
    # VADER negates the problem after "without" and reads praise into "without fixing
    # the problem"; the problem is still there
    (
        re.compile(
            r"\bwithout (?:ever |actually |really )?(?:fixing|solving|resolving|addressing|"
            r"sorting|answering|fix|solve|resolve)\b"
        ),
        " unresolved ",
    ),
    (
        re.compile(r"\b(?:just|only) (?:a|another|one more) (?:number|logo|line item)\b"),
        " ignored ",
    ),
    (
        re.compile(
            r"\btoo (?:many|much|long|slow|expensive|complicated|complex|generic|hard|often|"
            r"frequently)\b"
        ),
        " too bad ",
    ),
)
#: Sarcasm that VADER reads as praise: a clause matching one of these is negative.
SARCASM = re.compile(
    r"\b(?:oh|just|yeah|wow|so|how) (?:great|wonderful|fantastic|brilliant|lovely|nice|"
    r"perfect|fun)\b|\bthanks for nothing\b|\byeah,? right\b|\blove (?:waiting|paying|"
    r"chasing|getting|being|it when)\b|\bnothing (?:says|like)\b.*\blike\b|\bgreat,? another\b|"
    r"\bas always,? (?:late|broken|down|wrong)\b|\bsurprise,? surprise\b|\bwhat a joke\b|"
    r"\bclassic\b.*\bagain\b|\bagain\.\.\.|\b(?:love|loving) (?:how|that)\b.*"
    r"\b(?:never|always|again|every time)\b",
)
#: Words the B2B comments use that VADER's lexicon lacks or scores for other contexts,
#: and common praise and complaint words of other languages (accents removed).
LEXICON_UPDATES: dict[str, float] = {
    # neutral here (VADER scores them for everyday English)
    "support": 0.0,
    "help": 0.0,
    "care": 0.0,
    "free": 0.0,
    "value": 0.0,
    "like": 0.0,
    "please": 0.0,
    "pretty": 0.0,
    "kind": 0.0,
    "yes": 0.0,
    "no": 0.0,
    "went well": 1.5,
    "partner": 0.0,
    "trust": 0.0,
    "interest": 0.0,
    "number": 0.0,
    "share": 0.0,
    "credit": 0.0,
    "charges": 0.0,
    "charged": 0.0,
    "increase": 0.0,
    "demand": 0.0,
    "crash": -2.0,
    # B2B complaints
    "slow": -1.6,
    "slower": -1.6,
    "slowness": -1.8,
    "sluggish": -1.6,
    "laggy": -1.6,
    "late": -1.5,
    "delayed": -1.6,
    "delay": -1.4,
    "delays": -1.6,
    "outage": -2.0,
    "outages": -2.2,
    "downtime": -2.0,
    "buggy": -2.0,
    "bug": -1.3,
    "bugs": -1.6,
    "glitch": -1.4,
    "glitches": -1.6,
    "crashes": -2.0,
    "crashing": -2.0,
    "broken": -2.0,
    "breaks": -1.6,
    "broke": -1.6,
    "expensive": -1.5,
    "overpriced": -2.2,
    "pricey": -1.2,
    "costly": -1.5,
    "clunky": -1.6,
    "unintuitive": -1.6,
    "counterintuitive": -1.5,
    "cluttered": -1.3,
    "outdated": -1.4,
    "dated": -1.0,
    "unreliable": -2.0,
    "unstable": -1.8,
    "unresponsive": -2.0,
    "incomplete": -1.2,
    "missing": -1.0,
    "wrong": -1.6,
    "incorrect": -1.6,
    "errors": -1.4,
    "error": -1.2,
    "chasing": -1.2,
    "chase": -1.0,
    "escalate": -0.8,
    "escalated": -1.0,
    "escalating": -1.0,
    "timeouts": -1.6,
    "timeout": -1.4,
    "lacking": -1.4,
    "joke": -1.5,
    "bumpy": -1.0,
    "rough": -1.0,
    "rocky": -1.2,
    "slipped": -1.0,
    "gripe": -1.2,
    "redone": -1.0,
    "bounced": -0.8,
    "turnover": -1.0,
    "flawless": 2.2,
    "reibungslos": 2.0,
    "die": 0.0,  # the German article far more often than the English verb
    "problemlos": 1.8,
    "promised": 0.0,
    "promise": 0.0,
    "promises": 0.0,
    "unresolved": -1.6,
    "lacks": -1.3,
    "lack": -1.2,
    "nightmare": -2.5,
    "mess": -2.0,
    "messy": -1.6,
    "chaotic": -1.8,
    "painful": -2.0,
    "ignored": -1.8,
    "ignore": -1.4,
    "ignores": -1.6,
    "overcharged": -2.2,
    "hidden": -0.8,
    "waiting": -0.8,
    "wait": -0.6,
    "weeks": -0.3,
    "useless": -2.2,
    "unusable": -2.4,
    "confusing": -1.5,
    "cumbersome": -1.6,
    "tedious": -1.5,
    "frustrating": -2.0,
    "inconsistent": -1.2,
    "generic": -0.8,
    "rushed": -1.3,
    "steep": -0.8,
    "hike": -1.0,
    "churn": -1.2,
    "backorder": -1.2,
    "backorders": -1.4,
    "damaged": -1.8,
    # B2B praise
    "reliable": 1.6,
    "stable": 1.2,
    "intuitive": 1.6,
    "responsive": 1.6,
    "proactive": 1.6,
    "seamless": 1.8,
    "smooth": 1.6,
    "smoothly": 1.6,
    "fast": 1.2,
    "quick": 1.2,
    "quickly": 1.2,
    "snappy": 1.4,
    "prompt": 1.2,
    "promptly": 1.4,
    "on-time": 1.4,
    "knowledgeable": 1.8,
    "thorough": 1.4,
    "transparent": 1.4,
    "solid": 1.4,
    "worth": 1.2,
    "worthwhile": 1.6,
    "user-friendly": 1.6,
    "robust": 1.4,
    "painless": 1.6,
    "accurate": 1.4,
    "affordable": 1.4,
    "fair": 1.2,
    "gamechanger": 2.0,
    "lifesaver": 2.0,
    # German
    "super": 2.0,
    "toll": 2.0,
    "gut": 1.6,
    "sehr": 0.3,
    "prima": 1.8,
    "klasse": 1.8,
    "zufrieden": 1.8,
    "hervorragend": 2.4,
    "schnell": 1.2,
    "zuverlassig": 1.6,
    "schlecht": -2.0,
    "langsam": -1.6,
    "teuer": -1.5,
    "falsch": -1.6,
    "fehler": -1.4,
    "fehlerhaft": -1.8,
    "unzufrieden": -2.0,
    "katastrophe": -2.5,
    "katastrophal": -2.5,
    "leider": -1.0,
    "nie": -0.5,
    "spat": -1.4,
    "verspatet": -1.6,
    "kompliziert": -1.4,
    # French
    "excellent": 2.4,
    "genial": 2.0,
    "bien": 1.2,
    "tres": 0.3,
    "rapide": 1.2,
    "satisfait": 1.8,
    "parfait": 2.2,
    "lent": -1.6,
    "lente": -1.6,
    "cher": -1.4,
    "chere": -1.4,
    "mauvais": -2.0,
    "mauvaise": -2.0,
    "nul": -2.2,
    "nulle": -2.2,
    "retard": -1.5,
    "retards": -1.7,
    "probleme": -1.2,
    "problemes": -1.4,
    "decu": -1.8,
    # Spanish and Portuguese
    "bueno": 1.6,
    "buena": 1.6,
    "excelente": 2.4,
    "rapido": 1.2,
    "rapida": 1.2,
    "contento": 1.8,
    "contentos": 1.8,
    "malo": -2.0,
    "mala": -2.0,
    "caro": -1.4,
    "cara": -1.4,
    "tarde": -1.4,
    "lento": -1.6,
    "errores": -1.4,
    "problema": -1.2,
    "problemas": -1.4,
    "nunca": -0.5,
    "pesimo": -2.5,
    "otimo": 2.2,
    "ruim": -2.0,
    "demora": -1.4,
    "atrasado": -1.5,
    "atraso": -1.5,
    "fatal": -2.0,
    # Dutch, Swedish, Italian
    "goed": 1.6,
    "prima!": 1.8,
    "snel": 1.2,
    "tevreden": 1.8,
    "slecht": -2.0,
    "traag": -1.6,
    "duur": -1.4,
    "bra": 1.6,
    "dalig": -2.0,
    "dyr": -1.4,
    "langsamt": -1.6,
    "ottimo": 2.2,
    "buono": 1.6,
    "lento!": -1.6,
    "pessimo": -2.5,
    "costoso": -1.4,
}


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook."""

    name: str
    description: str
    kind: str
    industries: tuple[str, ...]
    phrases: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def applies_to(self, industry: str) -> bool:
        return "all" in self.industries or industry in self.industries


TOKEN = re.compile(r"[a-z0-9]+")
#: An apostrophe-s is dropped (support's -> support), other apostrophes removed
APOSTROPHES = re.compile(r"['’`´](?:s\b)?")


def normalize(text: pd.Series) -> pd.Series:
    """Lower case, accents removed, an apostrophe-s dropped (support's -> support, it's
    -> it) and other apostrophes removed (doesn't -> doesnt)."""
    t = text.fillna("").astype(str).str.lower()
    t = t.str.replace(APOSTROPHES, "", regex=True)
    return t.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")


def _norm_phrase(phrase: str) -> str:
    plain = re.sub(APOSTROPHES, "", str(phrase).lower())
    return unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode().strip()


def phrase_words(phrase: str) -> list[tuple[str, bool]]:
    """A codebook phrase as the words it matches: (word, matches_any_ending).

    Words are split like comments are (letters and digits); ``*`` at the end of a word
    lets it match any ending.

    Examples
    --------
    >>> phrase_words("add-on*")
    [('add', False), ('on', True)]
    """
    out: list[tuple[str, bool]] = []
    for raw in _norm_phrase(phrase).split():
        parts = TOKEN.findall(raw)
        for i, part in enumerate(parts):
            out.append((part, raw.endswith("*") and i == len(parts) - 1))
    return out


def load_codebook(path: str | Path | None = None) -> dict[str, Theme]:
    """Read and check a codebook YAML (default: ``params/codebook.yaml``).

    Raises
    ------
    ParamsError
        Naming the file and the theme and key that are wrong.
    """
    path = Path(path) if path else DEFAULT_CODEBOOK
    return dict(_load_codebook(str(path.resolve())))


@lru_cache(maxsize=8)
def _load_codebook(path: str) -> tuple[tuple[str, Theme], ...]:
    from nps_helpers.params import read_yaml_mapping

    file = Path(path)
    themes = read_yaml_mapping(file, "codebook").get("themes")
    if not isinstance(themes, dict) or not themes:
        raise ParamsError(f"{file}: expected a 'themes:' mapping of theme name -> definition")
    out = []
    allowed = {"description", "kind", "industries", "phrases", "exclude"}
    for name, spec in themes.items():
        where = f"{file}: theme '{name}'"
        if not isinstance(spec, dict):
            raise ParamsError(f"{where}: expected a mapping with description, kind, phrases")
        unknown = set(spec) - allowed
        if unknown:
            raise ParamsError(f"{where}: unknown key(s) {sorted(unknown)}; use {sorted(allowed)}")
        if spec.get("kind") not in KINDS:
            raise ParamsError(
                f"{where}: kind must be strategic or operational, got {spec.get('kind')!r}"
            )
        phrases = spec.get("phrases") or []
        if not isinstance(phrases, list) or not phrases:
            raise ParamsError(f"{where}: phrases must be a non-empty list")
        exclude = spec.get("exclude") or []
        if not isinstance(exclude, list):
            raise ParamsError(f"{where}: exclude must be a list")
        empty = [p for p in [*phrases, *exclude] if not phrase_words(str(p))]
        if empty:
            raise ParamsError(f"{where}: phrases without letters or digits: {empty}")
        industries = spec.get("industries") or ["all"]
        out.append(
            (
                str(name),
                Theme(
                    name=str(name),
                    description=str(spec.get("description", "")),
                    kind=spec["kind"],
                    industries=tuple(str(i) for i in industries),
                    phrases=tuple(str(p) for p in phrases),
                    exclude=tuple(str(p) for p in exclude),
                ),
            )
        )
    return tuple(out)


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


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(LEXICON_UPDATES)
    return analyzer


def _prepare_for_vader(normalized: pd.Series) -> pd.Series:
    text = normalized
    for pattern, replacement in REWRITES:
        text = text.str.replace(pattern, replacement, regex=True)
    return text


def sentiment(texts: pd.Series) -> pd.Series:
    """VADER compound sentiment (-1 to 1) of each text, with the B2B lexicon and
    sarcasm rules; identical texts are scored once."""
    codes, unique = pd.factorize(texts.fillna("").astype(str))
    normalized = normalize(pd.Series(unique, dtype=object))  # each distinct text once
    prepared = _prepare_for_vader(normalized)
    analyzer = _analyzer()
    scores = np.array(
        [analyzer.polarity_scores(t)["compound"] if t.strip() else 0.0 for t in prepared],
        dtype=float,
    )
    sarcastic = normalized.str.contains(SARCASM, regex=True).to_numpy()
    scores[sarcastic] = -np.maximum(np.abs(scores[sarcastic]), 0.4)
    out = pd.Series(scores[codes], index=texts.index, dtype=float)
    return out.rename("sentiment")


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


def codebook_key(book: dict[str, Theme]) -> str:
    """A digest of a loaded codebook: its themes, in order, with all they hold."""
    return hashlib.sha256(repr(tuple(book.items())).encode()).hexdigest()


@dataclass
class TextAnalysis:
    """The work :func:`analyse` does once per distinct text: its themes, the polarity
    of each mention and its sentiment. It depends on nothing but the text and the
    codebook, so it can be worked out ahead (``ahead.start_comment_work``) from the
    raw export's comments and handed to :func:`analyse` as ``known``."""

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

    In chunks, so the token and clause tables of 200,000 comments never sit in memory
    at once; many texts are split over both cores (:data:`TWO_CORES_FROM`)."""
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    unique = np.asarray(list(texts) if not isinstance(texts, np.ndarray) else texts, dtype=object)
    n = len(unique)
    by_text = np.zeros((n, len(book)), dtype=bool)
    text_polarity = np.full((n, len(book)), np.nan)
    text_sentiment = np.zeros(n)

    def chunks(starts: list[int]) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        out = []
        for start in starts:
            part = pd.Series(unique[start : start + CHUNK], dtype=object)
            tags_, clauses, clause_tags = _text_tags(part, book)
            scored = sentiment(clauses["clause"]).to_numpy()
            rows = clauses["row"].to_numpy(dtype=np.int64)
            # a comment's sentiment is the mean of its clauses' (each clause scored once)
            per_text = pd.Series(scored).groupby(rows).mean()
            whole = np.zeros(len(part))
            whole[per_text.index.to_numpy()] = per_text.to_numpy()
            polarity = np.full((len(part), len(book)), np.nan)
            for j in range(len(book)):
                sel = clause_tags[:, j]
                if sel.any():
                    means = pd.Series(scored[sel]).groupby(rows[sel]).mean()
                    polarity[means.index.to_numpy(), j] = means.to_numpy()
            out.append((start, tags_, polarity, whole))
        return out

    starts = list(range(0, n, CHUNK))
    weights = [min(CHUNK, n - start) for start in starts]
    # many distinct comments: half the chunks on each core (see ahead.on_two_cores; not
    # inside work already started ahead, where it measured slower: three processes on
    # two cores)
    for done in on_two_cores(chunks, starts, weights, min_weight=TWO_CORES_FROM):
        for start, tags_, polarity, whole in done:
            by_text[start : start + len(whole)] = tags_
            text_polarity[start : start + len(whole)] = polarity
            text_sentiment[start : start + len(whole)] = whole
    sarcastic = normalize(pd.Series(unique, dtype=object)).str.contains(SARCASM).to_numpy()
    sarcastic = sarcastic.astype(bool)
    text_sentiment[sarcastic] = -np.maximum(np.abs(text_sentiment[sarcastic]), 0.4)
    return TextAnalysis(
        unique, codebook_key(book), by_text, text_polarity, text_sentiment, sarcastic
    )


def _take(known: TextAnalysis, at: np.ndarray) -> TextAnalysis:
    return TextAnalysis(
        known.texts[at],
        known.codebook,
        known.tags[at],
        known.polarity[at],
        known.sentiment[at],
        known.sarcastic[at],
    )


def _analysis_of(
    unique: np.ndarray, book: dict[str, Theme], known: TextAnalysis | None
) -> TextAnalysis:
    """:func:`analyse_texts` of ``unique``, taking what ``known`` already holds."""
    if known is None or known.codebook != codebook_key(book) or not len(known):
        return analyse_texts(unique, book)
    at = pd.Index(known.texts).get_indexer(unique)
    missing = at < 0
    out = _take(known, np.where(missing, 0, at))
    if missing.any():
        fresh = analyse_texts(unique[missing], book)
        for name in ("texts", "tags", "polarity", "sentiment", "sarcastic"):
            getattr(out, name)[missing] = getattr(fresh, name)
    return out


def analyse(
    comments: pd.Series,
    codebook: dict[str, Theme] | str | Path | None = None,
    industries: pd.Series | None = None,
    scores: pd.Series | None = None,
    known: TextAnalysis | None = None,
) -> ThemedComments:
    """Tag ``comments`` and score the sentiment of each comment and each theme mention.

    With ``scores`` (the respondents' 0-10 answers), a mention whose clauses read as
    neutral takes the stance of a clear score (0-4 a complaint, 9-10 praise), else of
    the whole comment, and failing that of the score (5-6 a complaint).

    Each clause is scored once (VADER with the B2B lexicon). A mention's polarity is
    the mean sentiment of the comment's clauses that mention the theme; a comment's
    sentiment is the mean over its clauses; a sarcastic comment is never read as
    praise.

    ``known``, an :func:`analyse_texts` worked out earlier (with the same codebook),
    spares the work for the texts it holds; the result is the same with or without it.
    """
    book = codebook if isinstance(codebook, dict) else load_codebook(codebook)
    comments = comments.fillna("").astype(str)
    # each distinct text is themed and scored once (empty and stock answers repeat)
    codes, unique = pd.factorize(comments)
    per_text = _analysis_of(np.asarray(unique, dtype=object), book, known)
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
            by_score = np.select([answer >= 9, answer <= 6], [0.2, -0.2], 0.0)
            # a clear answer (0-4 or 9-10) says more about a neutral-sounding mention than
            # the other clauses of the comment, which are often about other themes
            clear = (answer <= 4) | (answer >= 9)
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


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,5}\)?[\s.-]?){2,4}\d{3,5}(?![\w])")


_WORD = re.compile(r"\w+")


class _NameScrubber:
    """Replaces e-mail addresses, phone numbers and known names in texts.

    Names are matched as words, ignoring case: each whole name (``Maya Lindqvist``,
    ``Acme Logistics GmbH``) and each of its space-separated parts of three or more
    characters (``Maya``, ``Lindqvist``, ``Acme``). Lookups are set lookups per word,
    so building the scrubber for 100,000 names takes well under a second (a regular
    expression of all the names would take tens of seconds to compile).
    """

    def __init__(self, names: Iterable[str]):
        self.singles: set[str] = set()
        self.phrases: set[tuple[str, ...]] = set()
        # a name's words are its space-separated parts' words (a word never spans a
        # space); parts repeat across names (GmbH, Logistics), so each is read once
        part_words: dict[str, tuple[str, ...]] = {}
        pieces: set[tuple[str, ...]] = set()
        for name in set(names):
            if not isinstance(name, str):
                continue
            whole: tuple[str, ...] = ()
            for part in name.split():
                words = part_words.get(part)
                if words is None:
                    words = part_words[part] = tuple(w.casefold() for w in _WORD.findall(part))
                    if len(part) >= 3:
                        pieces.add(words)
                whole += words
            pieces.add(whole)
        for words in pieces:
            if len(words) == 1:
                self.singles.add(words[0])
            elif words:
                self.phrases.add(words)
        self.longest = max((len(p) for p in self.phrases), default=1)

    def _names(self, text: str) -> str:
        words = list(_WORD.finditer(text))
        keys = [w.group().casefold() for w in words]
        out, last, i = [], 0, 0
        while i < len(words):
            span = 0
            for n in range(min(self.longest, len(words) - i), 0, -1):
                joined = all(  # the words of a phrase are next to each other
                    words[k + 1].start() - words[k].end() <= 3 for k in range(i, i + n - 1)
                )
                key = tuple(keys[i : i + n])
                if joined and (key in self.phrases or (n == 1 and keys[i] in self.singles)):
                    span = n
                    break
            if span:
                out += [text[last : words[i].start()], "[name]"]
                last = words[i + span - 1].end()
                i += span
            else:
                i += 1
        return "".join(out) + text[last:] if out else text

    def __call__(self, texts: pd.Series) -> pd.Series:
        out = texts.fillna("").astype(str).str.replace(EMAIL, "[email]", regex=True)
        out = out.str.replace(PHONE, "[phone]", regex=True)
        if self.singles or self.phrases:
            out = out.map(self._names)
        return out


def scrubber(names: Iterable[str]) -> Any:
    """A function that removes e-mail addresses, phone numbers and the given names
    (people and accounts, whole words, any case) from a Series of texts."""
    return _NameScrubber(names)


def shorten(texts: pd.Series, limit: int = 220) -> pd.Series:
    """Cut texts longer than ``limit`` characters at a word boundary, adding '…'."""

    def cut(t: str) -> str:
        if len(t) <= limit:
            return t
        return t[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"

    return texts.fillna("").astype(str).map(cut)


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

    Returns
    -------
    DataFrame
        candidate (1, 2, ...), size (comments mostly about it), top_terms (comma
        separated) and examples (three comments, scrubbed when ``scrub`` is given).
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
    k = n_topics or int(np.clip(len(text) // 15, 2, 8))
    vectorizer = TfidfVectorizer(
        stop_words="english", min_df=2, max_df=0.7, ngram_range=(1, 2), sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(normalize(text))
    except ValueError:  # nothing left after stop words
        return pd.DataFrame(columns=columns)
    k = min(k, matrix.shape[1], matrix.shape[0])
    if k < 1:
        return pd.DataFrame(columns=columns)
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    terms = np.array(vectorizer.get_feature_names_out())
    best = weights.argmax(axis=1)
    rows = []
    for topic in range(k):
        top = terms[np.argsort(model.components_[topic])[::-1][:8]]
        order = np.argsort(weights[:, topic])[::-1][:3]
        examples = text.iloc[order]
        examples = scrub(examples) if scrub else examples
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
