"""The workbook's data-quality page: one self-contained HTML file made from the gate's
summary (:func:`nps_helpers.prepare.validate.validate_responses`), written as
``reports/<wave>/data-quality/index.html`` beside Great Expectations' JSON.

The page is safe with hostile data and works offline: inline CSS only, no JavaScript,
no URL that loads anything, a Content-Security-Policy that allows neither, and every
value escaped. It names failing responses by their ids and never shows a comment or an
offending value.
"""

from __future__ import annotations

from html import escape
from typing import Any

#: Nothing may load but the page's own inline style and data: images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#: Failing response ids shown per check (Great Expectations' JSON has them all).
SHOWN_IDS = 20

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933;
  margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.wave { color: #52606d; margin-top: 0; }
.verdict { font-weight: 600; padding: .6rem .9rem; border-radius: 4px; }
.verdict.pass { background: #e3f9e5; color: #0e5a1f; }
.verdict.fail { background: #ffe3e3; color: #8a1c1c; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #d9e2ec; }
th { background: #f0f4f8; }
tr.failed td { background: #fff5f5; }
tr.failed.warning td { background: #fffbea; }
td.ids { font-family: ui-monospace, monospace; font-size: .8rem; word-break: break-all; }
.num { text-align: right; }
.note { color: #52606d; font-size: .85rem; }
"""


def _e(value: Any) -> str:
    """A value as escaped text (None as an empty string)."""
    return "" if value is None else escape(str(value), quote=True)


def _result(check: dict[str, Any]) -> str:
    if check["success"]:
        return "passed"
    return "failed" if check["severity"] == "critical" else "failed (warning)"


def _rows(check: dict[str, Any]) -> str:
    """Rows failing a check of rows; a dash for a check of the whole table (its count)."""
    return f"{check['unexpected_count']:,}" if check.get("column") else "–"


def _ids(check: dict[str, Any]) -> str:
    ids = check.get("failing_response_ids") or []
    shown = ", ".join(_e(i) for i in ids[:SHOWN_IDS])
    more = check["unexpected_count"] - len(ids[:SHOWN_IDS])
    if shown and more > 0:
        shown += f" and {more:,} more"
    return shown


def _in_words(check: dict[str, Any]) -> str:
    """A failed check in plain words: what was expected, what was found."""
    found = (
        f"found {_e(check['observed_value'])}"
        if check.get("observed_value") is not None and not check["unexpected_count"]
        else f"{check['unexpected_count']:,} response(s) fail"
    )
    ids = _ids(check)
    words = f"{_e(check['description'])}: {found}"
    if ids:
        words += f"; response ids {ids}"
    if check.get("exception"):
        words += f"; the check could not run: {_e(check['exception'])}"
    return f"<li><strong>{_e(check['severity'])}</strong> {words}</li>"


def _checks_table(checks: list[dict[str, Any]]) -> str:
    rows = []
    for c in checks:
        css = "" if c["success"] else f' class="failed {_e(c["severity"])}"'
        rows.append(
            f"<tr{css}><td>{_e(c['description'])}</td><td>{_e(c['severity'])}</td>"
            f'<td>{_result(c)}</td><td class="num">{_rows(c)}</td>'
            f'<td>{_e(c.get("observed_value"))}</td><td class="ids">{_ids(c)}</td></tr>'
        )
    return (
        "<table><thead><tr><th>Check</th><th>Severity</th><th>Result</th>"
        '<th class="num">Rows failing</th><th>Observed</th>'
        f"<th>Failing response ids (first {SHOWN_IDS})</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _not_applied_table(skipped: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<tr><td>{_e(c['description'])}</td><td>{_e(c['reason'])}</td></tr>" for c in skipped
    )
    return (
        "<table><thead><tr><th>Check</th><th>Why it did not apply</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def quality_page(summary: dict[str, Any], title: str | None = None) -> str:
    """The data-quality page of one wave as a complete HTML document.

    Parameters
    ----------
    summary
        The gate's summary (:func:`nps_helpers.prepare.validate.validate_responses`).
    title
        The wave's title (``params.title``: the company and the wave's label).

    Returns
    -------
    str
        One self-contained page: the wave, pass or fail, the failed checks in plain
        words, every check with its severity, result, rows failing, observed value and
        first failing response ids, and the checks that did not apply.

    Examples
    --------
    >>> html = quality_page({"wave_id": "<b>", "success": True, "evaluated": 0,
    ...                      "passed": 0, "warnings": 0, "critical_failures": 0,
    ...                      "checks": [], "not_applied": []})
    >>> "<b>" in html, "&lt;b&gt;" in html
    (False, True)
    """
    checks = summary.get("checks") or []
    failed = [c for c in checks if not c["success"]]
    wave = _e(summary.get("wave_id"))
    heading = _e(title) if title else f"Wave {wave}"
    if summary["success"]:
        verdict = (
            f'<p class="verdict pass">Passed: every critical check passed '
            f"({summary['passed']} of {summary['evaluated']} checks passed, "
            f"{summary['warnings']} warning(s)).</p>"
        )
    else:
        verdict = (
            f'<p class="verdict fail">Stopped: {summary["critical_failures"]} critical '
            f"check(s) failed ({summary['passed']} of {summary['evaluated']} checks passed, "
            f"{summary['warnings']} warning(s)). The wave does not reach the report.</p>"
        )
    parts = [
        f"<h1>Data quality: {heading}</h1>",
        f'<p class="wave">Wave {wave}: the Great Expectations gate on the canonical responses</p>',
        verdict,
    ]
    if failed:
        parts += [
            f"<h2>Failed checks ({len(failed)})</h2>",
            f"<ul>{''.join(_in_words(c) for c in failed)}</ul>",
        ]
    parts += [f"<h2>All checks ({len(checks)})</h2>", _checks_table(checks)]
    skipped = summary.get("not_applied") or []
    if skipped:
        parts += [
            f"<h2>Checks that did not apply ({len(skipped)})</h2>",
            _not_applied_table(skipped),
        ]
    parts.append(
        '<p class="note">Great Expectations\' own record of this run is in this folder: '
        "validation_result.json (each check with its counts and the failing response ids) "
        "and suite.json (the checks). Neither holds the text of a comment.</p>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Data quality: wave {wave}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{''.join(parts)}\n</body></html>\n"
    )
