"""Render an executed report notebook into the leadership deck (one HTML page).

The deck shows only the story: Markdown cells and the HTML that the package's
display helpers produce. Code, prompts, streams (stdout, stderr, warnings, progress
bars), errors and plain-text reprs are removed. plotly.js is embedded once in the
page head; nothing is loaded from another host (no MathJax, require.js or fonts).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from nps_helpers.deck.show import SLIDE_KEY

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "nps_deck"
#: Cells with one of these tags never reach the deck.
REMOVE_TAGS = {"parameters", "injected-parameters", "remove-cell", "analyst-only"}
#: The only output type the deck shows; everything else is the analyst's.
DECK_MIMETYPE = "text/html"


#: A cell tag ``slide:<id>`` names the slide(s) the cell starts.
SLIDE_TAG = "slide:"
#: Ids the page itself uses; a slide may not take them.
RESERVED_IDS = {"deck", "deck-prev", "deck-next", "deck-count"}
_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """An id made of ``text``: lower case letters and digits joined by hyphens.

    Examples
    --------
    >>> slug("NPS by tier")
    'nps-by-tier'
    """
    return _NOT_ID.sub("-", str(text).lower()).strip("-") or "slide"


def _starts_slide(cell) -> str | None:
    """The title of the slide a Markdown cell starts, or None."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if first.startswith(("# ", "## ")):
            return first.lstrip("# ").strip()
    return None


def _cell_tag(cell) -> str | None:
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith(SLIDE_TAG) and tag[len(SLIDE_TAG) :]:
            return slug(tag[len(SLIDE_TAG) :])
    return None


def deck_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with only what leadership should see, cut into named slides.

    Keeps Markdown cells and, of code cells, only ``display_data`` outputs that carry
    HTML (made through :mod:`nps_helpers.deck.show`), reduced to that HTML. Cells tagged
    with :data:`REMOVE_TAGS` and code cells left with no output are dropped.

    A slide starts at a Markdown heading (``#`` or ``##``) and at an output that
    :func:`nps_helpers.deck.show.show` marked. Its id comes from the tag
    ``slide:<id>`` of the cell that starts it: ``<id>`` when the cell starts one slide,
    ``<id>-<key>`` (the output's key) or ``<id>-<n>`` when it starts several; a slide of
    an untagged cell takes the slug of its title. The first cell of each slide carries
    ``metadata.nps_deck = {"slide": number, "id": ..., "title": ...}``.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS or cell.cell_type == "raw":
            continue
        cell.metadata.pop(SLIDE_KEY, None)
        started: list[dict] = []  # the slides this cell starts
        if cell.cell_type == "markdown":
            title = _starts_slide(cell)
            if title is not None:
                cell.metadata[SLIDE_KEY] = {"title": title}
                started.append(cell.metadata[SLIDE_KEY])
            cells.append(cell)
        else:
            current = None
            part = 0
            for out in cell.get("outputs", []):
                if out.get("output_type") != "display_data" or DECK_MIMETYPE not in out.get(
                    "data", {}
                ):
                    continue
                marker = (out.get("metadata") or {}).get(SLIDE_KEY)
                if current is None or marker:
                    current = nbformat.v4.new_code_cell(source="")
                    current.id = f"{cell.get('id', 'cell')}-{part}"  # stable: same HTML
                    part += 1
                    current.outputs = []
                    if marker:
                        current.metadata[SLIDE_KEY] = {
                            "title": marker.get("slide", ""),
                            "key": marker.get("key"),
                        }
                        started.append(current.metadata[SLIDE_KEY])
                    cells.append(current)
                out["data"] = {DECK_MIMETYPE: out["data"][DECK_MIMETYPE]}
                out["metadata"] = {}
                current.outputs.append(out)
        _name(started, _cell_tag(cell))
    leading = bool(cells) and SLIDE_KEY not in cells[0].metadata
    if leading:  # content before any heading: slide 0, a slide without a title
        cells[0].metadata[SLIDE_KEY] = {"title": "", "id": "start"}
    seen: set[str] = set(RESERVED_IDS)
    for number, cell in enumerate((c for c in cells if SLIDE_KEY in c.metadata), start=0):
        meta = cell.metadata[SLIDE_KEY]
        meta.pop("key", None)
        base = meta["id"]
        meta["id"] = base if base not in seen else _free(base, seen)
        seen.add(meta["id"])
        meta["slide"] = number if leading else number + 1
    nb.cells = cells
    return nb


def _name(started: list[dict], tag: str | None) -> None:
    """Give the slides one cell starts their ids (see :func:`deck_cells`)."""
    keyed = any(s.get("key") for s in started)
    for n, slide in enumerate(started, start=1):
        if tag is None:
            slide["id"] = slug(slide["title"])
        elif len(started) == 1 and not keyed:
            slide["id"] = tag
        else:
            slide["id"] = f"{tag}-{slug(slide['key']) if slide.get('key') else n}"


def _free(base: str, seen: set[str]) -> str:
    n = 2
    while f"{base}-{n}" in seen:
        n += 1
    return f"{base}-{n}"


def prime() -> None:
    """Render an empty deck once, so that nbconvert's templates and what it imports on
    first use are ready when the wave's deck is rendered (the runner calls this while
    the kernel is still busy importing: 0.2 s off the end of every run)."""
    render_deck(nbformat.v4.new_notebook(), title="")


def render_deck(
    executed: nbformat.NotebookNode, title: str, subtitle: str = "", company: str = ""
) -> str:
    """The leadership deck of an executed report notebook: one self-contained HTML page.

    Parameters
    ----------
    executed
        The report notebook as Papermill executed it.
    title, subtitle, company
        Shown in the page title and the footer of every slide.

    Returns
    -------
    str
        The page; plotly.js is embedded once, nothing is loaded from another host.
        Each slide is a ``<section>`` whose id is the slide's name (``#headline``).
    """
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    nb = deck_cells(executed)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(
        nb,
        resources={
            "plotly_js": get_plotlyjs(),
            "deck": {"title": title, "subtitle": subtitle, "company": company},
        },
    )
    return body
