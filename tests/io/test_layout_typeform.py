"""The Typeform layout: "#" token, questions, then the (UTC) dates and the network id."""

from pathlib import Path

import pandas as pd

from nps_helpers.io.exports import detect_format, read_export, typeform
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
OTHERS = [p for p in DATA.iterdir() if not p.name.startswith("typeform") and p.suffix != ".md"]


def grid(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


def test_detection():
    older = ["#", "Score", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]
    assert typeform.detect(grid([older])) and detect_format(grid([older])) == "typeform"
    assert typeform.detect(grid([["Score", "Why", "Submitted At", "Token"]]))
    assert typeform.detect(grid([["#", "Score", "Network ID"]]))
    assert not typeform.detect(grid([["#", "Score", "Submitted At"]]))
    assert not typeform.detect(grid([["Score", "Start Date (UTC)"]]))
    assert not typeform.detect(grid([]))


def test_header_marks_utc_dates():
    head = typeform.header(grid([["#", "Score", "Start Date (UTC)", "Submit Date (UTC)"]]))
    assert head.rows == 1 and head.columns[0] == "#"
    assert head.timezones == {"Start Date (UTC)": "UTC", "Submit Date (UTC)": "UTC"}


def test_fixture():
    raw = read_export(DATA / "typeform.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("typeform", 1, 12)
    assert len(raw.data["#"].iloc[0]) == 32, "input_row 1 is a response"
    assert raw.timezones["Submit Date (UTC)"] == "UTC"
    assert "The onboarding was easy." in raw.questions


def test_other_fixtures_are_not_typeform():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not typeform.detect(g), path.name
        assert detect_format(g) != "typeform", path.name
