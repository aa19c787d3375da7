"""Precision and recall of the leadership scrubber on the PII corpus (tests/data/pii/),
per kind, on the tuning and the held-out part; and how many common English words and
codebook words it blanks. Run from the project root:

    .venv/bin/python tests/pii_score.py

A found span counts for a labelled one of the same kind when it covers it whole
(recall); a found span is right when it overlaps a labelled one of its kind (precision).
``name`` is a listed name, ``pattern_name`` a name in no list; both become ``[name]``.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

from nps_helpers.text.codebook import load_codebook
from nps_helpers.text.names import codebook_words, common_words
from nps_helpers.text.scrub import scrubber

HERE = Path(__file__).resolve().parent / "data" / "pii"
SETS = ("tune", "holdout")
KINDS = ("email", "phone", "iban", "card", "ip", "address", "name", "pattern_name")
#: Sentences each common or codebook word is put in; {w} as written, {W} capitalised
POSITIONS = (
    "{W} is what they said.",
    "We talked about {w} today.",
    "The {w}",
    "thanks {w} and {W}",
    "Hi {W}, call {W} or ask for {W}.",
    "Dear {W} {W}",
)
#: Listed names for the word checks: some of their words are common ones
WORD_CHECK_NAMES = ("Will Turner", "Grace Park", "The Data Company", "Mark", "Rose", "Maya")


def load(name: str) -> dict:
    data = yaml.safe_load((HERE / f"{name}.yaml").read_text(encoding="utf-8"))
    for item in data["items"]:
        item["pii"] = {k: [str(s) for s in v] for k, v in (item.get("pii") or {}).items()}
    return data


def labelled(item: dict) -> list[tuple[int, int, str]]:
    out, text = [], item["text"]
    for kind, found in item["pii"].items():
        start = 0
        for s in found:
            i = text.index(s, start if s in text[start:] else 0)
            out.append((i, i + len(s), kind))
    return out


def score(name: str) -> pd.DataFrame:
    """Per kind: labelled, found, recall, precision on one part of the corpus."""
    data = load(name)
    scrub = scrubber(data["listed"])
    counts: Counter = Counter()
    for item in data["items"]:
        gold = labelled(item)
        found = scrub.spans(item["text"])
        for start, end, kind in gold:
            token = "name" if kind == "pattern_name" else kind
            covered = {i for f in found if f.kind == token for i in range(f.start, f.end)}
            text = item["text"]
            counts[kind, "labelled"] += 1
            counts[kind, "hit"] += all(
                i in covered for i in range(start, end) if not text[i].isspace()
            )
        for f in found:
            kinds = [
                k for _, _, k in gold if k == f.kind or (f.kind == "name" and k == "pattern_name")
            ]
            right = [k for s, e, k in gold if k in kinds and s < f.end and f.start < e]
            # a found name counts for the kind it overlaps (listed or by pattern)
            kind = right[0] if right else ("name" if f.kind == "name" else f.kind)
            counts[kind, "found"] += 1
            counts[kind, "right"] += bool(right)
    rows = []
    for kind in KINDS:
        n, hit = counts[kind, "labelled"], counts[kind, "hit"]
        found, right = counts[kind, "found"], counts[kind, "right"]
        rows.append(
            {
                "set": name,
                "kind": kind,
                "labelled": n,
                "found": found,
                "recall": hit / n if n else float("nan"),
                "precision": right / found if found else float("nan"),
            }
        )
    kept = [i for i in data["items"] if not any(i["pii"].values())]
    untouched = sum(scrub.text(i["text"]) == i["text"] for i in kept)
    rows.append(
        {
            "set": name,
            "kind": "unchanged (no PII)",
            "labelled": len(kept),
            "found": len(kept) - untouched,
            "recall": float("nan"),
            "precision": untouched / len(kept) if kept else float("nan"),
        }
    )
    return pd.DataFrame(rows)


def blanked(words: list[str]) -> list[str]:
    """The words among ``words`` that the scrubber changes in any of :data:`POSITIONS`."""
    scrub = scrubber(WORD_CHECK_NAMES)
    out = []
    for w in words:
        cap = w[:1].upper() + w[1:]
        for position in POSITIONS:
            text = position.format(w=w, W=cap)
            if scrub.text(text) != text:
                out.append(w)
                break
    return out


def word_checks() -> dict[str, tuple[int, int]]:
    """Common English words and codebook words blanked: (blanked, of)."""
    from wordfreq import top_n_list

    common = [w for w in top_n_list("en", 5000)]
    book = sorted(codebook_words(load_codebook()) - {""})
    assert common_words()  # loaded
    return {
        "common English words": (len(blanked(common)), len(common)),
        "codebook words": (len(blanked(book)), len(book)),
    }


def speed(n_comments: int = 20_000, n_names: int = 2_000) -> float:
    """Seconds to build a scrubber with ``n_names`` names and scrub ``n_comments`` typical
    comments (a mix of the corpus's texts and plain comments)."""
    firsts = ["Anna", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro"]
    names = [f"{firsts[i % 8]}{i}" for i in range(n_names // 2)]
    names += [f"Lastname{i}" for i in range(n_names // 2)]
    texts = [i["text"] for s in SETS for i in load(s)["items"]]
    plain = [
        "Support is slow to answer and the reports are hard to read",
        "Great product, the onboarding was smooth and our CSM is very helpful",
        "Pricing went up 12% this year without any new features, we are looking around",
    ]
    pool = texts + plain * (len(texts) // 3)
    comments = pd.Series([pool[i % len(pool)] for i in range(n_comments)])
    t = time.perf_counter()
    scrubber(names)(comments)
    return time.perf_counter() - t


def main() -> None:
    table = pd.concat([score(s) for s in SETS], ignore_index=True)
    with pd.option_context("display.width", 120, "display.float_format", "{:.2f}".format):
        print(table.to_string(index=False))
    for what, (bad, of) in word_checks().items():
        print(f"{what} blanked: {bad} of {of}")
    print(f"20,000 comments with 2,000 names: {speed():.2f} s")


if __name__ == "__main__":
    main()
