"""Excel workbooks written as XML, checked through openpyxl and pandas (io.xlsx)."""

import zipfile
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from nps_helpers.io.xlsx import (
    MAX_CELL_CHARS,
    Table,
    check_sheet_names,
    column_letter,
    sheet_xml,
    write_workbook,
)


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account": ["Acme & Sons <EU>", "Bolt", None, ""],
            "tier": pd.Categorical(["key", "mid", "key", None]),
            "score": [10, 3, 7, 0],
            "arr": [1_250_000.5, np.nan, np.inf, 0.1],
            "renewal": pd.to_datetime(["2027-01-31", None, "2026-12-01", "2027-06-30"]),
            "key": [True, False, True, False],
            "comment": ["  leading spaces", "line\nbreak", "bell\x07 gone", "Ünïcödé ✓ 日本"],
        }
    )


def test_column_letter_known_values():
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]
    with pytest.raises(ValueError, match="outside"):
        column_letter(16384)
    with pytest.raises(ValueError, match="outside"):
        column_letter(-1)


@given(st.integers(min_value=0, max_value=16383))
def test_column_letter_matches_openpyxl(index):
    assert column_letter(index) == get_column_letter(index + 1)


def test_calamine_reads_the_workbooks(tmp_path):
    """calamine (Rust; what pandas' engine="calamine" and many tools use) reads the
    cells without the optional ``r`` references, and the same values as openpyxl."""
    path = write_workbook(tmp_path / "o.xlsx", {"calls": _frame(), "empty": _frame().iloc[:0]})
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(sheets) == ["calls", "empty"]
    calls = sheets["calls"]
    assert calls.columns.tolist() == [
        "account",
        "tier",
        "score",
        "arr",
        "renewal",
        "key",
        "comment",
    ]
    assert calls["account"].tolist()[:2] == ["Acme & Sons <EU>", "Bolt"]
    assert calls["score"].tolist() == [10, 3, 7, 0]
    assert calls["arr"].iloc[0] == 1_250_000.5 and pd.isna(calls["arr"].iloc[1])
    assert pd.Timestamp(calls["renewal"].iloc[0]).date().isoformat() == "2027-01-31"
    assert calls["key"].tolist() == [True, False, True, False]
    assert calls["comment"].tolist()[::3] == ["  leading spaces", "Ünïcödé ✓ 日本"]
    assert sheets["empty"].empty


def test_round_trip_through_openpyxl_keeps_values_and_types(tmp_path):
    path = write_workbook(tmp_path / "o.xlsx", {"calls": _frame(), "empty": _frame().iloc[:0]})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["calls", "empty"]
    ws = book["calls"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("account", "tier", "score", "arr", "renewal", "key", "comment")
    assert rows[1][:6] == ("Acme & Sons <EU>", "key", 10, 1250000.5, rows[1][4], True)
    assert rows[1][4].date().isoformat() == "2027-01-31"
    assert ws.cell(2, 5).number_format == "yyyy-mm-dd"
    assert rows[2][3] is None and rows[2][4] is None, "NaN and NaT stay empty"
    assert rows[3][0] is None and rows[3][3] is None, "None and infinity stay empty"
    assert rows[4][0] is None and rows[4][1] is None, "empty text and missing category"
    assert [r[6] for r in rows[1:]] == [
        "  leading spaces",
        "line\nbreak",
        "bell gone",
        "Ünïcödé ✓ 日本",
    ]
    assert all(c.font.b for c in ws[1]), "header is bold"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G5"
    assert ws.column_dimensions["G"].width >= len("leading spaces")
    assert list(book["empty"].iter_rows(values_only=True)) == [rows[0]]


def test_pandas_reads_what_pandas_would_have_written(tmp_path):
    frame = _frame().replace([np.inf], np.nan)
    frame["comment"] = frame["comment"].str.replace("\x07", "")  # pandas writes _x0007_
    write_workbook(tmp_path / "ours.xlsx", {"s": frame})
    with pd.ExcelWriter(tmp_path / "theirs.xlsx") as xl:
        frame.to_excel(xl, sheet_name="s", index=False)
    ours = pd.read_excel(tmp_path / "ours.xlsx")
    theirs = pd.read_excel(tmp_path / "theirs.xlsx")
    theirs.loc[theirs["account"] == "", "account"] = np.nan  # "" is written as nothing
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)


def test_every_part_is_well_formed_xml(tmp_path):
    path = write_workbook(tmp_path / "o.xlsx", {"a": _frame(), "it's & more": _frame()})
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert {"[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml"} <= set(names)
        for name in names:
            ElementTree.fromstring(zf.read(name))  # raises on malformed XML
        workbook = zf.read("xl/workbook.xml").decode()
    assert "'it''s &amp; more'!$A$1:$G$5" in workbook, "filter range names the sheet"


def test_literal_escape_lookalikes_are_escaped_like_xlsxwriter_does():
    # Excel decodes _xHHHH_ in cell text; the literal is written _x005F_xHHHH_
    # (openpyxl undoes this only for shared strings, so the XML is checked here)
    xml = sheet_xml(pd.DataFrame({"c": ["code _x0041_ here"]}))
    assert ">code _x005F_x0041_ here</t>" in xml


def test_long_text_is_cut_to_excels_cell_limit(tmp_path):
    path = write_workbook(tmp_path / "o.xlsx", {"s": pd.DataFrame({"c": ["x" * 40_000]})})
    assert len(openpyxl.load_workbook(path)["s"]["A2"].value) == MAX_CELL_CHARS


def test_timestamps_with_time_and_time_zones(tmp_path):
    stamps = pd.Series(pd.to_datetime(["2026-11-02 09:30", "2026-11-03 17:45"])).dt.tz_localize(
        "Europe/Berlin"
    )
    path = write_workbook(tmp_path / "o.xlsx", {"s": pd.DataFrame({"t": stamps})})
    ws = openpyxl.load_workbook(path)["s"]
    assert ws["A2"].value.isoformat() == "2026-11-02T09:30:00"
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm"


def test_data_cells_have_no_reference_and_a_gap_keeps_its_place(tmp_path):
    frame = pd.DataFrame({"a": [None, "x"], "b": [1.5, np.nan], "c": ["", "z"], "d": [1, 2]})
    xml = sheet_xml(frame)
    body = xml.split('<row r="2">', 1)[1]
    assert ' r="' not in body.replace('<row r="3">', ""), "cells are positional"
    assert body.startswith("<c/><c><v>1.5</v></c><c/><c><v>1</v></c></row>")
    rows = list(
        openpyxl.load_workbook(write_workbook(tmp_path / "o.xlsx", {"s": frame}))["s"].values
    )
    assert rows[1:] == [(None, 1.5, None, 1), ("x", None, "z", 2)]
    assert pd.read_excel(tmp_path / "o.xlsx")["d"].tolist() == [1, 2]


def test_text_of_mixed_values_is_each_values_own(tmp_path):
    """Values that compare equal but print differently (1, 1.0, True) keep their own
    text; a string column's "" and <NA> are both no value."""
    import datetime as dt

    frame = pd.DataFrame(
        {
            "mixed": [1, 1.0, True, "1", dt.date(2026, 1, 2), None],
            "text": pd.array(["a", "", None, "a", "b", "c"], dtype="string"),
        }
    )
    rows = list(
        openpyxl.load_workbook(write_workbook(tmp_path / "o.xlsx", {"s": frame}))["s"].values
    )
    assert [r[0] for r in rows[1:]] == ["1", "1.0", "True", "1", "2026-01-02", None]
    assert [r[1] for r in rows[1:]] == ["a", None, None, "a", "b", "c"]


def test_calendar_dates_are_excel_dates(tmp_path):
    import datetime as dt

    frame = pd.DataFrame({"renewal": [dt.date(2027, 3, 4), None, dt.date(2026, 12, 31)]})
    ws = openpyxl.load_workbook(write_workbook(tmp_path / "o.xlsx", {"s": frame}))["s"]
    assert ws["A2"].value == dt.datetime(2027, 3, 4) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["A3"].value is None and ws["A4"].value == dt.datetime(2026, 12, 31)


def test_mixed_object_column_is_text():
    xml = sheet_xml(pd.DataFrame({"c": ["a", 3.5, 7]}))
    assert xml.count('t="inlineStr"') == 4  # header and the three values


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["a/b"], "not a valid Excel sheet name"),
        (["x" * 32], "not a valid Excel sheet name"),
        ([""], "not a valid Excel sheet name"),
        (["Calls", "calls"], "appears twice"),
    ],
)
def test_bad_sheet_names(names, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        check_sheet_names(names)
    with pytest.raises(ValueError, match=message):
        write_workbook(tmp_path / "o.xlsx", {n: pd.DataFrame({"a": [1]}) for n in names})
    assert not list(tmp_path.iterdir()), "nothing half-written"


def test_no_sheets_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="at least one sheet"):
        write_workbook(tmp_path / "o.xlsx", {})


def test_too_many_rows_is_an_error():
    frame = pd.DataFrame({"a": np.zeros(1_048_576)})
    with pytest.raises(ValueError, match="do not fit in an Excel sheet"):
        sheet_xml(frame)


# NUL included: pandas' string hash table stops at a NUL (pandas-dev/pandas#34551), so
# the writer drops NUL before it counts the distinct texts
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF),
    max_size=30,
)


def test_a_nul_does_not_merge_two_texts():
    xml = sheet_xml(pd.DataFrame({"c": ["", "\x000", "a\x00b", "a\x00c"]}, dtype=object))
    assert ">0</t>" in xml and ">ab</t>" in xml and ">ac</t>" in xml


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(texts, st.integers(-(10**12), 10**12), st.floats(allow_nan=False, width=64)),
        max_size=15,
    )
)
def test_any_text_and_numbers_survive_the_round_trip(tmp_path_factory, rows):
    frame = pd.DataFrame(rows, columns=["text", "int", "float"]).astype(
        {"text": object, "int": "int64", "float": "float64"}
    )
    path = write_workbook(tmp_path_factory.mktemp("x") / "o.xlsx", {"s": frame})
    got = list(openpyxl.load_workbook(path)["s"].iter_rows(values_only=True))[1:]
    assert len(got) == len(frame)
    illegal = {chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32)]}
    for (text, i, f), row in zip(rows, got, strict=True):
        want = "".join(ch for ch in text if ch not in illegal) or None
        assert (row[0] or None) == want  # text of only control characters: empty
        assert row[1] == i
        assert row[2] == (f if np.isfinite(f) else None)


def test_table_take_writes_the_same_rows_as_the_frame_subset(tmp_path):
    """An owner's sheet cut from a prepared Table equals the sheet of the frame's rows
    (column widths stay those of the whole list, so every owner's workbook looks alike)."""
    import re

    def cells(xml):
        return re.sub(r"<cols>.*?</cols>", "", xml)

    frame = _frame()
    table = Table.of(frame)
    assert len(table) == len(frame) and table.columns == tuple(frame.columns)
    mask = np.array([True, False, True, False])
    assert cells(sheet_xml(table.take(mask))) == cells(sheet_xml(frame[mask]))
    assert cells(sheet_xml(table.take([3, 0]))) == cells(sheet_xml(frame.iloc[[3, 0]]))
    assert sheet_xml(table.take(mask)).count("<col ") == frame.shape[1]
    path = write_workbook(tmp_path / "t.xlsx", {"a": table.take(mask), "b": frame.iloc[:0]})
    back = pd.read_excel(path, sheet_name="a")
    assert back["score"].tolist() == frame["score"][mask].tolist()
