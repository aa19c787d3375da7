"""The Google Forms layout: one header row starting with the (localized) time stamp."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from nps_helpers.io.exports import detect_format, google_forms, read_export
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
OTHERS = [p for p in DATA.iterdir() if not p.name.startswith("google_forms") and p.suffix != ".md"]


def grid(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype=object)


@pytest.mark.parametrize("stamp", ["Timestamp", "Marca temporal", "Horodateur", " Zeitstempel "])
def test_detects_the_time_stamp_in_several_languages(stamp):
    g = grid([[stamp, "¿Nos recomendaría?"], ["14/01/2026 9:00:00", "9"]])
    assert google_forms.detect(g) and detect_format(g) == "google_forms"
    head = google_forms.header(g)
    assert (head.rows, head.columns[1]) == (1, "¿Nos recomendaría?")


def test_not_google_forms():
    assert not google_forms.detect(grid([["Score", "Timestamp"], ["9", "1/1/2026"]]))
    assert not google_forms.detect(grid([["Time stamp of reply", "Score"]]))
    assert not google_forms.detect(grid([]))
    assert "timestamp" in google_forms.TIMESTAMP


def test_fixture():
    raw = read_export(DATA / "google_forms.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("google_forms", 1, 15)
    assert raw.data["Timestamp"].iloc[0] == "3/3/2026 9:00:00", "input_row 1 is a response"
    question = "How likely are you to recommend Brightline to a colleague?"
    assert raw.questions[question] == question and raw.data[question].iloc[0] == "10"


def test_xlsx(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Horodateur", "Recommanderiez-vous ?", "Pourquoi ?"])
    book.active.append(["2026-03-03 09:00:00", 9, "rapide"])
    book.active.append(["2026-03-04 10:30:00", 4.0, None])
    book.save(tmp_path / "reponses.xlsx")
    raw = read_export(tmp_path / "reponses.xlsx")
    assert (raw.format, raw.encoding, len(raw.data)) == ("google_forms", "xlsx", 2)
    assert raw.data["Recommanderiez-vous ?"].tolist() == ["9", "4"]


def test_other_fixtures_are_not_google_forms():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not google_forms.detect(g), path.name
        assert detect_format(g) != "google_forms", path.name
