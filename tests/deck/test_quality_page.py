"""The workbook's data-quality page (deck.quality_page): every value escaped, no script,
nothing loaded from anywhere."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from nps_helpers.deck.quality_page import CSP, SHOWN_IDS, quality_page

PAYLOADS = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '"><svg onload="window.__pwned = 3">',
    "javascript:window.__pwned = 4",
    "<a href=\"https://evil.example/x.js\">x</a><link rel=stylesheet href='http://evil.example'>",
)
EVIL = " ".join(PAYLOADS)
#: The page's own markup: anything else would have come from a value.
TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "p",
    "ul",
    "li",
    "strong",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def check(description, *, success, severity="critical", count=0, observed=None, ids=()):
    return {
        "expectation": "expect_column_values_to_be_in_set",
        "description": description,
        "column": "tier",
        "kwargs": {},
        "severity": severity,
        "success": success,
        "unexpected_count": count,
        "observed_value": observed,
        "examples": [repr(EVIL)],
        "failing_response_ids": list(ids),
        "exception": None,
    }


def hostile_summary() -> dict:
    ids = [f"R_{i}" for i in range(25)]
    checks = [
        check(f"tier must be one of small, {EVIL}", success=False, count=30, ids=[EVIL, *ids]),
        check(f"role must be {EVIL}", success=True),
        check(
            f"comments hold script tags {EVIL}",
            success=False,
            severity="warning",
            count=1,
            ids=["R_comment"],
        ),
        check("a report needs at least 30 responses", success=False, observed=EVIL),
    ]
    checks[0]["exception"] = EVIL
    checks[3]["column"] = None  # a check of the whole table: no rows of its own
    return {
        "wave_id": f"2026-H2 {EVIL}",
        "success": False,
        "evaluated": 4,
        "passed": 1,
        "warnings": 1,
        "critical_failures": 2,
        "checks": checks,
        "not_applied": [{"description": f"tier {EVIL}", "reason": f"no master {EVIL}"}],
        "validation_result": EVIL,
        "data_docs": None,
    }


@pytest.fixture(scope="module")
def page() -> str:
    return quality_page(hostile_summary(), title=f"Northwind {EVIL} relationship NPS {EVIL}")


def test_no_value_comes_out_unescaped(page):
    for payload in PAYLOADS:
        if "<" in payload or ">" in payload:  # plain text is harmless outside an attribute
            assert payload not in page, payload
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.__pwned = 2&quot;&gt;" in page
    assert "&quot;&gt;&lt;svg onload=&quot;window.__pwned = 3&quot;&gt;" in page
    tags = parse(page)
    assert {t for t, _ in tags} <= TAGS, "only the page's own markup"
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], tag
        assert "src" not in attrs and "href" not in attrs, tag
        values = " ".join(v or "" for v in attrs.values())
        assert "javascript:" not in values and "http" not in values, tag


def test_no_script_and_nothing_loaded(page):
    low = page.lower()
    assert "<script" not in low
    assert "<link" not in low and "@import" not in low and "url(" not in low
    metas = [a for t, a in parse(page) if t == "meta"]
    assert {"http-equiv": "Content-Security-Policy", "content": CSP} in metas
    assert CSP == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def test_the_page_says_what_failed(page):
    assert "Stopped: 2 critical check(s) failed" in page
    assert "Failed checks (3)" in page and "All checks (4)" in page
    assert "30 response(s) fail; response ids" in page
    # the first 20 ids, then how many more
    assert f"R_{SHOWN_IDS - 2}" in page and f"R_{SHOWN_IDS - 1}" not in page
    assert "and 10 more" in page
    assert "failed (warning)" in page and "R_comment" in page
    assert "Checks that did not apply (1)" in page
    assert '<td class="num">–</td>' in page and '<td class="num">30</td>' in page
    assert "Northwind &lt;script&gt;" in page, "the title, escaped"


def test_offending_values_are_never_shown():
    summary = hostile_summary()
    for c in summary["checks"]:
        c["examples"] = ["'a secret comment'"]
    assert "a secret comment" not in quality_page(summary)


def test_a_passing_wave():
    summary = {
        "wave_id": "2026-H2",
        "success": True,
        "evaluated": 2,
        "passed": 2,
        "warnings": 0,
        "critical_failures": 0,
        "checks": [check("wave_id must be 2026-H2", success=True)] * 2,
        "not_applied": [],
    }
    html = quality_page(summary)
    assert "Passed: every critical check passed (2 of 2 checks passed, 0 warning(s))" in html
    assert "Failed checks" not in html and "did not apply" not in html
    assert "<h1>Data quality: Wave 2026-H2</h1>" in html
