"""Personal data out of comments before they are shown: e-mail addresses, phone numbers, names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

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
