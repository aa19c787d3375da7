"""End to end: the nps-wave command on small demo projects, through Papermill,
Great Expectations and nbconvert, as an analyst runs it."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from nps_helpers.scoring import nps_by, nps_summary
from nps_helpers.tables import fmt_nps

pytestmark = pytest.mark.e2e
NPS_WAVE = str(Path(sys.executable).with_name("nps-wave"))
#: trend, tier, role, industry, region, product, theme impact, response rate by tier and role
DECK_CHARTS = 9


def nps_wave(*args: str, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")} | extra_env
    return subprocess.run(
        [NPS_WAVE, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def wave_run(tmp_path_factory):
    from conftest import make_project

    root = make_project(tmp_path_factory.mktemp("e2e"))
    runs = {w: nps_wave("run", f"params/{w}.yaml", cwd=root) for w in ("2026-H1", "2026-H2")}
    return root, runs


def test_run_succeeds_with_progress(wave_run):
    root, runs = wave_run
    for wave, proc in runs.items():
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout
        assert f"[1/3] prepare_wave.ipynb: running (wave {wave}" in out
        assert "[2/3] wave_report.ipynb: done in" in out
        assert out.strip().endswith(f"Deck: reports/{wave}/deck.html")
        assert "Traceback" not in proc.stderr and "WARNING" not in proc.stderr


def test_outputs_written(wave_run):
    root, _ = wave_run
    processed = root / "data" / "processed" / "2026-H2"
    for name in ("responses.parquet", "rejected.csv", "quality.json"):
        assert (processed / name).is_file(), name
    quality = json.loads((processed / "quality.json").read_text())
    assert quality["kept"] + quality["rejected"] == quality["rows_in"]
    assert quality["validation"]["success"] is True
    rejected = pd.read_csv(processed / "rejected.csv")
    assert len(rejected) == quality["rejected"]
    executed = root / "reports" / "2026-H2" / "executed"
    for name in ("prepare_wave.ipynb", "wave_report.ipynb"):
        nb = nbformat.read(executed / name, as_version=4)
        assert nb.metadata.kernelspec.name == "nps-workbook"
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
        assert not [
            o
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.outputs
            if o.output_type == "error"
        ]


def test_deck_holds_the_processed_figures(wave_run):
    root, _ = wave_run
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    responses = pd.read_parquet(root / "data" / "processed" / "2026-H2" / "responses.parquet")
    overall = nps_summary(responses["score"])
    assert f'<div class="kpi-value">{fmt_nps(overall["nps"])}</div>' in html
    assert f"n = {overall['n']:,}" in html
    previous = pd.read_parquet(root / "data" / "processed" / "2026-H1" / "responses.parquet")
    change = overall["nps"] - nps_summary(previous["score"])["nps"]
    assert f'<div class="kpi-value">{fmt_nps(change)}</div>' in html
    for by in ("tier", "role"):
        for row in nps_by(responses, by).itertuples(index=False):
            label = str(getattr(row, by)).replace("_", " ")
            cells = f'<td>{label}</td><td class="num">{row.n}</td>'
            assert cells in html, (by, label)
            if not row.suppressed:
                assert f'{cells}<td class="num">{fmt_nps(row.nps)}</td>' in html


def test_deck_holds_accounts_revenue_coverage_and_trend(wave_run):
    from nps_helpers.accounts import account_rollup, revenue_at_risk, revenue_weighted_nps
    from nps_helpers.report import fmt_money

    root, _ = wave_run
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    responses = pd.read_parquet(root / "data" / "processed" / "2026-H2" / "responses.parquet")
    weighted = revenue_weighted_nps(responses)
    assert (
        f'Revenue-weighted NPS</div><div class="kpi-value">{fmt_nps(weighted["nps"])}</div>'
    ) in html
    risk = revenue_at_risk(account_rollup(responses), dt.date(2026, 10, 31))
    assert f'Revenue at risk</div><div class="kpi-value">{fmt_money(risk["at_risk_arr"])}<' in html
    for heading in (
        "NPS over waves",
        "Key accounts: decision-makers and users",
        "Response rate and coverage",
        "Tier and role together",
    ):
        assert heading in html
    assert "<td>2026-H1</td>" in html and "<td>2026-H2</td>" in html, "the trend table"
    assert "Change since 2026-H1" in html


def test_deck_shows_themes_without_personal_data(wave_run):
    root, _ = wave_run
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    body = html.split("<body", 1)[1]
    for heading in (
        "What promoters praise and what detractors need",
        "In their words",
        "Appendix: comments no theme catches",
    ):
        assert heading in body
    assert "NPS gain if fixed" in body and 'class="verbatim"' in body
    assert not re.search(r"[\w.+-]+@[\w-]+\.example", body), "no e-mail address"
    assert "+44 20 7946" not in body, "no phone number"
    invitations = pd.read_csv(root / "data" / "raw" / "2026-H2" / "invitations.csv")
    quotes = " ".join(re.findall(r'<blockquote class="verbatim"><p>(.*?)</p>', body))
    for last in invitations["last_name"].unique():
        assert not re.search(rf"\b{re.escape(last)}\b", quotes), last


def test_history_holds_each_wave_once(wave_run):
    from nps_helpers.history import read_history, wave_order

    root, _ = wave_run
    hist = root / "data" / "processed" / "history"
    assert wave_order(hist) == ["2026-H1", "2026-H2"]
    frame = read_history(hist)
    for wave in ("2026-H1", "2026-H2"):
        kept = pd.read_parquet(root / "data" / "processed" / wave / "responses.parquet")
        assert (frame["wave_id"] == wave).sum() == len(kept)


def test_deck_has_no_code_and_no_tracebacks(wave_run):
    root, _ = wave_run
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    body = html.split("<body", 1)[1]
    for banned in (
        "jp-InputArea-editor",
        "Traceback",
        "params_path",
        "import ",
        "read_responses",
        "jp-RenderedText",
        'data-mime-type="application/vnd.jupyter.stderr"',
    ):
        assert banned not in body, banned
    assert body.count('class="plotly-graph-div"') == DECK_CHARTS
    assert len(re.findall(r"plotly\.js v\d", html)) == 1
    assert len(html.encode()) < 6 * 1024 * 1024


def test_rerun_gives_the_same_deck(wave_run):
    root, _ = wave_run
    deck = root / "reports" / "2026-H2" / "deck.html"
    before = deck.read_bytes()
    hist = root / "data" / "processed" / "history"
    stored = {p: p.read_bytes() for p in sorted(hist.rglob("*")) if p.is_file()}
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert deck.read_bytes() == before
    assert {p: p.read_bytes() for p in sorted(hist.rglob("*")) if p.is_file()} == stored


def _wave_outputs(root: Path) -> dict[str, bytes]:
    """The deck and every follow-up file; an XLSX by the contents of its parts (a zip
    stamps each part with the time it was written)."""
    import zipfile

    reports = root / "reports" / "2026-H2"
    out = {"deck.html": (reports / "deck.html").read_bytes()}
    for path in sorted((reports / "followup").rglob("*")):
        name = str(path.relative_to(reports))
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for part in book.namelist():
                    out[f"{name}:{part}"] = book.read(part)
        elif path.is_file():
            out[name] = path.read_bytes()
    return out


def _last_output(root: Path) -> str:
    nb = nbformat.read(root / "reports" / "2026-H2" / "executed" / "wave_report.ipynb", 4)
    return "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))


def test_work_ahead_gives_what_the_kernel_alone_gives(wave_run):
    """Themes and follow-up lists worked out on the second core (the default on Linux)
    give the same deck and files, byte for byte, as the kernel working alone."""
    root, _ = wave_run
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "written ahead on the second core" in _last_output(root)
    assert not list((root / "reports" / "2026-H2").glob(".ahead-*")), "no folder left"
    ahead = _wave_outputs(root)
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root, NPS_WORKBOOK_AHEAD="0")
    assert proc.returncode == 0, proc.stderr
    assert _last_output(root) == "", "the kernel worked alone"
    alone = _wave_outputs(root)
    assert sorted(alone) == sorted(ahead)
    assert [k for k in alone if alone[k] != ahead[k]] == []
    assert sum(k.endswith(".xlsx:xl/worksheets/sheet1.xml") for k in alone) > 1


def test_failed_notebook_is_one_clear_paragraph(project):
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text().replace("  Power User: user\n", ""))
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 1
    err = proc.stderr
    assert "Traceback" not in err and proc.stdout.count("done in") == 0
    assert "prepare_wave.ipynb failed in cell" in err
    assert "MappingError:" in err and "'Power User'" in err and "column role" in err
    executed = project / "reports" / "2026-H2" / "executed" / "prepare_wave.ipynb"
    assert "is reports/2026-H2/executed/prepare_wave.ipynb" in err and executed.is_file()
    assert not (project / "reports" / "2026-H2" / "deck.html").exists()


def test_failed_gate_publishes_no_work_done_ahead(project):
    """The themes and lists start on the second core before the checks run; when the
    wave fails them, the last good follow-up files stay and the worker leaves nothing."""
    assert nps_wave("run", "params/2026-H2.yaml", cwd=project).returncode == 0
    reports = project / "reports" / "2026-H2"
    before = _wave_outputs(project)
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text() + "max_rejected_share: 0.0\n")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 1 and "WaveValidationError" in proc.stderr, proc.stderr
    assert "rejected" in proc.stderr
    assert _wave_outputs(project) == before, "nothing published"
    # the worker ends with the kernel (PR_SET_PDEATHSIG); its folder goes at the next start
    params.write_text(params.read_text().replace("max_rejected_share: 0.0\n", ""))
    assert nps_wave("run", "params/2026-H2.yaml", cwd=project).returncode == 0
    assert not list(reports.glob(".ahead-*"))


def test_params_error_exit_2(project):
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text() + "colour: blue\n")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 2
    assert "'colour' is not a known parameter" in proc.stderr and "Traceback" not in proc.stderr


def test_demo_data_and_list(tmp_path):
    proc = nps_wave("demo-data", "--root", str(tmp_path), "--accounts", "30", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "synthetic" in proc.stdout
    assert (tmp_path / "data" / "raw" / "2026-H2" / "survey_export.csv").is_file()
    again = nps_wave("demo-data", "--root", str(tmp_path), cwd=tmp_path)
    assert "already" in again.stdout
    listed = nps_wave("list", "--root", str(tmp_path), cwd=tmp_path)
    assert "No wave params" in listed.stdout


@pytest.mark.browser
def test_demo_deck_in_a_real_browser(wave_run):
    """Every slide, every chart drawn, no console error, no other host, arrow keys work;
    a screenshot of each slide goes to test-output/screenshots/demo-2026-H2/."""
    from test_deck_browser import SHOTS, walk_deck

    root, _ = wave_run
    got = walk_deck(root / "reports" / "2026-H2" / "deck.html", SHOTS / "demo-2026-H2")
    assert not got["errors"], got["errors"]
    assert not got["outside"], f"requests to other hosts: {got['outside']}"
    assert got["slides"] >= 20 and len(set(got["ids"])) == got["slides"]
    assert got["pwned"] is None


def test_followup_lists_written(wave_run):
    root, _ = wave_run
    out = root / "reports" / "2026-H2" / "followup"
    for name in (
        "detractor_calls",
        "promoters",
        "passives",
        "interviews",
        "reminders",
        "owner_response_rates",
    ):
        assert (out / f"{name}.csv").is_file(), name
    assert (out / "thank_you.md").read_text().startswith("# You said, we did")
    assert (out / "thank_you.html").is_file()
    responses = pd.read_parquet(root / "data" / "processed" / "2026-H2" / "responses.parquet")
    calls = pd.read_csv(out / "detractor_calls.csv")
    assert len(calls) == (responses["category"] == "detractor").sum()
    assert "email" not in calls.columns, "e-mails only when params say so"
    owners = sorted((out / "owners").glob("*.xlsx"))
    assert len(owners) == responses["owner"].nunique()
    sheet = pd.read_excel(owners[0], sheet_name="detractor_calls")
    assert sheet["owner"].nunique() <= 1, "each owner gets only their accounts"
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    assert "Detractors to call" in html


def test_drilldown_notebook_executes(wave_run, tmp_path):
    import papermill as pm

    from nps_helpers.kernel import ensure_kernel

    root, _ = wave_run
    repo = Path(__file__).resolve().parents[1]
    out = tmp_path / "drilldown.ipynb"
    pm.execute_notebook(
        str(repo / "notebooks" / "drilldown.ipynb"),
        str(out),
        parameters={"params_path": str(root / "params" / "2026-H2.yaml")},
        kernel_name=ensure_kernel(),
        progress_bar=False,
        cwd=str(tmp_path),
    )
    nb = nbformat.read(out, as_version=4)
    texts = " ".join(
        str(o.get("data", {})) for c in nb.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "application/vnd.jupyter.widget-view+json" in texts, "the app is displayed"
    assert "Clusters (TF-IDF + NMF)" in texts or "covered by the codebook" in texts
