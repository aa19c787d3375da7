"""The workbook as a user installs it: a built wheel in a fresh virtual environment runs the
demo in an empty folder, with no source tree beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from nps_helpers.bundled import FILES

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("nps_workbook-*.whl"))


def test_the_wheel_carries_what_a_run_needs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"nps_helpers/resources/{f}" for f in FILES} <= names
    assert "nps_helpers/py.typed" in names
    assert "nps_helpers/deck/templates/nps_deck/index.html.j2" in names
    assert not any(n.startswith(("tests/", "data/", "reports/")) for n in names)


def test_installed_wheel_runs_the_demo_in_an_empty_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # the workbook comes from the wheel; its dependencies from this environment (a path
    # line in a .pth file: this environment's own .pth files, among them the editable
    # install of the source tree, are not run)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "workbook_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # likewise the data files of the dependencies: nbconvert's base templates (only
    # them: this environment's kernel spec would shadow the fresh one)
    shared = tmp_path / "jupyter"
    shared.mkdir()
    (shared / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    env["JUPYTER_PATH"] = str(shared)
    where = subprocess.run(
        [str(python), "-c", "import nps_helpers; print(nps_helpers.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert where.startswith(str(site)), "the wheel's copy, not the source tree"
    project = tmp_path / "empty"
    project.mkdir()
    run = subprocess.run(
        [str(venv / "bin" / "nps-wave"), "demo"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    for wave in ("2026-H1", "2026-H2"):
        assert (project / "reports" / wave / "deck.html").stat().st_size > 1_000_000
        assert (project / "params" / f"{wave}.yaml").is_file()
    assert (project / "params" / "codebook.yaml").is_file()
    assert not (project / "notebooks").exists(), "the wheel's notebooks ran"
    kernel = (venv / "share" / "jupyter" / "kernels" / "nps-workbook" / "kernel.json").read_text()
    assert str(python) in kernel, "the kernel runs the fresh environment's Python"
