"""Speed of the drill-down: one update of every output for 200,000 responses.

Run: ``.venv/bin/python benchmarks/drilldown.py [--responses N]``. Builds a history
with the analytics benchmark's generator and comments from the theme sets, themes it
once (as the notebook does when it opens), then times app updates for a series of
control changes, as an analyst would make them.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
from analytics import build
from theme_speed import corpus

from nps_helpers.drilldown.app import ALL, DrilldownApp
from nps_helpers.text import scrub, themes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    args = parser.parse_args()
    frame, _, _ = build(args.responses, 8)
    frame["comment"] = corpus(len(frame)).to_numpy()
    frame["category"] = pd.cut(
        frame["score"].astype(float), [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"]
    )
    frame["wave_id"] = pd.Categorical(
        frame["wave_id"], ordered=True, categories=sorted(frame["wave_id"].unique())
    )
    start = time.perf_counter()
    themed = themes.analyse(frame["comment"])
    opened = time.perf_counter() - start
    app = DrilldownApp(
        frame,
        themed,
        scrub.scrubber(["Account 1"]),
        ["tier", "role", "industry", "region", "product"],
    )
    steps = [
        ("break down by role", lambda: setattr(app.by, "value", "role")),
        ("filter tier = key", lambda: setattr(app.filters["tier"], "value", ("key",))),
        ("filter region = EMEA", lambda: setattr(app.filters["region"], "value", ("EMEA",))),
        ("all waves", lambda: setattr(app.wave, "value", ALL)),
        ("search 'support'", lambda: setattr(app.search, "value", "support")),
        ("min n 30", lambda: setattr(app.min_n, "value", 30)),
        (
            "pin A, then filter role = user",
            lambda: (
                setattr(app.pin, "value", True),
                setattr(app.filters["role"], "value", ("user",)),
            ),
        ),
        ("next page of comments", lambda: app.next_page.click()),
    ]
    times = []
    print(f"{len(frame):,} responses in 8 waves; themes analysed once in {opened:.1f} s\n")
    print("| control change | update (ms) |\n|---|---:|")
    for name, action in steps:
        action()
        times.append(app.last_update_ms)
        print(f"| {name} | {app.last_update_ms:.0f} |")
    print(f"| **median** | **{statistics.median(times):.0f}** |")


if __name__ == "__main__":
    main()
