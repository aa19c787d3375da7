"""Contact data and numbers in comments: e-mail addresses (also spelled out), phone
numbers, IBANs, payment card numbers, IP addresses and street addresses.

Each finder returns spans ``(start, end, kind)``; :func:`contact_spans` runs them all and
keeps, where two overlap, the one found first in the order of :data:`KINDS` (an IBAN or a
card number is not also a phone number). Candidates are checked beyond their shape: an
IBAN's check digits (mod 97), a card number's Luhn digit and issuer prefix, an IPv6
address by :mod:`ipaddress`, and a phone number by its length, grouping and the words
before it (``ticket``, ``order``, ``invoice``, ``case`` ... numbers stay).
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    kind: str


#: Kinds of contact data, in the order overlaps are settled; each is replaced by ``[kind]``.
KINDS = ("email", "iban", "card", "ip", "phone", "address")

# ------------------------------------------------------------------ e-mail addresses
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_AT_WORD = r"(?:\(at\)|\[at\]|\{at\}|<at>)"
_DOT_WORD = r"(?:\(dot\)|\[dot\]|\{dot\}|<dot>)"
_DOT = rf"(?:\.|\s*{_DOT_WORD}\s*|\s+dot\s+)"
_AT = rf"(?:\s*{_AT_WORD}\s*|\s+at\s+|\s*@\s*)"
SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@])[\w+'-]+(?:{_DOT}[\w+'-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE
)
_SPELLED = re.compile(rf"{_AT_WORD}|{_DOT_WORD}|\s+dot\s+|\s@|@\s", re.IGNORECASE)
_SPELLED_DOT = re.compile(rf"{_DOT_WORD}|\s+dot\s+", re.IGNORECASE)
_TLD = re.compile(r"[.\s\])}>](?:dot\s+)?([a-z]{2,24})$", re.IGNORECASE)
TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "edu",
        "gov",
        "int",
        "mil",
        "io",
        "co",
        "uk",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "se",
        "pl",
        "ch",
        "at",
        "be",
        "dk",
        "no",
        "fi",
        "ie",
        "pt",
        "ru",
        "jp",
        "cn",
        "au",
        "nz",
        "ca",
        "us",
        "eu",
        "in",
        "br",
        "mx",
        "ar",
        "za",
        "tr",
        "gr",
        "cz",
        "sk",
        "hu",
        "ro",
        "bg",
        "hr",
        "si",
        "lt",
        "lv",
        "ee",
        "lu",
        "is",
        "info",
        "biz",
        "app",
        "dev",
        "ai",
        "tech",
        "cloud",
        "example",
    ]
)


def email_spans(text: str) -> list[Span]:
    """E-mail addresses, plain (``jane@acme.com``) and spelled out (``jane dot doe at acme
    dot com``, ``jane(at)acme.com``, ``tom[at]fabrikam[dot]de``)."""
    out = [Span(m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    for m in SPELLED_EMAIL.finditer(text):
        found = m.group()
        if "@" in found and not _SPELLED.search(found):
            continue  # a plain address: found above
        plain_at = re.search(rf"{_AT_WORD}|@", found) is None  # "x at y"
        tld = _TLD.search(found)
        if not tld or tld.group(1).lower() not in TLDS:
            continue
        if plain_at and not _SPELLED_DOT.search(found):
            continue  # "logged in at portal.acme.com" is a place, not an address
        out.append(Span(m.start(), m.end(), "email"))
    return out


# ------------------------------------------------------------------ IBANs
#: IBAN length by country (the SEPA countries and a few more)
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20, "ES": 24,
    "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GI": 23, "GL": 18, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "KW": 30, "KZ": 20, "LB": 28,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}")


def iban_ok(candidate: str) -> bool:
    """Whether ``candidate`` (spaces allowed) is an IBAN: its country's length and check
    digits (ISO 13616, mod 97)."""
    compact = candidate.replace(" ", "").upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact) or not compact.isalnum():
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def iban_spans(text: str) -> list[Span]:
    """IBANs, compact or in groups of four, with valid check digits."""
    out = []
    for m in IBAN.finditer(text):
        found = m.group()
        need = IBAN_LENGTHS.get(found[:2].upper())
        if need is None:
            continue
        seen = 0
        for i, c in enumerate(found):  # cut after the country's number of characters
            seen += c != " "
            if seen == need:
                end = m.start() + i + 1
                if iban_ok(found[: i + 1]) and not text[end : end + 1].isalnum():
                    out.append(Span(m.start(), end, "iban"))
                break
    return out


# ------------------------------------------------------------------ card numbers
CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])")
#: issuer prefixes: Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay
CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6011|65|64[4-9]|35|3[0689]|5[06-9]|6[27]")


def luhn_ok(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def card_spans(text: str) -> list[Span]:
    """Payment card numbers (13 to 19 digits, spaces or dashes between groups) that pass
    the Luhn check and start with a card issuer's prefix."""
    out = []
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if CARD_PREFIX.match(digits) and luhn_ok(digits):
            out.append(Span(m.start(), m.end(), "card"))
    return out


# ------------------------------------------------------------------ IP addresses
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?![\w]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_VERSION_BEFORE = re.compile(
    r"(?:\bv|version|release|build|firmware|patch|upgrade to|update to|upgraded to|"
    r"updated to)\s*$",
    re.IGNORECASE,
)


def ip_spans(text: str) -> list[Span]:
    """IPv4 addresses (not a four-part version number after ``version``, ``v``,
    ``upgrade to`` ...) and IPv6 addresses."""
    out = []
    for m in IPV4.finditer(text):
        if not _VERSION_BEFORE.search(text[max(0, m.start() - 15) : m.start()]):
            out.append(Span(m.start(), m.end(), "ip"))
    for m in IPV6.finditer(text):
        found = m.group().rstrip(":") if not m.group().endswith("::") else m.group()
        try:
            ipaddress.IPv6Address(found)
        except ValueError:
            continue
        out.append(Span(m.start(), m.start() + len(found), "ip"))
    return out


# ------------------------------------------------------------------ phone numbers
PHONE = re.compile(
    r"(?<![\w#/.+\-$€£¥,])"
    r"(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?)?"  # country code, (0)
    r"(?:\(\d{1,5}\)[\s.-]?)?"  # area code in brackets
    r"\d{1,12}(?:[\s.-]\d{1,12}){0,5}"
    r"(?![\w/]|[.,-]\d|\s?%)"
)
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:ticket|order|invoice|inv|case|ref|reference|po|account|acct|serial|sn|id|"
    r"version|build|release|contract|quote|item|sku|customer|kunden|bestell|rechnung)"
    r"\s*(?:no\.?|nr\.?|number|num|#)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,4}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


def _phone_shape(found: str) -> bool:
    digits = re.sub(r"\D", "", found)
    n = len(digits)
    if not 7 <= n <= 15 or _DATE.fullmatch(found):
        return False
    if found.startswith("+"):
        return n >= 8
    if found.startswith("00"):
        return n >= 11 or (n >= 10 and bool(re.match(r"00\d{1,3}[\s.-]", found)))
    groups = re.split(r"[\s.-]+", re.sub(r"[()]", "", found))
    seps = set(re.findall(r"[\s.-]", found))
    if "." in seps and [len(g) for g in groups] != [3, 3, 4]:
        return False  # dots: only 415.555.0172
    if found.startswith("("):
        return n >= 10
    sizes = [len(g) for g in groups]
    if n == 7:
        return sizes == [3, 4]  # 555-0134
    if sizes in ([3, 3, 4], [1, 3, 3, 4]) and n in (10, 11):
        return True  # North American
    if digits.startswith("0") and not digits.startswith("00") and n >= 9:
        return len(groups) > 1 or n >= 10  # national with a trunk prefix
    return False


def phone_spans(text: str) -> list[Span]:
    """Phone numbers: international (``+44 20 7946 0958``, ``0044 ...``), national with a
    trunk 0 (``0171 2345678``, ``01 45 67 89 10``), North American (``(212) 555-0199``,
    ``1-800-555-0110``) and 7-digit local (``555-0134``). Dates, versions, amounts and
    numbers after ``ticket``, ``order``, ``invoice``, ``case`` ... are not phones."""
    out = []
    for m in PHONE.finditer(text):
        found = m.group().rstrip(" .-")
        if not _phone_shape(found):
            continue
        if _NOT_A_PHONE_BEFORE.search(text[max(0, m.start() - 25) : m.start()]):
            continue
        out.append(Span(m.start(), m.start() + len(found), "phone"))
    return out


# ------------------------------------------------------------------ street addresses
_CAP = r"[A-ZÀ-ÞĀ-Ž][\w'’.-]*"
_EN_STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|"
    r"Pl|Square|Sq|Terrace|Close|Crescent|Parkway|Pkwy|Highway|Hwy|Mews|Row"
)
_ROMANCE = (
    r"rue|avenue|av\.|boulevard|bd|allée|allee|place|chemin|impasse|quai|calle|avenida|"
    r"via|viale|piazza|rua|travessa|carrer|plaza|corso|largo"
)
_PARTICLES = r"(?:(?:de|du|des|la|le|les|del|di|della|da|do|dos|das|van|von)\s+|[dl]['’])*"
_GERMANIC = (
    r"straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer|straat|gracht|laan|plein|"
    r"kade|singel|vägen|gatan|gränd|veien|gata|vej|gade|torv"
)
ADDRESS = re.compile(
    "|".join(
        [
            # 221 Baker Street, 350 Fifth Avenue, 1200 Industrial Rd.
            rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_CAP}\s+){{1,3}}(?:{_EN_STREET})\b\.?",
            # 14 rue de la Paix, 3 avenue des Champs-Élysées
            rf"\b\d{{1,5}}[a-z]?,?\s+(?i:{_ROMANCE})\s+(?i:{_PARTICLES}){_CAP}(?:\s+{_CAP})?",
            # Calle Mayor 5, Via Roma 10
            rf"\b(?:Calle|Avenida|Via|Viale|Piazza|Rua|Rue|Plaza|Carrer|Corso|Largo)\s+"
            rf"(?i:{_PARTICLES}){_CAP}(?:\s+{_CAP}){{0,2}},?\s+\d{{1,5}}[a-z]?\b",
            # Hauptstraße 12, Keizersgracht 221, Berliner Strasse 88b
            rf"\b[A-ZÄÖÜÅÆØ][\w'’-]*(?i:{_GERMANIC})\s+\d{{1,4}}[a-z]?\b",
            rf"\b{_CAP}\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse)\s+\d{{1,4}}[a-z]?\b",
        ]
    )
)


def address_spans(text: str) -> list[Span]:
    """Street addresses: a house number, a capitalised street name and a street word, in
    English, French, Spanish, Italian, Portuguese, German, Dutch and Scandinavian forms."""
    return [Span(m.start(), m.end(), "address") for m in ADDRESS.finditer(text)]


# ------------------------------------------------------------------ all of them
FINDERS = {
    "email": email_spans,
    "iban": iban_spans,
    "card": card_spans,
    "ip": ip_spans,
    "phone": phone_spans,
    "address": address_spans,
}
#: a text without a digit, an @ and an "at" has no contact data (a cheap first test)
_MAYBE = re.compile(r"\d|@|\bat\b|\(at\)|\[at\]", re.IGNORECASE)


def resolve(spans: list[Span], order: tuple[str, ...]) -> list[Span]:
    """Spans without overlaps, sorted: of two that overlap, the one of the kind earlier in
    ``order`` stays (then the longer one)."""
    rank = {k: i for i, k in enumerate(order)}
    kept: list[Span] = []
    for s in sorted(spans, key=lambda s: (rank.get(s.kind, len(rank)), s.start - s.end)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept)


def contact_spans(text: str, kinds: tuple[str, ...] = KINDS) -> list[Span]:
    """The contact data of ``kinds`` in ``text``, without overlaps, sorted."""
    if not _MAYBE.search(text):
        return []
    return resolve([s for k in kinds for s in FINDERS[k](text)], KINDS)
