"""The drill-down's ipywidgets: controls wired to :mod:`nps_helpers.drilldown`.

Every change of a control recomputes the tables from the pure functions and replaces
the outputs in place: HTML widgets get new values, and the two charts are redrawn in
their ``Output`` widgets (plotly 6's ``FigureWidget`` needs ``anywidget``; an Output
widget that re-shows the figure is the robust pattern).
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from nps_helpers.deck import blocks, charts
from nps_helpers.deck.blocks import styled_table
from nps_helpers.deck.format import fmt_int, fmt_nps
from nps_helpers.drilldown import logic as drilldown
from nps_helpers.drilldown.logic import FILTER_COLUMNS, Selection
from nps_helpers.metrics.scoring import nps_by
from nps_helpers.text.themes import ThemedComments

ALL = "All waves"


class DrilldownApp:
    """Controls and outputs for ad-hoc questions over all waves.

    Parameters
    ----------
    history
        Responses of all waves (:func:`nps_helpers.history.read_history`).
    themed
        :func:`nps_helpers.themes.analyse` of ``history["comment"]``.
    scrub
        :func:`nps_helpers.themes.scrubber` for the comments shown.
    segments
        The columns to break down by (``params.segments``).
    """

    def __init__(
        self,
        history: pd.DataFrame,
        themed: ThemedComments,
        scrub: Any,
        segments: list[str],
        min_n: int = 5,
        confidence: float = 0.95,
        page_size: int = 10,
    ) -> None:
        import ipywidgets as w

        self.history, self.themed, self.scrub = history, themed, scrub
        self.confidence, self.page_size, self.page = confidence, page_size, 0
        self.last_update_ms = 0.0
        self.pinned: Selection | None = None
        waves = (
            [str(c) for c in history["wave_id"].cat.categories]
            if isinstance(history["wave_id"].dtype, pd.CategoricalDtype)
            else sorted(history["wave_id"].astype(str).unique())
        )
        self.wave = w.Dropdown(
            options=[ALL, *waves], value=waves[-1] if waves else ALL, description="Wave"
        )
        # an export-only wave has no tier, industry...: only columns with values are offered
        filled = [c for c in dict.fromkeys([*segments, *FILTER_COLUMNS]) if c in history.columns]
        filled = [c for c in filled if history[c].notna().any()]
        by_options = [s for s in segments if s in filled] or ["role"]
        self.by = w.Dropdown(options=by_options, value=by_options[0], description="Break down")
        self.filters = {
            col: w.SelectMultiple(
                options=values,
                value=(),
                description=col.capitalize(),
                rows=min(5, max(2, len(values))),
            )
            for col, values in drilldown.options(history, tuple(filled)).items()
            if values
        }
        self.min_n = w.BoundedIntText(value=min_n, min=1, max=1000, description="Min n")
        self.search = w.Text(
            value="", placeholder="words in comments", description="Search", continuous_update=False
        )
        self.pin = w.ToggleButton(
            value=False,
            description="Compare: pin as A",
            tooltip="Pin the current selection as A, then change the controls to select B",
        )
        self.prev_page = w.Button(description="◀ newer", layout=w.Layout(width="90px"))
        self.next_page = w.Button(description="older ▶", layout=w.Layout(width="90px"))
        self.summary = w.HTML()
        self.table = w.HTML()
        self.chart = w.Output()
        self.trend_chart = w.Output()
        self.themes = w.HTML()
        self.comments = w.HTML()
        self.comparison = w.HTML()
        self.movers = w.HTML()
        for control in (self.wave, self.by, self.min_n, self.search, *self.filters.values()):
            control.observe(self._changed, names="value")
        self.pin.observe(self._pinned, names="value")
        self.prev_page.on_click(lambda _: self._turn(-1))
        self.next_page.on_click(lambda _: self._turn(1))
        filters = w.HBox(list(self.filters.values()))
        self.widget = w.VBox(
            [
                w.HBox([self.wave, self.by, self.min_n]),
                w.HBox([self.search, self.pin]),
                filters,
                self.summary,
                self.comparison,
                self.movers,
                w.HBox([self.chart, self.trend_chart]),
                self.table,
                self.themes,
                w.HBox([self.prev_page, self.next_page]),
                self.comments,
            ]
        )
        self.update()

    # ------------------------------------------------------------------ state
    def selection(self) -> Selection:
        return Selection(
            wave=None if self.wave.value == ALL else self.wave.value,
            by=self.by.value,
            filters={c: tuple(s.value) for c, s in self.filters.items() if s.value},
            min_n=int(self.min_n.value),
            search=self.search.value,
        )

    def _changed(self, _change: Any) -> None:
        self.page = 0
        self.update()

    def _pinned(self, change: Any) -> None:
        self.pinned = self.selection() if change["new"] else None
        self.pin.description = "Compare: unpin A" if change["new"] else "Compare: pin as A"
        self.update()

    def _turn(self, step: int) -> None:
        self.page = max(0, self.page + step)
        self.update()

    # ---------------------------------------------------------------- outputs
    def update(self) -> None:
        """Recompute every output from the current controls."""
        from IPython.display import display

        start = time.perf_counter()
        sel = self.selection()
        chosen = drilldown.select(self.history, sel)
        table = (
            nps_by(chosen, sel.by, min_n=sel.min_n, confidence=self.confidence)
            if len(chosen)
            else None
        )
        self.summary.value = f"<b>{fmt_int(len(chosen))}</b> responses selected" + (
            f" · wave {sel.wave}" if sel.wave else " · all waves"
        )
        if table is not None and len(table):
            self.table.value = blocks.segment_table(
                table, sel.by, sel.min_n
            ) + blocks.segment_notes(table, sel.by, sel.min_n)
        else:
            self.table.value = blocks.note("No response matches this selection.")
        with self.chart:
            self.chart.clear_output(wait=True)
            if table is not None and not table["suppressed"].all():
                display(charts.nps_bar(table, sel.by))
        trend = drilldown.trend(self.history, sel, self.confidence)
        with self.trend_chart:
            self.trend_chart.clear_output(wait=True)
            if len(trend) and "suppressed" in trend and not trend["suppressed"].all():
                display(charts.trend_chart(trend, title="This selection over waves"))
        themes = drilldown.themes_for(self.history, self.themed, sel)
        self.themes.value = blocks.theme_table(themes) if len(chosen) else ""
        page, total = drilldown.comments(self.history, sel, self.scrub, self.page, self.page_size)
        if self.page and self.page * self.page_size >= total:
            self.page = max(0, (total - 1) // self.page_size)
            page, total = drilldown.comments(
                self.history, sel, self.scrub, self.page, self.page_size
            )
        shown = page.assign(score=page["score"].astype("Int64").astype(str))
        first = self.page * self.page_size + 1 if total else 0
        self.comments.value = styled_table(
            shown.rename(columns=lambda c: c.replace("_", " ").capitalize()),
            caption=f"Comments {first}-{self.page * self.page_size + len(page)} of {total}",
        )
        self.comparison.value = self._compare(sel)
        self.movers.value = self._movers(sel)
        self.last_update_ms = (time.perf_counter() - start) * 1000

    def _movers(self, sel: Selection) -> str:
        """Climbers and fallers of the selection: the contacts who answered the chosen
        wave and the one before (:func:`nps_helpers.drilldown.logic.climbers`)."""
        waves = list(self.wave.options[1:])
        if sel.wave is None or waves.index(sel.wave) == 0 or "respondent_id" not in self.history:
            return ""
        before = waves[waves.index(sel.wave) - 1]
        moves = drilldown.climbers(self.history, sel, before, sel.wave)
        total = int(moves.to_numpy().sum())
        if total < sel.min_n:
            return blocks.note(
                f"Climbers and fallers: {total} contacts of this selection answered both "
                f"{before} and {sel.wave}, fewer than {sel.min_n}."
            )
        return blocks.moves_table(
            moves,
            before,
            f"Climbers and fallers: the {total} contacts of this selection who answered both "
            f"{before} and {sel.wave}, by category then (rows) and now",
        )

    def _compare(self, sel: Selection) -> str:
        if self.pinned is None:
            return ""
        r = drilldown.compare(self.history, self.pinned, sel, self.confidence)
        if r["suppressed"]:
            return blocks.note(
                f"Compare: one side has fewer than {sel.min_n} responses "
                f"(A: {r['n_a']}, B: {r['n_b']})."
            )
        words = blocks.change_words(r["change"], r["p_value"], r["significant"])
        return (
            f"<p><b>Compare</b> A: NPS {fmt_nps(r['nps_a'])} (n = {fmt_int(r['n_a'])}) · "
            f"B: NPS {fmt_nps(r['nps_b'])} (n = {fmt_int(r['n_b'])}) · B − A: "
            f"{fmt_nps(r['change'])}, {words}</p>"
        )
