"""The theme codebook: its themes, how its phrases are read, and its digest.

The codebook is YAML (``params/codebook.yaml``, shared by all waves); :func:`load_codebook`
checks it and names the file, theme and key of any mistake.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from nps_helpers.errors import ParamsError
from nps_helpers.params import DEFAULT_CODEBOOK, read_yaml_mapping

KINDS = ("strategic", "operational")


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
#: Letters that Unicode does not decompose into a plain letter and an accent, spelled
#: out so they are not dropped (Polish błędy -> bledy, German Straße -> strasse)
LETTERS = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "œ": "oe", "æ": "ae", "đ": "d"})


def normalize(text: pd.Series) -> pd.Series:
    """Lower case, accents removed (ł, ß, ø, œ, æ spelled out), an apostrophe-s dropped
    (support's -> support, it's -> it) and other apostrophes removed (doesn't -> doesnt)."""
    t = text.fillna("").astype(str).str.lower().str.translate(LETTERS)
    t = t.str.replace(APOSTROPHES, "", regex=True)
    return t.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")


def _norm_phrase(phrase: str) -> str:
    plain = re.sub(APOSTROPHES, "", str(phrase).lower().translate(LETTERS))
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
    path = (Path(path) if path else DEFAULT_CODEBOOK).resolve()
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None  # read_yaml_mapping names the missing file
    return dict(_load_codebook(str(path), version))


@lru_cache(maxsize=8)
def _load_codebook(path: str, version: tuple[int, int] | None) -> tuple[tuple[str, Theme], ...]:
    """The codebook at ``path``, cached by its modification time and size (``version``),
    so an edit made while a kernel runs is read."""
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


def codebook_key(book: dict[str, Theme]) -> str:
    """A digest of a loaded codebook: its themes, in order, with all they hold."""
    return hashlib.sha256(repr(tuple(book.items())).encode()).hexdigest()
