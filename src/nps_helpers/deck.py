"""Render an executed report notebook into the leadership deck (one HTML file).

The deck shows only the story: Markdown cells and the HTML that the package's
display helpers produce. Code, prompts, streams (stdout, stderr, warnings, progress
bars), errors and plain-text reprs are removed. plotly.js is embedded once in the
page head; nothing is loaded from another host (no MathJax, require.js or fonts).
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "nps_deck"
#: Cells with one of these tags never reach the deck.
REMOVE_TAGS = {"parameters", "injected-parameters", "remove-cell", "analyst-only"}
#: The only output type the deck shows; everything else is the analyst's.
DECK_MIMETYPE = "text/html"


SLIDE_KEY = "nps_deck"


def _starts_slide(cell) -> str | None:
    """The title of the slide a cell starts, or None."""
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if first.startswith(("# ", "## ")):
            return first.lstrip("# ").strip()
    return None


def deck_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with only what leadership should see, cut into slides.

    Keeps Markdown cells and, of code cells, only ``display_data`` outputs that carry
    HTML (made by :mod:`nps_helpers.charts`, :mod:`nps_helpers.tables` and
    :mod:`nps_helpers.report`), reduced to that HTML. Cells tagged with
    :data:`REMOVE_TAGS` and code cells left with no output are dropped.

    A slide starts at a Markdown heading (``#`` or ``##``) and at an output that
    :func:`nps_helpers.report.slide` marked; the first cell of each slide carries
    ``metadata.nps_deck = {"slide": number, "title": ...}``.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS or cell.cell_type == "raw":
            continue
        cell.metadata.pop(SLIDE_KEY, None)
        if cell.cell_type == "markdown":
            title = _starts_slide(cell)
            if title is not None:
                cell.metadata[SLIDE_KEY] = {"title": title}
            cells.append(cell)
            continue
        current = None
        part = 0
        for out in cell.get("outputs", []):
            if out.get("output_type") != "display_data" or DECK_MIMETYPE not in out.get("data", {}):
                continue
            marker = (out.get("metadata") or {}).get(SLIDE_KEY)
            if current is None or marker:
                current = nbformat.v4.new_code_cell(source="")
                current.id = f"{cell.get('id', 'cell')}-{part}"  # stable: reruns give same HTML
                part += 1
                current.outputs = []
                if marker:
                    current.metadata[SLIDE_KEY] = {"title": marker.get("slide", "")}
                cells.append(current)
            out["data"] = {DECK_MIMETYPE: out["data"][DECK_MIMETYPE]}
            out["metadata"] = {}
            current.outputs.append(out)
    number = 0
    for cell in cells:
        if SLIDE_KEY in cell.metadata:
            number += 1
            cell.metadata[SLIDE_KEY]["slide"] = number
    if cells and SLIDE_KEY not in cells[0].metadata:  # content before any heading
        cells[0].metadata[SLIDE_KEY] = {"title": "", "slide": 0}
    nb.cells = cells
    return nb


def render_deck(
    executed: str | Path, out: str | Path, title: str, subtitle: str = "", company: str = ""
) -> Path:
    """Render the executed report notebook at ``executed`` into the deck ``out``.

    Parameters
    ----------
    executed
        The report notebook as Papermill wrote it.
    out
        The deck's path (``reports/<wave>/deck.html``).
    title, subtitle, company
        Shown in the page title and the footer of every slide.

    Returns
    -------
    Path
        ``out``, written atomically.
    """
    from nbconvert import HTMLExporter
    from plotly.offline import get_plotlyjs

    nb = deck_cells(nbformat.read(str(executed), as_version=4))
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
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out)
    return out
