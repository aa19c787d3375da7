"""Survey exports into raw text tables: one module per layout, registered by name.

The registry lists the layouts in the order detection tries them; params
(``export_format``) and the CLI (``nps-wave check --format``) take their choices from
:func:`names`. A new layout is a module with a :class:`~.layout.Layout` and one line in
:data:`LAYOUTS` (or :func:`register` at run time)::

    from nps_helpers.io.exports import read_export
    raw = read_export("data/raw/2026-H2/survey_export.csv")   # layout detected
    raw.format, raw.columns

Layouts, in detection order: ``qualtrics`` (three header rows with the ImportId row,
UTF-8 with BOM), ``qualtrics_legacy`` (V1..Vn or ResponseID ids, then labels; also UTF-16
tab-separated), ``surveymonkey`` (CSV and XLSX, question row then sub-answer row),
``microsoft_forms``, ``typeform``, ``delighted``, ``google_forms`` (one header row each,
recognised by their own column names) and ``generic`` (one header row, anything else).
The multi-row layouts come first; a one-row layout recognised by several column names
comes before ``google_forms``, recognised by its first cell alone. ``input_row`` numbers
the data records of the file from 1, after its header rows (blank lines are not
records).
"""

from __future__ import annotations

from pathlib import Path

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import (
    delighted,
    generic,
    google_forms,
    microsoft_forms,
    qualtrics,
    qualtrics_legacy,
    surveymonkey,
    typeform,
)
from nps_helpers.io.exports.base import RawExport, read_grid
from nps_helpers.io.exports.layout import Layout

__all__ = ["LAYOUTS", "RawExport", "detect_format", "names", "read_export", "register"]

#: The known layouts by name, in the order detection tries them (generic last: it
#: accepts any grid).
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        qualtrics.LAYOUT,
        qualtrics_legacy.LAYOUT,
        surveymonkey.LAYOUT,
        microsoft_forms.LAYOUT,
        typeform.LAYOUT,
        delighted.LAYOUT,
        google_forms.LAYOUT,
        generic.LAYOUT,
    )
}


def names() -> tuple[str, ...]:
    """The names of the registered layouts, in detection order."""
    return tuple(LAYOUTS)


def register(layout: Layout) -> None:
    """Add ``layout`` (or replace the one of its name); it is tried before ``generic``."""
    rest = {k: v for k, v in LAYOUTS.items() if k not in (layout.name, "generic")}
    tail = {"generic": LAYOUTS["generic"]} if layout.name != "generic" else {}
    LAYOUTS.clear()
    LAYOUTS.update({**rest, layout.name: layout, **tail})


def detect_format(grid) -> str:
    """The name of the first registered layout that recognises ``grid``."""
    for layout in LAYOUTS.values():
        if layout.detect(grid):
            return layout.name
    return "generic"


def read_export(
    path: str | Path,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
    max_mb: float | None = None,
) -> RawExport:
    """Read a survey export of any registered layout into text.

    Parameters
    ----------
    path
        The export (CSV, TSV or XLSX).
    format
        A layout name (:func:`names`); detected when None.
    encoding, delimiter, sheet
        Forced values; detected (or the first sheet) when None.
    max_mb
        The largest file read (params ``max_input_mb``; default: the readers' limit).

    Returns
    -------
    RawExport
        ``data`` has ``input_row`` and one text column per export column; ``format``,
        ``encoding`` and ``delimiter`` say what was found.

    Raises
    ------
    ExportFormatError
        For an unknown layout, or an empty, binary, undecodable or ragged file, or one
        with no data rows; the message names the file and what is wrong in one sentence.
    """
    path = Path(path)
    if format is not None and format not in LAYOUTS:
        raise ExportFormatError(f"{path}: unknown format {format!r}; use one of {names()}")
    grid, enc, delim = read_grid(path, encoding, delimiter, sheet, max_mb=max_mb)
    layout = LAYOUTS[format or detect_format(grid)]
    if len(grid) < layout.min_rows:
        raise ExportFormatError(
            f"{path}: not a {layout.name} export: it has fewer than {layout.min_rows} rows"
        )
    header = layout.header(grid)
    data = grid.iloc[header.rows :].reset_index(drop=True)
    data.columns = header.columns
    data.insert(0, "input_row", range(1, len(data) + 1))
    if data.empty:
        raise ExportFormatError(f"{path}: has header rows but no responses")
    return RawExport(
        data=data,
        source=path,
        format=layout.name,
        encoding=enc,
        delimiter=delim,
        header_rows=header.rows,
        questions=header.questions,
        timezones=header.timezones,
    )


def read_qualtrics(path: str | Path) -> RawExport:
    """Read a Qualtrics export (current or legacy); a file of another shape is an
    :class:`ExportFormatError`."""
    path = Path(path)
    grid, _, _ = read_grid(path, None, None, None)
    for layout in (qualtrics, qualtrics_legacy):
        if layout.detect(grid):
            return read_export(path, format=layout.LAYOUT.name)
    raise ExportFormatError(
        f"{path}: not a Qualtrics CSV export: expected three header rows with ImportId JSON "
        "in the third row (or the legacy two, V1..Vn or ResponseID ids then labels)"
    )
