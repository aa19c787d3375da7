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


def deck_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with only what leadership should see.

    Keeps Markdown cells and, of code cells, only ``display_data`` outputs that carry
    HTML (made by :mod:`nps_helpers.charts` and :mod:`nps_helpers.tables`), reduced to
    that HTML. Cells tagged with :data:`REMOVE_TAGS` and code cells left with no
    output are dropped.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS or cell.cell_type == "raw":
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "display_data" and DECK_MIMETYPE in out.get(
                    "data", {}
                ):
                    out["data"] = {DECK_MIMETYPE: out["data"][DECK_MIMETYPE]}
                    out["metadata"] = {}
                    outputs.append(out)
            if not outputs:
                continue
            cell.outputs = outputs
            cell.source = ""
        cells.append(cell)
    nb.cells = cells
    return nb


def render_deck(executed: str | Path, out: str | Path, title: str, subtitle: str = "") -> Path:
    """Render the executed report notebook at ``executed`` into the deck ``out``.

    Parameters
    ----------
    executed
        The report notebook as Papermill wrote it.
    out
        The deck's path (``reports/<wave>/deck.html``).
    title, subtitle
        Shown in the page title and header.

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
        nb, resources={"plotly_js": get_plotlyjs(), "deck": {"title": title, "subtitle": subtitle}}
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out)
    return out
