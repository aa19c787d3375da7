"""The follow-up files of a wave: a CSV per list, one XLSX per account owner, the note.

Writes what :func:`nps_helpers.followup.build_lists` built under
``reports/<wave>/followup/``. A CSV text cell that a spreadsheet would run as a formula
(it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a
leading ``'`` (OWASP's advice on CSV injection), so Excel and LibreOffice show it as
text; the XLSX files store text as text (inline strings, never formulas).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.io.files import formula_safe
from nps_helpers.io.xlsx import Table, write_workbook

#: Owners whose lists hold this many rows together become cell XML at once: one
#: conversion per list for most waves, and never the cells of a whole 200,000-response
#: wave in memory at once. The batches depend only on the data, so the files do too.
OWNER_BATCH_ROWS = 100_000


def _batches(items: list[str], sizes: list[int], limit: int) -> list[list[str]]:
    """``items`` in order, cut into consecutive batches of at most ``limit`` in total
    size (an item larger than ``limit`` is a batch of its own)."""
    batches: list[list[str]] = []
    total = limit + 1
    for item, size in zip(items, sizes, strict=True):
        if not batches or total + size > limit:
            batches.append([])
            total = 0
        batches[-1].append(item)
        total += size
    return batches


def _positions_by(values: pd.Series) -> dict[str, np.ndarray]:
    """The row positions of each distinct value of ``values`` (as text), in row order;
    missing values belong to none."""
    known = values.notna().to_numpy()
    positions = np.flatnonzero(known)
    codes, uniques = pd.factorize(values[known].astype(str).to_numpy())
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): positions[order[bounds[i] : bounds[i + 1]]] for i, u in enumerate(uniques)}


#: The files' column headers, in plain words for account teams (a column not named here,
#: an export's own segment such as ``company_size``, reads "Company size").
HEADERS = {
    "priority": "Priority",
    "reason": "Why in the sample",
    "account_id": "Account ID",
    "account_name": "Account",
    "tier": "Tier",
    "arr": "Annual revenue",
    "renewal_date": "Renewal date",
    "days_to_renewal": "Days to renewal",
    "owner": "Account owner",
    "respondent_id": "Respondent ID",
    "contact_id": "Contact ID",
    "contact_name": "Contact",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "role": "Role",
    "score": "Score",
    "category": "Category",
    "comment": "Comment",
    "themes": "Themes",
    "invited_at": "Invited on",
    "invited": "Invited",
    "bounced": "Bounced",
    "reached": "Reached",
    "responded": "Responded",
    "rate": "Response rate (%)",
    "below_target": "Below target",
}


def plain_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with :data:`HEADERS` as its column names."""
    return frame.rename(columns=lambda c: HEADERS.get(c) or str(c).replace("_", " ").capitalize())


#: The longest readable part of a workbook name (the digest and ``.xlsx`` come after).
SLUG_CHARS = 60


def _slug(text: str) -> str:
    """A readable file name part: the name's letters and digits in any script (NFC,
    lower case), the rest as single dashes, at most :data:`SLUG_CHARS` characters."""
    plain = unicodedata.normalize("NFC", str(text)).casefold()
    slug = re.sub(r"[\W_]+", "-", plain).strip("-")
    return slug[:SLUG_CHARS].rstrip("-") or "owner"


def owner_files(owners: Iterable[str]) -> dict[str, str]:
    """Each owner's workbook name: a readable slug of the name and a short digest of the
    whole name (``ann-lee-3f2a1c.xlsx``; "Ann Lee" and "Ann-Lee" differ by the digest).
    Names in any script keep their letters; long names are shortened. The digest is
    lengthened in the (unlikely) case two names share slug and digest, so no owner's
    workbook can overwrite another's, and reruns give the same names."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for owner in sorted(set(owners)):
        digest = hashlib.blake2b(str(owner).encode("utf-8"), digest_size=16).hexdigest()
        base, size = _slug(owner), 6
        while f"{base}-{digest[:size]}" in used:
            size += 2
        name = f"{base}-{digest[:size]}"
        used.add(name)
        names[owner] = f"{name}.xlsx"
    return names


def write_followup(
    lists: Mapping[str, pd.DataFrame], owners: Iterable[str], note: str, out: str | Path
) -> dict[str, Path]:
    """Write every list of ``lists`` (name -> frame) under ``out``: ``<list>.csv`` for the
    whole wave (formula-safe, :func:`formula_safe`), ``owners/<owner>.xlsx`` with a
    sheet per list holding only that owner's rows (names: :func:`owner_files`), both
    with plain headers (:data:`HEADERS`), and the "You said, we did" draft as
    ``thank_you.md`` and ``thank_you.html`` (its markup escaped).

    Returns
    -------
    dict
        The path of each list's CSV, ``owners`` (the folder) and ``thank_you``.
    """
    import mistune

    out = Path(out)
    owners_dir = out / "owners"
    owners_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, frame in lists.items():
        path = out / f"{name}.csv"
        plain_headers(formula_safe(frame)).to_csv(path, index=False)
        written[name] = path
    # one workbook per account owner: those with responses, and those whose accounts
    # only have contacts to remind; built in batches of owners (OWNER_BATCH_ROWS), so
    # the cells of a large wave are never in memory all at once
    groups = {
        name[:31]: (frame, _positions_by(frame["owner"]))
        for name, frame in lists.items()
        if "owner" in frame.columns
    }
    none = np.array([], dtype=np.int64)
    owners = sorted(owners)
    files = owner_files(owners)
    sizes = [sum(len(rows.get(o, none)) for _, rows in groups.values()) for o in owners]
    batches = _batches(owners, sizes, OWNER_BATCH_ROWS)

    def workbooks(some: list[list[str]]) -> None:
        for batch in some:
            # a batch of owners becomes cell XML at once (each conversion has a fixed
            # cost); each owner's workbook then takes its rows, which lie together
            tables, spans = {}, {}
            for name, (frame, rows) in groups.items():
                parts = [rows.get(o, none) for o in batch]
                tables[name] = Table.of(plain_headers(frame.take(np.concatenate(parts))))
                ends = np.cumsum([len(part) for part in parts])
                spans[name] = list(zip(ends - [len(part) for part in parts], ends, strict=True))
            for i, owner in enumerate(batch):
                write_workbook(
                    owners_dir / files[owner],
                    {
                        name: table.take(np.arange(*spans[name][i]))
                        for name, table in tables.items()
                    },
                )

    workbooks(batches)
    written["owners"] = owners_dir
    (out / "thank_you.md").write_text(note, encoding="utf-8")
    # escape=True: markup in the note (a company name from params, a theme description)
    # is shown as text, never run
    body = mistune.create_markdown(escape=True)(note)
    title = html_lib.escape(note.splitlines()[0].lstrip("# ") if note else "You said, we did")
    (out / "thank_you.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{title}</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:720px;margin:40px auto'>"
        f"{body}</body></html>\n",
        encoding="utf-8",
    )
    written["thank_you"] = out / "thank_you.md"
    return written
