"""Issue 23, written as the attacks were: a run killed at five points, two runs of one
wave at once, a CRM file changed between the notebooks. Real runs of ``nps-wave run``
(Papermill, Great Expectations, nbconvert) on small projects; the kill and pause points
are the test hooks of :mod:`nps_helpers.io.publish` (``NPS_WAVE_KILL_AT``,
``NPS_WAVE_PAUSE_AT``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.e2e
NPS_WAVE = str(Path(sys.executable).with_name("nps-wave"))
WAVE = "2026-H1"


def _env(**extra: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NPS_WAVE"))} | extra


def nps_wave(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NPS_WAVE, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=_env(**extra)
    )


def start(*args: str, cwd: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [NPS_WAVE, *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**extra),
    )


def wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached the pause point"
        time.sleep(0.05)


def blake2b(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=32).hexdigest()


def outputs(root: Path) -> dict[str, bytes]:
    """Every published file of the wave (processed, history, reports), by path."""
    folders = [
        root / "data" / "processed" / WAVE,
        root / "data" / "processed" / "history",
        root / "reports" / WAVE,
    ]
    return {
        str(p.relative_to(root)): p.read_bytes()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "kernel.log"
    }


def assert_consistent(root: Path) -> dict:
    """The published wave is one run's: counts add up, the history holds the wave once,
    every file is the one that run recorded, and nothing of another run is left."""
    processed = root / "data" / "processed" / WAVE
    reports = root / "reports" / WAVE
    quality = json.loads((processed / "quality.json").read_text())
    responses = pd.read_parquet(processed / "responses.parquet")
    rejected = pd.read_csv(processed / "rejected.csv")
    assert quality["kept"] == len(responses) and quality["rejected"] == len(rejected)
    assert quality["rows_in"] == len(responses) + len(rejected)
    history = root / "data" / "processed" / "history"
    manifest_text = (history / "waves.json").read_text()
    assert manifest_text.count(f'"{WAVE}"') == 1
    assert json.loads(manifest_text)[WAVE]["responses"] == len(responses)
    part = pd.read_parquet(history / f"wave_id={WAVE}" / "part-0.parquet")
    assert len(part) == len(responses)
    assert set(part["response_id"]) == set(responses["response_id"])
    run = json.loads((reports / "run.json").read_text())
    listed = set(run["outputs"])
    on_disk = {
        str(p.relative_to(root))
        for folder in (processed, reports / "followup", history / f"wave_id={WAVE}")
        for p in folder.rglob("*")
        if p.is_file()
    } | {f"reports/{WAVE}/deck.html"}
    assert on_disk <= listed, "a file no run recorded"
    for rel, digest in run["outputs"].items():
        if "/executed/" not in rel:
            assert blake2b(root / rel) == digest, f"{rel} is not the run's"
    assert quality["provenance"]["inputs_digest"] == run["inputs_digest"]
    deck = (reports / "deck.html").read_text()
    assert run["inputs_digest"] in deck and run["made_at"] in deck
    assert not (root / ".nps-staging").exists()
    leftovers = [
        p for p in (root / "data").rglob("*") if p.name.startswith((".staging", ".retired"))
    ]
    assert leftovers + list(root.rglob("*.tmp")) == []
    return run


@pytest.fixture(scope="module")
def done(tmp_path_factory) -> Path:
    """A project whose wave was run once: the old complete wave."""
    from conftest import make_project

    root = make_project(tmp_path_factory.mktemp("kills"))
    proc = nps_wave("run", f"params/{WAVE}.yaml", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root


def _copy(done: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(done, root)
    return root


#: kill point -> whether the old wave is still published, untouched, after the kill
#: (before the journal) or the next run finishes publishing the killed run (after it)
KILLS = {
    "prepare": "old",
    "between": "old",
    "history": "journal",
    "render": "old",
    "lists": "journal",
}


@pytest.mark.parametrize("point", list(KILLS))
def test_a_run_killed_at_any_point_then_run_again_leaves_one_consistent_wave(done, tmp_path, point):
    root = _copy(done, tmp_path)
    before = outputs(root)
    # the killed run works on a changed export, so old and new waves differ
    export = root / "data" / "raw" / WAVE / "survey_export.csv"
    lines = export.read_text().splitlines(keepends=True)
    export.write_text("".join(lines[:-5]))
    killed = nps_wave("run", f"params/{WAVE}.yaml", cwd=root, NPS_WAVE_KILL_AT=point)
    assert killed.returncode in (137, -9), (killed.returncode, killed.stderr)
    assert "deck written" not in killed.stdout
    if KILLS[point] == "old":
        assert outputs(root) == before, "the old wave is published as it was"
    else:
        assert list((root / ".nps-staging" / WAVE).glob("*/commit.json")), "a journal"
    again = nps_wave("run", f"params/{WAVE}.yaml", cwd=root)
    assert again.returncode == 0, again.stderr
    said = [line for line in again.stdout.splitlines() if line.startswith(("recovered", "removed"))]
    expected = "recovered: finished publishing run" if KILLS[point] == "journal" else "removed:"
    assert said and said[0].startswith(expected), again.stdout
    run = assert_consistent(root)
    assert run["inputs"]["export"]["blake2b"] == blake2b(export), "the rerun's inputs"
    assert run["run_id"] not in killed.stdout


def test_two_runs_of_one_wave_at_once(done, tmp_path):
    """The second run waits for the first; past its wait it exits with one sentence.
    One that waits long enough runs after the first; the wave is consistent."""
    root = _copy(done, tmp_path)
    marker = tmp_path / "paused"
    first = start("run", f"params/{WAVE}.yaml", cwd=root, NPS_WAVE_PAUSE_AT=f"between:{marker}")
    wait_for(marker, first)
    t0 = time.monotonic()
    refused = nps_wave("run", f"params/{WAVE}.yaml", cwd=root, NPS_WAVE_LOCK_WAIT="1")
    assert time.monotonic() - t0 < 30
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    err = refused.stderr.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"nps-wave: wave {WAVE} is being run by process {first.pid} since ")
    patient = start("run", f"params/{WAVE}.yaml", cwd=root, NPS_WAVE_LOCK_WAIT="300")
    time.sleep(1.0)
    marker.unlink()
    out1, err1 = first.communicate(timeout=300)
    out2, err2 = patient.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert patient.returncode == 0, err2
    assert_consistent(root)


def test_a_crm_file_changed_between_the_notebooks(done, tmp_path):
    """The report reads the snapshot prepare wrote, never the raw CRM file; the deck
    records the digest of the file prepare read, and ``nps-wave list`` says it changed."""
    root = _copy(done, tmp_path)
    accounts = root / "data" / "raw" / WAVE / "accounts.csv"
    read_by_prepare = blake2b(accounts)
    marker = tmp_path / "paused"
    proc = start("run", f"params/{WAVE}.yaml", cwd=root, NPS_WAVE_PAUSE_AT=f"between:{marker}")
    wait_for(marker, proc)
    frame = pd.read_csv(accounts)
    frame["account_name"] = "Zebulon Changed Holdings"
    frame["owner"] = "Quentin Changedowner"
    frame.to_csv(accounts, index=False)
    marker.unlink()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    run = assert_consistent(root)
    assert run["inputs"]["accounts"]["blake2b"] == read_by_prepare
    snapshot = pd.read_parquet(root / "data" / "processed" / WAVE / "accounts.parquet")
    assert "Zebulon Changed Holdings" not in set(snapshot["account_name"])
    deck = (root / "reports" / WAVE / "deck.html").read_text()
    assert "Zebulon" not in deck and "Changedowner" not in deck
    assert read_by_prepare[:12] in deck
    for path in (root / "reports" / WAVE / "followup").rglob("*.csv"):
        assert "Changedowner" not in path.read_text(), path
    listed = nps_wave("list", "--root", ".", cwd=root)
    line = next(x for x in listed.stdout.splitlines() if x.startswith(WAVE))
    assert f"inputs changed since: data/raw/{WAVE}/accounts.csv" in line
