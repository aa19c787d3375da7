"""The redesign changed no figure: both demo waves show and hand out what they did before.

``tests/snapshot/<wave>.json.gz`` holds every slide's title, text and chart data and every
cell of every follow-up file of the demo waves, taken on c1f9169 (before the package was
layered) by ``tests/snapshot/extract.py``. A change that alters them on purpose is named in
:data:`NAMED_CHANGES` with the issue that asked for it, and the old snapshot is mended by
exactly that change; anything else is a regression.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from snapshot.extract import snapshot

SNAPSHOTS = Path(__file__).parent / "snapshot"


def _csv_booleans(cell: str) -> str:
    """One CSV writer (pandas) for every list: booleans as pandas writes them. The Arrow
    writer it replaced wrote `true`, but fell back to pandas (`True`) for frames Arrow
    could not type, so one column could come out both ways (issue 19: to_csv)."""
    return {"true": "True", "false": "False"}.get(cell, cell)


#: Changes made on purpose, each applied to the cells of the old snapshot's CSV files.
NAMED_CHANGES = (_csv_booleans,)

#: Slide text changed on purpose: (slide title, old words, new words), each old text
#: found exactly once in that slide of the old snapshot.
NAMED_SLIDE_CHANGES = (
    # issue 21: the theme caption says what the code counts (every detractor mention
    # that is not praise), and the method slide says what this wave had
    (
        "Themes in detail",
        "NPS gain if fixed = detractors complaining about it ÷ all responses × 100",
        "NPS gain if fixed = detractors who mention it, other than in praise, ÷ all "
        "responses × 100",
    ),
    (
        "Method",
        "its annual revenue. Small segments (fewer responses than min_n ) show no NPS",
        "its annual revenue. Response rate = people who answered ÷ people invited whose "
        "mail did not bounce. Small segments (fewer than 5 responses) show no NPS",
    ),
    (
        "Method",
        "a theme's NPS gain if fixed is its complaining detractors as a share",
        "a theme's “NPS gain if fixed” is the detractors who mention it, other than in "
        "praise, as a share",
    ),
)


def _mended(old: dict) -> dict:
    followup = {}
    for name, cells in old["followup"].items():
        if name.endswith(".csv"):
            for change in NAMED_CHANGES:
                cells = [[change(c) for c in row] for row in cells]
        followup[name] = cells
    slides = []
    for slide in old["slides"]:
        text = slide["text"]
        for title, before, after in NAMED_SLIDE_CHANGES:
            if slide["title"] == title:
                assert text.count(before) == 1, (title, before)
                text = text.replace(before, after)
        slides.append({**slide, "text": text})
    return {**old, "slides": slides, "followup": followup}


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    """The full demo (default seed and size), run end to end through the CLI."""
    from nps_helpers.run.cli import main

    root = tmp_path_factory.mktemp("snapshot_demo")
    shutil.copytree(REPO / "params", root / "params")
    assert main(["demo", "--root", str(root)]) == 0
    return root


@pytest.mark.e2e
@pytest.mark.parametrize("wave", ["2026-H1", "2026-H2"])
def test_every_slide_and_followup_cell_as_before(demo_project, wave):
    want = _mended(json.loads(gzip.decompress((SNAPSHOTS / f"{wave}.json.gz").read_bytes())))
    got = json.loads(json.dumps(snapshot(demo_project, wave)))
    assert [s["title"] for s in got["slides"]] == [s["title"] for s in want["slides"]]
    for before, after in zip(want["slides"], got["slides"], strict=True):
        assert after["text"] == before["text"], f"slide {before['title']!r}: text changed"
        assert after["charts"] == before["charts"], f"slide {before['title']!r}: chart data"
    assert sorted(got["followup"]) == sorted(want["followup"])
    for name, cells in want["followup"].items():
        assert got["followup"][name] == cells, f"follow-up file {name} changed"


def test_named_changes_touch_only_what_they_name():
    assert _csv_booleans("true") == "True"
    assert _csv_booleans("false") == "False"
    assert _csv_booleans("True") == "True"
    assert _csv_booleans("truest") == "truest"
    assert _csv_booleans("") == ""
    old = {"slides": [], "followup": {"a.csv": [["x", "true"]], "b.xlsx": {"s": [["true"]]}}}
    assert _mended(old)["followup"] == {"a.csv": [["x", "True"]], "b.xlsx": {"s": [["true"]]}}
