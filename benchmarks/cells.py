"""Where a wave's time went: the slowest cells of its executed notebooks.

Run after ``nps-wave run``: ``.venv/bin/python benchmarks/cells.py reports/<wave>/executed``
(or name notebooks). Papermill records each cell's start and duration in the executed
notebook; this prints the cells that took longest, with the seconds since the first
cell started, so the run can be read as a timeline without re-running anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path


def cell_times(paths: list[Path]) -> list[dict]:
    """One row per code cell: notebook, cell index, start (s since the first cell of
    the first notebook), duration (s) and the first line of its source."""
    rows, origin = [], None
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            meta = cell.get("metadata", {}).get("papermill", {})
            if cell["cell_type"] != "code" or not meta.get("start_time"):
                continue
            start = dt.datetime.fromisoformat(meta["start_time"].replace("Z", "+00:00"))
            origin = origin or start
            source = "".join(cell["source"]).strip().splitlines() or [""]
            rows.append(
                {
                    "notebook": path.name,
                    "cell": i,
                    "start": (start - origin).total_seconds(),
                    "seconds": float(meta.get("duration") or 0.0),
                    "source": source[0][:70],
                }
            )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="executed notebooks or a folder")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    paths = []
    for p in args.paths:
        paths += sorted(p.glob("*.ipynb"), key=lambda q: q.stat().st_mtime) if p.is_dir() else [p]
    rows = cell_times(paths)
    total = sum(r["seconds"] for r in rows)
    print(f"{len(rows)} cells, {total:.1f} s in cells")
    print("| notebook | cell | starts at (s) | seconds | first line |")
    print("|---|---:|---:|---:|---|")
    for r in sorted(rows, key=lambda r: -r["seconds"])[: args.top]:
        print(
            f"| {r['notebook']} | {r['cell']} | {r['start']:.1f} | {r['seconds']:.2f} "
            f"| `{r['source']}` |"
        )


if __name__ == "__main__":
    main()
