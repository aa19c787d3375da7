"""A fast writer of plain XLSX workbooks: one table per sheet.

Each sheet gets a bold header row that stays frozen while scrolling, an autofilter
over the table and column widths fitted to the content. Numbers are written as
numbers, dates and timestamps as real Excel dates, everything else as text.

Why not ``DataFrame.to_excel``: pandas and xlsxwriter spend 4-10 µs on every cell
in Python, which is 20-70 s for the five million cells of the owner workbooks of a
200,000-response wave. Here each column becomes its XML in a few vectorized string
operations, so the same workbooks take a few seconds. The files follow ECMA-376
(SpreadsheetML) with inline strings, the way streaming writers produce them. The
cells of a data row carry no ``r`` reference (ECMA-376 makes it optional: each cell
is the next column, a missing value an empty ``<c/>``), which spares building a
reference for each of millions of cells and a fifth of the XML; Excel, LibreOffice,
Google Sheets, openpyxl, calamine and pandas read them so (a few strict readers, such
as the .NET libraries EPPlus and ClosedXML, insist on ``r``).

Why it stays, alone in ``io/``: at the sizes users have it pays. The owner workbooks of
an 18,653-response wave hold about half a million cells, 2-5 s through
``DataFrame.to_excel``; the whole follow-up stage, CSVs included, takes 0.8 s here
(docs/benchmarks.md). Nothing outside :mod:`nps_helpers.io.followup_files` uses it.
The tests read its files back with openpyxl and calamine (``tests/io/test_xlsx.py``);
Excel, LibreOffice and Google Sheets were checked by hand when it was written.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np
import pandas as pd

MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 32_767
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_ILLEGAL_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
_EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")
_NS_PER_DAY = 86_400 * 10**9

# style ids in _STYLES' cellXfs
_HEADER, _DATE, _DATETIME = 1, 2, 3
_EMPTY = "<c/>"  # the cell of a missing value
_TEXT_CELL = '<c t="inlineStr"><is><t xml:space="preserve">'

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}"
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_REL = (
    '<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/{kind}" Target="{target}"/>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index``: 0 -> A, 25 -> Z, 26 -> AA."""
    if not 0 <= index < MAX_COLUMNS:
        raise ValueError(f"column index {index} is outside Excel's 0..{MAX_COLUMNS - 1}")
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


_NEEDS_ESCAPE = _ILLEGAL_XML[:-1] + r"&<>\r]|_x[0-9A-Fa-f]{4}_"
_NEEDS_ESCAPE_RE = re.compile(_NEEDS_ESCAPE)  # matches no line break: texts join on one


def _escape(text: pd.Series) -> pd.Series:
    """Text fit for an XML element: illegal control characters dropped, cut to Excel's
    32,767 characters, ``& < >`` and literal ``_xHHHH_`` escaped."""
    text = text.astype(object)
    long = text.str.len() > MAX_CELL_CHARS
    if long.any():
        text = text.where(~long, text.str.slice(0, MAX_CELL_CHARS))
    if not _NEEDS_ESCAPE_RE.search("\n".join(text.dropna())):
        return text  # the usual case: one scan of all the text at once, no rewriting
    needs = text.str.contains(_NEEDS_ESCAPE, regex=True)
    part = (
        text[needs]
        .str.replace(_ILLEGAL_XML, "", regex=True)
        # Excel reads _xHHHH_ as an escaped character; a literal one is written _x005F_xHHHH_
        .str.replace(r"_(x[0-9A-Fa-f]{4}_)", r"_x005F_\1", regex=True)
        .str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
        .str.replace("\r", "&#13;", regex=False)  # a raw CR would be read back as LF
    )
    return text.where(~needs, part)


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;").replace(">", "&gt;")
    )


def _per_value(values: pd.Series, tail) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``tail`` applied once per distinct value (answers repeat: tiers, owners, account
    names), then spread back to the rows. Returns the tails, a mask of present rows and
    each row's distinct-value code (-1 where missing; its cell is an empty ``<c/>``)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    present = codes >= 0
    tails = np.asarray(tail(pd.Series(uniques, dtype=object)), dtype=object)
    out = np.full(len(values), _EMPTY, dtype=object)
    if present.any():
        out[present] = tails[codes[present]]
    return out, present, codes


def _column_tails(values: pd.Series) -> tuple[np.ndarray, int]:
    """Per row, the ``<c>`` element of one column (an empty ``<c/>`` for a missing
    value), and the width the column needs, in characters."""
    values = values.reset_index(drop=True)
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "date":
        values = pd.to_datetime(values)  # calendar dates (renewals): Excel dates, not text
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        tails, present, _ = _per_value(
            values.astype(bool),
            lambda u: np.where(u, '<c t="b"><v>1</v></c>', '<c t="b"><v>0</v></c>'),
        )
        width = 6
    elif pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        stamps = stamps.astype("datetime64[ns]")
        ok = stamps.notna().to_numpy()
        ns = (stamps.to_numpy()[ok] - _EXCEL_EPOCH).astype("int64")
        has_time = bool((ns % _NS_PER_DAY).any())
        style = _DATETIME if has_time else _DATE
        serial = pd.Series(np.nan, index=values.index)
        serial[ok] = ns / _NS_PER_DAY
        tails, present, _ = _per_value(
            serial, lambda u: f'<c s="{style}"><v>' + u.map(repr) + "</v></c>"
        )
        width = 16 if has_time else 10
    elif pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype("float64")
        numbers = numbers.where(np.isfinite(numbers))
        as_int = pd.api.types.is_integer_dtype(values)

        def number(u: pd.Series) -> pd.Series:
            text = u.astype("int64").astype(str) if as_int else u.map(repr)
            return "<c><v>" + text + "</v></c>"

        tails, present, _ = _per_value(numbers, number)
        width = len(f"{numbers.abs().max():,.0f}") + (0 if as_int else 4) if present.any() else 0
    else:
        text = values.astype(object)
        if pd.api.types.infer_dtype(text, skipna=True) not in ("string", "empty"):
            keep = text.notna().to_numpy()  # numbers, dates, mixtures: as str() shows them
            text = pd.Series(None, index=values.index, dtype=object)
            text[keep] = values[keep].astype(str).to_numpy(dtype=object)
        # NUL is dropped from cells anyway (illegal in XML); dropped first, since
        # pandas' factorize reads text only up to a NUL ("" and "\x000" would be one value)
        if text.str.contains("\x00", regex=False, na=False).any():
            text = text.str.replace("\x00", "", regex=False)
        # each distinct text once (ids and names repeat down a list); "" is no value
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        uniques = pd.Series(uniques, dtype=object)
        blank = np.append((uniques == "").to_numpy(), True)  # the extra one: code -1
        codes[blank[codes]] = -1
        present = codes >= 0
        tails = np.full(len(text), _EMPTY, dtype=object)
        if present.any():
            cells = (
                '<c t="inlineStr"><is><t xml:space="preserve">' + _escape(uniques) + "</t></is></c>"
            )
            tails[present] = cells.to_numpy(dtype=object)[codes[present]]
        # the 95th percentile of the rows' text lengths, from the distinct values' lengths
        lengths = uniques.str.len().to_numpy()
        width = int(np.quantile(lengths[codes[present]], 0.95)) if present.any() else 0
    return tails, width


@dataclass(frozen=True)
class Table:
    """A table turned into cell XML once, to be written whole or in parts: the owner
    workbooks take their rows of each list with :meth:`take`, without converting
    the values again."""

    columns: tuple[str, ...]
    tails: tuple[np.ndarray, ...]
    widths: tuple[int, ...]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Table:
        if frame.shape[1] > MAX_COLUMNS:
            raise ValueError(
                f"{frame.shape[1]:,} columns do not fit in an Excel sheet (at most {MAX_COLUMNS})"
            )
        tails, widths = [], []
        for j, name in enumerate(frame.columns):
            cells, width = _column_tails(frame.iloc[:, j])
            tails.append(cells)
            widths.append(min(60, max(8, width, len(str(name)))) + 2)
        return cls(tuple(str(c) for c in frame.columns), tuple(tails), tuple(widths))

    def __len__(self) -> int:
        return len(self.tails[0]) if self.tails else 0

    def take(self, positions) -> Table:
        """The rows at ``positions`` (integers or a boolean mask), in that order."""
        return Table(self.columns, tuple(t[positions] for t in self.tails), self.widths)


def sheet_xml(table: pd.DataFrame | Table, sheet_index: int = 0) -> str:
    """The worksheet XML of ``table``: header row, then one row per record."""
    if isinstance(table, pd.DataFrame):
        table = Table.of(table)
    rows, ncols = len(table) + 1, len(table.columns)
    if rows > MAX_ROWS:
        raise ValueError(f"{rows:,} rows do not fit in an Excel sheet (at most {MAX_ROWS:,})")
    letters = [column_letter(j) for j in range(ncols)]
    last = f"{letters[-1]}{rows}" if ncols else "A1"
    numbers = np.arange(2, rows + 1).astype(str).astype(object)
    header = pd.Series(list(table.columns), dtype=object)
    header_cells = "".join(
        f'<c r="{letter}1" s="{_HEADER}" t="inlineStr"><is><t xml:space="preserve">{text}'
        "</t></is></c>"
        for letter, text in zip(letters, _escape(header), strict=True)
    )
    widths = table.widths
    # the cells of a row carry no reference: each one is the next column (ECMA-376
    # leaves ``r`` optional; a missing value keeps its place as an empty ``<c/>``).
    # That spares building a reference for each of millions of cells, and the bytes.
    opens = '<row r="' + numbers + '">'
    body = "".join(chain.from_iterable(zip(opens, *table.tails, repeat("</row>"))))
    selected = ' tabSelected="1"' if sheet_index == 0 else ""
    cols = "".join(
        f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>'
        for j, w in enumerate(widths, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{last}"/>'
        f"<sheetViews><sheetView{selected} "
        'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData><row r="1">{header_cells}</row>'
        + body
        + "</sheetData>"
        + (f'<autoFilter ref="A1:{last}"/>' if ncols else "")
        + "</worksheet>"
    )


def check_sheet_names(names: list[str]) -> None:
    """Raise ValueError unless every name is a valid, unique Excel sheet name."""
    seen: set[str] = set()
    for name in names:
        if not name or len(name) > 31 or _BAD_SHEET_CHARS.search(name) or name[0] == "'":
            raise ValueError(
                f"{name!r} is not a valid Excel sheet name (1-31 characters, none of []:*?/\\)"
            )
        if name.lower() in seen:
            raise ValueError(f"sheet name {name!r} appears twice (Excel ignores case)")
        seen.add(name.lower())


def write_workbook(path: str | Path, sheets: dict[str, pd.DataFrame | Table]) -> Path:
    """Write ``sheets`` (sheet name -> table, in order) as one XLSX workbook at ``path``.

    Raises
    ------
    ValueError
        For no sheets, an invalid or repeated sheet name, or a table larger than a sheet.
    """
    names = list(sheets)
    if not names:
        raise ValueError(f"{path}: a workbook needs at least one sheet")
    check_sheet_names(names)
    path = Path(path)
    tables = [t if isinstance(t, Table) else Table.of(t) for t in sheets.values()]
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_attr(chr(39) + name.replace(chr(39), chr(39) * 2) + chr(39))}!$A$1:"
        f"${column_letter(len(table.columns) - 1)}${len(table) + 1}</definedName>"
        for i, (name, table) in enumerate(zip(names, tables, strict=True))
        if table.columns
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<bookViews><workbookView/></bookViews><sheets>"
        + "".join(
            f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        + "</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + "</workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            _REL.format(n=i, kind="worksheet", target=f"worksheets/sheet{i}.xml")
            for i in range(1, len(names) + 1)
        )
        + _REL.format(n=len(names) + 1, kind="styles", target="styles.xml")
        + "</Relationships>"
    )
    types = _CONTENT_TYPES.format(
        sheets="".join(_SHEET_TYPE.format(n=i) for i in range(1, len(names) + 1))
    )
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/styles.xml", _STYLES)
        for i, table in enumerate(tables, start=1):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(table, i - 1))
    tmp.replace(path)
    return path
