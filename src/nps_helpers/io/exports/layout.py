"""An export layout: how to recognise it and which of its rows are headers.

Each layout module (qualtrics, surveymonkey, generic) defines one :class:`Layout`; the
registry in :mod:`nps_helpers.io.exports` lists them by name, in the order detection
tries them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
