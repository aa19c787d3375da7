"""Showing blocks, charts and slides in a notebook, where the deck renderer finds them.

A notebook cell builds its content with :mod:`~nps_helpers.deck.story` and shows it with
:func:`show`. Each output carries HTML for the deck; figures also carry plotly's own
mimetype for JupyterLab. A :class:`Slide` starts a new slide of the deck: its ``title``
names it in the deck, its ``key`` makes its id when one cell starts several slides (the
cell's tag ``slide:segment`` and the key ``region`` give ``segment-region``; see
:mod:`nps_helpers.deck.render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import GeneratorType
from typing import Any

#: The key of an output's metadata that marks the start of a slide.
SLIDE_KEY = "nps_deck"


@dataclass(frozen=True)
class Slide:
    """A slide a cell starts: its title, what it shows (HTML strings and figures, in
    order) and, when the cell starts several, the key of its id."""

    title: str
    parts: tuple[Any, ...] = field(default_factory=tuple)
    key: str | None = None


def _display_html(markup: str, marker: dict | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(markup), metadata={SLIDE_KEY: marker} if marker else None)


def _display_figure(fig, marker: dict | None = None) -> None:
    from IPython.display import display

    from nps_helpers.deck.charts import figure_html

    bundle = {
        "application/vnd.plotly.v1+json": fig.to_plotly_json(),
        "text/html": figure_html(fig),
    }
    display(bundle, raw=True, metadata={SLIDE_KEY: marker} if marker else None)


def show(*items: Any) -> None:
    """Display each item: an HTML string (built by this package, values escaped), a
    plotly figure, a :class:`Slide`, None (nothing), or a list, tuple or generator of
    these. Anything else (a DataFrame, a dict) is a ``TypeError``: only markup the
    package built, with its values escaped, reaches the deck."""
    for item in items:
        if item is None:
            continue
        if isinstance(item, str):
            _display_html(item)
        elif isinstance(item, Slide):
            marker = {"slide": item.title, "key": item.key}
            parts = list(item.parts) or [""]
            for i, part in enumerate(parts):
                if isinstance(part, str):
                    _display_html(part, marker if i == 0 else None)
                else:
                    _display_figure(part, marker if i == 0 else None)
        elif hasattr(item, "to_plotly_json"):  # a figure (iterable too: over its keys)
            _display_figure(item)
        elif isinstance(item, list | tuple | GeneratorType):
            show(*item)
        else:
            raise TypeError(f"show: cannot show a {type(item).__name__}")


def show_html(markup: str, slide: str | None = None) -> None:
    """Display trusted markup built by this package; with ``slide``, the output starts
    a new slide of the deck with that title."""
    _display_html(markup, {"slide": slide, "key": None} if slide is not None else None)
