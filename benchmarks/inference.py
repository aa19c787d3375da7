"""Coverage of the NPS intervals and size of the change test, by simulation.

Run: ``.venv/bin/python benchmarks/inference.py [--reps N] [--seed S]``. Prints three
Markdown tables (numpy, seeded; every replicate of a cell is drawn at once):

1. the size of the uncorrected change test (no true change) at n = 10, 20, 40 per wave
   over a grid of promoter and detractor shares (p, d), old form (observed change over
   the adjusted SE) beside the workbook's (MeasuringU: adjusted change over adjusted SE);
2. the coverage of the plain adjusted-Wald interval (independent respondents);
3. the coverage of the headline and revenue-weighted intervals when respondents
   cluster in accounts (within-account correlation 0.37, as in the demo), with about
   300 accounts and with 20, ignoring the accounts and with them as clusters.

Accounts are simulated as a Dirichlet-multinomial: each account draws its own shares
of promoters, passives and detractors from Dirichlet(alpha * (p, 1 - p - d, d)); two
people of one account then correlate by 1 / (alpha + 1) on every 0/1 indicator and on
x = +1/0/-1, so alpha = 1 / icc - 1. The tests in tests/metrics/test_scoring_simulation.py
call the same functions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# run as a script, this file's folder comes first on sys.path and its name would hide
# the standard library's ``statistics`` (which the package imports)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from nps_helpers.metrics.panel import _paired, _tested  # noqa: E402
from nps_helpers.metrics.scoring import (  # noqa: E402
    compare_tables,
    design_variances,
    nps_interval,
    wave_design,
)
from nps_helpers.metrics.shares import two_proportions  # noqa: E402

GRID = [(0.2, 0.2), (0.3, 0.1), (0.5, 0.2), (0.5, 0.3), (0.7, 0.1), (0.8, 0.05), (0.4, 0.4)]
SIZES = (10, 20, 40)
ICC = 0.37


def _table(counts: np.ndarray) -> pd.DataFrame:
    """Replicates x (promoters, passives, detractors) counts -> a summary table."""
    n = counts.sum(axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p, d = counts[:, 0] / n, counts[:, 2] / n
    return pd.DataFrame(
        {"n": n, "pct_promoters": p * 100, "pct_detractors": d * 100, "nps": (p - d) * 100}
    )


def change_size(
    p: float, d: float, n: int, reps: int, rng: np.random.Generator, old: bool = False
) -> float:
    """Share of replicates the uncorrected change test flags at 5% when both waves
    share (p, d): its size. ``old``: the observed change over the adjusted SE."""
    probs = [p, 1 - p - d, d]
    a = _table(rng.multinomial(n, probs, size=reps))
    b = _table(rng.multinomial(n, probs, size=reps))
    result = compare_tables(a, b)
    if old:
        from scipy.stats import norm

        stat = np.abs(result["change"]) / result["change_se"]
        return float(np.mean(2 * norm.sf(stat) < 0.05))
    return float(np.mean(result["p_value"] < 0.05))


def plain_coverage(p: float, d: float, n: int, reps: int, rng: np.random.Generator) -> float:
    """Share of adjusted-Wald intervals (independent respondents) covering p - d."""
    counts = rng.multinomial(n, [p, 1 - p - d, d], size=reps)
    low, high = nps_interval(counts[:, 0] / n, counts[:, 2] / n, n)
    truth = (p - d) * 100
    return float(np.mean((low <= truth + 1e-9) & (truth - 1e-9 <= high)))


def clustered_sample(
    p: float,
    d: float,
    accounts: int,
    mean_size: float,
    reps: int,
    rng: np.random.Generator,
    icc: float = ICC,
) -> dict[str, np.ndarray]:
    """``reps`` waves of ``accounts`` accounts (1 + Poisson(mean_size - 1) people
    each), Dirichlet-multinomial with within-account correlation ``icc``; with an annual
    revenue per account (lognormal) and revenue weights (revenue / people)."""
    alpha = 1 / icc - 1
    shares = rng.dirichlet(alpha * np.array([p, 1 - p - d, d]), size=(reps, accounts))
    size = 1 + rng.poisson(mean_size - 1, size=(reps, accounts))
    rep = np.repeat(np.arange(reps), size.sum(axis=1))
    account = np.concatenate([np.repeat(np.arange(accounts), s) for s in size])
    cum = np.cumsum(shares, axis=2)[rep, account]
    u = rng.random(len(rep))
    x = np.where(u < cum[:, 0], 1.0, np.where(u < cum[:, 1], 0.0, -1.0))
    arr = rng.lognormal(0, 1.2, size=(reps, accounts))
    w = (arr / size)[rep, account]
    return {"rep": rep, "account": account, "x": x, "w": w}


def clustered_coverage(
    sample: dict[str, np.ndarray],
    truth: float,
    reps: int,
    weighted: bool = False,
    clusters: bool = True,
) -> float:
    """Share of intervals covering ``truth`` (NPS points), per replicate of ``sample``:
    with accounts as clusters, or treating respondents as independent (the old deck)."""
    rep, x = sample["rep"], sample["x"]
    w = sample["w"] if weighted else np.ones(len(x))
    W = np.bincount(rep, w, minlength=reps)
    p = np.bincount(rep, w * (x > 0), minlength=reps) / W
    d = np.bincount(rep, w * (x < 0), minlength=reps) / W
    n_kish = W**2 / np.bincount(rep, w**2, minlength=reps)
    df = None
    n_eff = n_kish
    if clusters:
        code = rep * (int(sample["account"].max()) + 1) + sample["account"]
        _, code = np.unique(code, return_inverse=True)
        var_ind, var_cl, G, G_eff = design_variances(x, w, rep, reps, code.ravel())
        deff, df = wave_design(var_ind, var_cl, G, n_kish, G_eff)
        n_eff = n_kish / deff
    low, high = nps_interval(p, d, n_eff, 0.95, df)
    return float(np.mean((low <= truth + 1e-9) & (truth - 1e-9 <= high)))


def _draw(cum: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One answer (+1/0/-1) per row of cumulative shares (promoter, passive)."""
    u = rng.random(len(cum))
    return np.where(u < cum[:, 0], 1.0, np.where(u < cum[:, 1], 0.0, -1.0))


def paired_size(
    p: float,
    d: float,
    n: int,
    reps: int,
    rng: np.random.Generator,
    stay: float = 0.5,
    accounts: int | None = None,
) -> float:
    """Size at 5% of the paired test (:func:`nps_helpers.metrics.panel.paired_change`)
    when nobody's chances change: each of ``n`` contacts answers before from (p, d);
    now they give the same answer with probability ``stay``, else draw again from the
    same shares. With ``accounts``, the n contacts sit in that many accounts, each with
    its own shares (Dirichlet, icc 0.37, the same in both waves), and the test takes
    them as clusters."""
    rep = np.repeat(np.arange(reps), n)
    if accounts is None:
        cum = np.tile(np.cumsum([p, 1 - p - d]), (len(rep), 1))
        cluster = None
    else:
        alpha = 1 / ICC - 1
        shares = rng.dirichlet(alpha * np.array([p, 1 - p - d, d]), size=(reps, accounts))
        account = rng.integers(0, accounts, size=len(rep))
        cum = np.cumsum(shares, axis=2)[rep, account][:, :2]
        cluster = rep * accounts + account
    before = _draw(cum, rng)
    now = np.where(rng.random(len(rep)) < stay, before, _draw(cum, rng))
    panel = pd.DataFrame({"score_before": before * 5 + 5, "score_now": now * 5 + 5})
    result = _tested(_paired(panel, rep, reps, cluster), 0.95)
    return float(np.mean(result["p_value"] < 0.05))


def share_size(
    share: float, n: int, reps: int, rng: np.random.Generator, accounts: int | None = None
) -> float:
    """Size at 5% of the share-change test
    (:func:`nps_helpers.metrics.shares.share_changes`) when a theme's share is
    ``share`` in both waves of ``n`` comments. With ``accounts`` (per wave, about n /
    accounts comments each, the same accounts in both waves), each account has its own
    share (Beta, icc 0.37, the same in both waves) and the test takes them as
    clusters."""
    if accounts is None:
        a, b = rng.binomial(n, share, size=reps), rng.binomial(n, share, size=reps)
        return float(np.mean(two_proportions(a, n, b, n)["p_value"] < 0.05))
    alpha = 1 / ICC - 1
    own = rng.beta(alpha * share, alpha * (1 - share), size=(reps, accounts))
    rep = np.tile(np.repeat(np.arange(reps), n), 2)
    account = rng.integers(0, accounts, size=len(rep))
    x = (rng.random(len(rep)) < own[rep, account]).astype(float)
    side = np.repeat([-1, 1], reps * n)
    var_ind, _, _, _ = design_variances(x, np.ones(len(x)), rep, reps, None, side)
    _, var_cl, _, g_eff = design_variances(
        x, np.ones(len(x)), rep, reps, rep * accounts + account, side
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        deff = np.where(var_ind > 0, var_cl / var_ind, 1.0)
    hits = np.bincount(rep + reps * (side > 0), x, minlength=2 * reps)
    test = two_proportions(hits[:reps], n, hits[reps:], n, 0.95, deff, np.maximum(g_eff - 1, 1))
    return float(np.mean(test["p_value"] < 0.05))


PAIRED_SIZES = (10, 20, 40)
SHARES = (0.05, 0.1, 0.2, 0.35, 0.5)
SHARE_SIZES = (20, 50, 100, 300)


def paired_table(reps: int, seed: int) -> pd.DataFrame:
    """Size of the paired test over the grid: contacts independent, and in accounts
    (n / 2 accounts, icc 0.37) as clusters."""
    rng = np.random.default_rng(seed)
    rows = []
    for p, d in GRID:
        row = {"p": p, "d": d}
        for n in PAIRED_SIZES:
            row[f"n={n}"] = paired_size(p, d, n, reps, rng)
        for n in PAIRED_SIZES:
            row[f"accounts n={n}"] = paired_size(p, d, n, reps, rng, accounts=n // 2)
        rows.append(row)
    return pd.DataFrame(rows)


def share_table(reps: int, seed: int) -> pd.DataFrame:
    """Size of the share-change test: comments independent, and in accounts (n / 3
    per wave, icc 0.37) as clusters."""
    rng = np.random.default_rng(seed)
    rows = []
    for share in SHARES:
        row = {"share": share}
        for n in SHARE_SIZES:
            row[f"n={n}"] = share_size(share, n, reps, rng)
        for n in SHARE_SIZES:
            row[f"accounts n={n}"] = share_size(share, n, reps, rng, accounts=max(n // 3, 2))
        rows.append(row)
    return pd.DataFrame(rows)


def size_table(reps: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for p, d in GRID:
        row = {"p": p, "d": d}
        for n in SIZES:
            row[f"old n={n}"] = change_size(p, d, n, reps, rng, old=True)
            row[f"n={n}"] = change_size(p, d, n, reps, rng)
        rows.append(row)
    return pd.DataFrame(rows)


def plain_table(reps: int, seed: int, sizes=(10, 20, 40, 100)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        {"p": p, "d": d, **{f"n={n}": plain_coverage(p, d, n, reps, rng) for n in sizes}}
        for p, d in GRID
    ]
    return pd.DataFrame(rows)


def cluster_table(reps: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for accounts, mean_size in ((300, 2.2), (20, 10.0)):
        for p, d in GRID:
            sample = clustered_sample(p, d, accounts, mean_size, reps, rng)
            truth = (p - d) * 100
            rows.append(
                {
                    "accounts": accounts,
                    "p": p,
                    "d": d,
                    "ignoring accounts": clustered_coverage(sample, truth, reps, clusters=False),
                    "accounts as clusters": clustered_coverage(sample, truth, reps),
                    "revenue-weighted, ignoring": clustered_coverage(
                        sample, truth, reps, weighted=True, clusters=False
                    ),
                    "revenue-weighted, clusters": clustered_coverage(
                        sample, truth, reps, weighted=True
                    ),
                }
            )
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table: shares as percent with one decimal, (p, d) as they are."""
    cells = [
        [
            f"{v:g}" if c in ("p", "d", "accounts", "share") else f"{v * 100:.1f}%"
            for c, v in row.items()
        ]
        for _, row in frame.iterrows()
    ]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in cells])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"## Size of the change test at 5% (no true change; {args.reps} replicates)\n")
    print(markdown(size_table(args.reps, args.seed)))
    print(f"\n## Coverage of the 95% adjusted-Wald interval ({args.reps} replicates)\n")
    print(markdown(plain_table(args.reps, args.seed)))
    print(f"\n## Coverage with accounts (icc {ICC}; {args.reps} replicates)\n")
    print(markdown(cluster_table(args.reps, args.seed)))
    print(f"\n## Size of the paired test (climbers and fallers; {args.reps} replicates)\n")
    print(markdown(paired_table(args.reps, args.seed)))
    print(f"\n## Size of the share-change test (themes; {args.reps} replicates)\n")
    print(markdown(share_table(args.reps, args.seed)))


if __name__ == "__main__":
    main()
