"""Work started ahead in a forked child (nps_helpers.ahead): the Job plumbing, the
fingerprint of a wave, and the themes and follow-up lists of a small demo wave, which
must be exactly what the report computes serially."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import ahead, clean, followup, ingest, store, themes
from nps_helpers.errors import NpsWorkbookError, ParamsError
from nps_helpers.params import load_params

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="work is started ahead on Linux only"
)


@pytest.fixture(autouse=True)
def _ahead_on(monkeypatch):
    """Work ahead switched on whatever the environment says, and every wave's job
    stopped after each test (``ahead._JOBS`` is module state)."""
    monkeypatch.delenv("NPS_WORKBOOK_AHEAD", raising=False)
    yield
    for work in list(ahead._JOBS.values()):
        work.close()
    ahead._JOBS.clear()
    for job in list(ahead._COMMENTS.values()):
        job.close()
    ahead._COMMENTS.clear()
    for job in list(ahead._READS.values()):
        job.close()
    ahead._READS.clear()


def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def gone(pid: int) -> bool:
    """Whether ``pid`` has been reaped (no zombie left): it is no child of ours."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def parent_of(pid: int) -> int:
    """The parent process of ``pid`` from /proc, -1 if it does not run."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


# ------------------------------------------------------------------ work for the child
class ChildFailure(ValueError):
    pass


class Unpicklable(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.callback = lambda: None  # a lambda cannot be pickled


class TwoArguments(Exception):
    """Pickles, but cannot be unpickled: ``pickle`` calls ``cls(*args)`` with the one
    message argument ``super().__init__`` stored."""

    def __init__(self, what, why):
        super().__init__(f"{what}: {why}")


def _send_three(outbox):
    outbox.send("first", 1)
    outbox.send("second", {"b": [2, 3]})
    outbox.send("frame", pd.DataFrame({"x": [1.5, None]}, index=[4, 2]))


def _deep_in_the_child():
    raise ChildFailure("no such column")


def _explode(outbox):
    outbox.send("before", "sent")
    _deep_in_the_child()


def _explode_unpicklable(outbox):
    raise Unpicklable("holds a lambda")


def _explode_two_arguments(outbox):
    raise TwoArguments("codebook", "unreadable")


def _quit(outbox):
    os._exit(3)


def _sleep(outbox):
    outbox.send("started", True)
    time.sleep(60)


def _big_then_more(outbox, size):
    outbox.send("big", b"x" * size)
    outbox.send("after", "not blocked")


def _bad_kind(outbox):
    outbox.send("not-an-identifier", 1)


@pytest.fixture
def start_job(tmp_path):
    """Start ``work`` in a Job in a folder of ``tmp_path``; every job is closed after
    the test."""
    jobs = []

    def start(work, *args, name="test work"):
        job = ahead.Job(name, work, args, tmp_path / f"job{len(jobs)}")
        jobs.append(job)
        return job

    yield start
    for job in jobs:
        job.close()


# ------------------------------------------------------------------------------- Job
def test_values_arrive_in_any_order_and_twice(start_job):
    job = start_job(_send_three)
    assert job.folder.is_dir()
    frame = job.get("frame")
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"x": [1.5, None]}, index=[4, 2]))
    assert job.get("first") == 1
    assert job.get("second") == {"b": [2, 3]}
    assert job.get("first") == 1, "a value can be fetched again"
    pd.testing.assert_frame_equal(job.get("frame"), frame)
    wait_until(lambda: not job.running)
    assert job.exit_status == 0
    job.close()
    assert not job.folder.exists()
    assert gone(job.pid)


def test_child_exception_is_raised_in_the_parent_with_its_traceback(start_job):
    job = start_job(_explode, name="exploding work")
    assert job.get("before") == "sent"
    with pytest.raises(ChildFailure, match="no such column") as info:
        job.get("never sent")
    assert type(info.value) is ChildFailure
    note = "\n".join(info.value.__notes__)
    assert "background work 'exploding work'" in note
    assert "Traceback (most recent call last)" in note
    assert "_deep_in_the_child" in note and "ChildFailure: no such column" in note
    # close() may stop the child between its last message and its exit
    assert job.exit_status in (1, -signal.SIGTERM)
    assert not job.folder.exists() and gone(job.pid)


def test_exception_that_cannot_be_pickled_becomes_ahead_error(start_job):
    job = start_job(_explode_unpicklable, name="lambda work")
    with pytest.raises(ahead.AheadError) as info:
        job.get("anything")
    text = str(info.value)
    assert "'lambda work' failed" in text
    assert "Traceback (most recent call last)" in text
    assert "_explode_unpicklable" in text and "Unpicklable: holds a lambda" in text
    assert isinstance(info.value, NpsWorkbookError)
    assert not job.folder.exists() and gone(job.pid)


def test_exception_that_cannot_be_unpickled_becomes_ahead_error(start_job):
    job = start_job(_explode_two_arguments, name="picky work")
    with pytest.raises(ahead.AheadError) as info:
        job.get("anything")
    assert "TwoArguments: codebook: unreadable" in str(info.value)
    assert "_explode_two_arguments" in str(info.value)
    assert not job.folder.exists() and gone(job.pid)


def test_child_that_ends_without_sending(start_job):
    job = start_job(_quit, name="quitter")
    with pytest.raises(ahead.AheadError) as info:
        job.get("result")
    message = str(info.value)
    assert "'quitter'" in message and "exit status 3" in message and "'result'" in message
    assert job.exit_status == 3
    assert not job.folder.exists() and gone(job.pid)
    with pytest.raises(ahead.AheadError, match="without sending 'result'"):
        job.get("result")  # asking again: the same answer, no hang


def test_close_stops_a_running_child_promptly(start_job):
    job = start_job(_sleep)
    assert job.get("started") is True
    assert job.running
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 5
    assert job.exit_status == -signal.SIGTERM
    assert not job.running
    assert gone(job.pid), "the child is reaped: no zombie"
    assert not Path(f"/proc/{job.pid}").exists() or parent_of(job.pid) != os.getpid()
    assert not job.folder.exists()
    job.close()  # twice is harmless


def test_value_asked_again_after_close(start_job):
    """A value that was read stays readable; one never read is gone with the folder."""
    job = start_job(_send_three)
    assert job.get("first") == 1
    wait_until(lambda: (job.folder / "frame.pkl").exists())
    job.close()
    assert job.get("first") == 1
    with pytest.raises(ahead.AheadError, match="closed"):
        job.get("frame")


def _ignore_sigterm(outbox):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    outbox.send("started", True)
    time.sleep(60)


def test_close_kills_a_child_that_ignores_sigterm(start_job):
    job = start_job(_ignore_sigterm)
    assert job.get("started") is True
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 10
    assert job.exit_status == -signal.SIGKILL and gone(job.pid)


def test_a_child_that_has_finished_ends_by_itself(start_job):
    """close() right after the last value gives the child a moment to exit on its own
    instead of being terminated."""
    job = start_job(_send_three)
    job.get("frame")
    job.close()
    assert job.exit_status == 0


def _write_each(folder, fail_on=None):
    def work(part):
        for item in part:
            if item == fail_on:
                raise ValueError(f"cannot write {item}")
            (folder / f"{item}.txt").write_text(f"{item} by {os.getpid()}")

    return work


def test_on_two_cores_splits_by_weight(tmp_path):
    items = [f"o{i}" for i in range(7)]
    weights = [50_000, 10, 20_000, 20_000, 5_000, 3_000, 2_000]
    ahead.on_two_cores(_write_each(tmp_path), items, weights)
    pids = {p.stem: p.read_text().split(" by ")[1] for p in tmp_path.glob("*.txt")}
    assert sorted(pids) == sorted(items), "every item done once"
    assert len(set(pids.values())) == 2, "two processes"
    here = {i for i, pid in pids.items() if pid == str(os.getpid())}
    load = sum(w for i, w in zip(items, weights, strict=True) if i in here)
    assert abs(2 * load - sum(weights)) <= max(weights), "about half the weight each"
    assert not list(Path(tempfile.gettempdir()).glob(f"nps-two-cores-*/{items[0]}*"))


def test_on_two_cores_serial_when_small_or_switched_off(tmp_path, monkeypatch):
    ahead.on_two_cores(_write_each(tmp_path), ["a", "b"], [10, 10])
    assert {p.read_text().split(" by ")[1] for p in tmp_path.glob("*.txt")} == {str(os.getpid())}
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", "0")
    ahead.on_two_cores(_write_each(tmp_path), ["c", "d"], [10**6, 10**6])
    assert (tmp_path / "c.txt").read_text().endswith(str(os.getpid()))
    assert (tmp_path / "d.txt").read_text().endswith(str(os.getpid()))


@pytest.mark.parametrize("side", ["here", "there"])
def test_on_two_cores_raises_a_failure_of_either_side(tmp_path, side):
    items, weights = ["big", "small"], [10**6, 10**5]
    fail_on = "big" if side == "here" else "small"  # the heaviest item stays here
    with pytest.raises(ValueError, match=f"cannot write {fail_on}"):
        ahead.on_two_cores(_write_each(tmp_path, fail_on), items, weights)


def test_close_right_after_start(start_job):
    job = start_job(_sleep)
    job.close()
    assert job.exit_status is not None and gone(job.pid) and not job.folder.exists()


def test_large_value_does_not_block_the_child(start_job):
    size = 5 * 2**20
    job = start_job(_big_then_more, size)
    # the parent reads nothing while the child sends 5 MB and then a second value
    wait_until(lambda: not job.running)
    assert job.exit_status == 0
    assert job.get("after") == "not blocked"
    big = job.get("big")
    assert len(big) == size and big == b"x" * size


@pytest.mark.parametrize("kind", ["", "two words", "a-b", "1st", "../escape", "x.pkl"])
def test_outbox_rejects_a_kind_that_is_not_an_identifier(tmp_path, kind):
    read, write = os.pipe()
    try:
        with pytest.raises(ValueError, match="identifier"):
            ahead.Outbox(write, tmp_path).send(kind, 1)
    finally:
        os.close(read)
        os.close(write)
    assert list(tmp_path.iterdir()) == [], "nothing written"


def test_bad_kind_in_the_child_is_its_error(start_job):
    job = start_job(_bad_kind)
    with pytest.raises(ValueError, match="must be an identifier"):
        job.get("not-an-identifier")


# --------------------------------------------------------------------------- enabled
@pytest.mark.parametrize("value", ["0", "false", "no", "FALSE", " No ", "0\n"])
def test_switched_off_by_the_environment(monkeypatch, value):
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", value)
    assert not ahead.enabled()


@pytest.mark.parametrize("value", [None, "1", "yes", "true", ""])
def test_enabled_on_linux_by_default(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv("NPS_WORKBOOK_AHEAD", value)
    assert ahead.enabled()


def test_not_enabled_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not ahead.enabled()


# ----------------------------------------------------------------------- fingerprint
def small_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": ["a1", "a2", "a3"],
            "tier": ["key", "small", "key"],
            "score": pd.array([9, 3, 7], dtype="Int8"),
            "comment": ["great support", None, "ok"],
            "arr": [100.0, 2500.5, 80.0],
        }
    )


def test_fingerprint_equal_for_equal_data_stored_differently():
    base = small_frame()
    expected = ahead.fingerprint(base)
    variants = {
        "string dtype": base.astype({"account_id": "string", "comment": "string"}),
        "pyarrow strings": base.astype({"comment": pd.StringDtype("pyarrow")}),
        "category": base.astype({"tier": "category", "account_id": "category"}),
        "ordered category with unused values": base.astype(
            {"tier": pd.CategoricalDtype(["small", "premium", "key"], ordered=True)}
        ),
        "labelled index": base.set_axis(["x", "y", "z"]),
        "shifted index": base.set_axis([10, 11, 12]),
        "copy": base.copy(),
    }
    for name, frame in variants.items():
        assert ahead.fingerprint(frame) == expected, name


def test_fingerprint_survives_a_parquet_round_trip(tmp_path):
    base = small_frame().astype({"tier": "category", "comment": "string"})
    base.to_parquet(tmp_path / "f.parquet", index=False)
    assert ahead.fingerprint(pd.read_parquet(tmp_path / "f.parquet")) == ahead.fingerprint(base)


def test_fingerprint_differs_when_the_data_differs():
    base = small_frame()
    expected = ahead.fingerprint(base)
    one_value = base.copy()
    one_value.loc[1, "score"] = 4
    blank_not_missing = base.copy()
    blank_not_missing.loc[1, "comment"] = ""
    variants = {
        "one value": one_value,
        "one comment": base.assign(comment=["great support", None, "ok!"]),
        "blank instead of missing": blank_not_missing,
        "column name": base.rename(columns={"arr": "revenue"}),
        "column order": base[list(reversed(base.columns))],
        "row order": base.iloc[[1, 0, 2]],
        "one row less": base.iloc[:2],
    }
    for name, frame in variants.items():
        assert ahead.fingerprint(frame) != expected, name


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 10), st.text(max_size=6)), min_size=1, max_size=6),
    data=st.data(),
)
def test_fingerprint_property(rows, data):
    frame = pd.DataFrame(rows, columns=["score", "comment"])
    expected = ahead.fingerprint(frame)
    labels = data.draw(
        st.lists(st.integers(-(10**6), 10**6), min_size=len(rows), max_size=len(rows), unique=True)
    )
    assert ahead.fingerprint(frame.set_axis(labels)) == expected
    assert ahead.fingerprint(frame.astype({"comment": "category"})) == expected
    assert ahead.fingerprint(frame.astype({"comment": "string"})) == expected
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(["score", "comment"]))
    changed = frame.copy()
    changed.loc[row, column] = frame.loc[row, column] + (1 if column == "score" else "!")
    assert ahead.fingerprint(changed) != expected
    assert ahead.fingerprint(changed.set_axis(labels)) != expected


# ---------------------------------------------------------------- the wave's work
@pytest.fixture
def wave(project):
    """A small demo wave read and cleaned as notebooks/prepare_wave.ipynb does."""
    params = load_params(project / "params" / "2026-H2.yaml")
    raw = ingest.read_export(
        params.path(params.inputs.export),
        format=None if params.export_format == "auto" else params.export_format,
        encoding=params.export_encoding,
        delimiter=params.export_delimiter,
        sheet=params.export_sheet,
    )
    accounts = ingest.read_accounts(params.path(params.inputs.accounts))
    assert params.inputs.invitations, "the demo wave has an invitation list"
    invitations = ingest.read_invitations(params.path(params.inputs.invitations))
    result = clean.clean_responses(raw, accounts, params, invitations)
    return SimpleNamespace(
        params=params,
        raw=raw,
        result=result,
        responses=result.responses,
        accounts=accounts,
        invitations=invitations,
    )


def start(wave) -> ahead.WaveWork:
    work = ahead.start_wave_work(wave.params, wave.responses, wave.accounts, wave.invitations)
    assert isinstance(work, ahead.WaveWork)
    return work


def stored(wave) -> store.WaveData:
    """The wave as the report reads it: written to Parquet by prepare_wave, loaded back."""
    result = wave.result
    store.write_wave(wave.params, result.responses, result.rejected, result.quality)
    return store.load_wave(wave.params)


def serial_themed(params, responses):
    return themes.analyse(
        responses["comment"], params.codebook_path, responses["industry"], responses["score"]
    )


def serial_followup(wave, responses, out: Path) -> dict:
    """``write_followup`` as the report calls it when nothing was started ahead."""
    params = wave.params
    themed = serial_themed(params, responses)
    invitations = store.report_invitations(params, wave.invitations, wave.accounts)
    by_theme = themes.theme_table(responses, themed)
    return followup.write_followup(params, responses, themed, invitations, by_theme, out=out)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def published_xlsx(published: dict[str, bytes]) -> str:
    return next(Path(n).name for n in published if n.startswith("owners/"))


def ahead_folders(params) -> list[Path]:
    return sorted(params.reports_dir.glob(".ahead-*"))


def test_start_and_find_the_work_again(wave):
    params = wave.params
    work = start(wave)
    assert work.job.folder.parent == params.reports_dir
    assert work.job.folder.name.startswith(f".ahead-{os.getpid()}-")
    assert ahead_folders(params) == [work.job.folder]
    assert ahead.wave_work(params, wave.responses) is work
    assert ahead.wave_work(params, wave.responses) is work, "asking twice"
    shifted = wave.responses.set_axis(wave.responses.index + 100)
    assert ahead.wave_work(params, shifted) is work, "the index does not matter"
    loaded = stored(wave)  # what the report does: Parquet and back
    assert ahead.wave_work(params, loaded.responses) is work
    other = load_params(params.path(Path("params/2026-H1.yaml")))
    assert ahead.wave_work(other, wave.responses) is None, "nothing started for 2026-H1"


@pytest.mark.parametrize("value", ["0", "no"])
def test_not_started_when_switched_off(wave, monkeypatch, value):
    first = start(wave)
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", value)
    assert ahead.start_wave_work(wave.params, wave.responses, wave.accounts, None) is None
    assert first.job.exit_status is not None and gone(first.job.pid), "the earlier one stopped"
    assert ahead_folders(wave.params) == []
    assert ahead.wave_work(wave.params, wave.responses) is None


def _touch(path: Path) -> None:
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 5 * 10**9))


def _change_score(wave):
    changed = wave.responses.copy()
    changed.loc[0, "score"] = (int(changed.loc[0, "score"]) + 1) % 11
    return wave.params, changed


def _change_comment(wave):
    changed = wave.responses.copy()
    changed.loc[len(changed) - 1, "comment"] = "a comment nobody wrote"
    return wave.params, changed


def _touch_codebook(wave):
    _touch(wave.params.codebook_path)
    return wave.params, wave.responses


def _grow_codebook(wave):
    path = wave.params.codebook_path
    size, mtime = path.stat().st_size, path.stat().st_mtime_ns
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n# one more line\n")
    os.utime(path, ns=(mtime, mtime))  # the same time: only the size differs
    assert path.stat().st_size != size
    return wave.params, wave.responses


def _touch_invitations(wave):
    _touch(wave.params.path(wave.params.inputs.invitations))
    return wave.params, wave.responses


def _other_params(wave):
    params = wave.params.model_copy(
        update={"interview_promoters": wave.params.interview_promoters + 1}
    )
    return params, wave.responses


@pytest.mark.parametrize(
    "change",
    [
        _change_score,
        _change_comment,
        _touch_codebook,
        _grow_codebook,
        _touch_invitations,
        _other_params,
    ],
)
def test_not_used_for_other_inputs(wave, change):
    work = start(wave)
    params, responses = change(wave)
    assert ahead.wave_work(params, responses) is None
    assert work.job.exit_status is not None and gone(work.job.pid), "the work is stopped"
    assert ahead_folders(wave.params) == []
    assert ahead.wave_work(wave.params, wave.responses) is None, "and forgotten"


def test_themes_and_counts_are_the_serial_ones(wave, tmp_path):
    params = wave.params
    work = start(wave)
    loaded = stored(wave)
    assert ahead.wave_work(params, loaded.responses) is work
    expected = serial_themed(params, loaded.responses)
    got = work.themed()
    pd.testing.assert_frame_equal(got.tags, expected.tags)
    pd.testing.assert_frame_equal(got.polarity, expected.polarity)
    pd.testing.assert_series_equal(got.sentiment, expected.sentiment)
    assert got.codebook == expected.codebook
    assert expected.tags.to_numpy().any(), "the demo comments mention themes"
    written = serial_followup(wave, loaded.responses, tmp_path / "serial")
    assert work.counts() == written["counts"]
    assert set(written["counts"]) >= {"detractor_calls", "reminders", "top_priority_calls"}
    pd.testing.assert_frame_equal(work.themed().tags, expected.tags)  # fetched again


PINNED = 1_780_000_000.0  # 2026-05-28


def test_finish_publishes_the_serial_files(wave, tmp_path, monkeypatch):
    # an XLSX is a zip whose entries carry the time they were written (2 s steps): the
    # clock zipfile reads is pinned, here and in the child forked from here, so that
    # the child's workbooks and the serial ones can be compared byte for byte
    monkeypatch.setattr(
        zipfile, "time", SimpleNamespace(time=lambda: PINNED, localtime=time.localtime)
    )
    params = wave.params
    final = params.reports_dir / "followup"
    (final / "owners").mkdir(parents=True)
    (final / "from-an-older-run.csv").write_text("old\n")
    (final / "owners" / "someone-who-left.xlsx").write_bytes(b"old")
    work = start(wave)
    loaded = stored(wave)
    assert ahead.wave_work(params, loaded.responses) is work
    serial = serial_followup(wave, loaded.responses, tmp_path / "serial")

    written = work.finish()

    published, expected = files(final), files(tmp_path / "serial")
    assert "from-an-older-run.csv" not in published, "the older folder is replaced"
    assert "owners/someone-who-left.xlsx" not in published
    assert sorted(published) == sorted(expected)
    assert any(name.endswith(".xlsx") for name in published)
    assert any(name.endswith(".csv") for name in published)
    for name, content in expected.items():
        assert published[name] == content, name
    with zipfile.ZipFile(final / "owners" / published_xlsx(published)) as zf:
        assert {i.date_time for i in zf.infolist()} == {time.localtime(PINNED)[:6]}
    assert set(written) == set(serial)
    assert written["counts"] == serial["counts"]
    for key, value in serial.items():
        if isinstance(value, Path):
            assert written[key] == final / value.relative_to(tmp_path / "serial"), key
            assert written[key].exists()
    assert written["owners"] == final / "owners"
    assert ahead_folders(params) == []
    assert not list(params.reports_dir.glob(".followup-old-*"))
    assert work.job.exit_status in (0, -signal.SIGTERM) and gone(work.job.pid)
    assert ahead.wave_work(params, loaded.responses) is None, "finished work is forgotten"


def test_a_failing_child_publishes_nothing(wave):
    params = wave.params
    params.codebook_path.write_text("themes: {}\n", encoding="utf-8")
    with pytest.raises(ParamsError) as serial:
        serial_themed(params, wave.responses)
    final = params.reports_dir / "followup"
    final.mkdir(parents=True)
    (final / "published.csv").write_text("kept\n")
    work = start(wave)
    assert ahead.wave_work(params, wave.responses) is work, "the fingerprint arrives first"
    with pytest.raises(ParamsError) as info:
        work.themed()
    assert str(info.value) == str(serial.value)
    assert any("themes and follow-up lists" in n for n in info.value.__notes__)
    with pytest.raises(NpsWorkbookError):
        work.finish()
    assert files(final) == {"published.csv": b"kept\n"}
    assert ahead_folders(params) == []


def test_second_start_closes_the_first(wave):
    first = start(wave)
    second = start(wave)
    assert second is not first
    assert first.job.exit_status is not None and gone(first.job.pid)
    assert not first.job.folder.exists()
    assert ahead_folders(wave.params) == [second.job.folder]
    assert ahead.wave_work(wave.params, wave.responses) is second


def test_finishing_a_superseded_work_leaves_the_current_one(wave):
    first = start(wave)
    second = start(wave)
    try:
        with pytest.raises(ahead.AheadError):
            first.finish()
        assert ahead.wave_work(wave.params, wave.responses) is second
    finally:
        second.close()


def test_stale_folders_are_removed(wave):
    params = wave.params
    params.reports_dir.mkdir(parents=True)
    ended = subprocess.Popen(["true"])
    ended.wait()
    assert not Path(f"/proc/{ended.pid}").exists()
    dead = params.reports_dir / f".ahead-{ended.pid}-x"
    (dead / "followup").mkdir(parents=True)
    (dead / "themed.pkl").write_bytes(b"left over")
    mine = params.reports_dir / f".ahead-{os.getpid()}-123"  # this process, no job of it
    mine.mkdir()
    unreadable = params.reports_dir / ".ahead-junk"
    unreadable.mkdir()
    alive = params.reports_dir / f".ahead-{os.getppid()}-1"  # another running process
    alive.mkdir()

    work = start(wave)

    assert ahead_folders(params) == sorted([alive, work.job.folder])


def test_close_of_the_wave_work(wave):
    work = start(wave)
    work.close()
    assert work.job.exit_status is not None and gone(work.job.pid)
    assert ahead_folders(wave.params) == []


def test_on_two_cores_serial_inside_the_wave_work(tmp_path, monkeypatch):
    """The wave work already runs beside the kernel: it does not fork again."""
    monkeypatch.setattr(ahead, "_IN_WAVE_WORK", True)
    ahead.on_two_cores(_write_each(tmp_path), ["a", "b"], [10**6, 10**6])
    assert {p.read_text().split(" by ")[1] for p in tmp_path.glob("*.txt")} == {str(os.getpid())}


def test_on_two_cores_returns_each_part_result(tmp_path):
    items, weights = list(range(10)), [10**5] * 10
    results = ahead.on_two_cores(lambda part: sorted(part), items, weights)
    assert len(results) == 2 and sorted(results[0] + results[1]) == items
    assert ahead.on_two_cores(lambda part: sum(part), [1, 2], [1, 1]) == [3]


def test_a_failed_move_keeps_the_last_good_lists(wave, monkeypatch):
    """If the finished lists cannot be moved in place, the published ones stay."""
    final = wave.params.reports_dir / "followup"
    final.mkdir(parents=True)
    (final / "detractor_calls.csv").write_text("last good\n")
    work = start(wave)
    work.counts()  # the lists exist; now moving the new folder in fails
    real = os.replace

    def failing(src, dst):
        if Path(src).name == "followup" and Path(src).parent.name.startswith(".ahead-"):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(ahead.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        work.finish()
    assert (final / "detractor_calls.csv").read_text() == "last good\n"
    assert not list(final.parent.glob(".followup-old-*"))


# ------------------------------------------------------- the comment work, from the export
def _read_value(outbox, job, kind):
    """In a second child: read ``kind`` from a job the parent started, close it, and
    say what this process saw."""
    value = job.get(kind)
    job.close()
    try:
        job.running  # noqa: B018 - only the parent may wait for it
        waits = True
    except ahead.AheadError:
        waits = False
    outbox.send("seen", (value, job.folder.exists(), waits))


def test_a_later_fork_reads_a_job_but_leaves_it_to_its_parent(start_job, tmp_path):
    first = start_job(_send_three)
    reader = ahead.Job("reader", _read_value, (first, "second"), tmp_path / "reader")
    try:
        value, folder_left, waits = reader.get("seen")
    finally:
        reader.close()
    assert value == {"b": [2, 3]}
    assert folder_left, "the reader does not remove the parent's job folder"
    assert not waits, "nor may it wait for a child that is not its own"
    first.close()
    assert first.exit_status == 0 and gone(first.pid) and not first.folder.exists()


def _comment_texts(wave) -> list[str]:
    return sorted(set(wave.responses["comment"].fillna("").astype(str)))


def _count_text_work(monkeypatch, log: Path) -> None:
    """Record in ``log`` every call of themes.analyse_texts (forks inherit the patch)."""
    real = themes.analyse_texts

    def counted(texts, book):
        with log.open("a") as handle:
            handle.write(f"{len(texts)}\n")
        return real(texts, book)

    monkeypatch.setattr(themes, "analyse_texts", counted)


def test_comment_work_is_handed_to_the_wave_work(wave, monkeypatch, tmp_path):
    params = wave.params
    comments = ahead.start_comment_work(params, wave.raw)
    assert isinstance(comments, ahead.Job) and ahead._COMMENTS[params.wave_id] is comments
    assert comments.folder.parent == params.reports_dir
    log = tmp_path / "calls.txt"
    _count_text_work(monkeypatch, log)  # patched after the comment work started
    work = start(wave)
    assert work.comments is comments and params.wave_id not in ahead._COMMENTS
    loaded = stored(wave)
    assert ahead.wave_work(params, loaded.responses) is work
    expected = serial_themed(params, loaded.responses)
    got = work.themed()
    pd.testing.assert_frame_equal(got.tags, expected.tags)
    pd.testing.assert_frame_equal(got.polarity, expected.polarity)
    pd.testing.assert_series_equal(got.sentiment, expected.sentiment)
    log.write_text("")  # the serial reference above counted too
    work.finish()
    assert log.read_text() == "", "the wave work themed no text itself"
    assert comments.exit_status == 0 and gone(comments.pid)
    assert ahead_folders(params) == []


def test_comment_work_covers_every_clean_comment(wave):
    comments = ahead.start_comment_work(wave.params, wave.raw)
    known = comments.get("texts")
    assert set(_comment_texts(wave)) <= set(known.texts)
    assert len(set(known.texts)) == len(known), "each text once"


def _break_analyse_texts(texts, book):
    raise ChildFailure("no themes today")


@pytest.mark.parametrize("how", ["error", "killed"])
def test_wave_work_themes_alone_when_the_comment_work_fails(wave, monkeypatch, tmp_path, how):
    params = wave.params
    real = themes.analyse_texts
    if how == "error":
        monkeypatch.setattr(themes, "analyse_texts", _break_analyse_texts)
    comments = ahead.start_comment_work(params, wave.raw)
    monkeypatch.setattr(themes, "analyse_texts", real)
    if how == "killed":
        os.kill(comments.pid, signal.SIGKILL)
    log = tmp_path / "calls.txt"
    _count_text_work(monkeypatch, log)
    work = start(wave)
    loaded = stored(wave)
    got = work.themed()
    expected = serial_themed(params, loaded.responses)
    pd.testing.assert_frame_equal(got.tags, expected.tags)
    pd.testing.assert_frame_equal(got.polarity, expected.polarity)
    assert log.read_text().splitlines()[0] == str(len(_comment_texts(wave))), "themed here"
    work.close()
    assert comments.exit_status is not None and gone(comments.pid)
    assert ahead_folders(params) == []


def test_second_comment_start_closes_the_first(wave):
    first = ahead.start_comment_work(wave.params, wave.raw)
    second = ahead.start_comment_work(wave.params, wave.raw)
    assert first.exit_status is not None and gone(first.pid) and not first.folder.exists()
    assert ahead._COMMENTS[wave.params.wave_id] is second
    assert ahead_folders(wave.params) == [second.folder]


@pytest.mark.parametrize("value", ["0", "no"])
def test_comment_work_not_started_when_switched_off(wave, monkeypatch, value):
    first = ahead.start_comment_work(wave.params, wave.raw)
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", value)
    assert ahead.start_comment_work(wave.params, wave.raw) is None
    assert first.exit_status is not None and gone(first.pid)
    assert ahead._COMMENTS == {} and ahead_folders(wave.params) == []


def test_comment_work_left_over_is_closed_when_the_wave_work_is_switched_off(wave, monkeypatch):
    comments = ahead.start_comment_work(wave.params, wave.raw)
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", "0")
    assert ahead.start_wave_work(wave.params, wave.responses, wave.accounts, None) is None
    assert comments.exit_status is not None and gone(comments.pid)
    assert ahead._COMMENTS == {} and ahead_folders(wave.params) == []


def _freeze_count(outbox):
    import gc

    outbox.send("state", (gc.isenabled(), gc.get_freeze_count()))


@pytest.mark.parametrize("enabled", [True, False])
def test_the_child_freezes_what_it_inherits_and_the_parent_is_left_as_it_was(start_job, enabled):
    import gc

    kept = [[i] for i in range(1000)]  # tracked objects the child inherits
    before = gc.get_freeze_count()
    if not enabled:
        gc.disable()
    try:
        job = start_job(_freeze_count)
        assert gc.isenabled() is enabled
        assert gc.get_freeze_count() == before, "the parent froze nothing"
    finally:
        gc.enable()
    child_enabled, child_frozen = job.get("state")
    assert child_enabled
    assert child_frozen >= before + len(kept)


# ------------------------------------------------------- the invitation list read ahead
def _no_parsing_here(monkeypatch):
    """From now on this process cannot parse a CRM file (a forked child still can)."""

    def refuse(path):
        raise AssertionError(f"{path} was parsed in the kernel")

    monkeypatch.setattr(ingest, "_read_text_csv", refuse)


def test_the_invitation_list_read_ahead_is_taken(wave, monkeypatch):
    params = wave.params
    path = params.path(params.inputs.invitations)
    ingest._HANDOFF.clear()  # the fixture's own read left a copy for a second read
    job = ahead.start_reading(params)
    assert isinstance(job, ahead.Job) and job.folder.parent == params.reports_dir
    assert list(ahead._READS.values()) == [job]
    _no_parsing_here(monkeypatch)
    got = ingest.read_invitations(path)
    pd.testing.assert_frame_equal(got, wave.invitations)
    assert not ahead._READS and job.exit_status == 0 and not job.folder.exists()
    # the report notebook's second read still gets the copy kept from the first
    pd.testing.assert_frame_equal(ingest.read_invitations(path), wave.invitations)


def test_a_file_changed_after_the_start_is_read_again(wave):
    params = wave.params
    path = Path(params.path(params.inputs.invitations))
    ingest._HANDOFF.clear()
    job = ahead.start_reading(params)
    job.get("read")  # the child has read the file as it was
    lines = path.read_text(encoding="utf-8").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    first[header.index("first_name")] = "Renamed"
    path.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    got = ingest.read_invitations(path)
    assert got.loc[0, "first_name"] == "Renamed" and len(got) == len(wave.invitations)
    assert not ahead._READS and job.exit_status is not None


def test_a_child_that_fails_leaves_the_error_to_the_kernel(wave):
    params = wave.params
    path = Path(params.path(params.inputs.invitations))
    path.write_text("contact_id,account_id\nC1,A1\n", encoding="utf-8")  # no bounced column
    ingest._HANDOFF.clear()
    job = ahead.start_reading(params)
    with pytest.raises(Exception, match="lacks column"):
        job.get("read")  # the child met the error first
    with pytest.raises(ingest.ExportFormatError, match=f"{path}: the invitation list lacks"):
        ingest.read_invitations(path)
    assert not ahead._READS


def test_a_read_of_other_bytes_is_not_taken(wave):
    params = wave.params
    path = params.path(params.inputs.invitations)
    job = ahead.start_reading(params)
    assert ahead.take_read("read_invitations", path, "not-the-digest") is None
    assert not ahead._READS and job.exit_status is not None, "taken once, then closed"
    assert ahead.take_read("read_invitations", path, ingest.file_digest(path)) is None


def test_second_read_start_closes_the_first(wave):
    first = ahead.start_reading(wave.params)
    second = ahead.start_reading(wave.params)
    assert first.exit_status is not None and not first.folder.exists()
    assert list(ahead._READS.values()) == [second]


@pytest.mark.parametrize("value", ["0", "false"])
def test_reading_ahead_switched_off(wave, monkeypatch, value):
    monkeypatch.setenv("NPS_WORKBOOK_AHEAD", value)
    assert ahead.start_reading(wave.params) is None and not ahead._READS
    no_list = SimpleNamespace(inputs=SimpleNamespace(invitations=None))
    monkeypatch.delenv("NPS_WORKBOOK_AHEAD")
    assert ahead.start_reading(no_list) is None and not ahead._READS
