"""The legacy Qualtrics layout: V1..Vn or ResponseID ids, then labels, no ImportId row."""

from pathlib import Path

import pandas as pd

from nps_helpers.io.exports import detect_format, qualtrics_legacy, read_export
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
MINE = sorted(DATA.glob("qualtrics_legacy*"))
OTHERS = [p for p in DATA.iterdir() if p not in MINE and p.suffix != ".md"]


def grid(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


def test_v_ids_take_the_label_row_s_names():
    g = grid(
        [
            ["V1", "V2", "V3", "V8", "Q1", "Q2", ""],
            ["ResponseID", "ResponseSet", "Name", "StartDate", "Recommend us?", "Why?", ""],
            ["R_1", "Default", "Anonymous", "2015-01-02 10:00:00", "9", "fast", ""],
        ]
    )
    assert qualtrics_legacy.detect(g) and detect_format(g) == "qualtrics_legacy"
    head = qualtrics_legacy.header(g)
    assert head.rows == 2 and head.timezones == {}
    assert head.columns == [
        "ResponseID",
        "ResponseSet",
        "Name",
        "StartDate",
        "Q1",
        "Q2",
        "column_7",
    ]
    assert head.questions["Q1"] == "Recommend us?" and head.questions["StartDate"] == "StartDate"


def test_response_id_in_both_rows():
    g = grid([["ResponseID", "Q1"], ["Response ID", "How likely?"], ["R_1", "9"]])
    assert qualtrics_legacy.detect(g)
    head = qualtrics_legacy.header(g)
    assert head.columns == ["ResponseID", "Q1"] and head.questions["Q1"] == "How likely?"


def test_not_legacy():
    import_ids = [["ResponseId", "Q1"], ["Response ID", "How?"], ['{"ImportId":"x"}', "{}"]]
    assert not qualtrics_legacy.detect(grid(import_ids)), "the current export"
    assert not qualtrics_legacy.detect(grid([["ResponseId", "Q1"], ["R_1", "9"]]))
    assert not qualtrics_legacy.detect(grid([["id", "Q1"], ["Response ID", "How likely?"]]))
    assert not qualtrics_legacy.detect(grid([["V1", "V2", "V3"], ["a", "b", "c"]]))
    assert not qualtrics_legacy.detect(grid([["V2", "V1", "V3"], ["ResponseID", "x", "y"]]))
    assert not qualtrics_legacy.detect(grid([["ResponseID", "Q1"]]))
    assert not qualtrics_legacy.detect(grid([]))


def test_fixtures():
    counts = {"qualtrics_legacy.csv": 12, "qualtrics_legacy_utf16.tsv": 11}
    assert [p.name for p in MINE] == sorted(counts)
    for path in MINE:
        raw = read_export(path)
        assert (raw.format, raw.header_rows, len(raw.data)) == (
            "qualtrics_legacy",
            2,
            counts[path.name],
        )
        assert raw.data["ResponseID"].iloc[0].startswith("R_"), "input_row 1 is a response"
        assert raw.data["input_row"].iloc[0] == 1
        assert (
            "How likely are you to recommend Brightline to a colleague?" in raw.questions.values()
        )
    tsv = read_export(DATA / "qualtrics_legacy_utf16.tsv")
    assert (tsv.encoding, tsv.delimiter) == ("utf-16", "\t")
    assert "StartDate" in tsv.columns and "Q3" in tsv.columns


def test_other_fixtures_are_not_legacy():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not qualtrics_legacy.detect(g), path.name
        assert detect_format(g) != "qualtrics_legacy", path.name
