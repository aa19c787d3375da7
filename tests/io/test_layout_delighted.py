"""The Delighted layout: Response ID, Created At, ..., Score, Comment (or Survey type)."""

from pathlib import Path

import pandas as pd

from nps_helpers.io.exports import delighted, detect_format, read_export
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
OTHERS = [p for p in DATA.iterdir() if not p.name.startswith("delighted") and p.suffix != ".md"]


def grid(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


def test_detection():
    full = ["Response ID", "Created At", "Email", "Score", "Comment"]
    assert delighted.detect(grid([full])) and detect_format(grid([full])) == "delighted"
    assert delighted.detect(grid([["Email", "Survey type", "Score", "Comment"]]))
    assert not delighted.detect(grid([["Response ID", "Created At", "Score"]])), "no comment"
    assert not delighted.detect(grid([["id", "Score", "Comment"]]))
    assert not delighted.detect(grid([]))
    head = delighted.header(grid([full]))
    assert (head.rows, head.columns, head.timezones) == (1, full, {})


def test_fixture():
    raw = read_export(DATA / "delighted.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("delighted", 1, 13)
    assert raw.data["Response ID"].iloc[0] == "88310000", "input_row 1 is a response"
    assert raw.data["Score"].iloc[0] == "10" and raw.questions["Comment"] == "Comment"


def test_other_fixtures_are_not_delighted():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not delighted.detect(g), path.name
        assert detect_format(g) != "delighted", path.name
