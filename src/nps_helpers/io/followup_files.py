"""The follow-up files of a wave: a CSV per list, one XLSX per account owner, the note.

Writes what :func:`nps_helpers.followup.build_lists` built under
``reports/<wave>/followup/``. CSV cells that a spreadsheet would run as a formula are
written as they are here (issue: formula-safe CSV); the XLSX files store text as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

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


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower() or "unknown"


def owner_files(owners: Iterable[str]) -> dict[str, str]:
    """Each owner's workbook name: the slug of the name, and ``-2``, ``-3``... for owners
    whose names give the same slug ("Ann Lee", "Ann-Lee"), in sorted order of the names,
    so no owner's workbook overwrites another's and reruns give the same names."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for owner in sorted(owners):
        base = _slug(owner)
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name)
        names[owner] = f"{name}.xlsx"
    return names


def write_followup(
    lists: Mapping[str, pd.DataFrame], owners: Iterable[str], note: str, out: str | Path
) -> dict[str, Path]:
    """Write every list of ``lists`` (name -> frame) under ``out``: ``<list>.csv`` for the
    whole wave,
    ``owners/<owner>.xlsx`` with a sheet per list holding only that owner's rows, and the
    "You said, we did" draft as ``thank_you.md`` and ``thank_you.html``.

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
        frame.to_csv(path, index=False)
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
                tables[name] = Table.of(frame.take(np.concatenate(parts)))
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
    html = mistune.html(note)
    (out / "thank_you.html").write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>You said, we did</title>"
        f"</head><body style='font-family:system-ui,sans-serif;max-width:720px;margin:40px auto'>"
        f"{html}</body></html>\n",
        encoding="utf-8",
    )
    written["thank_you"] = out / "thank_you.md"
    return written
