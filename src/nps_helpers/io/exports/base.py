"""What every export layout shares: the file read as a grid of text, and the result type.

pandas is imported where a file is read, not when the registry is: params and the CLI
take the list of layouts from it at start-up, and importing pandas there would delay
the start of every run by half a second.

:func:`read_grid` opens a survey export read-only (raw data is never modified), finds its
encoding and delimiter (``,`` ``;`` tab ``|``) unless forced, reads XLSX through openpyxl,
and returns every cell as a string (empty string for an empty cell), so that cleaning
decides what is valid and rejected rows keep the original text. The layouts
(:mod:`~nps_helpers.io.exports.qualtrics`, ...) then say which rows are headers.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import limits

if TYPE_CHECKING:
    import pandas as pd

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 256 * 1024


@dataclass
class RawExport:
    """A survey export as read: text values, plus what the header rows said."""

    data: pd.DataFrame
    source: Path
    format: str = "generic"
    encoding: str = "utf-8"
    delimiter: str | None = ","
    header_rows: int = 1
    questions: dict[str, str] = field(default_factory=dict)
    timezones: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.data.columns if c != "input_row"]


# --------------------------------------------------------------------------- sniffing
def sniff_encoding(head: bytes) -> str:
    """The text encoding of a file from its first bytes.

    A byte-order mark decides (UTF-8, UTF-16); UTF-16 without a mark is recognised
    by its zero bytes; otherwise UTF-8 when the bytes decode as UTF-8, else cp1252
    (what Excel on Windows writes), else latin-1.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4:
        even, odd = head[0:200:2], head[1:200:2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(sample: str) -> str | None:
    """The delimiter that splits the sample's lines into the most, equal, columns.

    Quotes are respected. Returns None when no candidate gives more than one column.
    """
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = None, (0, 0)
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)]
        except csv.Error:
            continue
        counts = [c for c in counts if c > 0]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode), mode)  # consistent lines first, then more columns
        if score > best_score:
            best, best_score = delim, score
    return best


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    if "\x00" in text:
        return True
    control = sum(1 for ch in text[:20_000] if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    return control > 0.01 * min(len(text), 20_000)


# ------------------------------------------------------------------------ the grid
def read_grid(
    path: Path,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | int | None,
    max_mb: float | None = None,
) -> tuple[pd.DataFrame, str, str | None]:
    """The file as a table of strings with no header interpretation.

    The file must be a regular file of at most ``max_mb`` MB (default
    :data:`~nps_helpers.io.exports.limits.DEFAULT_MAX_INPUT_MB`), checked before it is
    opened; an XLSX is checked as a zip before it is inflated, and no cell may be longer
    than :data:`~nps_helpers.io.exports.limits.MAX_CELL_CHARS` (:mod:`.limits`).
    """
    import pandas as pd

    limits.check_input_file(path, max_mb)
    with open(path, "rb") as handle:  # read-only: raw data is never modified
        head = handle.read(_SAMPLE_BYTES)
    if not head.strip():
        raise ExportFormatError(f"{path}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        return read_xlsx(path, sheet), "xlsx", None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExportFormatError(
            f"{path}: this is an old binary Excel (.xls) file; save it as .xlsx or CSV first"
        )
    enc = encoding or sniff_encoding(head)
    try:
        sample = codecs.getincrementaldecoder(enc)(errors="strict").decode(head, final=False)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ExportFormatError(f"{path}: cannot be decoded as {enc}: {exc}") from None
    if _looks_binary(sample):
        raise ExportFormatError(
            f"{path}: not a table at all: the file holds binary data, not text or Excel"
        )
    delim = delimiter or sniff_delimiter(sample) or ","
    try:
        with open(path, "rb") as handle:
            grid = pd.read_csv(
                handle,
                sep=delim,
                header=None,
                dtype=str,
                keep_default_na=False,
                encoding=enc,
                skip_blank_lines=True,
                engine="c",
            )
    except UnicodeDecodeError as exc:
        raise ExportFormatError(
            f"{path}: has bytes that are not {enc} (at byte {exc.start}); "
            "give the encoding in params (export_encoding) or save the file as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise ExportFormatError(
            f"{path}: cannot be read as a table with delimiter {delim!r}: {exc}"
        ) from None
    except pd.errors.EmptyDataError:
        raise ExportFormatError(f"{path}: the file is empty") from None
    limits.check_cells(grid, path)
    return grid, enc, delim


def _cell_text(cell) -> str:
    """A cell's value as pandas' openpyxl reader and then the grid show it: empty for
    none or an error value, whole numbers without ``.0``."""
    value = cell.value
    if value is None or cell.data_type == "e":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def read_xlsx(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """One sheet of an XLSX (default the first) as a grid of strings, blank rows dropped.

    The zip is checked first (:func:`~.limits.check_xlsx_archive`); the rows are then
    read one at a time through openpyxl, and the sheet is refused as soon as it holds
    more than :data:`~.limits.MAX_SHEET_CELLS` cells or a cell longer than
    :data:`~.limits.MAX_CELL_CHARS` characters.
    """
    import pandas as pd
    from openpyxl import load_workbook

    limits.check_xlsx_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise ExportFormatError(
            f"{path}: cannot be read as an Excel workbook ({exc}); open it in Excel and save "
            "it again as .xlsx, or export CSV"
        ) from None
    try:
        names = book.sheetnames
        chosen = 0 if sheet is None else sheet
        if isinstance(chosen, int):
            if not 0 <= chosen < len(names):
                raise ExportFormatError(
                    f"{path}: has no sheet number {chosen} (it has {len(names)}); give the "
                    "sheet's name in params (export_sheet)"
                )
            chosen = names[chosen]
        if chosen not in names:
            raise ExportFormatError(
                f"{path}: has no sheet named {chosen!r} (it has: {', '.join(names)}); give "
                "one of these in params (export_sheet)"
            )
        ws = book[chosen]
        ws.reset_dimensions()  # a stated size is not trusted: rows are read as they are
        rows: list[list[str]] = []
        cells, width = 0, 0
        for number, row in enumerate(ws.rows, start=1):
            values = [_cell_text(cell) for cell in row]
            cells += len(values)
            width = max(width, len(values))
            if cells > limits.MAX_SHEET_CELLS:
                raise limits.too_many_cells(path, number, width)
            for j, value in enumerate(values):
                if len(value) > limits.MAX_CELL_CHARS:
                    raise limits.cell_too_long(path, number, j + 1, len(value))
            while values and values[-1] == "":
                values.pop()
            if values:  # blank rows are not records
                rows.append(values)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ExportFormatError(
            f"{path}: cannot be read as an Excel workbook ({exc}); open it in Excel and save "
            "it again as .xlsx, or export CSV"
        ) from None
    finally:
        book.close()
    if not rows:
        raise ExportFormatError(f"{path}: the sheet {chosen!r} is empty")
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique, in order: a blank name becomes ``column_<n>``, a repeated
    one ``<name> (2)``, ``(3)``, ... skipping any name the header already uses.

    Examples
    --------
    >>> unique_names(["Q1", "", "Q1", "Q1 (2)"])
    ['Q1', 'column_2', 'Q1 (3)', 'Q1 (2)']
    """
    stripped = [name.strip() or f"column_{i + 1}" for i, name in enumerate(names)]
    taken = set(stripped)
    used: set[str] = set()
    count: dict[str, int] = {}
    out = []
    for name in stripped:
        if name in used:
            n = count.get(name, 1)
            while f"{name} ({n})" in taken or f"{name} ({n})" in used or n == 1:
                n += 1
            count[name] = n
            name = f"{name} ({n})"
        used.add(name)
        out.append(name)
    return out
