"""Google Forms responses (the linked sheet saved as CSV or XLSX): one header row that
starts with the submission time stamp, then one column per question, titled with the
question as written.

Detection: the first cell is "Timestamp" or its name in the form owner's language
("Marca temporal", "Horodateur", "Zeitstempel", ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nps_helpers.io.exports.layout import Header, Layout, cells, one_header_row

if TYPE_CHECKING:
    import pandas as pd

#: The time stamp column's name in the languages Google Forms writes it in.
TIMESTAMP = frozenset(
    {
        "timestamp",
        "marca temporal",  # es, ca
        "horodateur",  # fr
        "zeitstempel",  # de
        "carimbo de data/hora",  # pt
        "informazioni cronologiche",  # it
        "tijdstempel",  # nl
        "sygnatura czasowa",  # pl
        "tidsstempel",  # da, no
        "tidstämpel",  # sv
        "отметка времени",  # ru
        "タイムスタンプ",  # ja
    }
)


def detect(grid: pd.DataFrame) -> bool:
    first = cells(grid, 0)[:1]
    return bool(first) and first[0].lower() in TIMESTAMP


def header(grid: pd.DataFrame) -> Header:
    return one_header_row(grid)


LAYOUT = Layout(
    name="google_forms",
    description="Google Forms: one header row starting with Timestamp",
    detect=detect,
    header=header,
)
