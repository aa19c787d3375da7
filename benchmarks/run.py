"""Benchmark of a whole wave against the floor the stack allows.

Run: ``.venv/bin/python benchmarks/run.py [--sizes 2000 20000 200000] [--repeat 3]``
(or ``make bench``). For each size it generates one wave with the demo generator
(accounts scaled to give about that many responses; no previous wave); measures, in a
run of its own, the peak memory of the process tree (CLI and kernel; summed PSS, which
counts each page of memory once, with summed RSS beside it, which counts shared pages
twice; reading PSS slows a run, hence the separate run); then times ``--repeat`` pairs
of the floor and the whole ``nps-wave run``, one right after the other, since the speed
of a shared machine drifts over minutes: the table has the fastest of each and every
pair's ratio. Last it times each stage in-process (read, clean, validate, load,
metrics, themes, reading the stored themes, discovery, follow-up lists, charts,
render). The floor is a notebook that only imports pandas, plotly and
great_expectations, executed by Papermill with the same kernel and rendered by the same
nbconvert exporter, from a fresh Python process as ``nps-wave run`` is. Results go to
``benchmarks/results.md`` and ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parents[1]
NPS_WAVE = str(Path(sys.executable).with_name("nps-wave"))
RESPONSES_PER_ACCOUNT = 1.57  # what the demo generator yields per account and wave
WAVE = "2026-H2"


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` (bytes): its private pages, plus each shared
    page divided by the number of processes that map it. Summed over processes, it
    counts every page of physical memory once; summed RSS counts a page shared by a
    library mapped by the CLI and the kernel twice."""
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    raise OSError(f"no Pss line for process {pid}")


def peak_memory(proc: subprocess.Popen, interval: float = 0.1, pss: bool = True) -> tuple[int, int]:
    """Highest summed PSS and highest summed RSS of ``proc`` and all its descendants
    (the CLI and its kernel) until it ends, in bytes. PSS is the physical
    memory the run holds; RSS is shown beside it as the upper bound that
    double-counts shared pages. Reading PSS walks every page table of a process
    (``smaps_rollup``) and slows the run it measures; with ``pss=False`` only the
    cheap RSS is read and the PSS returned is 0."""
    peak_pss = peak_rss = 0
    pss_on = pss
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            procs = [p for p in (parent, *parent.children(recursive=True)) if p.is_running()]
        except psutil.Error:
            procs = []
        rss = pss = 0
        for p in procs:
            try:
                rss += p.memory_info().rss
                pss += _pss(p.pid) if pss_on else 0
            except (psutil.Error, OSError):
                pass  # ended between listing and reading
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(interval)
    return peak_pss, peak_rss


def make_project(root: Path, responses: int) -> Path:
    from nps_helpers.demo.company import DEMO_WAVES, generate_demo

    accounts = max(40, math.ceil(responses / RESPONSES_PER_ACCOUNT))
    generate_demo(root, n_accounts=accounts, waves={WAVE: DEMO_WAVES[WAVE]})
    (root / "params").mkdir(exist_ok=True)
    text = (REPO / "params" / f"{WAVE}.yaml").read_text(encoding="utf-8")
    (root / "params" / f"{WAVE}.yaml").write_text(
        text.replace("previous_wave: 2026-H1", "previous_wave: null"), encoding="utf-8"
    )
    shutil.copy(REPO / "params" / "codebook.yaml", root / "params" / "codebook.yaml")
    return root


def whole_run(
    root: Path, pss: bool = False
) -> tuple[float, tuple[int, int], subprocess.CompletedProcess]:
    """Time one ``nps-wave run`` with its peak memory (see :func:`peak_memory`)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [NPS_WAVE, "run", f"params/{WAVE}.yaml"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = peak_memory(proc, pss=pss)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"nps-wave run failed:\n{err[-2000:]}")
    return seconds, peak, subprocess.CompletedProcess(proc.args, 0, out, err)


def stages(root: Path) -> dict[str, float]:
    """Each stage of the wave, in-process, in the order the notebooks run them."""
    from nps_helpers import followup, wave
    from nps_helpers.deck import charts
    from nps_helpers.deck.render import render_deck
    from nps_helpers.io.files import read_notebook
    from nps_helpers.io.followup_files import write_followup
    from nps_helpers.metrics import accounts, coverage, segments
    from nps_helpers.metrics.scoring import nps_summary
    from nps_helpers.params import load_params
    from nps_helpers.prepare import clean, validate
    from nps_helpers.text.discover import discover
    from nps_helpers.text.themes import analyse, theme_table

    t: dict[str, float] = {}

    def clock(name, fn):
        start = time.perf_counter()
        out = fn()
        t[name] = time.perf_counter() - start
        return out

    p = load_params(root / "params" / f"{WAVE}.yaml")
    raw, acc, inv = clock("read", lambda: wave.read_inputs(p))
    res = clock("clean", lambda: clean.clean_responses(raw, acc, p, inv))
    with tempfile.TemporaryDirectory() as docs:
        clock(
            "validate",
            lambda: validate.run_gate(
                res.responses, p, acc["account_id"].tolist(), res.quality["rows_in"], Path(docs)
            ),
        )
    r = res.responses
    data = clock("load", lambda: wave.load(p))

    def metrics():
        tables = segments.segment_tables(r, p.segments, p.segment_pairs, p.min_n)
        roll = accounts.account_rollup(r)
        return (
            nps_summary(r["score"]),
            tables,
            roll,
            accounts.revenue_weighted_nps(r),
            accounts.revenue_at_risk(roll, p.field_end),
            coverage.response_rate_by(r, data.invitations, "tier"),
            coverage.account_coverage(r, data.accounts, data.invitations),
        )

    _, tables, _, _, _, _, _ = clock("metrics", metrics)
    themed = clock(
        "themes", lambda: analyse(r["comment"], p.codebook_path, r["industry"], r["score"])
    )
    clock("stored themes", lambda: wave.wave_themes(p, r))
    by_theme = theme_table(r, themed)
    clock("discover", lambda: discover(r["comment"], themed))

    def lists():
        with tempfile.TemporaryDirectory() as out:
            built = followup.build_lists(p, r, themed, data.invitations, by_theme)
            write_followup(built.lists, built.owners, built.note, Path(out))

    clock("followup", lists)
    clock(
        "charts",
        lambda: (
            [charts.figure_html(charts.nps_bar(tables[s], s)) for s in p.segments if s in tables]
            + [charts.figure_html(charts.theme_impact(by_theme))]
        ),
    )
    executed = p.reports_dir / "executed" / "wave_report.ipynb"
    clock("render", lambda: render_deck(read_notebook(executed), p.title))
    return t


FLOOR_SCRIPT = """
import sys
from pathlib import Path

import papermill as pm

from nps_helpers.deck.render import render_deck
from nps_helpers.io.files import read_notebook, write_text
from nps_helpers.run.kernel import ensure_kernel

tmp = Path(sys.argv[1])
pm.execute_notebook(
    str(tmp / "floor.ipynb"),
    str(tmp / "floor-out.ipynb"),
    parameters={"x": 2},
    kernel_name=ensure_kernel(),
    progress_bar=False,
    log_output=False,
)
write_text(tmp / "floor.html", render_deck(read_notebook(tmp / "floor-out.ipynb"), "floor"))
"""


def floor(tmp: Path) -> float:
    """Papermill + nbconvert on a notebook that only imports the stack, run the way
    ``nps-wave run`` is: a fresh Python process that imports Papermill, executes the
    notebook in the project's kernel and renders it with the deck's nbconvert exporter."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas\nimport plotly\nimport great_expectations"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "nps-workbook",
        "display_name": "nps",
        "language": "python",
    }
    nbformat.write(nb, tmp / "floor.ipynb")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(tmp)], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 200_000])
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="pairs of floor and whole run per size; the fastest of each counts",
    )
    args = parser.parse_args()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    results = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        floor(tmp)  # the first run of the floor warms the disk cache for all that follow
        for size in args.sizes:
            root = tmp / f"wave-{size}"
            start = time.perf_counter()
            make_project(root, size)
            generated = time.perf_counter() - start
            # memory in a run of its own (reading PSS slows the run it measures), then
            # the time in --repeat pairs: the floor, then the whole run at once, so that
            # each run is compared with a floor of the same minute (the speed of a shared
            # machine drifts by a third over minutes); best of each, and each pair's ratio
            _, peak, _ = whole_run(root, pss=True)
            pairs = []
            for _ in range(args.repeat):
                base = floor(tmp)
                again, again_peak, _ = whole_run(root)
                pairs.append((again, base))
                peak = (peak[0], max(peak[1], again_peak[1]))
            seconds = min(run for run, _ in pairs)
            floor_seconds = min(base for _, base in pairs)
            deck = root / "reports" / WAVE / "deck.html"
            rows = json.loads((root / "data" / "processed" / WAVE / "quality.json").read_text())
            row = {
                "target_responses": size,
                "rows_in": rows["rows_in"],
                "responses": rows["kept"],
                "generate_s": round(generated, 1),
                "run_s": round(seconds, 1),
                "floor_s": round(floor_seconds, 1),
                "ratio": round(seconds / floor_seconds, 2),
                "pair_ratios": [round(run / base, 2) for run, base in pairs],
                "peak_mb": round(peak[0] / 2**20),  # summed PSS
                "peak_rss_sum_mb": round(peak[1] / 2**20),
                "deck_mb": round(deck.stat().st_size / 2**20, 2),
                "stages_s": {k: round(v, 2) for k, v in stages(root).items()},
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {dt.date.today()}",
        "",
        "| responses | whole run (s) | floor (s) | run / floor | each pair | peak memory, PSS "
        "(MiB) | summed RSS (MiB) | deck (MB) | read | clean | validate | load | metrics | "
        "themes | stored themes | discover | follow-up | charts | render |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        "---:|",
    ]
    for r in results:
        s = r["stages_s"]
        lines.append(
            f"| {r['responses']:,} | {r['run_s']} | {r['floor_s']} | {r['ratio']} | "
            f"{min(r['pair_ratios'])}-{max(r['pair_ratios'])} | "
            f"{r['peak_mb']} | {r['peak_rss_sum_mb']} | {r['deck_mb']} | {s['read']} | "
            f"{s['clean']} | {s['validate']} | {s['load']} | {s['metrics']} | {s['themes']} | "
            f"{s['stored themes']} | {s['discover']} | {s['followup']} | {s['charts']} | "
            f"{s['render']} |"
        )
    (REPO / "benchmarks" / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (REPO / "benchmarks" / "results.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
