"""People's and accounts' names in comments: the listed ones, matched as whole names, and
names in no list, found after a greeting, a title or "call"/"contact"/"spoke to".

Ordinary words are never taken for a name: a single word is a name only when it is
distinctive (not one of the 5,000 most common English words, not a codebook word) and
written with a capital. The common words come from the ``wordfreq`` package (its
English list, read offline).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from nps_helpers.text.codebook import Theme, phrase_words
from nps_helpers.text.pii import Span

#: A word: letters and digits, joined by an apostrophe or a hyphen (O'Brien, Okonkwo-Adeyemi)
WORD = re.compile(r"\w+(?:['’-]\w+)*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
#: scripts written without spaces between words: a listed name there is found as a substring
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")

_NAME_WORD = r"[^\W\d_][\w'’-]*"
GREETING = re.compile(
    r"(?<!\w)(?:hi|hello|hey|dear|thanks(?:\s+to)?|thank\s+you|thx|cheers|kudos\s+to|"
    r"shout[- ]out\s+to|hallo|liebe|lieber|danke|merci|bonjour|hola|gracias|grazie|ciao|"
    r"obrigad[oa]|привет|здравствуйте|спасибо|уважаемый|уважаемая|ευχαριστώ)[,:!]?\s+"
    rf"(?={_NAME_WORD})",
    re.IGNORECASE,
)
TITLE = re.compile(
    r"(?<![\w.])(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Sig|"
    r"господин|госпожа|κύριε|κυρία)\.?|M\.)\s+"
    rf"(?={_NAME_WORD})"
)
VERB = re.compile(
    r"(?<!\w)(?:call|ring|phone|contact|email|e-mail|ping|ask\s+for|ask|reach\s+out\s+to|"
    r"spoke\s+(?:to|with)|speak\s+(?:to|with)|talked\s+(?:to|with)|talk\s+(?:to|with)|"
    r"met\s+with|asked\s+for|asked)\s+"
    rf"(?={_NAME_WORD})",
    re.IGNORECASE,
)
_NEXT_WORD = re.compile(rf"{_NAME_WORD}")
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "herr",
        "frau",
        "mme",
        "mlle",
        "sr",
        "sra",
        "sig",
        "m",
    ]
)


@lru_cache(maxsize=4)
def common_words(n: int = 5000) -> frozenset[str]:
    """The ``n`` most common English words (wordfreq's list), casefolded; the parts of
    a contraction too (``don't`` -> ``don``, ``t``)."""
    from wordfreq import top_n_list

    words = set()
    for w in top_n_list("en", n):
        words.add(w.casefold())
        words.update(p for p in re.split(r"['’.]", w.casefold()) if p)
    return frozenset(words)


def codebook_words(codebook: dict[str, Theme]) -> frozenset[str]:
    """The words of a codebook's phrases, exclusions and theme names (casefolded, accents
    kept and removed)."""
    words: set[str] = set()
    for name, theme in codebook.items():
        words.update(name.casefold().split("_"))
        for phrase in (*theme.phrases, *theme.exclude):
            words.update(w for w, _ in phrase_words(phrase))
    return frozenset(words)


def _fold(word: str) -> str:
    plain = unicodedata.normalize("NFKD", word.casefold())
    return plain.encode("ascii", "ignore").decode() or word.casefold()


def capitalised(word: str) -> bool:
    """Written with a capital (or in a script without capitals: Arabic, CJK, ...)."""
    c = word[0]
    return c.isupper() or (c.isalpha() and c.lower() == c.upper())


class NameFinder:
    """Finds names in texts.

    Parameters
    ----------
    names
        The listed names (contacts' first and last names, owners, accounts).
    keep
        Casefolded words that are never a name on their own (common words, codebook words).
    people
        People's full names whose words are also listed apart (a contact's first and
        last name): matched whole even when both are common words (``Anna Park``), and
        replaced word by word, as the words listed apart are.
    """

    def __init__(self, names: Iterable[str], keep: frozenset[str], people: Iterable[str] = ()):
        self.keep = keep
        self.phrases: dict[tuple[str, ...], bool] = {}  # words -> must be capitalised
        self.per_word: set[tuple[str, ...]] = set()  # people's full names: [name] per word
        for person in set(people):
            if isinstance(person, str):
                words = tuple(w.casefold() for w in WORD.findall(person))
                if len(words) > 1:
                    self.per_word.add(words)
                    self.phrases[words] = all(self.is_kept(w) for w in words)
        self.parts: set[str] = set()  # every listed word
        self.distinctive: set[str] = set()
        unspaced: set[str] = set()
        for name in set(names):
            if not isinstance(name, str) or not name.strip():
                continue
            words = tuple(w.casefold() for w in WORD.findall(name))
            if not words:
                continue
            if _UNSPACED.search(name):
                unspaced.update(p for p in name.split() if len(p) >= 2)
            ordinary = [self.is_kept(w) for w in words]
            if len(words) > 1:
                self.phrases[words] = all(ordinary)
                self.per_word.discard(words)
            for w, plain in zip(words, ordinary, strict=True):
                self.parts.add(w)
                if not plain and (len(w) >= 3 or len(words) == 1) and not w.isdigit():
                    self.distinctive.add(w)
        self.longest = max((len(p) for p in self.phrases), default=1)
        self.firsts = {p[0] for p in self.phrases}
        ordered = sorted(unspaced, key=len, reverse=True)
        self.unspaced = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def is_kept(self, word: str) -> bool:
        key = word.casefold()
        return key in self.keep or _fold(key) in self.keep

    def _key(self, word: str) -> str:
        return _POSSESSIVE.sub("", word).casefold()

    def listed(self, text: str) -> list[Span]:
        """Listed names in ``text``: whole multi-word names (any case, unless all their
        words are ordinary ones) as one span, and runs of capitalised listed words with
        at least one distinctive word among them, a span per word."""
        words = list(WORD.finditer(text))
        out: list[Span] = []
        i = 0
        while i < len(words):
            key = self._key(words[i].group())
            phrase = self._phrase_at(text, words, i) if key in self.firsts else 0
            run = 0
            if not phrase and key in self.parts and capitalised(words[i].group()):
                j, distinctive = i, False
                while (
                    j < len(words)
                    and (k := self._key(words[j].group())) in self.parts
                    and capitalised(words[j].group())
                    and (j == i or text[words[j - 1].end() : words[j].start()].isspace())
                ):
                    distinctive |= k in self.distinctive
                    j += 1
                run = j - i if distinctive else 0
            if phrase and tuple(self._key(w.group()) for w in words[i : i + phrase]) in (
                self.per_word
            ):
                run, phrase = phrase, 0
            if phrase:  # a listed name of several words: one [name]
                out.append(Span(words[i].start(), self._end(words[i + phrase - 1]), "name"))
            for w in words[i : i + run]:  # listed words next to each other: one each
                out.append(Span(w.start(), self._end(w), "name"))
            i += phrase or run or 1
        if self.unspaced is not None:
            out += [Span(m.start(), m.end(), "name") for m in self.unspaced.finditer(text)]
        return out

    @staticmethod
    def _end(word: re.Match) -> int:
        """Where a word ends, without an apostrophe-s."""
        return word.end() - (len(word.group()) - len(_POSSESSIVE.sub("", word.group())))

    def _phrase_at(self, text: str, words: list[re.Match], i: int) -> int:
        for n in range(min(self.longest, len(words) - i), 1, -1):
            key = tuple(self._key(w.group()) for w in words[i : i + n])
            caps = self.phrases.get(key)
            if caps is None:
                continue
            joined = all(words[k + 1].start() - words[k].end() <= 3 for k in range(i, i + n - 1))
            if joined and (not caps or all(capitalised(w.group()) for w in words[i : i + n])):
                return n
        return 0

    def by_pattern(self, text: str) -> list[Span]:
        """Names in no list: capitalised words after a greeting (Hi, Dear, Thanks), a
        title (Mr, Dr, Herr, Mme, M.) or a verb (call, contact, ask for, spoke to). After
        a greeting or a verb the name's words must not be common or codebook words."""
        out = []
        for pattern, any_word in ((TITLE, True), (GREETING, False), (VERB, False)):
            for m in pattern.finditer(text):
                end, pos, n = None, m.end(), 0
                while n < 3 and (w := _NEXT_WORD.match(text, pos)):
                    word = _POSSESSIVE.sub("", w.group())
                    if word.casefold() in _TITLES or not capitalised(word):
                        break
                    if not any_word and self.is_kept(word):
                        break
                    if any_word and n and self.is_kept(word):
                        break
                    end, n = w.start() + len(word), n + 1
                    gap = re.match(r" (?=\S)", text[w.end() : w.end() + 2])
                    if not gap:
                        break
                    pos = w.end() + 1
                if end is not None:
                    out.append(Span(m.end(), end, "name"))
        return out

    def listed_word(self, word: str) -> bool:
        """Whether ``word`` (any case) is a distinctive word of a listed name."""
        return self._key(word) in self.distinctive
