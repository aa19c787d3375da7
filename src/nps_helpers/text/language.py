"""The language of each comment, from its common words and letters.

Light and offline: a comment's words are counted against short lists of each
language's most common function words, and letters only one language uses (``ł``,
``ß``, ``ñ``, ``ã``) count double. Short comments carry few such words, so a comment
with no clue at all is English, the survey's language; ``languages`` narrows the
choice to the languages a wave's customers write in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Function words, lower case with accents (comments are lower-cased, not stripped).
_WORDS = {
    "en": (
        "the and is are was were of to in for with not our we it this that they you on "
        "but have has very too no never always be at by from an its their them a as do so "
        "if or all more"
    ),
    "de": (
        "der die das und ist sind nicht wir uns unser unsere mit für von zu auf bei ein "
        "eine einen sehr immer nie kein keine aber auch noch nach seit wird wurde hat "
        "haben zum zur im den dem des sich es"
    ),
    "fr": (
        "le la les et est sont pas nous notre nos avec pour de des du un une très "
        "toujours jamais mais aussi en au aux ce cette sur par il ils on qui que ne "
        "plus été"
    ),
    "es": (
        "el la los las y es son no nos nuestro nuestra con para de del un una muy "
        "siempre nunca pero también en al que por se lo más está fue"
    ),
    "nl": (
        "de het en is zijn niet wij we ons onze met voor van een zeer heel altijd nooit "
        "maar ook op bij te dat die er wordt werd geen graag"
    ),
    "pl": (
        "i w z na nie jest są to się do że za od o po jak ale też bardzo zawsze nigdy "
        "nas nasz nasza nasze dla przy tylko już co"
    ),
    "it": (
        "il lo la le gli e è sono non noi nostro nostra con per di del della un una "
        "molto sempre mai ma anche in al che da si più stata stato nelle nei ogni po "
        "troppo troppi questo"
    ),
    "pt": (
        "o a os as e é são não nós nosso nossa com para de do da um uma muito sempre "
        "nunca mas também em no na que por se mais foi"
    ),
    "sv": (
        "och är inte vi vår våra med för av en ett mycket alltid aldrig men också på "
        "att det som har var"
    ),
}
#: Letters that point to one language.
LETTERS = {
    "pl": "łżźśćńąę",
    "de": "ßäöü",
    "es": "ñ¿¡",
    "pt": "ãõ",
    "fr": "œèêëîç",
    "sv": "å",
    "it": "ì",
}
WORDS = {code: frozenset(words.split()) for code, words in _WORDS.items()}
LANGUAGES = tuple(WORDS)
WORD = re.compile(r"[^\W\d_]+")  # "l'interfaccia": l and interfaccia


def detect(texts: Iterable[str], languages: Iterable[str] | None = None) -> pd.Series:
    """The language code of each text (``en``, ``de``, ``fr``, ``es``, ``nl``, ``pl``,
    ``it``, ``pt``, ``sv``): the language with most function words and telling letters;
    English when nothing tells.

    Parameters
    ----------
    texts
        The comments.
    languages
        Optional codes the comments can be in (a wave's ``languages:``); English is
        always among them.

    Examples
    --------
    >>> detect(["Die Lieferung kam zu spät", "Dostawy są zawsze na czas", "ok"]).tolist()
    ['de', 'pl', 'en']
    """
    series = pd.Series(list(texts), dtype=object).fillna("").astype(str)
    allowed = [c for c in LANGUAGES if languages is None or c in set(languages) | {"en"}]
    codes, unique = pd.factorize(series)
    lowered = pd.Series(unique, dtype=object).str.lower()
    words = lowered.str.findall(WORD)
    scores = np.zeros((len(unique), len(allowed)))
    for j, code in enumerate(allowed):
        vocab = WORDS[code]
        scores[:, j] = [sum(w in vocab for w in ws) for ws in words]
        if code in LETTERS:
            pattern = f"[{re.escape(LETTERS[code])}]"
            scores[:, j] += 2 * lowered.str.count(pattern).clip(upper=3).to_numpy()
    english = allowed.index("en")
    scores[:, english] += 0.5  # ties and no clue: the survey's language
    best = np.asarray(allowed, dtype=object)[scores.argmax(axis=1)]
    return pd.Series(best[codes], index=range(len(series)), name="language")
