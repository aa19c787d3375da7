"""Quality of the default codebook on the labelled evaluation set.

Run: ``.venv/bin/python benchmarks/theme_quality.py [--set test|dev] [--json FILE]``.
Reports precision, recall and F1 per theme and macro-averaged, and the accuracy of the
polarity (+ praise, - complaint, 0 neutral) of the mentions found. The test set
(tests/data/theme_eval_test*.csv, 1,330 comments) was written independently of the
codebook and is only measured; the dev set (theme_eval_dev*.csv, 1,800 comments) is the
one to look at when improving the codebook. ``--file`` measures any CSV labelled the
same way (id, score, comment, themes as ``name:+;name:-``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from nps_helpers.text import themes

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"


SETS = {
    "test": ["theme_eval_test.csv", "theme_eval_test3.csv", "theme_eval_test4.csv"],
    "dev": [
        "theme_eval_dev.csv",
        "theme_eval_dev_extra.csv",
        "theme_eval_dev_more.csv",
        "theme_eval_dev_r3a.csv",
        "theme_eval_dev_r3b.csv",
        "theme_eval_dev_r4.csv",
    ],
}


def read_labels(paths: list[Path]) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    frame = pd.concat(
        [pd.read_csv(p, dtype=str, keep_default_na=False) for p in paths], ignore_index=True
    )
    if frame["id"].duplicated().any():
        dup = frame["id"][frame["id"].duplicated()].tolist()[:5]
        raise ValueError(f"evaluation ids repeated across files: {dup}")
    labels: dict[str, dict[str, str]] = {}
    for row in frame.itertuples(index=False):
        for item in filter(None, row.themes.split(";")):
            name, _, sign = item.strip().partition(":")
            labels.setdefault(name, {})[row.id] = sign or "0"
    return frame, {k: pd.Series(v) for k, v in labels.items()}


def evaluate(paths: Path | list[Path], codebook=None) -> dict:
    paths = [paths] if isinstance(paths, Path) else list(paths)
    frame, labels = read_labels(paths)
    themed = themes.analyse(frame["comment"], codebook, scores=frame["score"])
    themed.tags.index = frame["id"]
    themed.polarity.index = frame["id"]
    rows, agree, compared = [], 0, 0
    for name in themed.themes:
        truth = frame["id"].isin(labels.get(name, pd.Series(dtype=str)).index).to_numpy()
        found = themed.tags[name].to_numpy()
        tp, fp, fn = (
            int((truth & found).sum()),
            int((~truth & found).sum()),
            int((truth & ~found).sum()),
        )
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "theme": name,
                "support": int(truth.sum()),
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
        both = frame["id"][truth & found]
        if len(both):
            got = themed.label(name).reindex(both)
            want = labels[name].reindex(both)
            agree += int((got == want).sum())
            compared += len(both)
    table = pd.DataFrame(rows)
    return {
        "file": " + ".join(
            str(p.relative_to(p.parents[2])) if len(p.parents) > 2 else str(p) for p in paths
        ),
        "comments": int(len(frame)),
        "per_theme": table.to_dict("records"),
        "macro_precision": float(table["precision"].mean()),
        "macro_recall": float(table["recall"].mean()),
        "macro_f1": float(table["f1"].mean()),
        "polarity_accuracy": agree / compared if compared else float("nan"),
        "polarity_compared": compared,
    }


def markdown(result: dict) -> str:
    lines = [
        f"{result['comments']} labelled comments ({result['file']})",
        "",
        "| theme | comments | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in result["per_theme"]:
        lines.append(
            f"| {r['theme']} | {r['support']} | {r['precision']:.2f} | "
            f"{r['recall']:.2f} | {r['f1']:.2f} |"
        )
    lines.append(
        f"| **macro average** | | **{result['macro_precision']:.2f}** | "
        f"**{result['macro_recall']:.2f}** | **{result['macro_f1']:.2f}** |"
    )
    lines.append("")
    lines.append(
        f"Polarity of the mentions found: {result['polarity_accuracy']:.0%} agree with "
        f"the labels ({result['polarity_compared']} mentions)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["test", "dev"], default="test")
    parser.add_argument(
        "--file", nargs="+", type=Path, help="labelled CSV files to measure instead of a --set"
    )
    parser.add_argument("--codebook", help="codebook YAML (default: params/codebook.yaml)")
    parser.add_argument("--json", help="write the numbers to this file")
    args = parser.parse_args()
    paths = args.file or [DATA / name for name in SETS[args.set]]
    result = evaluate(paths, args.codebook)
    print(markdown(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
