import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from nps_helpers.deck.charts import figure_html, nps_bar
from nps_helpers.deck.show import SLIDE_KEY, Slide, show, show_html
from nps_helpers.metrics.scoring import nps_by

PLOTLY = "application/vnd.plotly.v1+json"


def figure():
    frame = pd.DataFrame({"role": ["user"] * 6, "score": [10, 9, 9, 8, 3, 10]})
    return nps_bar(nps_by(frame, "role", min_n=5), "role")


class Published:
    """The outputs show() published, as IPython's display publisher captured them."""

    def __init__(self, captured):
        self._captured = captured

    def __len__(self):
        return len(self._captured.outputs)

    def __getitem__(self, i):
        return self._captured.outputs[i]

    def __iter__(self):
        return iter(self._captured.outputs)


@pytest.fixture
def displayed():
    had = InteractiveShell.initialized()
    InteractiveShell.instance()
    try:
        with capture_output() as captured:
            yield Published(captured)
    finally:
        if not had:
            InteractiveShell.clear_instance()


def test_html_string_is_one_html_output(displayed):
    show("<p>hi</p>")
    assert len(displayed) == 1
    assert displayed[0].data["text/html"] == "<p>hi</p>"
    assert SLIDE_KEY not in displayed[0].metadata, "an HTML block starts no slide"


def test_a_figure_is_one_figure_output_not_its_keys(displayed):
    fig = figure()
    show(fig)
    assert len(displayed) == 1, "a figure is shown once, never iterated"
    out = displayed[0]
    assert set(out.data) == {PLOTLY, "text/html"}
    assert out.data["text/html"] == figure_html(fig)
    assert out.data[PLOTLY]["data"][0]["type"] == "bar"
    json.dumps(out.data[PLOTLY])
    assert SLIDE_KEY not in out.metadata


def test_a_slide_marks_its_first_part_only(displayed):
    fig = figure()
    show(Slide("NPS by tier", ("<h2>NPS by tier</h2>", fig, "<p>table</p>"), key="tier"))
    assert len(displayed) == 3
    first, chart, table = displayed
    assert first.metadata[SLIDE_KEY] == {"slide": "NPS by tier", "key": "tier"}
    assert first.data["text/html"] == "<h2>NPS by tier</h2>"
    assert set(chart.data) == {PLOTLY, "text/html"} and SLIDE_KEY not in chart.metadata
    assert table.data["text/html"] == "<p>table</p>" and SLIDE_KEY not in table.metadata


def test_a_slide_that_opens_on_a_figure_marks_the_figure(displayed):
    show(Slide("Chart first", (figure(),)))
    assert len(displayed) == 1
    assert displayed[0].metadata[SLIDE_KEY] == {"slide": "Chart first", "key": None}
    assert PLOTLY in displayed[0].data


def test_an_empty_slide_still_starts_a_slide(displayed):
    show(Slide("Empty"))
    assert len(displayed) == 1
    assert displayed[0].data["text/html"] == ""
    assert displayed[0].metadata[SLIDE_KEY] == {"slide": "Empty", "key": None}


def test_nested_lists_and_none_keep_their_order(displayed):
    fig = figure()
    show(None, ["<p>a</p>", [None, "<p>b</p>", fig], ("<p>c</p>",)], None, "<p>d</p>")
    html = [o.data["text/html"] for o in displayed]
    assert html == ["<p>a</p>", "<p>b</p>", figure_html(fig), "<p>c</p>", "<p>d</p>"]
    assert sum(PLOTLY in o.data for o in displayed) == 1


def test_none_and_empty_lists_show_nothing(displayed):
    show(None)
    show([])
    show()
    assert len(displayed) == 0


def test_show_refuses_what_it_cannot_show(displayed):
    with pytest.raises(TypeError, match="cannot show a int"):
        show(3)
    with pytest.raises(TypeError, match="cannot show a float"):
        show(["<p>a</p>", 1.5])
    # a table or a mapping is not shown key by key as markup
    with pytest.raises(TypeError, match="cannot show a DataFrame"):
        show(pd.DataFrame({"<b>col</b>": [1]}))
    with pytest.raises(TypeError, match="cannot show a dict"):
        show({"<b>key</b>": 1})


def test_show_html_marks_a_slide_only_when_asked(displayed):
    show_html("<p>x</p>")
    show_html("<p>y</p>", slide="Checks")
    assert SLIDE_KEY not in displayed[0].metadata
    assert displayed[1].metadata[SLIDE_KEY] == {"slide": "Checks", "key": None}
    assert displayed[1].data["text/html"] == "<p>y</p>"


def test_show_emits_both_mimetypes(monkeypatch):
    seen = {}

    def fake_display(bundle, raw, metadata=None):
        seen.update(bundle)

    monkeypatch.setattr("IPython.display.display", fake_display)
    show(figure())
    assert set(seen) == {PLOTLY, "text/html"}
    json.dumps(seen[PLOTLY])


def test_show_html_displays(capsys):
    show_html("<p>hi</p>")  # outside a kernel IPython prints the repr; it must not raise
    assert "IPython.core.display.HTML" in capsys.readouterr().out


def test_a_figure_is_iterable_yet_shown_whole(displayed):
    fig = go.Figure()
    assert list(iter(fig)), "plotly figures iterate over their keys"
    show([fig])
    assert len(displayed) == 1 and PLOTLY in displayed[0].data
