"""Run one wave: Papermill executes the wave notebooks, nbconvert renders the deck, and
the wave is published as one unit (:mod:`nps_helpers.io.publish`: a lock per wave, a
staging folder, one publication at the end; its test hooks ``NPS_WAVE_KILL_AT`` and
``NPS_WAVE_PAUSE_AT`` stop or pause a run at a named point)."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from nps_helpers.bundled import bundled
from nps_helpers.errors import (
    ExportFormatError,
    MappingError,
    NotebookFailedError,
    NpsWorkbookError,
    ParamsError,
    WaveValidationError,
)
from nps_helpers.io import publish
from nps_helpers.io.files import read_notebook, write_text
from nps_helpers.params import WaveParams, load_params
from nps_helpers.run.kernel import ensure_kernel

#: The wave notebooks, in the order they run.
WAVE_NOTEBOOKS = ("prepare_wave.ipynb", "wave_report.ipynb")
REPORT_NOTEBOOK = "wave_report.ipynb"


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it lies inside it, else absolute."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def default_notebooks_dir(params: WaveParams) -> Path:
    """``<root>/notebooks`` when it holds the wave notebooks, else the workbook's own."""
    candidates = [params.root / "notebooks", bundled("notebooks")]
    for folder in candidates:
        if all((folder / name).is_file() for name in WAVE_NOTEBOOKS):
            return folder
    raise NpsWorkbookError(
        "cannot find the wave notebooks ("
        + ", ".join(WAVE_NOTEBOOKS)
        + ") in "
        + " or ".join(str(c) for c in candidates)
    )


def _kernel_manager_logging_to(log: Path) -> type:
    """A kernel manager class whose kernel writes its stderr to ``log``, not the terminal.

    The kernel's own start-up chatter (transport warnings, debugger notices) would
    otherwise interleave with the progress lines; the log keeps it for inspection.
    """
    from jupyter_client.manager import AsyncKernelManager

    class LoggingKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            handle = open(log, "ab")  # noqa: SIM115 - the kernel process owns it until it ends
            kw["stderr"] = handle
            try:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                handle.close()  # the child keeps its own descriptor

        def client(self, **kw):
            # Papermill leaves the channels of a client it did not own the kernel of
            # open; they are remembered here and closed after each notebook.
            kc = super().client(**kw)
            self.__dict__.setdefault("_open_clients", []).append(kc)
            return kc

        def close_clients(self) -> None:
            for kc in self.__dict__.pop("_open_clients", []):
                kc.stop_channels()

    return LoggingKernelManager


@contextlib.contextmanager
def shared_kernel(kernel: str, cwd: Path, log: Path, env: dict[str, str] | None = None) -> Iterator:
    """Start kernel ``kernel`` in ``cwd`` (its stderr to ``log``, ``env`` added to its
    environment); shut it down on exit.

    Yields the kernel manager, to hand to ``papermill.execute_notebook(km=...)``:
    Papermill then uses this kernel and leaves it running for the next notebook.
    """
    from jupyter_core.utils import run_sync

    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    km = _kernel_manager_logging_to(log)(kernel_name=kernel)
    run_sync(km.start_kernel)(cwd=str(cwd), env={**os.environ, **(env or {})})
    try:
        yield km
    finally:
        km.close_clients()
        run_sync(km.shutdown_kernel)(now=True)
        run_sync(km.cleanup_resources)()


#: What the wave notebooks import, loaded into the kernel while the CLI loads Papermill
#: and nbconvert (two processes, two cores): the notebooks then find them in place.
WARM_MODULES = (
    "pandas",
    "great_expectations",
    "great_expectations.checkpoint",
    "great_expectations.expectations.row_conditions",
    "nps_helpers.wave",
    "nps_helpers.prepare.clean",
    "nps_helpers.prepare.validate",
    "nps_helpers.deck.blocks",
    "nps_helpers.deck.charts",
    "nps_helpers.deck.story",
    "nps_helpers.followup",
    "nps_helpers.io.followup_files",
    "nps_helpers.text.themes",
    "nps_helpers.text.discover",
    "vaderSentiment.vaderSentiment",
    "sklearn.decomposition",
    "sklearn.feature_extraction.text",
)
#: Modules the kernel need not import at all. ``rfc3987_syntax`` builds a grammar for
#: jsonschema's "iri" format check when jsonschema is imported (by Great Expectations):
#: 1.2 s of every run's start on these machines, for a check the workbook never makes.
#: Marked absent in the wave kernel only, jsonschema skips that one format.
SKIPPED_MODULES = ("rfc3987_syntax",)


def warm_up(km, modules: tuple[str, ...] = WARM_MODULES):
    """Ask the kernel to import ``modules`` without waiting for it; returns the client
    to hand to :func:`finish_warm_up`. Nothing lands in the user namespace, and a module
    that fails to import is skipped (the notebook that needs it reports the error).
    :data:`SKIPPED_MODULES` are marked absent first."""
    kc = km.client()
    kc.start_channels()
    code = (
        "import sys as _sys\n"
        f"for _name in {list(SKIPPED_MODULES)!r}:\n"
        "    _sys.modules.setdefault(_name, None)\n"
        "del _sys, _name\n"
        "def _nps_warm(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        f"_nps_warm({list(modules)!r})\n"
        "del _nps_warm\n"
        # what the imports made lives as long as the kernel: the garbage collector
        # need not walk it again at every full collection (0.2 s each at 200,000
        # responses, and %reset between the notebooks runs one)
        "import gc as _gc\n"
        "_gc.freeze()\n"
        "del _gc\n"
    )
    kc.execute(code, silent=True, store_history=False)
    return kc


def finish_warm_up(km, kc, timeout: float = 120) -> None:
    """Wait until the kernel has done the imports :func:`warm_up` asked for."""
    from jupyter_core.utils import run_sync

    try:
        run_sync(kc.wait_for_ready)(timeout=timeout)  # answers after the warm-up ran
    finally:
        km.close_clients()


def reset_namespace(km, timeout: float = 60) -> None:
    """Empty the kernel's user namespace (``%reset -f``), keeping imported modules."""
    from jupyter_core.utils import run_sync

    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=timeout)
        reply = run_sync(kc.execute_interactive)(
            "%reset -f", silent=True, store_history=False, timeout=timeout
        )
    finally:
        km.close_clients()
    if reply["content"]["status"] != "ok":
        raise NpsWorkbookError(f"could not reset the kernel between notebooks: {reply['content']}")


#: The workbook's own refusals: their message already names the file, column and what
#: to do, so it comes first and alone on its line.
REFUSALS = frozenset(
    c.__name__ for c in (ParamsError, ExportFormatError, MappingError, WaveValidationError)
)


def describe_failure(name: str, executed: Path, exc: Exception) -> str:
    """What to tell the analyst about a notebook that failed under Papermill.

    A refusal of the workbook's own (a params, export, mapping or validation error)
    is its own message (one sentence; the gate's lists its failed checks), then where it
    happened; any other error is a paragraph naming
    the notebook, the cell, the error and the executed notebook."""
    cell = getattr(exc, "cell_index", None)
    count = getattr(exc, "exec_count", None)
    source = (getattr(exc, "source", "") or "").strip().splitlines()
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {cell + 1}" if isinstance(cell, int) else "a cell"
    if count:
        where += f" (execution count {count})"
    first = f"\n    {source[0]}" + (" ..." if len(source) > 1 else "") if source else ""
    if ename in REFUSALS:
        return (
            f"{str(evalue).strip()}\n(stopped in {name}, {where}; the executed notebook is "
            f"{display_path(executed)})"
        )
    return (
        f"{name} failed in {where}:{first}\n{ename}: {evalue}\n"
        f"The executed notebook, with the error in place, is {display_path(executed)}"
    )


def run_wave(
    params_path: str | Path,
    notebooks_dir: str | Path | None = None,
    echo: Callable[[str], None] = print,
    lock_wait: float | None = None,
) -> Path:
    """Execute the wave notebooks for ``params_path``, render the deck, and publish the
    wave as one unit (:mod:`nps_helpers.io.publish`).

    Under the wave's lock, what a killed run left is finished or removed first (one
    line each to ``echo``); then everything the run writes is staged, and published
    together at the end. A notebook that fails publishes only its executed notebooks
    and the data-quality page: the last good wave stays as it was.

    Parameters
    ----------
    params_path
        ``params/<wave>.yaml``.
    notebooks_dir
        Where ``prepare_wave.ipynb`` and ``wave_report.ipynb`` are; by default the
        project's ``notebooks/``.
    echo
        Receives one line of progress per step.
    lock_wait
        Seconds to wait for another run of the same wave (default
        :data:`nps_helpers.io.publish.LOCK_WAIT`).

    Returns
    -------
    Path
        The deck, ``reports/<wave>/deck.html``.

    Raises
    ------
    NotebookFailedError
        When a notebook fails: the message names the notebook, the cell, the error
        and where the executed notebook is.
    NpsWorkbookError
        When another run of the wave holds its lock past ``lock_wait``.
    """
    params_path = Path(params_path).resolve()
    params = load_params(params_path)
    nb_dir = Path(notebooks_dir).resolve() if notebooks_dir else default_notebooks_dir(params)
    kernel = ensure_kernel()
    with publish.wave_lock(params, lock_wait):
        publish.recover(params, echo)
        stage = publish.new_stage(params)
        try:
            _run_staged(params, params_path, nb_dir, kernel, stage, echo)
        except NotebookFailedError:
            publish.publish(params, stage, diagnostics_only=True)
            raise
        except BaseException:
            publish.discard(stage)
            raise
    deck = params.reports_dir / "deck.html"
    echo(
        f"[{len(WAVE_NOTEBOOKS) + 1}/{len(WAVE_NOTEBOOKS) + 1}] deck written: {display_path(deck)}"
    )
    return deck


def _run_staged(
    params: WaveParams,
    params_path: Path,
    nb_dir: Path,
    kernel: str,
    stage: Path,
    echo: Callable[[str], None],
) -> None:
    """The run itself, everything written under ``stage``; published at the end."""
    record = publish.provenance(params, params_path)
    publish.write_provenance(stage, record)
    executed_dir = stage / "reports" / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    kernel_log = executed_dir / "kernel.log"
    kernel_log.write_text("", encoding="utf-8")
    env = {publish.STAGE_ENV: str(stage), publish.RUNNER_PID_ENV: str(os.getpid())}
    steps = len(WAVE_NOTEBOOKS) + 1
    # One kernel for both notebooks: the second one starts with an empty namespace
    # (%reset) but keeps the imported modules, so pandas and the package load once.
    with shared_kernel(kernel, nb_dir, kernel_log, env) as km:
        # the kernel imports what the notebooks need while this process loads
        # Papermill and nbconvert
        warming = warm_up(km)
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        from nps_helpers.deck.render import prime, render_deck

        logging.getLogger("papermill").setLevel(logging.ERROR)
        prime()  # while the kernel still imports: the deck's templates, compiled once
        finish_warm_up(km, warming)
        for i, name in enumerate(WAVE_NOTEBOOKS, start=1):
            executed = executed_dir / name
            echo(f"[{i}/{steps}] {name}: running (wave {params.wave_id}, kernel {kernel})")
            start = time.perf_counter()
            if i > 1:
                check_inputs_unchanged(params, params_path, record)
                publish.kill_point("between", children=(kernel_pid(km),))
                reset_namespace(km)
            try:
                pm.execute_notebook(
                    str(nb_dir / name),
                    str(executed),
                    parameters={"params_path": str(params_path)},
                    kernel_name=kernel,
                    progress_bar=False,
                    log_output=False,
                    cwd=str(nb_dir),
                    km=km,
                )
            except PapermillExecutionError as exc:
                final = params.reports_dir / "executed" / name  # published as it failed
                raise NotebookFailedError(describe_failure(name, final, exc)) from None
            finally:
                km.close_clients()
            echo(f"[{i}/{steps}] {name}: done in {time.perf_counter() - start:.1f} s")
    echo(f"[{steps}/{steps}] rendering the deck")
    subtitle = f"field {params.field_start:%d %b %Y} – {params.field_end:%d %b %Y}"
    page = render_deck(
        read_notebook(executed_dir / REPORT_NOTEBOOK),
        title=params.title,
        subtitle=subtitle,
        company=params.company,
    )
    publish.kill_point("render")
    write_text(stage / "reports" / "deck.html", page)
    publish.write_run(params, stage, record)
    publish.publish(params, stage)


def kernel_pid(km) -> int | None:
    """The process id of the kernel of ``km`` (for the kill test hook), or None."""
    return getattr(getattr(getattr(km, "provisioner", None), "process", None), "pid", None)


def check_inputs_unchanged(params: WaveParams, params_path: Path, record: dict) -> None:
    """Refuse to go on when an input file changed while prepare read it: the processed
    snapshot might mix two versions of it. (A change after prepare is harmless: the
    report reads the snapshot.)"""
    now = publish.input_digests(params, params_path)
    changed = [k for k, v in now.items() if v != record["inputs"].get(k)]
    if changed:
        raise NpsWorkbookError(
            f"wave {params.wave_id}: {', '.join(now[k]['path'] for k in changed)} changed while "
            "the wave was being prepared; nothing was published: run the wave again."
        )
