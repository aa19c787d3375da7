"""Work started ahead, on the second core, in a forked child process.

``nps-wave run`` executes ``prepare_wave`` and then ``wave_report`` in one kernel, one
cell after the other: one core. Three children put the second core to work:

- The invitation list is read by a child while the kernel reads the export and the
  account master (:func:`start_reading`); the kernel's ``ingest.read_invitations``
  takes the frame from it.
- The themes of the comments depend on nothing but their texts, so ``prepare_wave``
  starts them as soon as the input files are read (:func:`start_comment_work`): they
  are worked out while the kernel cleans the wave.
- The follow-up lists need only the clean wave, so ``prepare_wave`` starts them as soon
  as the wave is clean (:func:`start_wave_work`). This wave work takes the comments'
  themes from the comment work (a later fork may read from a job, only the kernel
  stops it), spreads them to the responses and writes the lists while Great
  Expectations validates the wave and the report computes its metrics.

The report then takes the themes from the wave work instead of tagging the comments
again (:func:`wave_work`), and puts the follow-up files it wrote in place
(:meth:`WaveWork.finish`).

Nothing here changes a result: the child runs the same functions on the same data.
The report uses the child's work only when the processed wave it loaded is the one
the child started from (same responses, codebook, params and invitation list), and
otherwise computes everything itself. The child writes the follow-up lists into a
folder of its own (``reports/<wave>/.ahead-<pid>/``): they replace the published ones
only when the report finishes, so a wave that fails its checks publishes nothing.

A forked child shares the kernel's memory pages until either side writes to them,
so it costs the memory of its own work, not a second copy of the wave. Fork is used
on Linux only (macOS and Windows lack a safe fork); elsewhere, or with the environment
variable ``NPS_WORKBOOK_AHEAD=0``, nothing is started ahead and the report works alone.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from nps_helpers.errors import NpsWorkbookError


class AheadError(NpsWorkbookError):
    """Work started ahead failed, or its process ended without its results."""


def enabled() -> bool:
    """Whether work may be started ahead here: Linux, and not switched off by
    ``NPS_WORKBOOK_AHEAD=0``."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and os.environ.get("NPS_WORKBOOK_AHEAD", "1").strip().lower() not in {"0", "false", "no"}
    )


class Outbox:
    """What the child uses to hand results to the parent, one named value at a time."""

    def __init__(self, pipe: int, folder: Path):
        self._pipe = pipe
        self.folder = folder

    def send(self, kind: str, value: Any) -> None:
        """Hand ``value`` over as ``kind``. Values travel as pickle files in the job's
        folder, the pipe carries only their names: a pipe holds 64 KiB, and a child
        writing more would wait for a parent that is busy elsewhere."""
        if not kind.isidentifier():
            raise ValueError(f"message kind {kind!r} must be an identifier")
        tmp = self.folder / f".{kind}.pkl.tmp"
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / f"{kind}.pkl")
        os.write(self._pipe, f"{kind}\n".encode())


def _run_child(work: Callable[..., None], args: tuple, pipe: int, folder: Path) -> None:
    """The child's whole life: run ``work``, report an error, never return."""
    code = 0
    try:
        # the kernel's output streams belong to threads that do not exist in the child
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
        with contextlib.suppress(Exception):  # Linux: end with the parent, not orphaned
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        work(Outbox(pipe, folder), *args)
    except BaseException as exc:  # noqa: BLE001 - everything goes to the parent
        code = 1
        with contextlib.suppress(BaseException):
            text = "".join(traceback.format_exception(exc))
            try:  # an exception that pickles may still fail to load again
                pickle.loads(pickle.dumps(exc))
                payload = (exc, text)
            except Exception:  # noqa: BLE001 - an exception that cannot travel
                payload = (None, text)
            Outbox(pipe, folder).send("error", payload)
    finally:
        os._exit(code)


class Job:
    """``work(outbox, *args)`` running in a forked child; :meth:`get` waits for each
    value it sends. ``folder`` is the child's own (created, and removed by
    :meth:`close`)."""

    def __init__(self, name: str, work: Callable[..., None], args: tuple, folder: Path):
        self.name = name
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            with contextlib.suppress(Exception):
                stream.flush()
        # the child's garbage collector must not visit the objects it inherits: it
        # would write to them and so copy every page they sit on. The child freezes
        # them first thing (a splice of lists, no object touched), with the collector
        # off from before the fork; the parent's own frozen objects stay frozen.
        collecting = gc.isenabled()
        gc.disable()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
            gc.freeze()
            gc.enable()
            os.close(read)
            _run_child(work, args, write, self.folder)
        if collecting:
            gc.enable()
        os.close(write)
        self.pid = pid
        #: the process that started the child; only it may wait for, stop or clean up
        #: after it (a later fork, which inherits this object, may only read from it)
        self.owner = os.getpid()
        self._pipe = os.fdopen(read, "rb")
        self._arrived: set[str] = set()
        self._values: dict[str, Any] = {}
        self._ended = False  # the child closed its end of the pipe
        self.exit_status: int | None = None

    @property
    def _owned(self) -> bool:
        return os.getpid() == self.owner

    def _reap(self) -> int | None:
        if self.exit_status is None and self._owned:
            _, status = os.waitpid(self.pid, 0)
            self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status

    def _raise_error(self) -> None:
        try:
            exc, text = pickle.loads((self.folder / "error.pkl").read_bytes())
        except Exception as problem:  # noqa: BLE001 - whatever it is, say so plainly
            exc, text = None, f"(its error could not be read back: {problem!r})"
        self.close()
        if exc is not None:
            exc.add_note(f"(raised in the background work '{self.name}':\n{text.rstrip()})")
            raise exc
        raise AheadError(f"the background work '{self.name}' failed:\n{text}")

    def get(self, kind: str) -> Any:
        """The value the child sent as ``kind``, waiting for it if need be. Raises the
        child's own error if it failed, :class:`AheadError` if it ended without
        sending ``kind``."""
        if kind in self._values:
            return self._values[kind]
        while kind not in self._arrived:
            line = b"" if self._pipe.closed else self._pipe.readline()
            if not line:
                if self._pipe.closed and not self._ended:
                    raise AheadError(
                        f"the background work '{self.name}' is closed; '{kind}' is gone with it"
                    )
                self._ended = True
                code = self._reap() if self.exit_status is None else self.exit_status
                self.close()
                status = "" if code is None else f" (exit status {code})"
                raise AheadError(
                    f"the background work '{self.name}' ended{status} without sending '{kind}'"
                )
            self._arrived.add(line.decode().strip())
            if "error" in self._arrived:
                self._raise_error()
        try:
            with open(self.folder / f"{kind}.pkl", "rb") as handle:
                self._values[kind] = pickle.load(handle)
        except FileNotFoundError:
            raise AheadError(
                f"the background work '{self.name}' is closed; '{kind}' is gone with it"
            ) from None
        return self._values[kind]

    @property
    def running(self) -> bool:
        if self.exit_status is not None:
            return False
        if not self._owned:
            raise AheadError(f"only the process that started '{self.name}' can wait for it")
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status is None

    def _wait(self, seconds: float) -> bool:
        """Whether the child has ended within ``seconds`` (it is reaped if so)."""
        end = time.monotonic() + seconds
        while self.running:
            if time.monotonic() >= end:
                return False
            time.sleep(0.01)
        return True

    def close(self) -> None:
        """Stop the child if it still runs (a child that has sent its last value gets a
        moment to end by itself; one that ignores SIGTERM gets SIGKILL), reap it and
        remove its folder. In a process that did not start the child (a later fork),
        only this process's end of the pipe is closed."""
        if not self._owned:
            if not self._pipe.closed:
                self._pipe.close()
            return
        if self.exit_status is None:
            with contextlib.suppress(ChildProcessError, ProcessLookupError):
                if not self._wait(0.2):
                    os.kill(self.pid, signal.SIGTERM)
                    if not self._wait(5):
                        os.kill(self.pid, signal.SIGKILL)
                        self._reap()
        if not self._pipe.closed:
            self._pipe.close()
        shutil.rmtree(self.folder, ignore_errors=True)


#: True in the child of :func:`start_wave_work`, which already runs beside the kernel:
#: a further fork there would only compete for the same two cores, and copy memory.
_IN_WAVE_WORK = False


def on_two_cores(
    work: Callable[[list], Any],
    items: list,
    weights: list[int],
    min_weight: int = 50_000,
) -> list:
    """Run ``work(part)`` over ``items`` split into two parts of about equal total
    weight, one part in a forked child: both cores at once. Returns the results of
    ``work``, one per part (the child's comes back pickled).

    Serial (one call with all the items, one result) where fork is not used (see
    :func:`enabled`), for fewer than two items, under ``min_weight`` in total, where a
    fork costs more than it saves, and inside the wave work started ahead (it runs
    beside the kernel already; a further fork measured slower there, with three
    processes on two cores). A failure on either side is raised here."""
    if _IN_WAVE_WORK or not enabled() or len(items) < 2 or sum(weights) < min_weight:
        return [work(list(items))]
    parts: tuple[list, list] = ([], [])
    loads = [0, 0]
    for item, weight in sorted(zip(items, weights, strict=True), key=lambda iw: -iw[1]):
        side = 0 if loads[0] <= loads[1] else 1
        parts[side].append(item)
        loads[side] += weight

    def other(outbox: Outbox, part: list) -> None:
        outbox.send("done", work(part))

    folder = Path(tempfile.mkdtemp(prefix="nps-two-cores-"))
    job = Job("the second half", other, (parts[1],), folder)
    try:
        here = work(parts[0])
        there = job.get("done")
    finally:
        job.close()
    return [here, there]


# --------------------------------------------------------------- the wave's themes
def fingerprint(frame: pd.DataFrame) -> str:
    """A digest of ``frame``'s columns and values, the same for equal data however it
    is stored (object or string columns, categories or plain values)."""
    digest = hashlib.sha256("\x1f".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _file_key(path: Path | None) -> tuple:
    if path is None:
        return ()
    try:
        st = Path(path).stat()
    except OSError:
        return (str(path), None)
    return (str(path), st.st_size, st.st_mtime_ns)


def _inputs_key(params) -> tuple:
    """What, besides the responses, the themes and lists depend on: params and codebook
    files, and the invitation list and account master they are read from."""
    inv = params.path(params.inputs.invitations) if params.inputs.invitations else None
    return (
        params.wave_id,
        params.model_dump_json(),
        _file_key(params.codebook_path),
        _file_key(params.path(params.inputs.accounts)),
        _file_key(inv),
    )


def _wave_work(
    outbox: Outbox, params, responses, accounts, invitations, comments: Job | None
) -> None:
    """In the child: the themes, then the follow-up lists into the job's folder.
    ``comments`` is the comment work started from the raw export, if any: the themes
    take what it worked out (waiting for it), and work alone if it failed."""
    from nps_helpers import followup, store, themes

    global _IN_WAVE_WORK
    _IN_WAVE_WORK = True  # this child is the second core: no further forks
    outbox.send("fingerprint", fingerprint(responses))
    if invitations is not None:  # while the comment work finishes
        invitations = store.report_invitations(params, invitations, accounts)
    known = None
    if comments is not None:
        # the texts of the raw export's comments: a cache, so any failure only means
        # the themes are worked out here (an error of the work itself recurs below)
        with contextlib.suppress(Exception):
            known = comments.get("texts")
        comments.close()  # this process's end of its pipe only: it is the kernel's child
    themed = themes.analyse(
        responses["comment"],
        params.codebook_path,
        responses["industry"],
        responses["score"],
        known=known,
    )
    del known
    outbox.send("themed", themed)
    by_theme = themes.theme_table(responses, themed)
    written = followup.write_followup(
        params,
        responses,
        themed,
        invitations,
        by_theme,
        out=outbox.folder / "followup",
        on_counts=lambda counts: outbox.send("counts", counts),
    )
    outbox.send("followup", written)


class WaveWork:
    """The themes and follow-up lists of one wave, worked out in a child process."""

    def __init__(
        self, params, responses: pd.DataFrame, accounts, invitations, comments: Job | None = None
    ):
        self.params = params
        self.key = _inputs_key(params)
        folder = params.reports_dir / f".ahead-{os.getpid()}-{id(self)}"
        # as the report will read them back from Parquet: a fresh 0..n-1 index
        responses = responses.reset_index(drop=True)
        self.comments = comments  # closed with this work: its child reads from it
        self.job = Job(
            "themes and follow-up lists",
            _wave_work,
            (params, responses, accounts, invitations, comments),
            folder,
        )

    def matches(self, params, responses: pd.DataFrame) -> bool:
        """Whether this work was started from exactly ``responses`` and these inputs."""
        if _inputs_key(params) != self.key:
            return False
        try:
            theirs = self.job.get("fingerprint")
        except NpsWorkbookError:
            return False
        return theirs == fingerprint(responses.reset_index(drop=True))

    def themed(self):
        """:func:`themes.analyse` of the wave's comments (waits for the child)."""
        return self.job.get("themed")

    def counts(self) -> dict[str, int]:
        """The row count of each follow-up list (as ``write_followup(...)["counts"]``),
        known before the files are written."""
        return self.job.get("counts")

    def finish(self) -> dict[str, Any]:
        """Wait for the follow-up lists, move them to ``reports/<wave>/followup/``
        (replacing the previous run's) and return what :func:`write_followup` returns,
        with the published paths."""
        try:
            written = self.job.get("followup")
            staged = self.job.folder / "followup"
            final = self.params.reports_dir / "followup"
            old = final.with_name(f".followup-old-{os.getpid()}")
            if final.exists():
                os.replace(final, old)
            try:
                os.replace(staged, final)
            except OSError:
                if old.exists():  # the last good lists stay where they were
                    os.replace(old, final)
                raise
            shutil.rmtree(old, ignore_errors=True)
        finally:
            self.close()
            if _JOBS.get(self.params.wave_id) is self:  # not a newer start's
                _JOBS.pop(self.params.wave_id)

        def moved(value):
            if isinstance(value, Path) and staged in (value, *value.parents):
                return final / value.relative_to(staged)
            return value

        return {k: moved(v) for k, v in written.items()}

    def close(self) -> None:
        self.job.close()
        if self.comments is not None:
            self.comments.close()


#: The work started ahead in this process, by wave id (one per wave: the latest).
_JOBS: dict[str, WaveWork] = {}
#: The comment work started from a raw export, by wave id, until the wave work takes it.
_COMMENTS: dict[str, Job] = {}
#: Input files being read ahead, by reader name and resolved path, until they are taken.
_READS: dict[tuple[str, str], Job] = {}


def _comment_work(outbox: Outbox, params, raw) -> None:
    """In the child: :func:`themes.analyse_texts` of the distinct comments of the raw
    export, stripped as cleaning strips them (rows cleaning will reject included)."""
    import numpy as np

    from nps_helpers import clean, themes

    global _IN_WAVE_WORK
    _IN_WAVE_WORK = True
    picked, _ = clean.detect_columns(raw, clean.CleanOptions.from_params(params).columns)
    column = picked.get("comment")
    texts = clean.stripped_text(raw.data[column]).unique() if column else np.array([], dtype=object)
    outbox.send("texts", themes.analyse_texts(texts, params.codebook_path))


def _start_job(
    registry: dict, key: Any, reports_dir: Path, tag: str, name: str, work: Callable, args: tuple
) -> Job | None:
    """Close the job ``registry`` holds under ``key``, then start ``work(outbox, *args)``
    in a folder ``reports_dir/.ahead-<pid>-<tag>-…`` and register it there. None where
    work is not started ahead (see the module docs)."""
    previous = registry.pop(key, None)
    if previous is not None:
        previous.close()
    if not enabled():
        return None
    reports_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(reports_dir)
    folder = reports_dir / f".ahead-{os.getpid()}-{tag}-{time.monotonic_ns()}"
    job = Job(name, work, args, folder)
    registry[key] = job
    return job


def start_comment_work(params, raw) -> Job | None:
    """Start the themes of the comments of ``raw`` (as read by
    :func:`ingest.read_export`) on the second core, while the kernel cleans the
    wave: :func:`start_wave_work` hands it on to the wave work,
    which then only spreads it to the responses. None where work is not started
    ahead (see the module docs)."""
    return _start_job(
        _COMMENTS, params.wave_id, params.reports_dir, "comments",
        "themes of the comments", _comment_work, (params, raw),
    )  # fmt: skip


def _read_work(outbox: Outbox, reader_name: str, path: Path) -> None:
    """In the child: the file read by ``ingest.<reader_name>`` (without its hand-over),
    sent with the hash of the bytes it was read from."""
    from nps_helpers import ingest

    before = ingest.file_digest(path)
    frame = getattr(ingest, reader_name).__wrapped__(path)
    if ingest.file_digest(path) != before:
        raise AheadError(f"{path} changed while it was read")
    outbox.send("read", (before, frame))


def start_reading(params) -> Job | None:
    """Read the wave's invitation list (the largest input after the export) on the
    second core while the kernel reads the export and the account master:
    :func:`ingest.read_invitations` then takes the frame from the child (if the file
    is still the one the child read) instead of parsing the file. None where work is
    not started ahead (see the module docs) or params name no invitation list."""
    if not params.inputs.invitations:
        return None
    path = Path(params.path(params.inputs.invitations)).resolve()
    return _start_job(
        _READS, ("read_invitations", str(path)), params.reports_dir, "read",
        "reading the invitation list", _read_work, ("read_invitations", path),
    )  # fmt: skip


def take_read(reader_name: str, path: str | Path, digest: str) -> pd.DataFrame | None:
    """The frame :func:`start_reading` read from ``path`` with ``ingest.<reader_name>``,
    if a child was started for it and read the bytes whose hash is ``digest``; else
    None, and the caller reads the file itself (so an error of the child's recurs
    there, with the reader's own message). Each read is taken once."""
    job = _READS.pop((reader_name, str(Path(path).resolve())), None)
    if job is None:
        return None
    try:
        theirs, frame = job.get("read")
    except Exception:  # noqa: BLE001 - the caller reads the file and meets the error itself
        return None
    finally:
        job.close()
    return frame if theirs == digest else None


def _remove_stale(reports_dir: Path) -> None:
    """Folders left by children of processes that no longer run."""
    for folder in reports_dir.glob(".ahead-*"):
        try:
            pid = int(folder.name.split("-")[1])
            os.kill(pid, 0)
            ours = [w.job.folder for w in _JOBS.values()]
            ours += [w.comments.folder for w in _JOBS.values() if w.comments is not None]
            ours += [job.folder for job in _COMMENTS.values()]
            ours += [job.folder for job in _READS.values()]
            alive = pid != os.getpid() or folder in ours
        except (ValueError, IndexError, ProcessLookupError):
            alive = False
        except PermissionError:
            alive = True
        if not alive:
            shutil.rmtree(folder, ignore_errors=True)


def start_wave_work(
    params, responses: pd.DataFrame, accounts: pd.DataFrame | None, invitations
) -> WaveWork | None:
    """Start the themes and follow-up lists of the clean wave ``responses`` on the
    second core (``invitations`` as read by :func:`ingest.read_invitations`). The
    comment work of this wave, if :func:`start_comment_work` started one, is handed on:
    the new child takes the texts' themes from it. Returns None where work is not
    started ahead (see the module docs)."""
    previous = _JOBS.pop(params.wave_id, None)
    if previous is not None:
        previous.close()
    if not enabled():
        if params.wave_id in _COMMENTS:
            _COMMENTS.pop(params.wave_id).close()
        return None
    params.reports_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(params.reports_dir)  # while the comment work is still registered
    comments = _COMMENTS.pop(params.wave_id, None)
    work = WaveWork(params, responses, accounts, invitations, comments)
    _JOBS[params.wave_id] = work
    return work


def wave_work(params, responses: pd.DataFrame) -> WaveWork | None:
    """The work :func:`start_wave_work` started in this kernel for exactly this wave's
    ``responses`` and inputs, else None (the report then works alone)."""
    work = _JOBS.get(params.wave_id)
    if work is None:
        return None
    if not work.matches(params, responses):
        _JOBS.pop(params.wave_id, None)
        work.close()
        return None
    return work
