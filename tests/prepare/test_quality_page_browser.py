"""The data-quality page of a hostile wave in a real browser (Debian's chromium via
Playwright): comments carrying script, CRM tier labels, an export role label and a
company name carrying markup; the gate stops the wave, and its page shows the failing
checks as text, runs nothing and asks for nothing outside its file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, make_project, nps_wave

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
COMMENT = (
    "Call Jane Roe on +1 555 0100 <script>window.__pwned = 1; alert(1)</script> "
    '<img src=x onerror="window.__pwned = 2"> "><svg onload="window.__pwned = 3"> '
    '<a href="javascript:window.__pwned = 4">ticket</a> '
    '<img src="https://outside.example/pixel.png"><link rel="stylesheet" '
    'href="http://outside.example/x.css">'
)
SMALL = "<script>window.__pwned = 5</script>"
KEY = "<img src=x onerror=window.__pwned=6>"
ROLE = '"><svg onload=window.__pwned=7>'
COMPANY = "<script>window.__pwned = 8</script> Northwind javascript:alert(1)"


def _hostile_export(export: Path) -> None:
    rows = list(csv.reader(io.StringIO(export.read_bytes().decode("utf-8-sig"))))
    head, body = rows[:3], rows[3:]
    comment, role = head[0].index("Q2"), head[0].index("role")
    for i, row in enumerate(body):
        if i % 3 == 0:
            row[comment] = COMMENT
        if row[role] == "Power User":
            row[role] = ROLE
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(head + body)
    export.write_bytes(out.getvalue().encode("utf-8-sig"))


@pytest.fixture(scope="module")
def stopped(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """A hostile wave run by ``nps-wave run``, stopped by the gate (no export row may be
    rejected): the project root and the finished process."""
    root = make_project(tmp_path_factory.mktemp("hostile_quality"))
    raw = root / "data" / "raw" / "2026-H2"
    _hostile_export(raw / "survey_export.csv")
    accounts = (raw / "accounts.csv").read_text(encoding="utf-8")
    accounts = accounts.replace(",small,", f",{SMALL},").replace(",key,", f",{KEY},")
    (raw / "accounts.csv").write_text(accounts, encoding="utf-8")
    params = root / "params" / "2026-H2.yaml"
    text = params.read_text(encoding="utf-8")
    for old, new in (
        ("company: Northwind Systems", f"company: '{COMPANY}'"),
        ("wave_label: Relationship NPS 2026-H2\n", ""),
        ("  Power User: user", f"  '{ROLE}': user"),
        ("tiers: [small, key, premium]", f"tiers: ['{SMALL}', '{KEY}', premium]"),
        ("key_tiers: [key, premium]", f"key_tiers: ['{KEY}', premium]"),
        ("max_rejected_share: 0.25", "max_rejected_share: 0.0"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    params.write_text(text, encoding="utf-8")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root, timeout=600)
    return root, proc


def _comment_ids(root: Path) -> list[str]:
    rows = list(
        csv.reader(
            io.StringIO((root / "data/raw/2026-H2/survey_export.csv").read_text("utf-8-sig"))
        )
    )
    comment, rid = rows[0].index("Q2"), rows[0].index("ResponseId")
    return [r[rid] for r in rows[3:] if r[comment] == COMMENT]


def test_the_gate_stops_and_points_to_the_page(stopped):
    root, proc = stopped
    out = root / "reports" / "2026-H2" / "data-quality"
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("nps-wave: wave 2026-H2 stopped by the data-quality gate")
    assert f"The data-quality page: {out / 'index.html'}" in proc.stderr
    assert "Jane" not in proc.stderr and "__pwned" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "suite.json",
        "validation_result.json",
    ]
    result = json.loads((out / "validation_result.json").read_text(encoding="utf-8"))
    assert "Jane" not in json.dumps(result) and "window.__pwned = 1" not in json.dumps(result)
    (script_check,) = [
        r for r in result["results"] if r["expectation_config"]["kwargs"].get("column") == "comment"
    ]
    ids = {row["response_id"] for row in script_check["result"]["unexpected_index_list"]}
    assert ids and ids <= set(_comment_ids(root))


def test_the_page_in_the_browser_runs_nothing_and_loads_nothing(stopped):
    from playwright.sync_api import sync_playwright

    root, _ = stopped
    page_file = root / "reports" / "2026-H2" / "data-quality" / "index.html"
    html = page_file.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "Jane" not in html
    requests, dialogs, errors = [], [], []
    with sync_playwright() as pw:
        assert Path(CHROMIUM).is_file(), "Debian's chromium is needed: apt-get install chromium"
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r):
                requests.append(r.request.url)
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_timeout(500)
            pwned = page.evaluate("typeof window.__pwned")
            text = page.inner_text("body")
            scripts = page.locator("script").count()
            links = page.locator("a, img, link, svg, iframe").count()
        finally:
            browser.close()
    assert pwned == "undefined" and not dialogs and not errors
    assert scripts == 0 and links == 0
    assert set(requests) == {page_file.as_uri()}, "nothing asked beyond the file itself"
    assert "Stopped: 1 critical check(s) failed" in text
    assert "at most 0% of the export's" in text
    assert "comments hold script tags (shown as text, never run)" in text
    assert f"tier must be one of {SMALL}, {KEY}, premium" in text, "tier labels as text"
    assert f"Data quality: {COMPANY} relationship NPS 2026-H2" in text
    assert any(i in text for i in _comment_ids(root)), "a failing comment named by its id"
    assert "Jane" not in text
