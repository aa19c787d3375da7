"""Every plotly figure of the workbook, in one house style.

Promoters, passives and detractors have the same colour-blind-safe colours in every
chart (Okabe-Ito blue, grey and vermillion). Figures carry a small template of their
own instead of plotly's default, which would add ~10 kB of JSON to each chart.

:func:`figure_html` makes the HTML snippet that calls ``Plotly.newPlot``, which the
deck renders with the plotly.js it embeds once (:func:`nps_helpers.deck.show.show`
displays a figure both ways: that snippet and plotly's mimetype for JupyterLab).
"""

from __future__ import annotations

import hashlib
import html
import json

import pandas as pd
import plotly.graph_objects as go

COLORS = {"promoter": "#0072B2", "passive": "#999999", "detractor": "#D55E00"}
ACCENT = "#0072B2"
INK = "#1f2933"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

HOUSE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=14, color=INK),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(showgrid=False, zeroline=False, linecolor="#c7ccd1", automargin=True),
        yaxis=dict(
            showgrid=True,
            gridcolor="#eceff1",
            zeroline=True,
            zerolinecolor="#9aa5b1",
            automargin=True,
        ),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
        hoverlabel=dict(font=dict(family=FONT)),
        title=dict(x=0, xanchor="left", font=dict(size=17)),
        colorway=[ACCENT, "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442"],
    )
)


def _label(value: object) -> str:
    """A label as plain text: plotly reads ``<a href>``, ``<b>``, ``<br>`` in labels as
    markup, so ``<``, ``>`` and ``&`` are written as entities (plotly shows them as the
    characters)."""
    return html.escape(str(value).replace("_", " "), quote=False)


def nps_bar(table: pd.DataFrame, by: str, title: str | None = None) -> go.Figure:
    """NPS per group with its 95% interval as error bars; suppressed groups are left out.

    Parameters
    ----------
    table
        The output of :func:`nps_helpers.scoring.nps_by` for one ``by`` column.
    by
        The group column.
    """
    shown = table[~table["suppressed"]]
    labels = [_label(v) for v in shown[by]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=shown["nps"].round(0),
            marker_color=[ACCENT if v >= 0 else COLORS["detractor"] for v in shown["nps"]],
            error_y=dict(
                type="data",
                symmetric=False,
                array=(shown["ci_high"] - shown["nps"]).round(1),
                arrayminus=(shown["nps"] - shown["ci_low"]).round(1),
                color="#52606d",
                thickness=1.2,
                width=6,
            ),
            text=[f"{v:+.0f}" for v in shown["nps"]],
            textposition="inside",
            insidetextanchor="start",
            textfont=dict(color="white"),
            customdata=shown[["n", "ci_low", "ci_high"]].round(0).to_numpy(),
            hovertemplate="%{x}<br>NPS %{y:+.0f} (95% CI %{customdata[1]:+.0f} to "
            "%{customdata[2]:+.0f})<br>n = %{customdata[0]}<extra></extra>",
        )
    )
    fig.update_layout(
        template=HOUSE,
        title=_label(title) if title else f"NPS by {_label(by)}",
        height=380,
        showlegend=False,
        yaxis=dict(title="NPS", range=[-100, 100]),
    )
    return fig


def category_mix(table: pd.DataFrame, by: str, title: str | None = None) -> go.Figure:
    """Stacked 100% bars of detractors, passives and promoters per group."""
    shown = table[~table["suppressed"]]
    labels = [_label(v) for v in shown[by]]
    fig = go.Figure()
    for cat, col in (
        ("detractor", "pct_detractors"),
        ("passive", "pct_passives"),
        ("promoter", "pct_promoters"),
    ):
        fig.add_bar(
            y=labels,
            x=shown[col].round(1),
            name=f"{cat}s",
            orientation="h",
            marker_color=COLORS[cat],
            text=[f"{v:.0f}%" for v in shown[col]],
            textposition="inside",
            hovertemplate="%{y}: %{x:.0f}% " + cat + "s<extra></extra>",
        )
    fig.update_layout(
        template=HOUSE,
        barmode="stack",
        title=_label(title) if title else f"Promoters, passives and detractors by {_label(by)}",
        height=120 + 45 * len(shown),
        xaxis=dict(range=[0, 100], ticksuffix="%", showgrid=False),
        yaxis=dict(autorange="reversed", showgrid=False),
    )
    return fig


def figure_html(fig: go.Figure) -> str:
    """The figure as an HTML snippet for a page that already loaded plotly.js.

    The div id is derived from the figure's content, so the same data gives the
    same HTML (reruns give identical decks).
    """
    spec = fig.to_plotly_json()
    digest = hashlib.sha1(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{digest}",
        default_height=f"{fig.layout.height or 400}px",
        config={
            "displaylogo": False,
            "responsive": True,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )


def trend_chart(trend: pd.DataFrame, by: str | None = None, title: str = "NPS over waves"):
    """NPS per wave with its 95% interval; one line per segment when ``by`` is given."""
    fig = go.Figure()
    groups = [(None, trend)] if by is None else list(trend.groupby(by, observed=True, sort=False))
    for name, part in groups:
        part = part[~part["suppressed"]]
        fig.add_scatter(
            x=part["wave_id"].astype(str),
            y=part["nps"].round(1),
            mode="lines+markers+text",
            name=_label(name) if name is not None else "NPS",
            text=[f"{v:+.0f}" for v in part["nps"]],
            textposition="top center",
            error_y=dict(
                type="data",
                symmetric=False,
                array=(part["ci_high"] - part["nps"]).round(1),
                arrayminus=(part["nps"] - part["ci_low"]).round(1),
                thickness=1.2,
                width=5,
            ),
            customdata=part[["n"]].to_numpy(),
            hovertemplate="%{x}: NPS %{y:+.0f}, n = %{customdata[0]}<extra></extra>",
        )
    fig.update_layout(
        template=HOUSE,
        title=_label(title),
        height=380,
        showlegend=by is not None,
        yaxis=dict(title="NPS", range=[-100, 100]),
        xaxis=dict(type="category"),
    )
    return fig


def rate_bar(
    table: pd.DataFrame, by: str, target: float | None = None, title: str | None = None
) -> go.Figure:
    """Response rate per segment, with the target as a dashed line."""
    labels = [_label(v) for v in table[by]]
    colors = ["#E69F00" if flag else ACCENT for flag in table["below_target"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=table["rate"].round(1),
            marker_color=colors,
            text=[f"{v:.0f}%" for v in table["rate"]],
            textposition="inside",
            textfont=dict(color="white"),
            customdata=table[["responded", "reached"]].to_numpy(),
            hovertemplate="%{x}: %{y:.0f}% (%{customdata[0]} of %{customdata[1]})<extra></extra>",
        )
    )
    if target is not None:
        fig.add_hline(
            y=target,
            line_dash="dash",
            line_color=INK,
            annotation_text=f"target {target:.0f}%",
            annotation_position="top left",
        )
    fig.update_layout(
        template=HOUSE,
        title=_label(title) if title else f"Response rate by {_label(by)}",
        height=340,
        showlegend=False,
        yaxis=dict(range=[0, 100], ticksuffix="%"),
    )
    return fig


def theme_impact(table: pd.DataFrame, top: int = 8, title: str = "What moves the NPS"):
    """Per theme: NPS points to gain if its detractors became passives, and points at
    stake in its promoters' praise."""
    shown = table.assign(_size=table["gain_if_fixed"] + table["loss_without_praise"])
    shown = shown.sort_values("_size", ascending=False).head(top).iloc[::-1]
    labels = [_label(t) for t in shown["theme"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=shown["gain_if_fixed"].round(1),
        orientation="h",
        name="to gain: its detractors made passives",
        marker_color=COLORS["detractor"],
        hovertemplate="%{y}: +%{x:.1f} NPS points if fixed<extra></extra>",
    )
    fig.add_bar(
        y=labels,
        x=shown["loss_without_praise"].round(1),
        orientation="h",
        name="at stake: its promoters' praise",
        marker_color=COLORS["promoter"],
        hovertemplate="%{y}: %{x:.1f} NPS points carried by praise<extra></extra>",
    )
    fig.update_layout(
        template=HOUSE,
        title=_label(title),
        barmode="group",
        height=140 + 42 * len(shown),
        xaxis=dict(title="NPS points", rangemode="tozero"),
    )
    return fig
