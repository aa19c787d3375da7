"""Benchmark of the analytics tables: 1,000,000 responses across 8 waves.

Run: ``.venv/bin/python benchmarks/analytics.py [--responses N] [--waves W]``
(or ``make bench-analytics``). It builds canonical responses with numpy (seeded),
then times every table the wave report computes for the last wave (against the whole
history for the trends), and prints a Markdown table; ``--json FILE`` writes the numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.io import history
from nps_helpers.metrics import accounts, coverage, scoring, segments
from nps_helpers.metrics.trend import nps_trend


def build(
    n_responses: int, n_waves: int, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n_accounts = max(n_responses // 200, 50)
    tiers = rng.choice(["small", "key", "premium"], n_accounts, p=[0.7, 0.22, 0.08])
    acc = pd.DataFrame(
        {
            "account_id": [f"A{i:06d}" for i in range(n_accounts)],
            "account_name": [f"Account {i}" for i in range(n_accounts)],
            "tier": pd.Categorical(tiers, categories=["small", "key", "premium"]),
            "industry": pd.Categorical(
                rng.choice(["SaaS", "Fintech", "Logistics", "Services"], n_accounts)
            ),
            "region": pd.Categorical(rng.choice(["EMEA", "North America", "APAC"], n_accounts)),
            "arr": np.round(rng.lognormal(10, 1.2, n_accounts), -2),
            "owner": pd.Categorical(rng.choice([f"Owner {i}" for i in range(30)], n_accounts)),
            "renewal_date": (
                pd.Timestamp("2027-01-01")
                + pd.to_timedelta(rng.integers(0, 365, n_accounts), unit="D")
            ).date,
        }
    )
    per_wave = n_responses // n_waves
    n_contacts = int(per_wave * 2.5)
    contact_account = rng.integers(0, n_accounts, n_contacts)
    contact_role = rng.choice(
        ["decision_maker", "influencer", "user"], n_contacts, p=[0.3, 0.2, 0.5]
    )
    frames = []
    for w in range(n_waves):
        who = rng.choice(n_contacts, per_wave, replace=False)
        frame = pd.DataFrame(
            {
                "wave_id": f"W{w + 1}",
                "response_id": [f"W{w + 1}-{i}" for i in range(per_wave)],
                "respondent_id": [f"C{c}" for c in who],
                "account_id": acc["account_id"].to_numpy()[contact_account[who]],
                "role": pd.Categorical(
                    contact_role[who], categories=["decision_maker", "influencer", "user", "other"]
                ),
                "score": pd.array(
                    np.clip(rng.normal(7.5 + 0.1 * w, 2.2, per_wave).round(), 0, 10).astype("int8"),
                    dtype="Int8",
                ),
                "product": pd.Categorical(
                    rng.choice(["Platform", "Analytics", "Integrations"], per_wave)
                ),
            }
        )
        frames.append(frame.merge(acc, on="account_id", how="left"))
    invitations = pd.DataFrame(
        {
            "contact_id": [f"C{c}" for c in range(n_contacts)],
            "account_id": acc["account_id"].to_numpy()[contact_account],
            "role": pd.Categorical(contact_role),
            "bounced": rng.random(n_contacts) < 0.04,
        }
    ).merge(acc[["account_id", "tier", "industry", "region"]], on="account_id")
    return pd.concat(frames, ignore_index=True), acc, invitations


def timed(results: dict, name: str, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    results[name] = time.perf_counter() - start
    return out


def run(n_responses: int, n_waves: int) -> dict:
    all_waves, acc, invitations = build(n_responses, n_waves)
    last, prev = f"W{n_waves}", f"W{n_waves - 1}"
    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "history"
        start = time.perf_counter()
        for w in range(n_waves):
            part = all_waves[all_waves["wave_id"] == f"W{w + 1}"]
            day = dt.date(2026, 1, 1) + dt.timedelta(days=45 * w)
            history.write_wave(part, store, f"W{w + 1}", day, day + dt.timedelta(days=30))
        t["write history (8 partitions)"] = time.perf_counter() - start
        begin = time.perf_counter()
        hist = timed(t, "read history", history.read_history, store)
        now = hist[hist["wave_id"] == last]
        before = hist[hist["wave_id"] == prev]
        summary = timed(t, "nps_summary", scoring.nps_summary, now["score"])
        timed(t, "compare_waves", scoring.compare_waves, before["score"], now["score"])
        timed(
            t,
            "segment tables (5 segments + tier x role, with change)",
            segments.segment_tables,
            now,
            ["tier", "role", "industry", "region", "product"],
            [("tier", "role")],
            5,
            before,
        )
        roll = timed(t, "account roll-up", accounts.account_rollup, now)
        timed(t, "revenue-weighted NPS", accounts.revenue_weighted_nps, now)
        timed(t, "revenue at risk", accounts.revenue_at_risk, roll, dt.date(2026, 12, 31))
        timed(
            t,
            "response rate overall + by tier + by role",
            lambda: [
                coverage.response_rate_by(now, invitations, by, 40) for by in (None, "tier", "role")
            ],
        )
        timed(t, "account coverage", coverage.account_coverage, now, acc, invitations)
        timed(
            t,
            "trend overall + by tier",
            lambda: (nps_trend(hist), nps_trend(hist, "tier")),
        )
        t["all tables (read history to trends)"] = time.perf_counter() - begin
    return {
        "responses": int(len(all_waves)),
        "waves": n_waves,
        "responses_last_wave": int(len(now)),
        "nps_last_wave": round(summary["nps"], 2),
        "seconds": t,
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python "
        f"{platform.python_version()}, pandas {pd.__version__}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--waves", type=int, default=8)
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args()
    result = run(args.responses, args.waves)
    print(
        f"{result['responses']:,} responses in {result['waves']} waves "
        f"({result['responses_last_wave']:,} in the last); {result['machine']}\n"
    )
    print("| step | seconds |\n|---|---:|")
    for name, secs in result["seconds"].items():
        print(f"| {name} | {secs:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
