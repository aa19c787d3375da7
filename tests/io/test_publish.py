"""A wave written as one unit (io.publish): the lock, the staging folder, the journal,
recovery of a killed run's leftovers, provenance."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.io import history, processed, publish
from nps_helpers.params import load_params


@pytest.fixture
def params(project):
    return load_params(project / "params" / "2026-H1.yaml")


def test_a_second_holder_waits_then_gets_one_sentence(params):
    with publish.wave_lock(params):
        holder = json.loads(publish.lock_path(params).read_text())
        assert holder["pid"] == os.getpid()
        with pytest.raises(NpsWorkbookError) as err, publish.wave_lock(params, wait=0.3):
            pass
    message = str(err.value)
    assert message.startswith(f"wave 2026-H1 is being run by process {os.getpid()} since ")
    assert message.count(". ") == 0 and "\n" not in message, "one sentence"
    with publish.wave_lock(params, wait=0):  # released
        pass


def test_a_lock_left_by_a_dead_process_is_taken_at_once(params):
    path = publish.lock_path(params)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": 999999, "since": "yesterday"}))  # nobody holds it
    with publish.wave_lock(params, wait=0):
        assert json.loads(path.read_text())["pid"] == os.getpid()


def _staged_wave(params, n=5):
    stage = publish.new_stage(params)
    frame = pd.DataFrame({"response_id": [f"r{i}" for i in range(n)], "score": [9] * n})
    frame.to_parquet(stage / "processed" / "responses.parquet")
    entry = history.manifest_entry(frame, params.field_start, params.field_end)
    history.stage_partition(frame, stage / "history", entry)
    (stage / "reports" / "followup").mkdir()
    (stage / "reports" / "followup" / "list.csv").write_text(f"n\n{n}\n")
    (stage / "reports" / "deck.html").write_text(f"deck {n}")
    return stage


def test_publish_moves_everything_and_leaves_nothing(params):
    publish.publish(params, _staged_wave(params, 5))
    stage = _staged_wave(params, 7)
    publish.publish(params, stage)
    assert len(pd.read_parquet(params.processed_dir / "responses.parquet")) == 7
    assert history.read_manifest(params.history_dir)["2026-H1"]["responses"] == 7
    assert len(history.read_history(params.history_dir)) == 7
    assert (params.reports_dir / "deck.html").read_text() == "deck 7"
    assert (params.reports_dir / "followup" / "list.csv").read_text() == "n\n7\n"
    assert not (params.root / publish.STAGING).exists()
    assert not (params.history_dir / "wave_id=2026-H1" / "entry.json").exists()


@pytest.mark.parametrize("point", ["history", "lists"])
def test_a_publication_cut_short_is_finished_by_the_next_run(params, monkeypatch, point):
    publish.publish(params, _staged_wave(params, 5))

    class Killed(BaseException):
        pass

    def kill(name, children=()):
        if name == point:
            raise Killed

    monkeypatch.setattr(publish, "kill_point", kill)
    with pytest.raises(Killed):
        publish.publish(params, _staged_wave(params, 7))
    monkeypatch.undo()
    lines = []
    publish.recover(params, lines.append)
    assert len(lines) == 1 and lines[0].startswith("recovered: finished publishing run")
    assert len(pd.read_parquet(params.processed_dir / "responses.parquet")) == 7
    assert history.read_manifest(params.history_dir)["2026-H1"]["responses"] == 7
    assert (params.reports_dir / "deck.html").read_text() == "deck 7"
    assert not (params.root / publish.STAGING).exists()


def test_recover_removes_unfinished_runs_and_leftovers(params):
    publish.publish(params, _staged_wave(params, 5))
    before = (params.reports_dir / "deck.html").read_text()
    _staged_wave(params, 9)  # killed before its journal
    (params.history_dir / ".staging-2026-H1-abc").mkdir()
    (params.history_dir / ".waves.json.x1.tmp").write_text("{")
    (params.processed_dir / ".responses.parquet.x2.tmp").write_text("")
    (params.reports_dir / "followup" / ".list.csv.x3.tmp").write_text("")
    lines = []
    publish.recover(params, lines.append)
    assert lines[0].startswith("removed: the unfinished run ")
    assert len(lines) == 5 and all(line.startswith("removed: ") for line in lines)
    assert not (params.root / publish.STAGING).exists()
    assert not list(params.root.rglob("*.tmp"))
    assert not list(params.history_dir.glob(".*"))
    assert (params.reports_dir / "deck.html").read_text() == before
    lines.clear()
    publish.recover(params, lines.append)
    assert lines == [], "nothing left to say"


def test_the_notebooks_write_into_the_stage_named_in_the_environment(params, monkeypatch):
    stage = publish.new_stage(params)
    assert publish.active_stage(params) is None
    monkeypatch.setenv(publish.STAGE_ENV, str(stage))
    assert publish.active_stage(params) == stage
    assert processed.wave_dir(params) == stage / "processed"
    assert processed.wave_dir(params, "2026-H0") == params.processed_dir.parent / "2026-H0"
    assert publish.reports_dir(params) == stage / "reports"
    other = load_params(params.root / "params" / "2026-H2.yaml")
    assert publish.active_stage(other) is None, "another wave's stage is not this one's"


def test_provenance_digests_every_input_and_keeps_the_time_of_unchanged_inputs(params):
    params_file = params.root / "params" / "2026-H1.yaml"
    made = publish.provenance(params, params_file)
    assert set(made["inputs"]) == {"export", "accounts", "invitations", "params", "codebook"}
    export = made["inputs"]["export"]
    assert export["path"] == "data/raw/2026-H1/survey_export.csv"
    assert export["blake2b"] == publish.digest(params.root / export["path"])
    assert len(export["blake2b"]) == 64 and made["version"]
    stage = _staged_wave(params)
    publish.write_run(params, stage, {**made, "made_at": "2026-05-01T09:00:00+00:00"})
    publish.publish(params, stage)
    assert publish.provenance(params, params_file)["made_at"] == "2026-05-01T09:00:00+00:00"
    status = publish.wave_status(params, params_file)
    assert status["deck"] and status["changed"] == []
    (params.root / "data" / "raw" / "2026-H1" / "accounts.csv").write_text("changed\n")
    again = publish.provenance(params, params_file)
    assert again["made_at"] != "2026-05-01T09:00:00+00:00"
    assert again["inputs_digest"] != made["inputs_digest"]
    assert publish.wave_status(params, params_file)["changed"] == ["data/raw/2026-H1/accounts.csv"]
    run = json.loads((params.reports_dir / "run.json").read_text())
    assert run["outputs"]["reports/2026-H1/deck.html"] == publish.digest(
        params.reports_dir / "deck.html"
    )
