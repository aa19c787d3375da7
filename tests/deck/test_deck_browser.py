"""The deck in a real browser (Debian's chromium via Playwright), on a hostile wave:
first in its history, one tier only, small segments, and comments carrying script."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_SLIDES, SCREENSHOTS, make_project, nps_wave

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SHOTS = SCREENSHOTS
#: The named slides of the demo deck, in order (the layout of notebooks/wave_report.ipynb).
PRAISE = "Support team is fantastic and fast <script>window.__pwned = 1</script>"
COMPLAINT = (
    'Support is slow and useless <img src=x onerror="window.__pwned = 2"> '
    '<a href="javascript:window.__pwned = 3">see ticket</a>'
)


def _inject(export: Path) -> None:
    text = export.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head, body = rows[:3], rows[3:]
    score, comment = head[0].index("Q1"), head[0].index("Q2")
    for row in body:
        if row[score].isdigit() and int(row[score]) >= 9:
            row[comment] = PRAISE
        elif row[score].isdigit() and int(row[score]) <= 6:
            row[comment] = COMPLAINT
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(head + body)
    export.write_bytes(out.getvalue().encode("utf-8-sig"))


@pytest.fixture(scope="module")
def hostile_deck(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("hostile"))
    raw = root / "data" / "raw" / "2026-H2"
    _inject(raw / "survey_export.csv")
    accounts = (raw / "accounts.csv").read_text(encoding="utf-8")
    (raw / "accounts.csv").write_text(
        re.sub(r",(small|premium),", ",key,", accounts), encoding="utf-8"
    )
    params = root / "params" / "2026-H2.yaml"
    text = params.read_text(encoding="utf-8")
    text = text.replace("previous_wave: 2026-H1", "previous_wave: null")
    text = text.replace("min_n: 5 ", "min_n: 12 ")
    text = text.replace("min_responses: 30", "min_responses: 10")
    params.write_text(text, encoding="utf-8")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return root / "reports" / "2026-H2" / "deck.html"


def test_hostile_deck_says_why_figures_are_missing(hostile_deck):
    html = hostile_deck.read_text(encoding="utf-8")
    assert "This is the first wave in the history" in html
    assert "Only one wave is in the history so far" in html
    assert "Every response of this wave comes from one tier (key)" in html
    assert re.search(r"Not shown, fewer than 12 responses: [^<]*\(n = \d+\)", html)
    assert "<script>window.__pwned" not in html
    assert not re.search(r"<img[^>]*onerror", html) and not re.search(r"<a[^>]*javascript:", html)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html, "shown as text"


def _launch(pw):
    assert Path(CHROMIUM).is_file(), "Debian's chromium is needed: apt-get install chromium"
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def walk_deck(deck: Path, shots: Path) -> dict:
    """Open the deck, check it, walk every slide with the arrow keys, screenshot each."""
    from playwright.sync_api import sync_playwright

    requests, errors = [], []
    with sync_playwright() as pw:
        browser = _launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(deck.as_uri(), wait_until="load")
            slides = page.locator("section.slide")
            total = slides.count()
            charts = page.locator(".plotly-graph-div")
            page.wait_for_function(
                f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= "
                f"{charts.count()}",
                timeout=15_000,
            )
            shots.mkdir(parents=True, exist_ok=True)
            seen = []
            for i in range(total):
                active = page.locator("section.slide.active")
                assert active.count() == 1
                seen.append(active.get_attribute("id"))
                for chart in active.locator(".plotly-graph-div").all():
                    drawn = chart.locator("g.point, path.js-line, g.trace")
                    assert drawn.count() >= 1, f"chart on slide {i + 1} is drawn"
                page.screenshot(path=str(shots / f"slide-{i + 1:02d}.png"))
                page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")  # past the end stays on the last slide
            assert page.locator("section.slide.active").get_attribute("id") == seen[-1]
            page.keyboard.press("ArrowLeft")
            assert page.locator("section.slide.active").get_attribute("id") == seen[-2]
            page.keyboard.press("Home")
            assert page.locator("section.slide.active").get_attribute("id") == seen[0]
            page.click("#deck-next")
            assert page.locator("section.slide.active").get_attribute("id") == seen[1]
            pwned = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
            links = page.locator("a[href^='javascript:']").count()
        finally:
            browser.close()
    return {
        "slides": total,
        "ids": seen,
        "errors": errors,
        "pwned": pwned,
        "links": links,
        "outside": [u for u in requests if not u.startswith(("file:", "data:", "blob:"))],
    }


def test_hostile_deck_in_the_browser(hostile_deck):
    got = walk_deck(hostile_deck, SHOTS / "hostile-2026-H2")
    assert got["pwned"] is None, "an injected comment ran"
    assert got["links"] == 0, "no javascript: link is clickable"
    assert not got["errors"], got["errors"]
    assert not got["outside"], got["outside"]
    assert len(set(got["ids"])) == got["slides"] >= 15
    assert got["ids"] == DEMO_SLIDES


def test_hostile_deck_sections_are_named_and_numbered(hostile_deck):
    html = hostile_deck.read_text(encoding="utf-8")
    sections = [
        dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<section[^>]*>", html)
    ]
    assert [s["id"] for s in sections] == DEMO_SLIDES
    assert [int(s["data-slide"]) for s in sections] == list(range(1, len(DEMO_SLIDES) + 1))
    assert sections[1]["data-title"] == "Headline" and 'id="slide-' not in html


def test_a_slide_anchor_opens_that_slide_and_the_url_follows(hostile_deck):
    """deck.html#segment-region shows that slide first; moving on puts the next slide's
    name in the address, so a copied link opens where the reader is."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(hostile_deck.as_uri() + "#segment-region", wait_until="load")
            ids = page.eval_on_selector_all("section.slide", "els => els.map(e => e.id)")
            after = ids[ids.index("segment-region") + 1]
            active = page.locator("section.slide.active")
            assert active.count() == 1 and active.get_attribute("id") == "segment-region"
            assert page.locator("#deck-count").inner_text() == (
                f"{ids.index('segment-region') + 1} / {len(ids)}"
            )
            page.keyboard.press("ArrowRight")
            assert page.locator("section.slide.active").get_attribute("id") == after
            assert page.evaluate("window.location.hash") == f"#{after}"
            page.click("#deck-prev")
            assert page.evaluate("window.location.hash") == "#segment-region"
            page.keyboard.press("End")
            assert page.evaluate("window.location.hash") == f"#{ids[-1]}"
            page.goto(hostile_deck.as_uri() + "#no-such-slide", wait_until="load")
            page.reload(wait_until="load")
            assert page.locator("section.slide.active").get_attribute("id") == ids[0], (
                "an unknown anchor opens the first slide"
            )
            assert page.evaluate("window.location.hash") == f"#{ids[0]}"
        finally:
            browser.close()
