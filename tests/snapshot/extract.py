"""What a wave run shows and hands out, as plain values: the snapshot the redesign is held to.

``python tests/snapshot/extract.py ROOT WAVE OUT.json.gz`` writes one JSON object: every slide of
``reports/<wave>/deck.html`` (its title and its visible text, charts' data included) and
every cell value of every file under ``reports/<wave>/followup/`` (CSV and XLSX).
Only the standard library and openpyxl are used, so the same script reads decks made
before and after a change to the package.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

_PLOT = re.compile(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", re.S)


class _Slides(HTMLParser):
    """The text of each ``<section class="slide">``; scripts give their charts' data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.slides: list[dict] = []
        self._depth = 0  # section nesting inside the current slide
        self._in_script = False
        self._in_style = False
        self._script: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "slide" in (attrs.get("class") or "").split():
            self.slides.append({"title": attrs.get("data-title", ""), "text": [], "charts": []})
            self._depth = 1
        elif tag == "section" and self._depth:
            self._depth += 1
        elif tag == "script":
            self._in_script, self._script = True, []
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag == "section" and self._depth:
            self._depth -= 1
        elif tag == "script":
            self._in_script = False
            if self._depth and self.slides:
                m = _PLOT.search("".join(self._script))
                if m:
                    traces = json.loads(m.group(1))
                    self.slides[-1]["charts"].append(
                        [
                            {k: t.get(k) for k in ("name", "x", "y", "text", "type") if k in t}
                            for t in traces
                        ]
                    )
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_script:
            self._script.append(data)
        elif self._depth and not self._in_style and self.slides:
            text = " ".join(data.split())
            if text:
                self.slides[-1]["text"].append(text)


def deck_slides(deck: Path) -> list[dict]:
    parser = _Slides()
    parser.feed(deck.read_text(encoding="utf-8"))
    return [{**s, "text": " ".join(s["text"])} for s in parser.slides]


def _cells_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [row for row in csv.reader(fh)]


def _norm(value) -> str:
    """A cell as text; 3100 and 3100.0 are the same number."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if re.fullmatch(r"-?\d+\.0+", text):
        return text.split(".")[0]
    return text


def _cells_xlsx(path: Path) -> dict[str, list[list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return {
        ws.title: [[_norm(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


def followup_cells(folder: Path) -> dict:
    """Each follow-up file's cells as text (an XLSX file: per sheet); other files' text."""
    out: dict = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if path.suffix == ".csv":
            out[rel] = [[_norm(v) for v in row] for row in _cells_csv(path)]
        elif path.suffix == ".xlsx":
            out[rel] = _cells_xlsx(path)
        else:
            out[rel] = path.read_text(encoding="utf-8")
    return out


def snapshot(root: Path, wave: str) -> dict:
    reports = root / "reports" / wave
    return {
        "slides": deck_slides(reports / "deck.html"),
        "followup": followup_cells(reports / "followup"),
    }


if __name__ == "__main__":
    root, wave, target = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    blob = json.dumps(snapshot(root, wave), indent=0, ensure_ascii=False, sort_keys=True)
    target.write_bytes(gzip.compress(blob.encode("utf-8"), mtime=0))
