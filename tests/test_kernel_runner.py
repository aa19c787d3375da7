# ruff: noqa: E501  (expected messages are compared line by line)
import sys

import pytest

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.kernel import KERNEL_NAME, ensure_kernel, kernel_dir
from nps_helpers.params import load_params
from nps_helpers.runner import WAVE_NOTEBOOKS, default_notebooks_dir, describe_failure


def test_kernel_runs_this_python():
    assert ensure_kernel() == KERNEL_NAME
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.argv[0] == sys.executable
    assert str(kernel_dir()).startswith(sys.prefix)


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
    monkeypatch.setattr("nps_helpers.runner.WAVE_NOTEBOOKS", ("nope.ipynb",))
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
        "prepare_wave.ipynb failed in cell 5 (execution count 3):",
        "    result = clean(raw) ...",
        "MappingError: export.csv: column role has labels with no entry in role_map: 'CFO' (1 rows)",
        "The executed notebook, with the error in place, is reports/w/executed/prepare_wave.ipynb",
    ]
