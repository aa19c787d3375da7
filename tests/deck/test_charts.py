import json

import pandas as pd

from nps_helpers.charts import COLORS, category_mix, figure_html, nps_bar, show
from nps_helpers.scoring import nps_by


def table():
    frame = pd.DataFrame(
        {
            "role": ["user"] * 6 + ["decision_maker"] * 6 + ["influencer"],
            "score": [10, 9, 9, 8, 3, 10, 2, 3, 9, 9, 4, 5, 10],
        }
    )
    return nps_by(frame, "role", min_n=5)


def test_nps_bar_leaves_out_suppressed_groups():
    fig = nps_bar(table(), "role")
    bar = fig.data[0]
    assert list(bar.x) == ["decision maker", "user"]
    assert list(bar.y) == [-33.0, 50.0]
    assert bar.marker.color[0] == COLORS["detractor"]
    assert fig.layout.title.text == "NPS by role"


def test_category_mix_uses_house_colours():
    fig = category_mix(table(), "role")
    assert [t.marker.color for t in fig.data] == [
        COLORS["detractor"],
        COLORS["passive"],
        COLORS["promoter"],
    ]


def test_figure_html_is_deterministic_and_needs_no_cdn():
    fig = nps_bar(table(), "role")
    html = figure_html(fig)
    assert html == figure_html(nps_bar(table(), "role"))
    assert "Plotly.newPlot" in html and "<script src" not in html and "cdn" not in html.lower()
    assert len(html) < 20_000, "the house template keeps each chart small"


def test_show_emits_both_mimetypes(monkeypatch):
    seen = {}

    def fake_display(bundle, raw):
        seen.update(bundle)

    monkeypatch.setattr("IPython.display.display", fake_display)
    show(nps_bar(table(), "role"))
    assert set(seen) == {"application/vnd.plotly.v1+json", "text/html"}
    json.dumps(seen["application/vnd.plotly.v1+json"])
