import pandas as pd
import pytest

from nps_helpers.deck.charts import (
    ACCENT,
    COLORS,
    HOUSE,
    category_mix,
    figure_html,
    nps_bar,
    rate_bar,
    theme_impact,
    trend_chart,
)
from nps_helpers.metrics.scoring import nps_by


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


def test_nps_bar_whiskers_are_the_interval():
    t = table().set_index("role")
    bar = nps_bar(table(), "role", title="Roles").data[0]
    user = t.loc["user"]
    assert bar.error_y.array[1] == pytest.approx(round(user["ci_high"] - user["nps"], 1))
    assert bar.error_y.arrayminus[1] == pytest.approx(round(user["nps"] - user["ci_low"], 1))
    assert list(bar.text) == ["-33", "+50"] and bar.marker.color[1] == ACCENT


def test_category_mix_uses_house_colours():
    fig = category_mix(table(), "role")
    assert [t.marker.color for t in fig.data] == [
        COLORS["detractor"],
        COLORS["passive"],
        COLORS["promoter"],
    ]
    # user: 4 promoters, 1 passive, 1 detractor of 6
    assert [t.x[1] for t in fig.data] == [pytest.approx(16.7), pytest.approx(16.7), 66.7]
    assert fig.layout.height == 120 + 45 * 2 and fig.layout.barmode == "stack"


def test_figure_html_is_deterministic_and_needs_no_cdn():
    fig = nps_bar(table(), "role")
    html = figure_html(fig)
    assert html == figure_html(nps_bar(table(), "role"))
    assert "Plotly.newPlot" in html and "<script src" not in html and "cdn" not in html.lower()
    assert len(html) < 20_000, "the house template keeps each chart small"
    assert figure_html(category_mix(table(), "role")) != html, "the id follows the content"


def trend():
    return pd.DataFrame(
        {
            "wave_id": pd.Categorical(["w1", "w1", "w2", "w2"], categories=["w1", "w2"]),
            "tier": ["key", "small", "key", "small"],
            "n": [20, 3, 20, 6],
            "nps": [0.0, float("nan"), 50.0, 100.0],
            "ci_low": [-30.0, float("nan"), 20.0, 60.0],
            "ci_high": [30.0, float("nan"), 75.0, 100.0],
            "suppressed": [False, True, False, False],
        }
    )


def test_trend_chart_one_line_or_one_per_segment():
    whole = trend_chart(trend()[trend()["tier"] == "key"])
    assert len(whole.data) == 1 and list(whole.data[0].x) == ["w1", "w2"]
    assert list(whole.data[0].y) == [0.0, 50.0] and not whole.layout.showlegend
    assert list(whole.data[0].error_y.array) == [30.0, 25.0]
    by_tier = trend_chart(trend(), "tier", title="By tier")
    assert [t.name for t in by_tier.data] == ["key", "small"] and by_tier.layout.showlegend
    assert list(by_tier.data[1].x) == ["w2"], "a suppressed wave is left out of its line"
    assert by_tier.layout.title.text == "By tier"


def test_rate_bar_marks_segments_below_target():
    rates = pd.DataFrame(
        {
            "role": ["decision_maker", "user"],
            "responded": [2, 9],
            "reached": [10, 10],
            "rate": [20.0, 90.0],
            "below_target": [True, False],
        }
    )
    fig = rate_bar(rates, "role", target=30)
    bar = fig.data[0]
    assert list(bar.x) == ["decision maker", "user"] and list(bar.text) == ["20%", "90%"]
    assert bar.marker.color[0] != bar.marker.color[1] == ACCENT
    assert fig.layout.shapes[0].y0 == 30 and fig.layout.annotations[0].text == "target 30%"
    assert not rate_bar(rates, "role").layout.shapes, "no target, no line"
    assert fig.layout.title.text == "Response rate by role"


def test_theme_impact_takes_the_top_themes_largest_on_top():
    themes = pd.DataFrame(
        {
            "theme": ["support", "price_billing", "ui_ux", "training"],
            "gain_if_fixed": [10.0, 2.0, 0.0, 1.0],
            "loss_without_praise": [5.0, 8.0, 0.5, 0.0],
        }
    )
    fig = theme_impact(themes, top=3)
    gain, praise = fig.data
    # sizes: support 15, price 10, training 1, ui 0.5 -> the top 3, the largest last (on top)
    assert list(gain.y) == ["training", "price billing", "support"]
    assert list(gain.x) == [1.0, 2.0, 10.0] and list(praise.x) == [0.0, 8.0, 5.0]
    assert gain.marker.color == COLORS["detractor"] and praise.marker.color == COLORS["promoter"]
    assert fig.layout.height == 140 + 42 * 3


def test_house_template_is_used():
    assert nps_bar(table(), "role").layout.template == HOUSE


def test_labels_from_data_are_plain_text_not_plotly_markup():
    """An industry named like a link stays text: plotly would draw <a href> as a link."""
    hostile = '<a href="https://evil.example">click</a> & <b>co</b>'
    table = pd.DataFrame(
        {
            "industry": [hostile, "Retail"],
            "n": [30, 30],
            "nps": [10.0, -5.0],
            "ci_low": [0.0, -15.0],
            "ci_high": [20.0, 5.0],
            "suppressed": [False, False],
            "pct_promoters": [40.0, 30.0],
            "pct_passives": [30.0, 35.0],
            "pct_detractors": [30.0, 35.0],
        }
    )
    for fig in (nps_bar(table, "industry", title=hostile), category_mix(table, "industry")):
        labels = list(fig.data[0].x if fig.data[0].orientation != "h" else fig.data[0].y)
        assert (
            '&lt;a href="https://evil.example"&gt;click&lt;/a&gt; &amp; &lt;b&gt;co&lt;/b&gt;'
            in labels
        )
        assert all("<" not in str(v) for v in labels)
    assert "<a " not in nps_bar(table, "industry", title=hostile).layout.title.text
