"""The labelled theme evaluation sets and the script that scores the codebook on them."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from nps_helpers.text.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "tests" / "data").glob("theme_eval_*.csv"))


@pytest.fixture(scope="module")
def quality():
    """benchmarks/theme_quality.py, the script that scores the codebook."""
    spec = importlib.util.spec_from_file_location(
        "theme_quality", ROOT / "benchmarks" / "theme_quality.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_evaluation_files_are_well_formed(path):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["id", "score", "comment", "themes"]
    assert frame["id"].is_unique and (frame["comment"].str.strip() != "").all()
    assert pd.to_numeric(frame["score"]).between(0, 10).all()
    names = set(load_codebook())
    for labels in frame["themes"]:
        for item in filter(None, labels.split(";")):
            name, _, sign = item.partition(":")
            assert name in names and sign in {"+", "-", "0"}, (path.name, item)


def test_every_file_is_in_one_set_and_sets_do_not_share_ids(quality):
    named = [name for files in quality.SETS.values() for name in files]
    assert sorted(named) == sorted(p.name for p in FILES)
    ids = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)["id"] for p in FILES])
    assert ids.is_unique


def test_scores_by_hand(tmp_path, quality):
    path = tmp_path / "tiny.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "score": [2, 9, 5, 8],
            "comment": [
                "Support is slow",  # support found, labelled: TP
                "Great invoices, fair pricing",  # price found, not labelled: FP
                "they never solve anything",  # labelled, missed: FN
                "All good",
            ],
            "themes": ["support:-", "", "support:-", ""],
        }
    ).to_csv(path, index=False)
    result = quality.evaluate(path)
    rows = {r["theme"]: r for r in result["per_theme"]}
    assert rows["support"]["support"] == 2
    assert rows["support"]["precision"] == 1.0 and rows["support"]["recall"] == 0.5
    assert rows["support"]["f1"] == pytest.approx(2 / 3)
    assert rows["price_billing"]["precision"] == 0.0 and rows["price_billing"]["f1"] == 0.0
    assert result["polarity_accuracy"] == 1.0 and result["polarity_compared"] == 1
    assert "| support | 2 | 1.00 | 0.50 | 0.67 |" in quality.markdown(result)
    # by length in words: all four are short; only "All good" gets exactly its themes
    # ("Support is slow" is reliability too)
    (short,) = result["by_length"]
    assert (short["length"], short["comments"], short["exact"]) == ("1-4", 4, 0.25)
    assert short["polarity_accuracy"] == 1.0
    assert result["by_language"][0]["language"] == "en"


def test_the_dev_trained_classifier_flags_a_file_worded_like_dev(tmp_path, quality):
    """A file copied from the dev set is as close to dev as a file can be."""
    dev = pd.read_csv(ROOT / "tests" / "data" / quality.SETS["dev"][0], dtype=str)
    path = tmp_path / "copy.csv"
    dev.head(150).to_csv(path, index=False)
    (row,) = quality.closeness([path])
    assert row["dev_classifier_macro_f1"] > quality.TOO_CLOSE and row["too_close_to_dev"]
    assert "too close to dev" in quality.closeness_markdown([row])


def test_default_codebook_holds_its_dev_set_score(quality):
    """A guard against codebook edits that break matching: the dev set is what the
    codebook was grown on, so it should stay well above the held-out target."""
    result = quality.evaluate([ROOT / "tests" / "data" / n for n in quality.SETS["dev"]])
    assert result["comments"] == 1800
    assert result["macro_f1"] >= 0.90
