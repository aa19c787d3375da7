"""The Microsoft Forms layout: ID, Start time, Completion time, Email, Name, questions."""

from pathlib import Path

import pandas as pd

from nps_helpers.io.exports import detect_format, microsoft_forms, read_export
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
OTHERS = [
    p for p in DATA.iterdir() if not p.name.startswith("microsoft_forms") and p.suffix != ".md"
]
HEAD = ["ID", "Start time", "Completion time", "Email", "Name", "Recommend us?"]


def grid(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


def test_detection():
    assert microsoft_forms.detect(grid([HEAD])) and detect_format(grid([HEAD])) == "microsoft_forms"
    assert microsoft_forms.detect(grid([["Id", *HEAD[1:]]]))
    assert not microsoft_forms.detect(grid([HEAD[1:]])), "ID comes first"
    assert not microsoft_forms.detect(grid([["ID", "Start time", "Email"]]))
    assert not microsoft_forms.detect(grid([]))
    head = microsoft_forms.header(grid([HEAD, ["1", "3/3/26 9:00", "3/3/26 9:02", "", "", "9"]]))
    assert (head.rows, head.columns) == (1, HEAD)


def test_fixture():
    raw = read_export(DATA / "microsoft_forms.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("microsoft_forms", 1, 14)
    assert raw.data["ID"].tolist() == [str(i) for i in range(1, 15)], "input_row 1 is a response"
    assert "What is the main reason for your score?" in raw.questions


def test_other_fixtures_are_not_microsoft_forms():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not microsoft_forms.detect(g), path.name
        assert detect_format(g) != "microsoft_forms", path.name
