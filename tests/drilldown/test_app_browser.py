"""The drill-down notebook in a real JupyterLab, driven by Playwright with Debian's
chromium: run all cells, change the dimension and a role filter, read the outputs."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, REPO, SCREENSHOTS, make_project
from nps_helpers import wave
from nps_helpers.params import load_params
from nps_helpers.prepare import clean

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SHOTS = SCREENSHOTS / "drilldown"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("lab"))
    for wave_id in ("2026-H1", "2026-H2"):
        p = load_params(root / "params" / f"{wave_id}.yaml")
        raw, accounts, invitations = wave.read_inputs(p)
        res = clean.clean_responses(raw, accounts, p, invitations)
        wave.store_wave(p, res.responses, res.rejected, res.quality, accounts, invitations)
        wave.theme_wave(p, res.responses)
    (root / "notebooks").mkdir()
    nb = json.loads((REPO / "notebooks" / "drilldown.ipynb").read_text())
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = f'params_path = "{root / "params" / "2026-H2.yaml"}"'
    (root / "notebooks" / "drilldown.ipynb").write_text(json.dumps(nb))
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    env = {k: v for k, v in env.items() if not k.startswith("PYTEST")}
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    log = open(home / "lab.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            jupyter,
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError((home / "lab.log").read_text()[-2000:]) from None
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(home / "runtime", ignore_errors=True)


def test_drilldown_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright

    url, token = lab
    assert Path(CHROMIUM).is_file(), "Debian's chromium is needed: apt-get install chromium"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/notebooks/drilldown.ipynb?token={token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-KernelStatus",
                timeout=60_000,
            )
            dialog = page.locator(".jp-Dialog button:has-text('Select')")
            try:  # JupyterLab may ask which kernel to start: the notebook's own
                dialog.wait_for(timeout=5_000)
                dialog.click()
            except Exception:  # noqa: BLE001 - no dialog this time
                pass
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            summary = page.locator(".widget-html:has-text('responses selected')").first
            try:
                summary.wait_for(timeout=120_000)
            finally:
                page.screenshot(path=str(SHOTS / "0-after-run-all.png"), full_page=True)
            # the segment table (the climbers and fallers table sits above it)
            segments = "table.nps-table:has(th:has-text('95% interval'))"
            table = page.locator(f".widget-html:has({segments})").first
            assert "premium" in table.inner_text()
            page.screenshot(path=str(SHOTS / "1-opened.png"), full_page=True)

            page.locator(".widget-dropdown:has(label:text-is('Break down')) select").select_option(
                "role"
            )
            page.wait_for_function(
                "[...document.querySelectorAll('.widget-html table.nps-table')]"
                ".some(t => t.innerText.includes('decision maker'))",
                timeout=30_000,
            )
            chart = page.locator(".jp-OutputArea-output .js-plotly-plot").first
            chart.wait_for(timeout=30_000)
            page.wait_for_function(
                "[...document.querySelectorAll('.js-plotly-plot .xtick text')]"
                ".some(t => t.textContent === 'decision maker')",
                timeout=30_000,
            )
            before = summary.inner_text()

            page.locator(".widget-select-multiple:has(label:text-is('Role')) select").select_option(
                "user"
            )
            page.wait_for_function(
                "(prev) => { const s = [...document.querySelectorAll('.widget-html')]"
                ".find(e => e.innerText.includes('responses selected'));"
                " return s && s.innerText !== prev; }",
                arg=before,
                timeout=30_000,
            )
            page.wait_for_function(
                "(() => { const ticks = [...document.querySelectorAll("
                "'.js-plotly-plot .xtick text')].map(t => t.textContent);"
                " return ticks.includes('user') && !ticks.includes('decision maker'); })()",
                timeout=30_000,
            )
            rows = page.locator(f".widget-html {segments}").first.inner_text()
            assert "user" in rows and "decision maker" not in rows
            page.screenshot(path=str(SHOTS / "2-role-user.png"), full_page=True)
        finally:
            browser.close()
