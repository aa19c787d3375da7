"""How large an input may be, checked before a byte of it is read or hashed.

Every file the workbook reads (the survey export, the CRM account master and invitation
list, the logo) must be a regular file (not a device such as ``/dev/zero``, a FIFO or a
folder) no larger than ``max_input_mb`` of the wave's params (default
:data:`DEFAULT_MAX_INPUT_MB`). An XLSX is checked as a zip first: its members' inflated
size and compression ratio (a zip bomb is refused before it is opened), then each sheet
while it is read (rows x columns, and the length of one cell); a CSV's cells are
checked after pandas read them, before anything else works on them. Each refusal is an
:class:`~nps_helpers.errors.ExportFormatError` of one sentence naming the file, the
limit and what to do.

The module sits in the export layer (beside :mod:`~nps_helpers.io.exports.base`, which
uses it) so that the export readers, the CRM readers and params can all use it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
from pathlib import Path

from nps_helpers.errors import ExportFormatError

#: The largest input file, in MB, unless the wave's params say ``max_input_mb``: a
#: B2B wave of 20,000 responses is a few MB; 500 MB is a hundred times more.
DEFAULT_MAX_INPUT_MB = 500
#: The longest cell, in characters: Excel holds at most 32,767; a comment longer than
#: this is not an answer (one 50 MB comment cost 7.4 GB downstream).
MAX_CELL_CHARS = 100_000
#: The most an XLSX may inflate to, all members together, in MB.
MAX_XLSX_INFLATED_MB = 1_000
#: The highest inflated / compressed ratio of one XLSX member of over a MB. Sheets of
#: real exports compress 5-30 times; a zip bomb, a thousand times.
MAX_ZIP_RATIO = 150
#: The most cells (rows x columns) of one sheet: 20,000 responses x 1,000 columns.
MAX_SHEET_CELLS = 20_000_000
_MB = 1024 * 1024


def limit_bytes(max_mb: float | None) -> int:
    """``max_mb`` (default :data:`DEFAULT_MAX_INPUT_MB`) in bytes."""
    return int((DEFAULT_MAX_INPUT_MB if max_mb is None else max_mb) * _MB)


def _mb(n: int) -> str:
    return f"{n / _MB:,.1f} MB" if n < 10 * _MB else f"{n / _MB:,.0f} MB"


def check_input_file(path: str | Path, max_mb: float | None = None, key: str = "") -> int:
    """The size in bytes of ``path`` after checking, without opening it, that it is a
    regular file (symlinks followed) of at most ``max_mb`` MB.

    ``key`` names the params key that points at the file, for the message.

    Raises
    ------
    ExportFormatError
        For a missing file, a device, FIFO, socket or folder, or a file over the limit.

    Examples
    --------
    >>> try:
    ...     check_input_file("/dev/zero", key="inputs.accounts")
    ... except ExportFormatError as refusal:
    ...     print(refusal)
    /dev/zero (inputs.accounts): not a regular file (a device); point it at the file itself
    """
    path = Path(path)
    where = f" ({key})" if key else ""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ExportFormatError(f"{path}{where}: file not found; check the path") from None
    except OSError as exc:
        raise ExportFormatError(
            f"{path}{where}: cannot be read ({exc.strerror}); check the path and its permissions"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(info.st_mode)
            else "a FIFO"
            if stat.S_ISFIFO(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "a device"
        )
        raise ExportFormatError(
            f"{path}{where}: not a regular file ({kind}); point it at the file itself"
        )
    limit = limit_bytes(max_mb)
    if info.st_size > limit:
        raise ExportFormatError(
            f"{path}{where}: {_mb(info.st_size)} is over the input limit of {_mb(limit)} "
            "(max_input_mb); check that this is the right file, or raise max_input_mb in the "
            "wave's params"
        )
    return info.st_size


def file_digest(path: str | Path, max_mb: float | None = None, digest_size: int = 16) -> str:
    """The blake2b digest (hex) of a file's bytes, read in blocks, after
    :func:`check_input_file` (a device or an oversized file is refused unread)."""
    check_input_file(path, max_mb)
    h = hashlib.blake2b(digest_size=digest_size)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_MB), b""):
            h.update(block)
    return h.hexdigest()


def check_xlsx_archive(path: str | Path) -> None:
    """Refuse an XLSX whose zip is damaged, inflates to more than
    :data:`MAX_XLSX_INFLATED_MB` or holds a member compressed more than
    :data:`MAX_ZIP_RATIO` times, before anything inflates it. (Python's zip reader stops
    at each member's stated size, so the stated sizes bound what is inflated.)"""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise ExportFormatError(
            f"{path}: not a readable Excel workbook (its zip is damaged: {exc}); open it in "
            "Excel and save it again as .xlsx, or export CSV"
        ) from None
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_INFLATED_MB * _MB:
        raise ExportFormatError(
            f"{path}: the workbook inflates to {_mb(total)}, over the limit of "
            f"{MAX_XLSX_INFLATED_MB:,} MB for an XLSX; export the survey as CSV instead"
        )
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > _MB and ratio > MAX_ZIP_RATIO:
            raise ExportFormatError(
                f"{path}: its part {m.filename} is compressed {ratio:,.0f} times (inflating "
                f"to {_mb(m.file_size)}), over the limit of {MAX_ZIP_RATIO} for an XLSX, as a "
                "zip bomb is; export the survey as CSV from the survey tool instead"
            )


def cell_too_long(path: str | Path, row: int, column: int, length: int) -> ExportFormatError:
    """The refusal of a cell of ``length`` characters at 1-based ``row`` and ``column``."""
    return ExportFormatError(
        f"{path}: the cell at row {row}, column {column} holds {length:,} characters, over "
        f"the limit of {MAX_CELL_CHARS:,} for one cell; remove or shorten it in the export"
    )


def too_many_cells(path: str | Path, rows: int, columns: int) -> ExportFormatError:
    """The refusal of a sheet of over :data:`MAX_SHEET_CELLS` cells."""
    return ExportFormatError(
        f"{path}: the sheet has over {MAX_SHEET_CELLS:,} cells ({rows:,} rows x up to "
        f"{columns:,} columns so far), over the limit for one sheet; delete the empty or "
        "unused rows and columns, or export CSV"
    )


def check_cells(grid, path: str | Path) -> None:
    """Refuse a grid of text (a DataFrame of strings) holding a cell longer than
    :data:`MAX_CELL_CHARS`."""
    for j, column in enumerate(grid.columns):
        lengths = grid[column].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(lengths.to_numpy().argmax())
            raise cell_too_long(path, i + 1, j + 1, int(lengths.iloc[i]))


# ---------------------------------------------------------------------- the logo
#: The largest logo, in MB: it is embedded in every deck.
MAX_LOGO_MB = 5
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
#: SVG elements a logo may keep; anything else (script, foreignObject, style, image,
#: animate, a, iframe, elements of other namespaces) is dropped with its content.
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "symbol",
        "use",
    ]
)
#: Attributes a logo may keep (no on* handler, no style, no external reference).
SVG_ATTRIBUTES = frozenset(
    [
        "id",
        "d",
        "x",
        "y",
        "x1",
        "y1",
        "x2",
        "y2",
        "cx",
        "cy",
        "r",
        "rx",
        "ry",
        "fx",
        "fy",
        "width",
        "height",
        "viewBox",
        "points",
        "transform",
        "preserveAspectRatio",
        "version",
        "fill",
        "fill-opacity",
        "fill-rule",
        "stroke",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-opacity",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-miterlimit",
        "opacity",
        "offset",
        "stop-color",
        "stop-opacity",
        "gradientUnits",
        "gradientTransform",
        "spreadMethod",
        "clip-path",
        "clip-rule",
        "clipPathUnits",
        "mask",
        "maskUnits",
        "font-family",
        "font-size",
        "font-weight",
        "font-style",
        "text-anchor",
        "dominant-baseline",
        "letter-spacing",
        "visibility",
        "display",
        "href",
    ]
)
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def image_kind(head: bytes) -> str | None:
    """``png``, ``jpeg`` or ``svg`` from a file's first bytes (its magic number, or an
    ``<svg`` root for text), else None: a renamed text file is no image.

    Examples
    --------
    >>> image_kind(b"\\x89PNG\\r\\n\\x1a\\n...."), image_kind(b"root:x:0:0:root:/root:/bin/sh")
    ('png', None)
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<svg", b"<?xml", b"<!--")) and b"<svg" in head:
        return "svg"
    return None


def _safe_value(name: str, value: str) -> bool:
    low = "".join(value.split()).lower()
    if name == "href":
        return low.startswith("#")  # a reference inside the logo, never a file or a URL
    if "url(" in low:
        return all(part.startswith("#") for part in low.split("url(")[1:])
    return "javascript:" not in low and "expression(" not in low


def sanitise_svg(data: bytes) -> bytes:
    """An SVG rebuilt from :data:`SVG_ELEMENTS` and :data:`SVG_ATTRIBUTES` only: no
    script, no event handler, no ``foreignObject``, no external ``href`` or ``url()``.

    Raises
    ------
    ValueError
        When the bytes are not an SVG document (or declare a DTD or entities).

    Examples
    --------
    >>> sanitise_svg(b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()">'
    ...              b'<script>alert(1)</script><rect width="2" fill="url(#g)"/></svg>')
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="2" fill="url(#g)" /></svg>'
    """
    import xml.etree.ElementTree as ET
    from xml.sax.saxutils import escape, quoteattr

    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise ValueError("it declares a DTD or entities, which a logo never needs")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValueError(f"it is not well-formed SVG ({exc})") from None
    if root.tag not in ("svg", f"{{{_SVG}}}svg"):
        raise ValueError(f"its root element is {root.tag}, not svg")

    def local(name: str) -> tuple[str, str]:
        space, _, tail = name[1:].partition("}") if name.startswith("{") else ("", "", name)
        return space, tail

    def build(el, out: list[str], top: bool) -> None:
        space, tag = local(el.tag)
        if space not in ("", _SVG) or tag not in SVG_ELEMENTS:
            return
        attrs = [f' xmlns="{_SVG}"'] if top else []
        for key, value in el.attrib.items():
            aspace, name = local(key)
            if aspace not in ("", _XLINK) or (aspace == _XLINK and name != "href"):
                continue
            if name in SVG_ATTRIBUTES and _safe_value(name, value):
                attrs.append(f" {name}={quoteattr(value)}")
        out.append(f"<{tag}{''.join(attrs)}>" + escape(el.text or ""))
        for child in el:
            build(child, out, False)
            out.append(escape(child.tail or ""))
        out.append(f"</{tag}>")

    out: list[str] = []
    build(root, out, True)
    text = "".join(out)
    # empty elements written short, as the example shows
    return re.sub(r"<(\w+)([^<>]*)></\1>", r"<\1\2 />", text).encode("utf-8")


def read_logo(path: str | Path) -> tuple[str, bytes]:
    """The logo's MIME type and the bytes to embed: a PNG or JPEG as it is, an SVG
    sanitised (:func:`sanitise_svg`), after :func:`check_input_file` (at most
    :data:`MAX_LOGO_MB`).

    Raises
    ------
    ExportFormatError
        When the file is missing, no regular file, too large, not a PNG, JPEG or SVG by
        its bytes, or an SVG that cannot be read.
    """
    path = Path(path)
    check_input_file(path, MAX_LOGO_MB, key="logo")
    data = path.read_bytes()
    kind = image_kind(data[:8192])
    if kind is None:
        raise ExportFormatError(
            f"{path} (logo): not a PNG, JPEG or SVG image by its bytes, whatever its name; "
            "point logo at the company's image file"
        )
    if kind == "svg":
        try:
            data = sanitise_svg(data)
        except ValueError as exc:
            raise ExportFormatError(
                f"{path} (logo): an SVG that cannot be embedded: {exc}; save it again as plain "
                "SVG or PNG"
            ) from None
    return _MIME[kind], data
