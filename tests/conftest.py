"""Shared fixtures: small demo projects in temporary folders, built with the real generator."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from nps_helpers.demo.company import generate_demo
from nps_helpers.params import load_params

# Property tests draw the same examples on every run, so a landing is never decided by
# the draw; `HYPOTHESIS_PROFILE=explore make test` draws new ones (and finds new bugs).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parents[1]
#: Debian's chromium (`make test` installs it when missing), with the flags this network needs.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = REPO / "test-output" / "screenshots"
#: The named slides of the demo deck (``deck.html#headline``), in order: the ``slide:``
#: tags of notebooks/wave_report.ipynb with the keys of the cells that start several.
DEMO_SLIDES = [
    "title",
    "headline",
    "trend",
    "movers",
    "segment-tier",
    "segment-role",
    "segment-industry",
    "segment-region",
    "segment-product",
    "cross-tier-role",
    "key-accounts",
    "revenue-at-risk",
    "coverage",
    "rate-by-role",
    "themes",
    "themes-detail",
    "detractor-quotes",
    "promoter-quotes",
    "closing-the-loop",
    "data-quality",
    "method",
    "checks",
    "uncaught-comments",
]
SMALL_ACCOUNTS = 60
#: The CLI of this environment, run as an analyst runs it.
NPS_WAVE = str(Path(sys.executable).with_name("nps-wave"))


def nps_wave(
    *args: str, cwd: Path, timeout: float = 600, **extra_env: str
) -> subprocess.CompletedProcess:
    """Run ``nps-wave *args`` in ``cwd`` as a separate process (pytest's own variables
    left out of its environment), capturing its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")} | extra_env
    return subprocess.run(
        [NPS_WAVE, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def make_project(root: Path, n_accounts: int = SMALL_ACCOUNTS, seed: int = 7) -> Path:
    """A project root with demo raw data and the repository's demo params."""
    generate_demo(root, seed=seed, n_accounts=n_accounts)
    (root / "params").mkdir(exist_ok=True)
    for f in [*(REPO / "params").glob("2026-*.yaml"), REPO / "params" / "codebook.yaml"]:
        shutil.copy(f, root / "params" / f.name)
    return root


@pytest.fixture(scope="session")
def small_project(tmp_path_factory) -> Path:
    """A read-only small demo project (do not write into it from tests)."""
    return make_project(tmp_path_factory.mktemp("small_project"))


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh small demo project a test may change."""
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def small_params(small_project):
    return load_params(small_project / "params" / "2026-H2.yaml")


@pytest.fixture(scope="session")
def cleaned(small_project, small_params):
    from nps_helpers.io import crm, exports
    from nps_helpers.prepare import clean

    raw = exports.read_qualtrics(small_params.path(small_params.inputs.export))
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    return clean.clean_responses(raw, accounts, small_params)
