"""The three notebooks run as they are, cell by cell, through nbval against a small demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, make_project
from nps_helpers.run import cli

#: In the order they must run: prepare_wave writes the processed 2026-H2 wave that the
#: report and the drill-down read.
NOTEBOOKS = ["prepare_wave.ipynb", "wave_report.ipynb", "drilldown.ipynb"]


@pytest.mark.e2e
def test_notebooks_run_under_nbval(tmp_path):
    """``pytest --nbval-lax`` runs the notebooks of a small demo project (60 accounts).

    The 2026-H1 wave is run first, so the history and the previous wave exist. nbval
    starts each notebook's kernel in the notebook's folder, so the notebooks' default
    ``params_path = "../params/2026-H2.yaml"`` is the project's 2026-H2 wave.
    Measured on 2 cores: 38 s alone (the H1 wave 8 s, the three notebooks under nbval
    30 s); 24 s inside ``make test`` (``-n 2``).
    """
    root = make_project(tmp_path / "project")
    assert cli.main(["run", str(root / "params" / "2026-H1.yaml")]) == 0
    (root / "notebooks").mkdir()
    for name in NOTEBOOKS:
        shutil.copy(REPO / "notebooks" / name, root / "notebooks" / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "--nbval-current-env",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "--rootdir",
            str(root),
            *(str(root / "notebooks" / name) for name in NOTEBOOKS),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-20000:] + proc.stderr[-5000:]
    assert (root / "data" / "processed" / "2026-H2" / "responses.parquet").is_file()
