"""A wave is written as one unit: a lock per wave, a staging area, one publication.

Everything a run of ``nps-wave run`` writes goes first under
``<project>/.nps-staging/<wave>/<run-id>/``, mirroring the final tree:

- ``processed/``: what becomes ``data/processed/<wave>/`` (responses, rejected rows,
  quality.json, the CRM snapshot, themes);
- ``history/``: the wave's history partition (``part-0.parquet``) and its manifest
  entry (``entry.json``);
- ``reports/``: what becomes ``reports/<wave>/`` (data-quality page, follow-up lists,
  executed notebooks, ``run.json``, the deck).

The notebooks find the staging folder in the environment variable ``NPS_WAVE_STAGE``
(set by the runner for its kernel; :func:`active_stage`); run by hand, without it, they
write in place. At the end the runner calls :func:`publish`: it writes the journal
``commit.json`` (the list of moves), makes the moves by renames (the old entry is moved
aside first, then the new one in; the deck last), updates the history manifest, then
removes the journal and the staging folder. A crash before the journal leaves the old
wave; after it, the next run of the wave finishes the moves (:func:`recover`), so the
new wave is complete. A staging folder without a journal is removed.

Test hooks (for the kill tests, never set in normal use): ``NPS_WAVE_KILL_AT=<point>``
ends the run with ``os._exit(137)`` at the named point (and, from the kernel, first
kills the runner with SIGKILL); ``NPS_WAVE_PAUSE_AT=<point>:<file>`` creates ``<file>``
at the point and waits until it is removed. The points: ``prepare`` (the processed
files staged, the history partition not), ``between`` (between the notebooks),
``history`` (the processed folder published, the history not), ``render`` (while the
deck renders), ``lists`` (the follow-up lists published, the deck not).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.io import history
from nps_helpers.io.files import write_text
from nps_helpers.params import WaveParams

#: The workbook's distribution name, for its version.
DISTRIBUTION = "nps-workbook"
STAGE_ENV = "NPS_WAVE_STAGE"
RUNNER_PID_ENV = "NPS_WAVE_RUNNER_PID"
KILL_ENV = "NPS_WAVE_KILL_AT"
PAUSE_ENV = "NPS_WAVE_PAUSE_AT"
LOCK_WAIT_ENV = "NPS_WAVE_LOCK_WAIT"
#: Seconds a second run of a wave waits for the first before it gives up.
LOCK_WAIT = 5.0
STAGING = ".nps-staging"
JOURNAL = "commit.json"
RUN_FILE = "run.json"
PROVENANCE = "provenance.json"
#: reports/<wave>/ entries a run makes, published in this order: the deck last.
REPORT_ENTRIES = ("data-quality", "executed", "followup", RUN_FILE, "deck.html")


# -------------------------------------------------------------------- test hooks
def kill_point(name: str, children: tuple[int | None, ...] = ()) -> None:
    """The test hooks ``NPS_WAVE_KILL_AT`` and ``NPS_WAVE_PAUSE_AT`` (module docstring);
    nothing when neither names ``name``. ``children``: processes killed with this one
    (the runner's kernel)."""
    pause = os.environ.get(PAUSE_ENV, "")
    if pause.partition(":")[0] == name:
        marker = Path(pause.partition(":")[2])
        marker.write_text(str(os.getpid()), encoding="utf-8")
        deadline = time.monotonic() + 120
        while marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    if os.environ.get(KILL_ENV) == name:
        runner = os.environ.get(RUNNER_PID_ENV)
        others = [*children, int(runner) if runner and int(runner) != os.getpid() else None]
        for pid in others:
            if pid:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        os._exit(137)


# -------------------------------------------------------------------------- locks
def lock_path(params: WaveParams) -> Path:
    """``data/processed/.locks/<wave>.lock``."""
    return params.path(params.outputs.processed_dir) / ".locks" / f"{params.wave_id}.lock"


@contextlib.contextmanager
def wave_lock(params: WaveParams, wait: float | None = None) -> Iterator[Path]:
    """Hold the wave's lock (an exclusive ``flock`` on :func:`lock_path`, with the pid
    and start time written in it) while the block runs.

    The operating system releases the lock of a process that died, so a killed run
    never leaves a stale lock. A second run waits up to ``wait`` seconds (default
    ``NPS_WAVE_LOCK_WAIT`` or :data:`LOCK_WAIT`), then raises one sentence.
    """
    import fcntl

    wait = float(os.environ.get(LOCK_WAIT_ENV, LOCK_WAIT)) if wait is None else wait
    path = lock_path(params)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _lock_holder(path)
                    raise NpsWorkbookError(
                        f"wave {params.wave_id} is being run by process {holder.get('pid', '?')} "
                        f"since {holder.get('since', '?')}; wait for it to finish, or stop "
                        "that process, then run again."
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.write(fd, json.dumps({"pid": os.getpid(), "since": since}).encode())
        yield path
    finally:
        os.close(fd)  # releases the lock


def _lock_holder(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


# -------------------------------------------------------------------- the stage
def staging_root(params: WaveParams) -> Path:
    """``<project>/.nps-staging/<wave>/``: the wave's runs' staging folders."""
    return params.root / STAGING / params.wave_id


def new_stage(params: WaveParams) -> Path:
    """A new, empty staging folder for one run, named by its run id."""
    run_id = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"
    stage = staging_root(params) / run_id
    for part in ("processed", "history", "reports"):
        (stage / part).mkdir(parents=True)
    return stage


def active_stage(params: WaveParams) -> Path | None:
    """The staging folder of the run in progress for ``params``' wave
    (``NPS_WAVE_STAGE``), or None: files are then written in place."""
    value = os.environ.get(STAGE_ENV)
    if not value:
        return None
    stage = Path(value)
    return stage if stage.parent.name == params.wave_id and stage.is_dir() else None


def processed_dir(params: WaveParams) -> Path:
    """Where this run writes (and reads back) the wave's processed files."""
    stage = active_stage(params)
    return stage / "processed" if stage else params.processed_dir


def reports_dir(params: WaveParams) -> Path:
    """Where this run writes the wave's reports (data-quality page, follow-up lists)."""
    stage = active_stage(params)
    return stage / "reports" if stage else params.reports_dir


def staged_history(params: WaveParams) -> Path | None:
    """The staged history partition folder of the run in progress, or None."""
    stage = active_stage(params)
    return stage / "history" if stage else None


def staged_entry(params: WaveParams) -> dict | None:
    """The manifest entry of the wave staged by this run, or None."""
    folder = staged_history(params)
    entry = folder / "entry.json" if folder else None
    return json.loads(entry.read_text(encoding="utf-8")) if entry and entry.is_file() else None


# -------------------------------------------------------------------- provenance
def digest(path: str | Path) -> str:
    """The blake2b digest (hex, 32 bytes) of a file's bytes."""
    h = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_files(params: WaveParams, params_file: Path) -> dict[str, Path]:
    """The files a wave is made from: export, account master and invitation list (those
    named), the params file and the codebook."""
    files = {"export": params.path(params.inputs.export)}
    for name in ("accounts", "invitations"):
        value = getattr(params.inputs, name)
        if value:
            files[name] = params.path(value)
    files["params"] = Path(params_file)
    files["codebook"] = params.codebook_path
    return files


def input_digests(params: WaveParams, params_file: Path) -> dict[str, dict[str, str]]:
    """Each input's path (relative to the project where it is inside it) and digest;
    ``missing`` for a file that is not there."""
    out = {}
    for name, path in input_files(params, params_file).items():
        try:
            shown = path.resolve().relative_to(params.root.resolve()).as_posix()
        except ValueError:
            shown = str(path)
        out[name] = {"path": shown, "blake2b": digest(path) if path.is_file() else "missing"}
    return out


def workbook_version() -> str:
    """The installed workbook's version (package metadata), or ``unknown``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


def provenance(params: WaveParams, params_file: Path) -> dict[str, Any]:
    """What the run is made from: the inputs' digests, the workbook's version, one
    digest of both (``inputs_digest``) and the run time (``made_at``).

    A rerun on the same inputs and version keeps the ``made_at`` of the published wave,
    so its deck is the same byte for byte; changed inputs give a new time and digest."""
    inputs = input_digests(params, params_file)
    version = workbook_version()
    key = json.dumps({"inputs": {k: v["blake2b"] for k, v in inputs.items()}, "v": version})
    combined = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    made_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    published = read_run(params)
    if published and published.get("inputs_digest") == combined:
        made_at = published.get("made_at", made_at)
    return {"inputs_digest": combined, "made_at": made_at, "version": version, "inputs": inputs}


def write_provenance(stage: Path, record: dict) -> Path:
    return write_text(stage / PROVENANCE, json.dumps(record, indent=2) + "\n")


def staged_provenance(params: WaveParams) -> dict | None:
    """The provenance the runner recorded for the run in progress, or None."""
    stage = active_stage(params)
    path = stage / PROVENANCE if stage else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def read_run(params: WaveParams) -> dict | None:
    """The published ``reports/<wave>/run.json``, or None."""
    path = params.reports_dir / RUN_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_run(params: WaveParams, stage: Path, record: dict) -> Path:
    """``run.json`` of the staged run: its id, its provenance and the digest of every
    file it publishes (by final path), so a deck and the lists beside it can be told to
    come from one run."""
    outputs = {}
    for part, final in (
        ("processed", params.processed_dir),
        ("history", history.partition(params.history_dir, params.wave_id)),
        ("reports", params.reports_dir),
    ):
        for path in sorted((stage / part).rglob("*")):
            if path.is_file() and path.name != "entry.json":
                rel = (final / path.relative_to(stage / part)).relative_to(params.root)
                outputs[rel.as_posix()] = digest(path)
    run = {"run_id": stage.name, "wave_id": params.wave_id, **record, "outputs": outputs}
    return write_text(stage / "reports" / RUN_FILE, json.dumps(run, indent=2) + "\n")


# ------------------------------------------------------------------- publication
def _moves(params: WaveParams, stage: Path, entries: tuple[str, ...]) -> list[list[str]]:
    moves = [[str(stage / "processed"), str(params.processed_dir)]]
    if (stage / "history" / "part-0.parquet").is_file():
        final = history.partition(params.history_dir, params.wave_id)
        moves.append([str(stage / "history"), str(final)])
    for name in entries:
        if (stage / "reports" / name).exists():
            moves.append([str(stage / "reports" / name), str(params.reports_dir / name)])
    return moves


def publish(params: WaveParams, stage: Path, diagnostics_only: bool = False) -> None:
    """Publish the staged run: journal, moves, manifest, then the journal and the stage
    removed. ``diagnostics_only``: only the executed notebooks and the data-quality page
    (a run that failed)."""
    if diagnostics_only:
        moves = [
            [str(stage / "reports" / n), str(params.reports_dir / n)]
            for n in ("data-quality", "executed")
            if (stage / "reports" / n).exists()
        ]
        entry = None
    else:
        staged = stage / "history" / "entry.json"
        entry = json.loads(staged.read_text(encoding="utf-8")) if staged.is_file() else None
        staged.unlink(missing_ok=True)  # in the journal now; the partition holds data only
        moves = _moves(params, stage, REPORT_ENTRIES)
    journal = {"wave_id": params.wave_id, "moves": moves, "entry": entry}
    write_text(stage / JOURNAL, json.dumps(journal, indent=2) + "\n")
    _finish(params, stage, journal)


def _finish(params: WaveParams, stage: Path, journal: dict) -> None:
    """Make the journal's moves (each one idempotent, so a second call after a crash
    completes the first), update the manifest, remove the journal and the stage."""
    retired = stage / "retired"
    retired.mkdir(exist_ok=True)
    for i, (src, dst) in enumerate(journal["moves"]):
        src, dst = Path(src), Path(dst)
        if not src.exists():
            continue  # moved in already
        if dst.exists() or dst.is_symlink():
            aside = retired / str(i)
            if aside.exists():
                _remove(dst)
            else:
                os.replace(dst, aside)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        if dst == params.processed_dir:
            kill_point("history")
        elif dst.name == "followup":
            kill_point("lists")
    if journal.get("entry") is not None:
        history.set_entry(params.history_dir, params.wave_id, journal["entry"])
    (stage / JOURNAL).unlink()
    shutil.rmtree(stage, ignore_errors=True)
    _remove_empty(stage.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _remove_empty(folder: Path) -> None:
    for f in (folder, folder.parent):
        with contextlib.suppress(OSError):
            f.rmdir()


def discard(stage: Path) -> None:
    """Remove a staging folder (a run that published nothing)."""
    shutil.rmtree(stage, ignore_errors=True)
    _remove_empty(stage.parent)


def recover(params: WaveParams, echo: Callable[[str], None] = print) -> list[str]:
    """Finish or remove what a killed run of the wave left (call under the wave's lock):
    a staging folder with a journal is published (rolled forward), one without is
    removed; ``.staging-*``/``.retired-*`` folders of the wave in the history and
    ``.tmp`` files of the wave's folders are removed. One line per thing, to ``echo``."""
    said = []

    def say(line: str) -> None:
        said.append(line)
        echo(line)

    root = staging_root(params)
    for stage in sorted(root.iterdir()) if root.is_dir() else []:
        journal = stage / JOURNAL
        if journal.is_file():
            _finish(params, stage, json.loads(journal.read_text(encoding="utf-8")))
            say(f"recovered: finished publishing run {stage.name} of wave {params.wave_id}")
        else:
            discard(stage)
            say(f"removed: the unfinished run {stage.name} of wave {params.wave_id}")
    hist = params.history_dir
    if hist.is_dir():
        for pattern in (f".staging-{params.wave_id}-*", f".retired-{params.wave_id}-*"):
            for path in sorted(hist.glob(pattern)):
                _remove(path)
                say(f"removed: {path.relative_to(params.root)} (left by a killed run)")
        for path in history.stale_temporaries(hist):
            say(f"removed: {path.relative_to(params.root)} (left by a killed run)")
    for folder in (params.processed_dir, params.reports_dir):
        for path in sorted(folder.rglob(".*.tmp")) if folder.is_dir() else []:
            path.unlink(missing_ok=True)
            say(f"removed: {path.relative_to(params.root)} (left by a killed run)")
    return said


def wave_status(params: WaveParams, params_file: Path) -> dict[str, Any]:
    """What ``nps-wave list`` says of a wave: whether its deck exists, when it was made,
    and which inputs changed since (their digest now against the one recorded)."""
    deck = params.reports_dir / "deck.html"
    run = read_run(params) if deck.is_file() else None
    changed = None
    if run:
        now = input_digests(params, params_file)
        recorded = run.get("inputs", {})
        changed = [
            now[k]["path"] if k in now else recorded[k]["path"]
            for k in sorted(set(now) | set(recorded))
            if now.get(k, {}).get("blake2b") != recorded.get(k, {}).get("blake2b")
        ]
    return {
        "wave_id": params.wave_id,
        "deck": deck.is_file(),
        "made_at": run.get("made_at") if run else None,
        "run_id": run.get("run_id") if run else None,
        "changed": changed,
    }
