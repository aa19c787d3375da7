"""Personal data out of comments before they are shown.

Two scrubbers:

- :func:`scrubber` for everything leadership sees (quotes, the discovery appendix, the
  drill-down): e-mail addresses (also spelled out), phone numbers, IBANs, card numbers,
  IP addresses, street addresses, listed names (as whole names) and names in no list
  found by pattern (``Hi Anna``, ``Mr Brown``, ``call Anna``).
- :func:`for_account_teams` for the follow-up lists: it keeps the respondent's own
  e-mail address and phone number (when allowed) and the names, and removes card
  numbers, IBANs and everybody else's e-mail addresses and phone numbers.

Ordinary words are never blanked: a single word counts as a name only when it is
distinctive (not among the 5,000 most common English words, not a codebook word) and
capitalised. ``docs/privacy.md`` has the measured precision and recall per kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from nps_helpers.text.names import NameFinder, codebook_words, common_words
from nps_helpers.text.pii import EMAIL, KINDS, Span, contact_spans, resolve

__all__ = ["EMAIL", "PHONE", "TOKENS", "Scrubber", "for_account_teams", "scrubber", "shorten"]

#: A phone number's shape, for a quick look (the scrubber checks candidates further)
PHONE = re.compile(r"(?<![\w])(?:\+\d{1,3}[\s.-]?)?(?:\(?\d{2,5}\)?[\s.-]?){2,4}\d{3,5}(?![\w])")
#: What each kind is replaced with
TOKENS = {kind: f"[{kind}]" for kind in (*KINDS, "name")}
_PLACEHOLDER = re.compile(r"\[(?:%s)\]" % "|".join(TOKENS))  # noqa: UP031


def _keep_words(codebook: Any, keep: Iterable[str]) -> frozenset[str]:
    """Common English words, the codebook's words and ``keep``, casefolded."""
    if codebook is None:
        from nps_helpers.text.codebook import load_codebook

        codebook = load_codebook()
    codebook = getattr(codebook, "codebook", codebook)  # ThemedComments -> its codebook
    if isinstance(codebook, dict):
        book = codebook_words(codebook)
    else:
        book = frozenset(str(w).casefold() for w in codebook)
    return common_words() | book | frozenset(w.casefold() for w in keep)


class Scrubber:
    """Replaces personal data in texts with ``[email]``, ``[phone]``, ``[iban]``,
    ``[card]``, ``[ip]``, ``[address]`` and ``[name]``. Build it with :func:`scrubber`.

    Called on a Series it returns the scrubbed Series (same index; missing values
    become ""). :meth:`text` scrubs one string, :meth:`spans` tells what it would
    replace, and :meth:`term_ok` whether a discovered term may be shown.
    """

    def __init__(self, names: Iterable[str], keep: frozenset[str], people: Iterable[str] = ()):
        self.names = NameFinder(names, keep, people)

    def spans(self, text: str) -> list[Span]:
        """What :meth:`text` replaces: contact data first, then names, without overlaps."""
        found = contact_spans(text)
        found += self.names.listed(text) + self.names.by_pattern(text)
        return resolve(found, (*KINDS, "name"))

    def text(self, text: str) -> str:
        """``text`` with its personal data replaced."""
        return replace(text, self.spans(text))

    def __call__(self, texts: pd.Series) -> pd.Series:
        return texts.fillna("").astype(str).map(self.text)

    def term_ok(self, term: str) -> bool:
        """Whether a discovered term (lower case, words split by spaces) may be shown:
        no personal data in it, no word of a listed name (in any case) and under five
        digits in all (more may be a fragment of a phone, an account or a card number)."""
        digits = sum(c.isdigit() for c in term)
        if digits >= 5 or _PLACEHOLDER.search(term) or self.spans(term):
            return False
        titled = " ".join(w[:1].upper() + w[1:] for w in term.split())
        if self.names.listed(titled):
            return False
        return not any(self.names.listed_word(w) for w in term.split())


def replace(text: str, spans: list[Span]) -> str:
    """``text`` with each span replaced by its kind's token."""
    if not spans:
        return text
    out, last = [], 0
    for s in spans:
        out += [text[last : s.start], TOKENS[s.kind]]
        last = s.end
    return "".join(out) + text[last:]


def scrubber(
    names: Iterable[str],
    *,
    codebook: Any | None = None,
    keep: Iterable[str] = (),
    people: Iterable[str] = (),
) -> Scrubber:
    """The scrubber of what leadership sees: a callable that takes a Series of texts and
    returns it with personal data replaced.

    Parameters
    ----------
    names
        Listed names: contacts' first and last names, account owners, account names
        (``WaveData.personal_names()``). A name of several words is matched whole (any
        case; with capitals when all its words are ordinary ones, as ``The Data
        Company``); a single word only when it is distinctive and capitalised.
    codebook
        The codebook whose words are never blanked: a ``{name: Theme}`` dict, a
        ``ThemedComments`` or a list of words. Default: the default codebook.
    keep
        More words never to blank on their own.
    people
        Contacts' full names ("first last") whose parts are in ``names`` apart: found
        whole even when both parts are common words (``Anna Park``), each word replaced.

    Examples
    --------
    >>> import pandas as pd
    >>> scrub = scrubber(["Maya", "Lindqvist", "The Data Company"])
    >>> scrub(pd.Series(["Maya Lindqvist: maya@acme.example, +44 20 7946 0958"]))[0]
    '[name] [name]: [email], [phone]'
    >>> scrub(pd.Series(["The product is great but the data exports are slow"]))[0]
    'The product is great but the data exports are slow'
    """
    return Scrubber(names, _keep_words(codebook, keep), people)


# ------------------------------------------------------------------ account teams
_DIGITS = re.compile(r"\D")


def _same_email(found: str, own: str) -> bool:
    """Whether an address found in a comment (plain or spelled out) is ``own``."""
    plain = re.sub(r"\s*(?:\(at\)|\[at\]|\{at\}|<at>|\bat\b)\s*", "@", found, flags=re.I)
    plain = re.sub(r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\bdot\b)\s*", ".", plain, flags=re.I)
    return re.sub(r"\s", "", plain).casefold() == own.strip().casefold()


def _same_phone(found: str, own: str) -> bool:
    """Whether a phone number found in a comment is ``own`` (the last 9 digits agree, or
    all of them when shorter)."""
    a, b = _DIGITS.sub("", found), _DIGITS.sub("", own)
    n = min(9, len(a), len(b))
    return n >= 7 and a[-n:] == b[-n:]


def for_account_teams(
    comment: str | None,
    own_email: str | None = None,
    *,
    own_phone: str | None = None,
    keep_own: bool = True,
) -> str:
    """One comment scrubbed for the account team's follow-up lists.

    Card numbers and IBANs are always replaced (``[card]``, ``[iban]``), and so are
    e-mail addresses (plain or spelled out) and phone numbers that are not the
    respondent's own (``[email]``, ``[phone]``). The respondent's own address and number
    stay when ``keep_own`` (pass ``params.followup_include_email``); names, IP and street
    addresses stay: the account team knows the people and the sites.

    Parameters
    ----------
    comment
        The respondent's comment (None or NaN: "").
    own_email
        The respondent's own e-mail address (from the invitation list), if known.
    own_phone
        The respondent's own phone number, if known.
    keep_own
        Keep the respondent's own e-mail address and phone number.

    Returns
    -------
    str
        The comment with what the account team may not see replaced.

    Examples
    --------
    >>> for_account_teams("me: ana@x.example, my boss: bo@x.example", "ana@x.example")
    'me: ana@x.example, my boss: [email]'
    >>> for_account_teams("ana@x.example", "ana@x.example", keep_own=False)
    '[email]'
    """
    if comment is None or (isinstance(comment, float) and comment != comment):
        return ""
    text = str(comment)
    own_email = own_email if isinstance(own_email, str) and own_email.strip() else None
    own_phone = own_phone if isinstance(own_phone, str) and own_phone.strip() else None
    spans = []
    for s in contact_spans(text, ("email", "iban", "card", "phone")):
        found = text[s.start : s.end]
        own = keep_own and (
            (s.kind == "email" and own_email and _same_email(found, own_email))
            or (s.kind == "phone" and own_phone and _same_phone(found, own_phone))
        )
        if not own:
            spans.append(s)
    return replace(text, spans)


def shorten(texts: pd.Series, limit: int = 220) -> pd.Series:
    """Cut texts longer than ``limit`` characters at a word boundary, adding '…'."""

    def cut(t: str) -> str:
        if len(t) <= limit:
            return t
        return t[:limit].rsplit(" ", 1)[0].rstrip(",;:-") + "…"

    return texts.fillna("").astype(str).map(cut)
