import copy
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from plotly.offline import get_plotlyjs

from nps_helpers.deck.charts import figure_html, nps_bar
from nps_helpers.deck.render import RESERVED_IDS, deck_cells, render_deck, slug
from nps_helpers.deck.show import SLIDE_KEY
from nps_helpers.metrics.scoring import nps_by


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


def test_render_deck():
    nb = notebook()
    before = copy.deepcopy(nb)
    html = render_deck(nb, title="Wave <X>", subtitle="Acme")
    assert isinstance(html, str) and html.startswith("<!DOCTYPE html>")
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
    assert nb == before, "the executed notebook is left as it was"
    assert html == render_deck(nb, title="Wave <X>", subtitle="Acme"), "reruns match"


# ------------------------------------------------ named slides
def html_out(markup: str, slide: str | None = None, key: str | None = None):
    metadata = {SLIDE_KEY: {"slide": slide, "key": key}} if slide is not None else {}
    return new_output("display_data", data={"text/html": markup}, metadata=metadata)


def tagged(tag: str | None) -> dict:
    return {"tags": [f"slide:{tag}"]} if tag else {}


def slides(nb) -> list[dict]:
    """(id, number, title) of each slide deck_cells cuts ``nb`` into."""
    return [dict(c.metadata[SLIDE_KEY]) for c in deck_cells(nb).cells if SLIDE_KEY in c.metadata]


def ids(nb) -> list[str]:
    return [s["id"] for s in slides(nb)]


def named_notebook():
    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "show(story.title(...))",
            metadata=tagged("title"),
            outputs=[html_out("<h1>Wave</h1>", slide="Title")],
        ),
        new_markdown_cell("## Headline\nThe NPS.", metadata=tagged("headline")),
        new_code_cell("show(...)", outputs=[html_out("<p>cards</p>")]),
        new_code_cell(
            "show(story.segment_slides(...))",
            metadata=tagged("segment"),
            outputs=[
                html_out("<h2>NPS by tier</h2>", slide="NPS by tier", key="tier"),
                html_out("<p>tier table</p>"),
                html_out("<h2>NPS by role</h2>", slide="NPS by role", key="role"),
            ],
        ),
        new_code_cell(
            "show(two unkeyed slides)",
            metadata=tagged("extra"),
            outputs=[html_out("<p>a</p>", slide="A"), html_out("<p>b</p>", slide="B")],
        ),
        new_markdown_cell("## Data quality & checks"),
        new_markdown_cell("# Method\n- how"),
    ]
    return nb


def test_slides_take_their_names():
    got = slides(named_notebook())
    assert [s["id"] for s in got] == [
        "title",  # a tagged cell starting one slide takes the tag
        "headline",
        "segment-tier",  # a tagged cell starting several: <tag>-<key>
        "segment-role",
        "extra-1",  # ... or <tag>-<n> when the slides have no key
        "extra-2",
        "data-quality-checks",  # an untagged heading: the slug of its title
        "method",
    ]
    assert [s["slide"] for s in got] == [1, 2, 3, 4, 5, 6, 7, 8], "numbers count from 1"
    assert [s["title"] for s in got][:4] == ["Title", "Headline", "NPS by tier", "NPS by role"]
    assert all(set(s) == {"id", "slide", "title"} for s in got)


def test_one_keyed_slide_of_a_tagged_cell_takes_its_key():
    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "x",
            metadata=tagged("cross"),
            outputs=[html_out("<p/>", slide="t x r", key="tier-role")],
        )
    ]
    assert ids(nb) == ["cross-tier-role"]


def test_tags_are_slugs_and_only_slide_tags_count():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## One", metadata={"tags": ["analysis", "slide:Key Accounts!"]}),
        new_markdown_cell("## Two", metadata={"tags": ["slide:"]}),  # empty: not a name
    ]
    assert ids(nb) == ["key-accounts", "two"]


def test_duplicate_ids_get_a_number():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## Themes"),
        new_markdown_cell("## Themes"),
        new_markdown_cell("## Other", metadata=tagged("themes")),
        new_markdown_cell("## Themes 2"),
    ]
    assert ids(nb) == ["themes", "themes-2", "themes-3", "themes-2-2"]


def test_reserved_ids_are_never_used():
    assert {"deck", "deck-prev", "deck-next", "deck-count"} <= RESERVED_IDS
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## Deck"),
        new_markdown_cell("## x", metadata=tagged("deck-next")),
        new_markdown_cell("## Deck count"),
        new_markdown_cell("## Deck"),
    ]
    got = ids(nb)
    assert got == ["deck-2", "deck-next-2", "deck-count-2", "deck-3"]
    assert not set(got) & RESERVED_IDS


def test_content_before_any_heading_is_the_start_slide():
    nb = new_notebook()
    nb.cells = [
        new_code_cell("x", outputs=[html_out("<p>before</p>")]),
        new_markdown_cell("## First"),
    ]
    got = slides(nb)
    assert [(s["id"], s["slide"]) for s in got] == [("start", 0), ("first", 1)]


def test_a_slide_named_start_is_numbered_like_any_other():
    nb = new_notebook()
    nb.cells = [new_markdown_cell("## Start"), new_markdown_cell("## Next")]
    assert [(s["id"], s["slide"]) for s in slides(nb)] == [("start", 1), ("next", 2)]
    nb.cells = [
        new_markdown_cell("## Intro", metadata=tagged("start")),
        new_markdown_cell("## Next"),
    ]
    assert [(s["id"], s["slide"]) for s in slides(nb)] == [("start", 1), ("next", 2)]


def test_a_marked_output_after_content_starts_a_new_cell():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## Coverage", metadata=tagged("coverage")),
        new_code_cell(
            "show(story.coverage_slides(...))",
            metadata=tagged("rate-by-role"),
            outputs=[
                html_out("<p>cards</p>"),
                html_out("<p>chart</p>"),
                html_out("<h2>Response rate by role</h2>", slide="Response rate by role"),
                html_out("<p>role table</p>"),
            ],
        ),
    ]
    kept = deck_cells(nb).cells
    # the heading, the coverage content (part of its slide), then the new slide's cell
    assert [len(c.get("outputs", [])) for c in kept] == [0, 2, 2]
    assert [c.metadata.get(SLIDE_KEY, {}).get("id") for c in kept] == [
        "coverage",
        None,
        "rate-by-role",
    ]


def test_render_deck_writes_named_sections():
    nb = named_notebook()
    nb.cells[1].source = "## Headline <b>now</b>"
    html = render_deck(nb, title="T")
    sections = [
        dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<section[^>]*>", html)
    ]
    assert [(s["id"], s["data-slide"]) for s in sections] == [
        (i, str(n)) for n, i in enumerate(ids(named_notebook()), start=1)
    ]
    assert all(s["class"] == "slide" for s in sections)
    assert sections[1]["data-title"] == "Headline &lt;b&gt;now&lt;/b&gt;"
    assert html.count("<section") == html.count("</section>") == 8
    assert 'id="slide-' not in html


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("NPS by tier", "nps-by-tier"),
        ("tier x role", "tier-x-role"),
        ("  Data quality & checks!  ", "data-quality-checks"),
        ("segment_tier", "segment-tier"),
        ("Rate 2026-H1", "rate-2026-h1"),
        ("", "slide"),
        ("&&", "slide"),
    ],
)
def test_slug(text, want):
    assert slug(text) == want


@given(st.text(max_size=40))
def test_slug_is_always_an_id(text):
    got = slug(text)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", got)
    assert slug(got) == got


def test_prime_renders_an_empty_deck_and_leaves_rendering_as_it_was():
    from nps_helpers.deck.render import prime

    nb = named_notebook()
    before = render_deck(nb, "T")
    assert prime() is None
    assert render_deck(nb, "T") == before
