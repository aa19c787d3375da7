"""End to end: the nps-wave command on small demo projects, through Papermill,
Great Expectations and nbconvert, as an analyst runs it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import DEMO_SLIDES, nps_wave
from nps_helpers.deck.format import fmt_money, fmt_nps
from nps_helpers.metrics.scoring import nps_by, nps_summary

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
#: The named slides of the demo deck (``deck.html#headline``), in order.
#: trend, tier, role, industry, region, product, theme impact, response rate by tier and role
DECK_CHARTS = 9


@pytest.fixture(scope="module")
def wave_run(tmp_path_factory):
    from conftest import make_project

    root = make_project(tmp_path_factory.mktemp("e2e"))
    runs = {w: nps_wave("run", f"params/{w}.yaml", cwd=root) for w in ("2026-H1", "2026-H2")}
    return root, runs


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
    for name in (
        "responses.parquet",
        "rejected.csv",
        "quality.json",
        "accounts.parquet",
        "invitations.parquet",
        "themes.parquet",
    ):
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
    from nps_helpers.metrics.accounts import account_rollup, revenue_at_risk, revenue_weighted_nps

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
    from nps_helpers.io.history import read_history, wave_order

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


def test_rerun_gives_the_same_deck_and_files(wave_run):
    """Running a wave again gives the deck and every follow-up file byte for byte, and
    leaves the history as it was."""
    root, _ = wave_run
    before = _wave_outputs(root)
    hist = root / "data" / "processed" / "history"
    stored = {p: p.read_bytes() for p in sorted(hist.rglob("*")) if p.is_file()}
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=root)
    assert proc.returncode == 0, proc.stderr
    again = _wave_outputs(root)
    assert sorted(again) == sorted(before)
    assert [k for k in again if again[k] != before[k]] == []
    assert sum(k.endswith(".xlsx:xl/worksheets/sheet1.xml") for k in again) > 1
    assert {p: p.read_bytes() for p in sorted(hist.rglob("*")) if p.is_file()} == stored
    assert not list((root / "reports" / "2026-H2").glob(".*")), "no hidden work folder"


def test_a_refusal_is_one_sentence_then_where(project):
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text().replace("  Power User: user\n", ""))
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 1
    err = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and proc.stdout.count("done in") == 0
    assert len(err) == 2, err
    assert err[0].startswith("nps-wave: ") and "'Power User'" in err[0] and "column role" in err[0]
    assert "role_map" in err[0], "the sentence says what to do"
    executed = project / "reports" / "2026-H2" / "executed" / "prepare_wave.ipynb"
    assert "stopped in prepare_wave.ipynb, cell" in err[1]
    assert "is reports/2026-H2/executed/prepare_wave.ipynb" in err[1] and executed.is_file()
    assert not (project / "reports" / "2026-H2" / "deck.html").exists()


def test_failed_gate_publishes_nothing(project):
    """A wave that fails the checks stops before the report: the last good deck and
    follow-up files stay as they were."""
    assert nps_wave("run", "params/2026-H2.yaml", cwd=project).returncode == 0
    before = _wave_outputs(project)
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text() + "max_rejected_share: 0.0\n")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("nps-wave: wave 2026-H2 stopped by the data-quality gate")
    assert "rejected" in proc.stderr
    assert _wave_outputs(project) == before, "nothing published"


def test_params_error_exit_2(project):
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text() + "colour: blue\n")
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 2
    assert "'colour' is not a known parameter" in proc.stderr and "Traceback" not in proc.stderr


def test_check_reads_an_export_without_params(small_project):
    from nps_helpers.io.exports import read_qualtrics

    raw = small_project / "data" / "raw" / "2026-H2"
    export = raw / "survey_export.csv"
    proc = nps_wave(
        "check", str(export), "--accounts", str(raw / "accounts.csv"), "--json", cwd=raw
    )
    assert proc.returncode == 0, proc.stderr
    facts = json.loads(proc.stdout)
    assert facts["format"] == "qualtrics" and facts["delimiter"] == ","
    assert (facts["score_column"], facts["comment_column"]) == ("Q1", "Q2")
    assert facts["rows_in"] == len(read_qualtrics(export).data)
    assert facts["rows_kept"] + facts["rows_rejected"] == facts["rows_in"]
    assert sum(facts["rejected_by_reason"].values()) == facts["rows_rejected"]
    assert facts["n"] == facts["rows_kept"] and -100 <= facts["nps"] <= 100
    text = nps_wave("check", str(export), cwd=raw)
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Format:   qualtrics (encoding ")
    assert f"Rows in:  {facts['rows_in']:,}" in text.stdout
    assert "NPS of the kept rows: " in text.stdout
    bad = nps_wave("check", str(export), "--map", "scor=Q1", cwd=raw)
    assert bad.returncode == 2 and "unknown field(s) scor" in bad.stderr


def test_plan_proposes_the_next_waves_invitations(wave_run):
    root, _ = wave_run
    proc = nps_wave(
        "plan", "2027-H1", "--start", "2027-04-01", "--end", "2027-04-30", "--root", ".", cwd=root
    )
    assert proc.returncode == 0, proc.stderr
    out = root / "reports" / "plan" / "2027-H1"
    plan = pd.read_csv(out / "invitation_plan.csv")
    gaps = pd.read_csv(out / "key_account_gaps.csv")
    invited = plan[plan["invite"]]
    latest = pd.read_csv(root / "data" / "raw" / "2026-H2" / "invitations.csv")
    assert len(plan) == latest["contact_id"].nunique()
    assert f"invite {len(invited):,} of {len(plan):,} contacts in 4 slices" in proc.stdout
    assert set(invited["slice"]) == {1, 2, 3, 4}
    assert invited["send_on"].between("2027-04-01", "2027-04-30").all()
    assert f"lacking an invitable decision-maker or user: {len(gaps)}" in proc.stdout
    assert proc.stdout.strip().endswith("Plan: reports/plan/2027-H1/invitation_plan.csv")
    backwards = nps_wave(
        "plan", "2027-H1", "--start", "2027-04-30", "--end", "2027-04-01", cwd=root
    )
    assert backwards.returncode == 2 and "is before --start" in backwards.stderr


def test_run_and_plan_with_a_minimal_invitation_list_and_crm_tiers(project):
    """Issue 21: the README's minimal invitation list (contact_id, account_id, bounced)
    and CRM tiers ("Key Account") mapped by tier_map: the report ran into KeyError 'role',
    plan into a traceback (KeyError 'invited_at'), the coverage card read "0 of 0" and
    plan saw no key account. Now both run, and tier_map holds after cleaning."""
    labels = {"small": "Small Business", "key": "Key Account", "premium": "Premium Partner"}
    tier_map = "tier_map: {" + ", ".join(f"'{v}': {k}" for k, v in labels.items()) + "}"
    for wave in ("2026-H1", "2026-H2"):
        raw = project / "data" / "raw" / wave
        inv = pd.read_csv(raw / "invitations.csv", dtype=str, keep_default_na=False)
        inv[["contact_id", "account_id", "bounced"]].to_csv(raw / "invitations.csv", index=False)
        acc = pd.read_csv(raw / "accounts.csv", dtype=str, keep_default_na=False)
        acc.assign(tier=acc["tier"].map(labels)).to_csv(raw / "accounts.csv", index=False)
        params = project / "params" / f"{wave}.yaml"
        params.write_text(params.read_text().replace("tier_map: {}", tier_map))
    proc = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert proc.returncode == 0, proc.stderr
    raw = project / "data" / "raw" / "2026-H2"
    acc = pd.read_csv(raw / "accounts.csv")
    invited = acc[acc["account_id"].isin(pd.read_csv(raw / "invitations.csv")["account_id"])]
    n_key = int(invited["tier"].isin(["Key Account", "Premium Partner"]).sum())
    assert n_key > 0
    deck = (project / "reports" / "2026-H2" / "deck.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", deck).split())
    card = re.search(r"Key accounts with a decision-maker's voice \S+ (\d+) of (\d+)", text)
    assert card and int(card.group(2)) == n_key and 0 < int(card.group(1)) <= n_key
    assert "The invitation list has no role column" in text
    followup = project / "reports" / "2026-H2" / "followup"
    reminders = pd.read_csv(followup / "reminders.csv")
    assert list(reminders.columns) == [
        "Account owner",
        "Account ID",
        "Account",
        "Tier",
        "Contact ID",
    ]
    assert set(reminders["Tier"]) <= {"small", "key", "premium"}
    plan = nps_wave("plan", "2027-H1", "--start", "2027-04-01", "--end", "2027-04-30", cwd=project)
    assert plan.returncode == 0 and "Traceback" not in plan.stderr, plan.stderr
    gaps = pd.read_csv(project / "reports" / "plan" / "2027-H1" / "key_account_gaps.csv")
    key_accounts = acc.loc[acc["tier"].isin(["Key Account", "Premium Partner"]), "account_id"]
    assert set(gaps["account_id"]) == set(key_accounts) & set(invited["account_id"])
    assert set(gaps["tier"]) == {"key", "premium"} and len(gaps) == 2 * gaps["account_id"].nunique()
    assert f"lacking an invitable decision-maker or user: {len(gaps)}" in plan.stdout
    assert "no role column" in plan.stdout


@pytest.mark.browser
def test_pdf_prints_one_page_per_slide(wave_run):
    root, _ = wave_run
    proc = nps_wave("pdf", "2026-H2", "--root", ".", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "PDF: reports/2026-H2/deck.pdf"
    pdf = (root / "reports" / "2026-H2" / "deck.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == len(DEMO_SLIDES)
    missing = nps_wave("pdf", "2030-H1", "--root", ".", cwd=root)
    assert missing.returncode == 1 and "no deck; run the wave first" in missing.stderr


def test_demo_runs_both_demo_waves(project):
    """On a project that has the demo data (a small one here), ``nps-wave demo`` runs
    both waves in order and lists their decks."""
    proc = nps_wave("demo", "--root", ".", cwd=project)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Making the synthetic demo data" not in out, "the small demo data is used"
    assert out.index("== wave 2026-H1") < out.index("== wave 2026-H2") < out.index("Decks:")
    assert out.count("[3/3] deck written") == 2
    decks = out.split("Decks:")[1].split()
    assert decks == ["reports/2026-H1/deck.html", "reports/2026-H2/deck.html"]
    for deck in decks:
        html = (project / deck).read_text(encoding="utf-8")
        assert '<section class="slide"' in html and 'id="headline"' in html


def test_demo_data_and_list(tmp_path):
    proc = nps_wave("demo-data", "--root", str(tmp_path), "--accounts", "30", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "synthetic" in proc.stdout
    assert (tmp_path / "data" / "raw" / "2026-H2" / "survey_export.csv").is_file()
    again = nps_wave("demo-data", "--root", str(tmp_path), cwd=tmp_path)
    assert "already" in again.stdout
    # the demo's params (and the codebook they name) come with the data, so the waves
    # can be run at once; none has been run yet
    assert {p.name for p in (tmp_path / "params").iterdir()} == {
        "2026-H1.yaml",
        "2026-H2.yaml",
        "codebook.yaml",
    }
    listed = nps_wave("list", "--root", str(tmp_path), cwd=tmp_path)
    assert listed.stdout.count("processed: no") == 2 and "deck: no" in listed.stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No wave params" in nps_wave("list", "--root", str(empty), cwd=empty).stdout


def _deck_browser():
    """The deck's browser walk (tests/deck/test_deck_browser.py), loaded by its path:
    this folder is not on sys.path when that file was not collected first."""
    path = REPO / "tests" / "deck" / "test_deck_browser.py"
    spec = importlib.util.spec_from_file_location("deck_browser_walk", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.browser
def test_demo_deck_in_a_real_browser(wave_run):
    """Every slide, every chart drawn, no console error, no other host, arrow keys work;
    a screenshot of each slide goes to test-output/screenshots/demo-2026-H2/."""
    deck_browser = _deck_browser()
    root, _ = wave_run
    got = deck_browser.walk_deck(
        root / "reports" / "2026-H2" / "deck.html", deck_browser.SHOTS / "demo-2026-H2"
    )
    assert not got["errors"], got["errors"]
    assert not got["outside"], f"requests to other hosts: {got['outside']}"
    assert got["slides"] >= 20 and len(set(got["ids"])) == got["slides"]
    assert got["ids"] == DEMO_SLIDES, "every slide named, in the story's order"
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
    assert "E-mail" not in calls.columns, "e-mails only when params say so"
    assert calls["Contact"].notna().all(), "the contact's name beside the id"
    owners = sorted((out / "owners").glob("*.xlsx"))
    assert len(owners) == responses["owner"].nunique()
    sheet = pd.read_excel(owners[0], sheet_name="detractor_calls")
    assert sheet["Account owner"].nunique() <= 1, "each owner gets only their accounts"
    html = (root / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    assert "Detractors to call" in html


def test_drilldown_notebook_executes(wave_run, tmp_path):
    import papermill as pm

    from nps_helpers.run.kernel import ensure_kernel

    root, _ = wave_run
    out = tmp_path / "drilldown.ipynb"
    pm.execute_notebook(
        str(REPO / "notebooks" / "drilldown.ipynb"),
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


# ------------------------------------------------------------ nps-wave init (issue 21)
def _role_line(params_text: str, label: str) -> str:
    """The params line that maps ``label``."""
    from nps_helpers.io.params_file import scalar

    key = f"  {scalar(label)}:"
    return next(line for line in params_text.splitlines() if line.startswith(key))


def test_init_then_run_with_accounts_and_invitations(project):
    """init on the demo's Qualtrics export, account master (its tiers relabelled as a
    CRM writes them) and invitation list, handed over from a folder outside the project:
    it copies them under data/raw/2026-H2/, writes params whose guesses are the demo's
    own role_map, and run makes the deck with no other step."""
    from nps_helpers.params import load_params

    labels = {"small": "Small Business", "key": "Key Account", "premium": "Premium Partner"}
    inbox = project.parent / "inbox"
    inbox.mkdir()
    raw = project / "data" / "raw" / "2026-H2"
    for name in ("survey_export.csv", "accounts.csv", "invitations.csv"):
        (raw / name).rename(inbox / name)
    acc = pd.read_csv(inbox / "accounts.csv", dtype=str, keep_default_na=False)
    acc.assign(tier=acc["tier"].map(labels)).to_csv(inbox / "accounts.csv", index=False)
    handed = {p.name: p.read_bytes() for p in inbox.iterdir()}
    hand_made = load_params(project / "params" / "2026-H2.yaml")
    (project / "params" / "2026-H2.yaml").unlink()
    proc = nps_wave(
        "init",
        str(inbox / "survey_export.csv"),
        "--wave",
        "2026-H2",
        "--accounts",
        str(inbox / "accounts.csv"),
        "--invitations",
        str(inbox / "invitations.csv"),
        cwd=project,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "params: params/2026-H2.yaml" in out and "Review (every line marked" in out
    assert "role_map: 6 role label(s) from export column 'role' and the invitation list" in out
    assert "tier_map: 3 tier label(s) mapped by a guess" in out
    assert out.strip().endswith("Then: nps-wave run params/2026-H2.yaml")
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == handed, "raw files untouched"
    assert {p.name: p.read_bytes() for p in raw.iterdir() if p.suffix == ".csv"} == handed
    text = (project / "params" / "2026-H2.yaml").read_text()
    params = load_params(project / "params" / "2026-H2.yaml")
    assert params.role_map == hand_made.role_map
    assert params.tier_map == {v: k for k, v in labels.items()}
    assert "# review: keyword 'key'" in _role_line(text, "Key Account")
    assert "# review: keyword 'executive'" in _role_line(text, "Executive Sponsor")
    assert (params.field_start, params.field_end) == (hand_made.field_start, hand_made.field_end)
    assert params.previous_wave == "2026-H1" and params.company == hand_made.company
    assert params.columns.forced() == {k: v for k, v in hand_made.columns.forced().items()}
    assert params.columns.extra == {"product": "product", "job_function": "job_function"}
    assert params.segments == ["tier", "role", "industry", "region", "product", "job_function"]
    assert params.inputs.accounts.as_posix() == "data/raw/2026-H2/accounts.csv"
    again = nps_wave("init", str(inbox / "survey_export.csv"), "--wave", "2026-H2", cwd=project)
    assert again.returncode == 2 and "exists; it is kept (use --force" in again.stderr
    assert (project / "params" / "2026-H2.yaml").read_text() == text
    run = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert run.returncode == 0, run.stderr
    deck = (project / "reports" / "2026-H2" / "deck.html").read_text(encoding="utf-8")
    for slide in ("headline", "segment-tier", "segment-role", "segment-product", "key-accounts"):
        assert f'id="{slide}"' in deck


def _one_header_export(path: Path, n_roles: int = 57) -> dict[str, str]:
    """A Delighted-like export with one header row: a role column of ``n_roles`` labels,
    a Likert item, a yes/no answer, a 1-7 effort score, the comment, a plan column with 3
    values and a country column with 20. Returns the role each label should get."""

    sys.path.insert(0, str(REPO / "tests" / "prepare"))
    from test_proposal import ROLES_57

    roles = dict(list(ROLES_57.items())[:n_roles])
    labels = [label for label in roles for _ in range(2)]
    n = len(labels)
    countries = ["France", "Germany", "Spain", "Italy", "Japan", "Brazil", "Canada", "India"]
    countries += ["Mexico", "Chile", "Peru", "Kenya", "Egypt", "Norway", "Sweden", "Poland"]
    countries += ["Greece", "Ireland", "Austria", "Portugal"]
    likert = ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"]
    frame = pd.DataFrame(
        {
            "Response ID": [f"r{i:04d}" for i in range(n)],
            "Date": [f"2027-03-{1 + i % 25:02d} 09:{i % 60:02d}" for i in range(n)],
            "How likely are you to recommend Acme Analytics to a colleague?": [
                str((i * 7) % 11) for i in range(n)
            ],
            "What is the main reason for your score?": [
                f"The reporting module number {i} saves our team hours every week" for i in range(n)
            ],
            "Role": labels,
            "Overall, how satisfied are you with support?": [likert[i % 5] for i in range(n)],
            "Would you renew?": [("Yes", "No")[i % 2] for i in range(n)],
            "Effort score (1-7)": [str(1 + i % 7) for i in range(n)],
            "Plan": [("Starter", "Team", "Enterprise")[i % 3] for i in range(n)],
            "Country": [countries[i % 20] for i in range(n)],
        }
    )
    frame.to_csv(path, index=False)
    return roles


def test_init_on_a_one_header_export_in_an_empty_folder(tmp_path):
    """57 role labels, each mapped by a guess marked for review; plan is the one
    segment besides the role (not the Likert item, the yes/no answer, the effort score,
    the comment or the 20 countries); the export is copied, the params load, and run
    makes the deck of this export-only wave."""
    from nps_helpers.params import load_params

    export = tmp_path / "survey.csv"
    roles = _one_header_export(export)
    folder = tmp_path / "empty"
    folder.mkdir()
    proc = nps_wave("init", str(export), "--wave", "2027-Q1", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "role_map: 57 role label(s) from export column 'Role' mapped by a guess, " in proc.stdout
    assert "2 with no guess (other)" in proc.stdout
    assert "field_start and field_end (2027-03-01 to 2027-03-25)" in proc.stdout
    target = folder / "params" / "2027-Q1.yaml"
    params = load_params(target)
    assert params.role_map == roles
    text = target.read_text()
    assert all("# review" in _role_line(text, label) for label in roles)
    assert "# review: no guess" in _role_line(text, "Intern")
    assert params.columns.extra == {"plan": "Plan"}
    assert params.segments == ["role", "plan"] and params.segment_pairs == []
    assert params.columns.score == "How likely are you to recommend Acme Analytics to a colleague?"
    assert params.columns.comment == "What is the main reason for your score?"
    assert params.company == "Acme Analytics" and params.inputs.accounts is None
    assert (folder / "data" / "raw" / "2027-Q1" / "survey.csv").read_bytes() == export.read_bytes()
    for column, why in (
        ("Overall, how satisfied are you with support?", "a Likert scale"),
        ("Would you renew?", "yes/no answers"),
        ("Effort score (1-7)", "numbers"),
    ):
        assert f"#   {column}: {why}" in text
    assert "accounts:" not in text and "tier_map: {}" in text
    run = nps_wave("run", "params/2027-Q1.yaml", cwd=folder)
    assert run.returncode == 0, run.stderr
    deck = (folder / "reports" / "2027-Q1" / "deck.html").read_text(encoding="utf-8")
    assert 'id="segment-role"' in deck and 'id="segment-plan"' in deck


def test_init_then_run_an_export_only_wave(project):
    """No account master: init writes no accounts, and run makes the deck."""
    (project / "params" / "2026-H2.yaml").unlink()
    proc = nps_wave("init", "data/raw/2026-H2/survey_export.csv", "--wave", "2026-H2", cwd=project)
    assert proc.returncode == 0, proc.stderr
    text = (project / "params" / "2026-H2.yaml").read_text()
    assert "accounts:" not in text and "segments: [role, product, job_function]" in text
    run = nps_wave("run", "params/2026-H2.yaml", cwd=project)
    assert run.returncode == 0, run.stderr
    assert (project / "reports" / "2026-H2" / "deck.html").is_file()


# ------------------------------------------------------------ export-only waves (issue 21)
PLANS = ("Starter", "Pro", "Enterprise")
SIZES = ("1-10", "11-50", "51-200")
PRAISE = ("the support team answers within the hour", "onboarding was quick and clear")
COMPLAINTS = ("too many bugs in the mobile app", "the price went up again")


def _export_only_project(root: Path, dates: bool = False, company: bool = False) -> Path:
    """A project of one one-header export (score, comment, plan, company size; no ids)
    and a params file naming only inputs.export among the inputs."""
    (root / "params").mkdir(parents=True)
    (root / "data").mkdir()
    rows = []
    for i in range(40):
        score = (i * 7) % 11
        said = (PRAISE if score >= 9 else COMPLAINTS)[i % 2]
        row = {
            "Score": score,
            "Comment": f"{said}, week {i}",
            "Plan": PLANS[i % 3],
            "Company size": SIZES[i % 3],
        }
        if dates:
            row["Submitted At"] = f"2026-10-{1 + i % 28:02d} 09:30"
        if company:
            row["Company"] = f"Client {i % 4}"
        rows.append(row)
    pd.DataFrame(rows).to_csv(root / "data" / "export.csv", index=False)
    columns = {"extra": {"plan": "Plan", "company_size": "Company size"}}
    if company:
        columns["account_id"] = "Company"
    params = {
        "wave_id": "2026-Q4",
        "company": "Northwind",
        "field_start": "2026-10-01",
        "field_end": "2026-10-31",
        "inputs": {"export": "data/export.csv"},
        "columns": columns,
        "segments": ["plan", "company_size", "tier", "role"],
    }
    import yaml

    (root / "params" / "2026-Q4.yaml").write_text(yaml.safe_dump(params))
    return root


def _slides(deck: str) -> dict[str, str]:
    """Each slide's plain text by its id."""
    out = {}
    for sid, body in re.findall(
        r'<section class="slide"[^>]*id="([^"]*)"[^>]*>(.*?)</section>', deck, re.S
    ):
        body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
        out[sid] = " ".join(re.sub(r"<[^>]+>", " ", body).replace("&#x27;", "'").split())
    return out


def _run_in_process(root: Path, monkeypatch) -> dict[str, str]:
    from nps_helpers.run.cli import main

    monkeypatch.chdir(root)
    assert main(["run", "params/2026-Q4.yaml"]) == 0
    return _slides((root / "reports" / "2026-Q4" / "deck.html").read_text(encoding="utf-8"))


MASTER_LINE = "needs the account master (inputs.accounts): add it to the wave's params to see it."


def _assert_export_only_deck(slides: dict[str, str]) -> None:
    assert "Traceback" not in " ".join(slides.values())
    assert "NPS by plan" in slides["segment-plan"] and "Enterprise" in slides["segment-plan"]
    assert "segment-company-size" in slides
    assert slides["segment-tier"] == f"NPS by tier {MASTER_LINE}"
    assert f"NPS by tier and role together {MASTER_LINE}" in slides["cross-tier-role"]
    assert f"The table of revenue at risk and renewals {MASTER_LINE}" in slides["revenue-at-risk"]
    assert f"The revenue-weighted NPS {MASTER_LINE}" in slides["headline"]
    assert "The response rate needs the invitation list (inputs.invitations)" in slides["headline"]
    assert slides["coverage"].endswith(
        "No invitation list was given (inputs.invitations), so the response rate is unknown."
    )
    assert f"Detractors to call by account owner {MASTER_LINE}" in slides["closing-the-loop"]
    assert "The account check was skipped: no account master" in slides["data-quality"]
    assert "did not apply to this wave" in slides["checks"]
    assert "no account master was given (inputs.accounts)" in slides["checks"]


def test_export_only_wave_without_dates_runs_end_to_end(tmp_path, monkeypatch):
    root = _export_only_project(tmp_path / "p")
    slides = _run_in_process(root, monkeypatch)
    _assert_export_only_deck(slides)
    assert "n = 40" in slides["headline"]
    assert "The field-window check was skipped" in slides["data-quality"]
    assert "the export has no response date column" in slides["checks"]
    assert "columns: account_id" in slides["key-accounts"]
    calls = pd.read_csv(root / "reports" / "2026-Q4" / "followup" / "detractor_calls.csv")
    assert list(calls.columns[:2]) == ["Priority", "Respondent ID"]
    assert {"Plan", "Company size"} <= set(calls.columns) and "Account ID" not in calls.columns
    assert not (root / "reports" / "2026-Q4" / "followup" / "owners").exists() or not list(
        (root / "reports" / "2026-Q4" / "followup" / "owners").iterdir()
    )


def test_export_only_wave_with_dates_checks_the_field_window(tmp_path, monkeypatch):
    root = _export_only_project(tmp_path / "p", dates=True)
    slides = _run_in_process(root, monkeypatch)
    _assert_export_only_deck(slides)
    assert "field-window check was skipped" not in slides["data-quality"]
    assert "dated within the field period" in slides["checks"].split("did not apply")[0]


def test_export_only_wave_with_an_account_name_column(tmp_path, monkeypatch):
    root = _export_only_project(tmp_path / "p", company=True)
    slides = _run_in_process(root, monkeypatch)
    _assert_export_only_deck(slides)
    accounts = slides["key-accounts"]
    assert f"Key accounts by tier {MASTER_LINE}" in accounts
    assert "The 4 accounts with most respondents, as the export names them" in accounts
    assert "Client 0 10" in accounts
    calls = pd.read_csv(root / "reports" / "2026-Q4" / "followup" / "detractor_calls.csv")
    assert calls["Account ID"].str.startswith("Client ").all()


def test_check_says_whether_run_would_accept_the_export(tmp_path, capsys):
    from nps_helpers.run.cli import main

    root = _export_only_project(tmp_path / "p")
    export = root / "data" / "export.csv"
    assert main(["check", str(export)]) == 0
    out = capsys.readouterr().out
    assert "Run:      would accept this file as it is" in out
    assert "missing: no response date column: the field-window check is skipped" in out
    assert "missing: no account master (inputs.accounts)" in out
    bare = root / "data" / "no_score.csv"
    pd.read_csv(export).drop(columns="Score").to_csv(bare, index=False)
    assert main(["check", str(bare)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"nps-wave: {bare}: no NPS score column found")
    assert "(columns: score)" in err and err.endswith("run would refuse this file as it is.")
    assert err.count("\n") == 0, "one sentence"
    few = root / "data" / "few.csv"
    pd.read_csv(export).head(10).to_csv(few, index=False)
    assert main(["check", str(few)]) == 0
    out = capsys.readouterr().out
    assert "Run:      would refuse this file as it is:" in out
    assert f"{few}: only 10 row(s) are kept and run needs at least 30 (min_responses)" in out


def test_plan_without_an_account_master_says_what_it_needs(project):
    params = project / "params" / "2026-H2.yaml"
    text = params.read_text(encoding="utf-8")
    params.write_text(
        "\n".join(line for line in text.splitlines() if not line.strip().startswith("accounts:"))
        + "\n",
        encoding="utf-8",
    )
    proc = nps_wave(
        "plan",
        "2027-H1",
        "--start",
        "2027-04-01",
        "--end",
        "2027-04-30",
        "--root",
        ".",
        cwd=project,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "\n\n" not in proc.stderr.strip(), "one paragraph"
    first = proc.stderr.splitlines()[0]
    assert "wave 2026-H2" in first and "inputs.accounts" in first
