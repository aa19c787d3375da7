# ruff: noqa: E501  (expected messages are compared line by line)
import importlib

import pytest

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.params import load_params
from nps_helpers.run.kernel import KERNEL_NAME, ensure_kernel
from nps_helpers.run.runner import (
    WARM_MODULES,
    WAVE_NOTEBOOKS,
    default_notebooks_dir,
    describe_failure,
)


def test_default_notebooks_dir(project, tmp_path):
    p = load_params(project / "params" / "2026-H2.yaml")
    folder = default_notebooks_dir(p)  # the project has none: the workbook's own
    assert all((folder / n).is_file() for n in WAVE_NOTEBOOKS)
    (project / "notebooks").mkdir()
    for n in WAVE_NOTEBOOKS:
        (project / "notebooks" / n).write_text((folder / n).read_text())
    assert default_notebooks_dir(p) == project / "notebooks"


def test_default_notebooks_dir_missing(project, monkeypatch):
    p = load_params(project / "params" / "2026-H2.yaml")
    monkeypatch.setattr("nps_helpers.run.runner.WAVE_NOTEBOOKS", ("nope.ipynb",))
    with pytest.raises(NpsWorkbookError, match="cannot find the wave notebooks"):
        default_notebooks_dir(p)


def test_describe_failure():
    class Fake(Exception):
        cell_index = 4
        exec_count = 3
        source = "result = clean(raw)\nshow(result)"
        ename = "MappingError"
        evalue = "export.csv: column role has labels with no entry in role_map: 'CFO' (1 rows)"

    text = describe_failure("prepare_wave.ipynb", "reports/w/executed/prepare_wave.ipynb", Fake())
    assert text.splitlines() == [
        "export.csv: column role has labels with no entry in role_map: 'CFO' (1 rows)",
        "(stopped in prepare_wave.ipynb, cell 5 (execution count 3); the executed notebook is "
        "reports/w/executed/prepare_wave.ipynb)",
    ]


def test_describe_failure_of_an_unexpected_error_is_a_paragraph():
    class Fake(Exception):
        cell_index = 4
        exec_count = 3
        source = "result = clean(raw)\nshow(result)"
        ename = "KeyError"
        evalue = "'role'"

    text = describe_failure("prepare_wave.ipynb", "reports/w/executed/prepare_wave.ipynb", Fake())
    assert text.splitlines() == [
        "prepare_wave.ipynb failed in cell 5 (execution count 3):",
        "    result = clean(raw) ...",
        "KeyError: 'role'",
        "The executed notebook, with the error in place, is reports/w/executed/prepare_wave.ipynb",
    ]


def _notebook(path, *sources):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("params_path = ''", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "nps", "language": "python"}
    nbformat.write(nb, path)


def test_one_kernel_runs_both_notebooks_with_a_fresh_namespace(project, tmp_path, caplog):
    """The report notebook runs in the prepare notebook's kernel (same process, modules
    already imported) but cannot see the prepare notebook's variables."""
    import json

    import psutil

    from nps_helpers.run.runner import run_wave

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _notebook(
        nbs / WAVE_NOTEBOOKS[0],
        "import os, sys, pathlib\nleft_over = 1\nsys._nps_marker = os.getpid()\n"
        "pathlib.Path('first.pid').write_text(str(os.getpid()))",
    )
    _notebook(
        nbs / WAVE_NOTEBOOKS[1],
        "import os, sys, pathlib\nassert 'left_over' not in globals()\n"
        "assert sys._nps_marker == os.getpid()\n"
        "pathlib.Path('second.pid').write_text(str(os.getpid()))\nprint('report ran')",
    )
    lines = []
    deck = run_wave(project / "params" / "2026-H2.yaml", nbs, echo=lines.append)
    pid = int((nbs / "first.pid").read_text())
    assert pid == int((nbs / "second.pid").read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert deck.is_file()
    executed = json.loads((deck.parent / "executed" / WAVE_NOTEBOOKS[1]).read_text())
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert ["".join(o.get("text", "")) for o in outputs] == ["report ran\n"]
    assert "Could not destroy zmq context" not in caplog.text  # no client left open
    assert [line.split(":")[0] for line in lines][:2] == [f"[1/3] {WAVE_NOTEBOOKS[0]}"] * 2


def test_failure_in_the_second_notebook_still_shuts_the_kernel(project, tmp_path):
    import psutil

    from nps_helpers.errors import NotebookFailedError
    from nps_helpers.run.runner import run_wave

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    _notebook(
        nbs / WAVE_NOTEBOOKS[0],
        "import os, pathlib\npathlib.Path('k.pid').write_text(str(os.getpid()))",
    )
    _notebook(nbs / WAVE_NOTEBOOKS[1], "raise ValueError('boom in report')")
    with pytest.raises(NotebookFailedError, match="boom in report"):
        run_wave(project / "params" / "2026-H2.yaml", nbs, echo=lambda _: None)
    pid = int((nbs / "k.pid").read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_warm_up_imports_in_the_kernel_and_leaves_the_namespace_empty(tmp_path):
    """The warm-up loads modules into the kernel (a missing one is skipped, not fatal),
    freezes what they made for the garbage collector and leaves nothing in the user
    namespace the notebooks see."""
    from jupyter_core.utils import run_sync

    from nps_helpers.run.runner import SKIPPED_MODULES, finish_warm_up, shared_kernel, warm_up

    log = tmp_path / "kernel.log"
    with shared_kernel(ensure_kernel(), tmp_path, log) as km:
        finish_warm_up(km, warm_up(km, ("colorsys", "no_such_module_for_nps", "wave")))
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=60)
            out = []
            code = (
                "import sys, gc\n"
                "print(sorted(m for m in ('colorsys', 'wave', 'no_such_module_for_nps') "
                "if m in sys.modules), "
                "sorted(k for k in globals() if 'warm' in k or k in ('_gc', '_sys', '_name')), "
                "gc.get_freeze_count() > 1000, gc.isenabled(), "
                "[sys.modules.get(m, 'absent') for m in SKIPPED])"
            )
            code = f"SKIPPED = {list(SKIPPED_MODULES)!r}\n" + code
            reply = run_sync(kc.execute_interactive)(
                code,
                timeout=60,
                output_hook=lambda msg: out.append(msg["content"].get("text", "")),
            )
        finally:
            kc.stop_channels()
    assert reply["content"]["status"] == "ok"
    # what the imports made is frozen: full collections no longer walk it; the skipped
    # modules are marked absent, so importing them fails fast
    assert "".join(out).strip() == "['colorsys', 'wave'] [] True True [None]"


@pytest.mark.parametrize("module", WARM_MODULES)
def test_warm_modules_import(module):
    """Every module the kernel warms up exists: none is a module the layout deleted."""
    assert importlib.import_module(module).__name__ == module


def test_display_path(tmp_path, monkeypatch):
    from nps_helpers.run.runner import display_path

    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "reports" / "w" / "deck.html") == "reports/w/deck.html"
    outside = tmp_path.parent / "elsewhere" / "deck.html"
    assert display_path(outside) == str(outside)


def test_an_input_changed_while_prepare_read_it_stops_the_run(project):
    """The digests recorded when prepare started are compared after it: a changed input
    is named, and nothing is published; an unchanged one goes on."""
    from nps_helpers.io import publish
    from nps_helpers.run.runner import check_inputs_unchanged

    params_path = project / "params" / "2026-H2.yaml"
    params = load_params(params_path)
    record = {"inputs": publish.input_digests(params, params_path)}
    check_inputs_unchanged(params, params_path, record)  # nothing changed: no error
    accounts = project / "data" / "raw" / "2026-H2" / "accounts.csv"
    accounts.write_text(accounts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(NpsWorkbookError, match=r"accounts\.csv changed while the wave was being"):
        check_inputs_unchanged(params, params_path, record)
