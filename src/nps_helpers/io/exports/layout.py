"""An export layout: how to recognise it and which of its rows are headers.

Each layout module (qualtrics, qualtrics_legacy, surveymonkey, google_forms, typeform,
microsoft_forms, delighted, generic) defines one :class:`Layout`; the registry in
:mod:`nps_helpers.io.exports` lists them by name, in the order detection tries them.
:func:`cells`, :func:`keys` and :func:`one_header_row` are what the layouts share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nps_helpers.io.exports.base import unique_names

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Header:
    """What a layout read from its header rows."""

    columns: list[str]  # one unique name per column
    rows: int  # how many rows of the grid are headers
    questions: dict[str, str]  # column -> its question text
    timezones: dict[str, str] = field(default_factory=dict)  # column -> time zone of its dates


@dataclass(frozen=True)
class Layout:
    """One export layout.

    ``detect(grid)`` says whether a grid of text (no header interpreted) has this
    layout; ``header(grid)`` reads its header rows. ``min_rows`` is how many rows a file
    of this layout has at least (its header rows).
    """

    name: str
    description: str
    detect: Callable[[pd.DataFrame], bool]
    header: Callable[[pd.DataFrame], Header]
    min_rows: int = 1


def cells(grid: pd.DataFrame, row: int) -> list[str]:
    """The stripped text of row ``row`` of the grid; empty when the grid is shorter."""
    if len(grid) <= row:
        return []
    return [str(v).strip() for v in grid.iloc[row]]


def keys(grid: pd.DataFrame, row: int) -> set[str]:
    """The lower-cased, stripped cells of row ``row``, for matching column names."""
    return {c.lower() for c in cells(grid, row)}


def one_header_row(grid: pd.DataFrame, timezones: dict[str, str] | None = None) -> Header:
    """The header of a layout with one row of column names, which are also the questions."""
    columns = unique_names(cells(grid, 0))
    return Header(
        columns=columns,
        rows=1,
        questions=dict(zip(columns, columns, strict=True)),
        timezones=timezones or {},
    )
