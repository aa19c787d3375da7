import re

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from plotly.offline import get_plotlyjs

from nps_helpers.charts import figure_html, nps_bar
from nps_helpers.deck import deck_cells, render_deck
from nps_helpers.scoring import nps_by


def notebook():
    frame = pd.DataFrame({"role": ["user"] * 5, "score": [10, 9, 3, 8, 10]})
    chart = figure_html(nps_bar(nps_by(frame, "role"), "role"))
    nb = new_notebook()
    nb.cells = [
        new_code_cell("params_path = 'x'", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "params_path = 'y'",
            metadata={"tags": ["injected-parameters"]},
            outputs=[new_output("stream", name="stdout", text="SECRET PARAMS")],
        ),
        new_markdown_cell("## Headline"),
        new_code_cell(
            "import warnings",
            outputs=[
                new_output("stream", name="stderr", text="UserWarning: noisy"),
                new_output("stream", name="stdout", text="progress 50%"),
            ],
        ),
        new_code_cell(
            "show(fig)",
            outputs=[
                new_output("display_data", data={"text/html": chart, "text/plain": "<Figure>"}),
                new_output(
                    "execute_result",
                    data={
                        "text/html": "<table class='dataframe'>RAWREPR_MARKER</table>",
                        "text/plain": "RAWREPR_MARKER",
                    },
                    execution_count=3,
                ),
            ],
        ),
        new_code_cell(
            "1/0",
            outputs=[
                new_output(
                    "error", ename="ZeroDivisionError", evalue="x", traceback=["Traceback boom"]
                )
            ],
        ),
        new_code_cell(
            "only_me()",
            metadata={"tags": ["analyst-only"]},
            outputs=[new_output("display_data", data={"text/html": "<p>ANALYST ONLY</p>"})],
        ),
        new_code_cell(
            "show_html(x)",
            outputs=[new_output("display_data", data={"text/html": "<p>SECOND CHART</p>" + chart})],
        ),
    ]
    return nb


def test_deck_cells_keeps_only_the_story():
    kept = deck_cells(notebook())
    kinds = [c.cell_type for c in kept.cells]
    assert kinds == ["markdown", "code", "code"]
    for cell in kept.cells[1:]:
        assert cell.source == ""
        assert all(
            o.output_type == "display_data" and list(o.data) == ["text/html"] for o in cell.outputs
        )


def test_render_deck(tmp_path):
    src = tmp_path / "executed.ipynb"
    nbformat.write(notebook(), src)
    out = render_deck(src, tmp_path / "deck" / "deck.html", title="Wave <X>", subtitle="Acme")
    html = out.read_text(encoding="utf-8")
    for banned in (
        "SECRET PARAMS",
        "noisy",
        "progress 50%",
        "RAWREPR_MARKER",
        "Traceback",
        "ANALYST ONLY",
        "show(fig)",
        "params_path",
        "jp-InputArea-editor",
        "In&nbsp;[",
    ):
        assert banned not in html, banned
    assert "Wave &lt;X&gt;" in html and "SECOND CHART" in html
    assert html.count('class="plotly-graph-div"') == 2  # two charts ...
    assert len(re.findall(r"plotly\.js v\d", html)) == 1, "... and plotly.js embedded once"
    page = html.replace(get_plotlyjs(), "")  # the page around the embedded library
    scripts = re.findall(r"<script[^>]*\bsrc=", page)
    links = re.findall(r"<link[^>]*\bhref=[\"']https?:", page)
    assert not scripts and not links, "nothing is loaded from another host"
    assert "cdnjs.cloudflare.com" not in html and "require.min.js" not in html
    assert not re.findall(r"(?:src|href)=[\"']https?:", page)
    assert not list(out.parent.glob(".*tmp"))
