"""Seeded simulations: the change test holds its size, the intervals cover.

The functions are those of ``benchmarks/inference.py`` (which prints the full grid);
each cell draws all its replicates at once with numpy, so a test takes a second or two.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SPEC = importlib.util.spec_from_file_location(
    "nps_statistics_benchmark",
    Path(__file__).resolve().parents[2] / "benchmarks" / "inference.py",
)
sim = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sim)

REPS = 2000
GRID = sim.GRID


@pytest.mark.parametrize("n", [10, 20, 40])
def test_change_test_holds_its_size_without_a_true_change(n):
    rng = np.random.default_rng(100 + n)
    sizes = {(p, d): sim.change_size(p, d, n, REPS, rng) for p, d in GRID}
    assert max(sizes.values()) <= 0.06, sizes


def test_the_old_change_test_over_rejected_at_small_n():
    # the reason for the change: observed change over the adjusted SE, at n = 10
    rng = np.random.default_rng(5)
    assert sim.change_size(0.5, 0.3, 10, REPS, rng, old=True) > 0.08


@pytest.mark.parametrize("n", [20, 40, 100])
def test_plain_interval_covers_from_n_20(n):
    rng = np.random.default_rng(200 + n)
    cover = {(p, d): sim.plain_coverage(p, d, n, REPS, rng) for p, d in GRID}
    assert min(cover.values()) >= 0.93, cover


@pytest.mark.parametrize(("accounts", "mean_size"), [(300, 2.2), (20, 10.0)])
@pytest.mark.parametrize(("p", "d"), [(0.5, 0.3), (0.7, 0.1)])
def test_clustered_interval_covers_with_correlated_accounts(accounts, mean_size, p, d):
    # within-account correlation 0.37, as in the demo; ignoring the accounts covers
    # far less (about 86% with 300 accounts, 64% with 20)
    rng = np.random.default_rng(accounts)
    sample = sim.clustered_sample(p, d, accounts, mean_size, REPS, rng, icc=0.37)
    truth = (p - d) * 100
    assert sim.clustered_coverage(sample, truth, REPS) >= 0.925
    assert sim.clustered_coverage(sample, truth, REPS, weighted=True) >= 0.925
    assert sim.clustered_coverage(sample, truth, REPS, clusters=False) < 0.9


@pytest.mark.parametrize("accounts", [False, True])
@pytest.mark.parametrize("n", [10, 20, 40])
def test_paired_test_holds_its_size_when_nobody_changes(n, accounts):
    # climbers and fallers: half the contacts keep their answer, the rest draw again
    # from the same shares; with accounts, n / 2 accounts (icc 0.37) as clusters
    rng = np.random.default_rng(300 + n + accounts)
    sizes = {
        (p, d): sim.paired_size(p, d, n, REPS, rng, accounts=n // 2 if accounts else None)
        for p, d in GRID
    }
    assert max(sizes.values()) <= 0.06, sizes


@pytest.mark.parametrize("accounts", [False, True])
@pytest.mark.parametrize("n", [20, 100, 300])
def test_share_change_test_holds_its_size_without_a_true_change(n, accounts):
    # 4000 replicates: the Monte Carlo error of a 5% size is then 0.35 points (at
    # 2000, one cell of 300 comments in 100 accounts read 6.1%; 10,000 give 4.9%)
    rng = np.random.default_rng(400 + n + accounts)
    sizes = {
        share: sim.share_size(share, n, 2 * REPS, rng, accounts=n // 3 if accounts else None)
        for share in sim.SHARES
    }
    assert max(sizes.values()) <= 0.06, sizes
