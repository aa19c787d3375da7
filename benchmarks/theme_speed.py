"""Speed of theming: 100,000 distinct comments through tagging, polarity and sentiment.

Run: ``.venv/bin/python benchmarks/theme_speed.py [--comments N]``. The comments are
made by joining one to three sentences of the labelled sets and the demo generator's
phrasings with a reference number, so that every comment is distinct (the sentiment
scorer caches identical texts, which would flatter the number).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.demo.comments import THEMES as DEMO_THEMES
from nps_helpers.text import codebook, match, sentiment, themes

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


def corpus(n: int, seed: int = 0) -> pd.Series:
    pool = []
    for name in ("theme_eval_dev.csv", "theme_eval_test.csv"):
        path = DATA / name
        if path.is_file():
            pool += pd.read_csv(path, dtype=str, keep_default_na=False)["comment"].tolist()
    for t in DEMO_THEMES:
        pool += list(t.positive) + list(t.negative)
    pool = np.array([p for p in pool if p.strip()], dtype=object)
    rng = np.random.default_rng(seed)
    k = rng.integers(1, 4, n)
    picks = [pool[rng.integers(0, len(pool), size=m)] for m in k]
    return pd.Series([" ".join(p) + f" (ref {i})" for i, p in enumerate(picks)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    comments = corpus(args.comments)
    codebook.load_codebook()
    sentiment._analyzer()
    start = time.perf_counter()
    tags = match.tag(comments)
    tagged = time.perf_counter() - start
    start = time.perf_counter()
    themed = themes.analyse(comments)
    full = time.perf_counter() - start
    print(f"{len(comments):,} comments, {int(themed.tags.any(axis=1).sum()):,} with a theme")
    print(
        f"| step | seconds |\n|---|---:|\n| tag (themes only) | {tagged:.1f} |\n"
        f"| analyse (themes, mention polarity, comment sentiment) | {full:.1f} |"
    )
    assert tags.equals(themed.tags)


if __name__ == "__main__":
    main()
