"""Quality of the default codebook on the labelled evaluation set.

Run: ``.venv/bin/python benchmarks/theme_quality.py [--set test|dev|new] [--json FILE]``.
Reports precision, recall and F1 per theme and macro-averaged, and the accuracy of the
polarity (+ praise, - complaint, 0 neutral) of the mentions found. The test set
(tests/data/theme_eval_test*.csv, 1,330 comments) was written independently of the
codebook and is only measured; the dev set (theme_eval_dev*.csv, 1,800 comments) is the
one to look at when improving the codebook. ``--file`` measures any CSV labelled the
same way (id, score, comment, themes as ``name:+;name:-``). The ``new`` set (issue 27)
was written in styles the dev set lacks and is only measured.

Beside the codebook's scores: micro F1 and polarity agreement by length (words) and by
language, and the macro F1 of a plain classifier trained on the dev set only (TF-IDF of
words and characters, one logistic regression per theme): a file on which it exceeds
0.70 is worded too closely to the dev set to measure new wording ("too close to dev").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.text import themes
from nps_helpers.text.language import detect  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
#: Length buckets, in words: (label, first, last)
LENGTHS = (("1-4", 1, 4), ("5-14", 5, 14), ("15-39", 15, 39), ("40+", 40, 10**9))
#: A dev-trained classifier above this macro F1 means a test file is too close to dev
TOO_CLOSE = 0.70


SETS = {
    "test": ["theme_eval_test.csv", "theme_eval_test3.csv", "theme_eval_test4.csv"],
    "new": ["theme_eval_new_industry.csv", "theme_eval_new_styles.csv"],
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
    n = len(frame)
    # per comment: true and false positives, misses, polarity agreements and comparisons
    counts = {k: np.zeros(n, dtype=int) for k in ("tp", "fp", "fn", "agree", "compared")}
    for name in themed.themes:
        truth = frame["id"].isin(labels.get(name, pd.Series(dtype=str)).index).to_numpy()
        found = themed.tags[name].to_numpy()
        counts["tp"] += truth & found
        counts["fp"] += ~truth & found
        counts["fn"] += truth & ~found
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
            same = (got == want).to_numpy()
            agree += int(same.sum())
            compared += len(both)
            at = np.flatnonzero(truth & found)
            counts["agree"][at] += same
            counts["compared"][at] += 1
    table = pd.DataFrame(rows)
    words = frame["comment"].str.split().str.len().to_numpy()
    length = np.select(
        [words <= last for _, _, last in LENGTHS], [b for b, _, _ in LENGTHS], LENGTHS[-1][0]
    )
    per = pd.DataFrame(counts).assign(length=length, language=detect(frame["comment"]).to_numpy())
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
        "by_length": _groups(per, "length", [b for b, _, _ in LENGTHS]),
        "by_language": _groups(per, "language"),
    }


def _groups(per: pd.DataFrame, by: str, order: list[str] | None = None) -> list[dict]:
    """Micro F1, exact-set share and polarity agreement of each group of comments."""
    out = []
    for key, g in per.groupby(by):
        tp, fp, fn = int(g["tp"].sum()), int(g["fp"].sum()), int(g["fn"].sum())
        out.append(
            {
                by: str(key),
                "comments": len(g),
                "micro_f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan"),
                "exact": float(((g["fp"] == 0) & (g["fn"] == 0)).mean()),
                "polarity_accuracy": g["agree"].sum() / g["compared"].sum()
                if g["compared"].sum()
                else float("nan"),
            }
        )
    rank = {k: i for i, k in enumerate(order or [])}
    return sorted(out, key=lambda r: (rank.get(r[by], 0), -r["comments"]))


def dev_classifier(paths: list[Path]) -> list[float]:
    """Macro F1 on each of ``paths`` of a plain classifier trained on the dev set only
    (TF-IDF of words 1-2 and characters 2-5, one balanced logistic regression per
    theme): how close each file's wording is to the dev set's."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union

    from nps_helpers.text.codebook import load_codebook

    names = list(load_codebook())

    def matrix(frame: pd.DataFrame) -> np.ndarray:
        sets = frame["themes"].map(lambda t: {i.partition(":")[0] for i in t.split(";")})
        return np.array([[name in s for name in names] for s in sets], dtype=int)

    dev, _ = read_labels([DATA / name for name in SETS["dev"]])
    model = make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        ),
        OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000, class_weight="balanced")),
    )
    model.fit(dev["comment"], matrix(dev))
    scores = []
    for path in paths:
        frame, _ = read_labels([path])
        found = model.predict(frame["comment"])
        scores.append(float(f1_score(matrix(frame), found, average="macro", zero_division=0)))
    return scores


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
    for key, title in (("by_length", "words"), ("by_language", "language")):
        if result.get(key):
            lines += [
                "",
                f"| {title} | comments | micro F1 | exact set | polarity |",
                "|---|---:|---:|---:|---:|",
            ]
            lines += [
                f"| {r[key[3:]]} | {r['comments']} | {r['micro_f1']:.2f} | {r['exact']:.0%} | "
                f"{r['polarity_accuracy']:.0%} |"
                for r in result[key]
            ]
    return "\n".join(lines)


def closeness(paths: list[Path], codebook=None) -> list[dict]:
    """Each file's codebook macro F1 and polarity beside the dev-trained classifier's
    macro F1, flagged when that exceeds :data:`TOO_CLOSE`."""
    baseline = dev_classifier(paths)
    out = []
    for path, score in zip(paths, baseline, strict=True):
        result = evaluate(path, codebook)
        out.append(
            {
                "file": path.name,
                "comments": result["comments"],
                "macro_f1": result["macro_f1"],
                "polarity_accuracy": result["polarity_accuracy"],
                "dev_classifier_macro_f1": score,
                "too_close_to_dev": score > TOO_CLOSE,
            }
        )
    return out


def closeness_markdown(rows: list[dict]) -> str:
    lines = [
        "| file | comments | codebook macro F1 | polarity | dev-trained classifier F1 | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        flag = "too close to dev" if r["too_close_to_dev"] else ""
        lines.append(
            f"| {r['file']} | {r['comments']} | {r['macro_f1']:.2f} | "
            f"{r['polarity_accuracy']:.0%} | {r['dev_classifier_macro_f1']:.2f} | {flag} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="test")
    parser.add_argument(
        "--file", nargs="+", type=Path, help="labelled CSV files to measure instead of a --set"
    )
    parser.add_argument("--codebook", help="codebook YAML (default: params/codebook.yaml)")
    parser.add_argument("--json", help="write the numbers to this file")
    parser.add_argument(
        "--no-closeness",
        action="store_true",
        help="skip the dev-trained classifier (run on every set but dev)",
    )
    args = parser.parse_args()
    paths = args.file or [DATA / name for name in SETS[args.set]]
    result = evaluate(paths, args.codebook)
    print(markdown(result))
    if not args.no_closeness and (args.file or args.set != "dev"):
        result["closeness"] = closeness(paths, args.codebook)
        print("\nEach file beside a classifier trained on the dev set only:\n")
        print(closeness_markdown(result["closeness"]))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
