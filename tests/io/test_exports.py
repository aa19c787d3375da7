"""The export registry, the layouts it holds and what every layout shares (io.exports)."""

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import (
    LAYOUTS,
    RawExport,
    delighted,
    detect_format,
    generic,
    google_forms,
    microsoft_forms,
    names,
    qualtrics,
    qualtrics_legacy,
    read_export,
    read_qualtrics,
    register,
    surveymonkey,
    typeform,
)
from nps_helpers.io.exports.base import (
    DELIMITERS,
    read_grid,
    read_xlsx,
    sniff_delimiter,
    sniff_encoding,
    unique_names,
)
from nps_helpers.io.exports.layout import Header, Layout, cells, keys, one_header_row

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"

#: Each fixture under tests/data/exports: its layout, header rows and responses.
FIXTURES = {
    "qualtrics.csv": ("qualtrics", 3, 14),
    "qualtrics_legacy.csv": ("qualtrics_legacy", 2, 12),
    "qualtrics_legacy_utf16.tsv": ("qualtrics_legacy", 2, 11),
    "surveymonkey.csv": ("surveymonkey", 2, 13),
    "surveymonkey_old.csv": ("surveymonkey", 2, 12),
    "google_forms.csv": ("google_forms", 1, 15),
    "typeform.csv": ("typeform", 1, 12),
    "microsoft_forms.csv": ("microsoft_forms", 1, 14),
    "delighted.csv": ("delighted", 1, 13),
    "generic.csv": ("generic", 1, 10),
}
RECOMMEND = "How likely are you to recommend Brightline to a colleague?"


def grid(rows) -> pd.DataFrame:
    """A grid of text as read_grid gives it: no header interpreted."""
    return pd.DataFrame(rows, dtype=object)


@pytest.fixture
def registry():
    """The registry as it was, restored after the test changes it."""
    before = dict(LAYOUTS)
    yield LAYOUTS
    LAYOUTS.clear()
    LAYOUTS.update(before)


# ------------------------------------------------------------------ reading exports
def test_read_qualtrics(small_project):
    raw = read_qualtrics(small_project / "data" / "raw" / "2026-H1" / "survey_export.csv")
    assert list(raw.data.columns[:3]) == ["input_row", "StartDate", "EndDate"]
    assert raw.data["input_row"].tolist() == list(range(1, len(raw.data) + 1))
    assert "recommend" in raw.questions["Q1"]
    assert raw.timezones["EndDate"] == "America/Denver"
    assert raw.data.drop(columns="input_row").map(lambda v: isinstance(v, str)).all().all()
    assert raw.format == "qualtrics" and raw.header_rows == 3 and raw.encoding == "utf-8-sig"
    assert raw.columns == list(raw.data.columns[1:]), "columns: all but input_row"


def test_not_qualtrics(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not a Qualtrics CSV export"):
        read_qualtrics(path)
    with pytest.raises(ExportFormatError, match="not found"):
        read_qualtrics(tmp_path / "missing.csv")


def test_read_export_forced_options(small_project):
    path = small_project / "data" / "raw" / "2026-H1" / "survey_export.csv"
    generic_read = read_export(path, format="generic")
    assert generic_read.format == "generic" and generic_read.header_rows == 1
    assert len(generic_read.data) == len(read_export(path).data) + 2, "header rows read as data"
    with pytest.raises(ExportFormatError, match="unknown format"):
        read_export(path, format="excel")
    with pytest.raises(ExportFormatError, match="not a Qualtrics"):
        read_qualtrics(small_project / "data" / "raw" / "2026-H1" / "accounts.csv")


def test_unknown_format_names_the_file_and_the_choices(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_export(path, format="nope")
    msg = str(err.value)
    assert msg.startswith(f"{path}: unknown format 'nope'")
    assert str(names()) in msg


def test_read_export_of_each_layout(tmp_path):
    qualtrics_csv = tmp_path / "q.csv"
    qualtrics_csv.write_text(
        'ResponseId,Q1\nResponse ID,How likely?\n{"ImportId":"_recordId"},{"ImportId":"QID1"}\n'
        "R_1,9\nR_2,3\n",
        encoding="utf-8",
    )
    monkey_csv = tmp_path / "m.csv"
    monkey_csv.write_text(
        "Respondent ID,Collector ID,How likely?\n,,Response\n11,7,10\n", encoding="utf-8"
    )
    plain_tsv = tmp_path / "g.tsv"
    plain_tsv.write_text("id\tscore\n1\t9\n2\t10\n3\t0\n", encoding="utf-8")
    q, m, g = read_export(qualtrics_csv), read_export(monkey_csv), read_export(plain_tsv)
    assert (q.format, q.header_rows, q.columns) == ("qualtrics", 3, ["ResponseId", "Q1"])
    assert q.data["Q1"].tolist() == ["9", "3"]
    assert (m.format, m.header_rows, m.columns) == (
        "surveymonkey",
        2,
        ["Respondent ID", "Collector ID", "How likely?"],
    )
    assert m.data["How likely?"].tolist() == ["10"]
    assert (g.format, g.delimiter, g.header_rows) == ("generic", "\t", 1)
    assert g.data["input_row"].tolist() == [1, 2, 3] and g.data["score"].tolist() == [
        "9",
        "10",
        "0",
    ]


def test_read_export_of_an_xlsx_survey_monkey_export(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["Respondent ID", "Collector ID", "How likely?", "Features", None],
        [None, None, "Response", "Reports", "Alerts"],
        [11, 7, 9, "yes", None],
        [None, None, None, None, None],  # a blank row is not a record
        [12, 7, 10.0, None, "yes"],
    ):
        sheet.append(row)
    book.save(tmp_path / "m.xlsx")
    raw = read_export(tmp_path / "m.xlsx")
    assert (raw.format, raw.encoding, raw.delimiter) == ("surveymonkey", "xlsx", None)
    assert raw.columns == [
        "Respondent ID",
        "Collector ID",
        "How likely?",
        "Features - Reports",
        "Features - Alerts",
    ]
    assert raw.data["input_row"].tolist() == [1, 2]
    assert raw.data["How likely?"].tolist() == ["9", "10"], "whole floats as integers"
    assert raw.data["Features - Alerts"].tolist() == ["", "yes"]


def test_header_rows_without_responses_and_too_few_rows(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        'ResponseId,Q1\nResponse ID,How likely?\n{"ImportId":"_recordId"},{"ImportId":"QID1"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ExportFormatError, match=re.escape(f"{path}: has header rows but no")):
        read_export(path)
    one = tmp_path / "one.csv"
    one.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not a qualtrics export: it has fewer than 2"):
        read_export(one, format="qualtrics")


# ------------------------------------------------------------------------ registry
ORDER = (
    "qualtrics",
    "qualtrics_legacy",
    "surveymonkey",
    "microsoft_forms",
    "typeform",
    "delighted",
    "google_forms",
)


def test_names_in_detection_order():
    assert names() == (*ORDER, "generic")
    assert names() == tuple(LAYOUTS) and all(LAYOUTS[n].name == n for n in names())
    modules = (qualtrics, qualtrics_legacy, surveymonkey, microsoft_forms, typeform, delighted)
    for module in (*modules, google_forms, generic):
        assert LAYOUTS[module.LAYOUT.name] is module.LAYOUT


def _acme_header(g: pd.DataFrame) -> Header:
    columns = unique_names([str(v) for v in g.iloc[1]])
    return Header(columns=columns, rows=2, questions={c: c for c in columns})


ACME = Layout(
    name="acme",
    description="a first cell #acme, then the column names",
    detect=lambda g: len(g) > 0 and str(g.iloc[0, 0]) == "#acme",
    header=_acme_header,
    min_rows=2,
)


def test_register_puts_a_new_layout_before_generic(registry, tmp_path):
    register(ACME)
    assert names() == (*ORDER, "acme", "generic")
    assert detect_format(grid([["#acme", ""], ["score", "comment"], ["9", "ok"]])) == "acme"
    path = tmp_path / "acme.csv"
    path.write_text("#acme,\nscore,comment\n9,good\n3,slow\n", encoding="utf-8")
    raw = read_export(path)
    assert (raw.format, raw.header_rows, raw.columns) == ("acme", 2, ["score", "comment"])
    assert raw.data["score"].tolist() == ["9", "3"]


def test_register_replaces_the_layout_of_the_same_name(registry):
    register(ACME)
    other = Layout("acme", "never recognised", detect=lambda g: False, header=_acme_header)
    register(other)
    assert names() == (*ORDER, "acme", "generic"), "listed once"
    assert LAYOUTS["acme"] is other
    assert detect_format(grid([["#acme", ""], ["score", "comment"]])) == "generic"
    mine = Layout("generic", "mine", detect=lambda g: True, header=generic.header)
    register(mine)
    assert names()[-1] == "generic" and LAYOUTS["generic"] is mine


def test_detect_format():
    g = grid([["Respondent ID", "Collector ID", "Q"], ["", "", "Response"]])
    assert detect_format(g) == "surveymonkey"
    assert detect_format(grid([["a", "b"], ["1", "2"]])) == "generic"
    g = grid([["ResponseId", "Q1"], ["Response ID", "How?"], ['{"ImportId":"x"}', "{}"]])
    assert detect_format(g) == "qualtrics"
    legacy = grid([["ResponseID", "Q1"], ["Response ID", "How likely?"], ["R_1", "9"]])
    assert detect_format(legacy) == "qualtrics_legacy"
    v_ids = grid([["V1", "V2", "V3", "Q1"], ["ResponseID", "ResponseSet", "Name", "How?"]])
    assert detect_format(v_ids) == "qualtrics_legacy"
    assert detect_format(grid([["RespondentID", "CollectorID"], ["", ""]])) == "surveymonkey"
    assert detect_format(grid([["Timestamp", "Score"], ["1/2/2026 9:00:00", "9"]])) == (
        "google_forms"
    )
    assert detect_format(grid([])) == "generic", "an empty grid is no layout in particular"


# ------------------------------------------------------------------------- layouts
QUALTRICS = grid(
    [
        ["StartDate", "EndDate", "Q1", "Q1", "Q2"],
        ["Start Date", "End Date", "How likely?", "How likely? (again)", "Why?"],
        [
            '{"ImportId":"startDate","timeZone":"America/Denver"}',
            ' {"ImportId":"endDate","timeZone":"Europe/Berlin"}',
            '{"ImportId":"QID1"}',
            "not json",
            '{"ImportId":"QID2_TEXT","timeZone":""}',
        ],
        ["2026-10-01 10:00:00", "2026-10-01 10:05:00", "9", "9", "fast"],
    ]
)


def test_qualtrics_with_import_ids_and_time_zones():
    assert qualtrics.detect(QUALTRICS)
    head = qualtrics.header(QUALTRICS)
    assert head.rows == 3
    assert head.columns == ["StartDate", "EndDate", "Q1", "Q1 (2)", "Q2"]
    assert head.questions["Q1 (2)"] == "How likely? (again)" and head.questions["Q2"] == "Why?"
    assert head.timezones == {"StartDate": "America/Denver", "EndDate": "Europe/Berlin"}
    assert qualtrics.LAYOUT.min_rows == 2


def test_qualtrics_without_import_ids_is_not_qualtrics_but_reads_when_forced():
    legacy = grid([["Response ID", "Q1"], ["Response ID", "How likely?"], ["R_1", "9"]])
    assert not qualtrics.detect(legacy) and not qualtrics.has_import_ids(legacy)
    head = qualtrics.header(legacy)
    assert (head.rows, head.columns, head.timezones) == (2, ["Response ID", "Q1"], {})
    assert head.questions == {"Response ID": "Response ID", "Q1": "How likely?"}
    assert not qualtrics.detect(grid([]))


def test_surveymonkey_sub_answer_names():
    g = grid(
        [
            ["Respondent ID", "Collector ID", "How likely?", "Features", "", "Why?", "Why?"],
            ["", "", "Response", "Reports", "Alerts", "Open-Ended Response", "response"],
            ["1", "7", "9", "Reports", "", "fast", "ok"],
        ]
    )
    assert surveymonkey.detect(g)
    head = surveymonkey.header(g)
    assert head.rows == 2
    assert head.columns == [
        "Respondent ID",
        "Collector ID",
        "How likely?",
        "Features - Reports",
        "Features - Alerts",
        "Why?",
        "Why? (2)",
    ]
    assert head.questions["Features - Alerts"] == "Features", "the question carries over"
    assert head.questions["Why? (2)"] == "Why?"
    # without a collector id, the sub-answer row says it (exports trimmed to a few columns)
    assert surveymonkey.detect(grid([["Respondent ID", "Q1"], ["", "Response"]]))
    assert not surveymonkey.detect(grid([["Respondent ID", "Q1"], ["11", "Response"]]))
    assert not surveymonkey.detect(grid([["Respondent ID", "Q1"], ["", "9"]]))
    assert not surveymonkey.detect(grid([["Respondent ID", "Q1"]]))
    assert not surveymonkey.detect(grid([]))


def test_surveymonkey_with_one_row_only():
    head = surveymonkey.header(grid([["Respondent ID", "Collector ID", "Q"]]))
    assert head.columns == ["Respondent ID", "Collector ID", "Q"]


def test_generic_header():
    g = grid([["id", " score ", "", "id"], ["1", "9", "x", "2"]])
    assert generic.detect(g) and generic.detect(grid([]))
    head = generic.header(g)
    assert (head.rows, head.columns) == (1, ["id", "score", "column_3", "id (2)"])
    assert head.questions == {c: c for c in head.columns} and head.timezones == {}


def test_cells_keys_and_one_header_row():
    g = grid([[" ID ", "Score", ""], ["1", " 9 ", "x"]])
    assert cells(g, 0) == ["ID", "Score", ""] and cells(g, 1) == ["1", "9", "x"]
    assert cells(g, 2) == [] and cells(grid([]), 0) == []
    assert keys(g, 0) == {"id", "score", ""} and keys(g, 5) == set()
    head = one_header_row(g, timezones={"Score": "UTC"})
    assert (head.rows, head.columns) == (1, ["ID", "Score", "column_3"])
    assert head.questions["Score"] == "Score" and head.timezones == {"Score": "UTC"}
    assert one_header_row(g).timezones == {}


# ------------------------------------------------------------------------ fixtures
def test_every_fixture_is_listed():
    files = {p.name for p in DATA.iterdir() if p.name != "README.md"}
    assert files == set(FIXTURES)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in FIXTURES), "each fixture names its model"


@pytest.mark.parametrize(
    ("name", "layout", "rows", "responses"), [(n, *v) for n, v in FIXTURES.items()]
)
def test_fixture_is_its_layout_and_no_other(name, layout, rows, responses):
    g, _, _ = read_grid(DATA / name, None, None, None)
    claims = [n for n, lay in LAYOUTS.items() if n != "generic" and lay.detect(g)]
    assert claims == ([] if layout == "generic" else [layout])
    assert detect_format(g) == layout
    raw = read_export(DATA / name)
    assert (raw.format, raw.header_rows, len(raw.data)) == (layout, rows, responses)
    assert raw.data["input_row"].tolist() == list(range(1, responses + 1))
    first = raw.data.drop(columns="input_row").iloc[0].tolist()
    assert first == [str(v) for v in g.iloc[rows]], "input_row 1 is the first response"
    assert all(first != [str(v) for v in g.iloc[i]] for i in range(rows))
    if layout not in ("delighted", "generic"):
        assert RECOMMEND in raw.questions.values(), "question texts are kept"


def test_read_qualtrics_reads_both_qualtrics_layouts():
    assert read_qualtrics(DATA / "qualtrics.csv").format == "qualtrics"
    legacy = read_qualtrics(DATA / "qualtrics_legacy_utf16.tsv")
    assert (legacy.format, legacy.encoding, legacy.delimiter) == (
        "qualtrics_legacy",
        "utf-16",
        "\t",
    )
    with pytest.raises(ExportFormatError, match="not a Qualtrics CSV export"):
        read_qualtrics(DATA / "surveymonkey.csv")


# -------------------------------------------------------------------------- base
def test_sniff_encoding():
    assert sniff_encoding("a,b\n".encode("utf-8-sig")) == "utf-8-sig"
    assert sniff_encoding("a\tb\n".encode("utf-16")) == "utf-16"
    assert sniff_encoding("a\tb\nc\td\n".encode("utf-16-le")) == "utf-16-le"
    assert sniff_encoding("a\tb\nc\td\n".encode("utf-16-be")) == "utf-16-be"
    assert sniff_encoding("Müller,1\n".encode()) == "utf-8"
    assert sniff_encoding("Müller,1\n".encode("cp1252")) == "cp1252"
    assert sniff_encoding(b"\x81\x8d\x8f,1\n") == "latin-1"


def test_sniff_delimiter():
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a;b;c\n1,5;2;3\n") == ";", "decimal commas do not fool it"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter('"x, y";b\n"1, 2";3\n') == ";", "quoted delimiters are ignored"
    assert sniff_delimiter("just some words\nand more\n") is None
    assert sniff_delimiter("a|b|c\n1|2|3\n") == "|" and "|" in DELIMITERS


def test_read_grid_reads_text_and_says_what_it_found(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes("name;score\nMüller;9\n\nZoë;\n".encode("cp1252"))
    g, enc, delim = read_grid(path, None, None, None)
    assert (enc, delim) == ("cp1252", ";")
    assert g.values.tolist() == [["name", "score"], ["Müller", "9"], ["Zoë", ""]]
    forced, _, forced_delim = read_grid(path, "latin-1", ",", None)
    assert forced_delim == "," and forced.shape[1] == 1, "a forced delimiter is used"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old binary Excel"),
        (b"a,b\n\x01\x02\x03\x04\x05\x06,\x07\x08\n", "binary data"),
    ],
)
def test_read_grid_errors_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ExportFormatError, match=re.escape(str(path)) + ".*" + message):
        read_grid(path, None, None, None)
    with pytest.raises(ExportFormatError, match="file not found"):
        read_grid(tmp_path / "missing.csv", None, None, None)


def test_read_grid_names_undecodable_bytes(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n\xff\xfe\xfa,1\n")
    with pytest.raises(ExportFormatError, match="cannot be decoded as utf-8|not utf-8"):
        read_grid(path, "utf-8", None, None)


def test_read_xlsx_text_cells_and_sheets(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "first"
    book.active.append(["a", "b"])
    book.active.append([1.0, 2.5])
    second = book.create_sheet("second")
    second.append(["x"])
    second.append([None])
    second.append(["y"])
    book.save(tmp_path / "b.xlsx")
    assert read_xlsx(tmp_path / "b.xlsx", None).values.tolist() == [["a", "b"], ["1", "2.5"]]
    assert read_xlsx(tmp_path / "b.xlsx", "second").values.tolist() == [["x"], ["y"]]
    with pytest.raises(ExportFormatError, match="has no sheet named 'third'"):
        read_xlsx(tmp_path / "b.xlsx", "third")


def test_raw_export_columns_leave_out_input_row(tmp_path):
    raw = RawExport(data=pd.DataFrame({"input_row": [1], "a": ["x"]}), source=tmp_path / "e.csv")
    assert raw.columns == ["a"] and raw.format == "generic" and raw.header_rows == 1


def test_unique_names_numbers_repeats_and_names_blanks():
    assert unique_names(["a", "a", " a ", "", "b", "a"]) == [
        "a",
        "a (2)",
        "a (3)",
        "column_4",
        "b",
        "a (4)",
    ]


# names with parentheses and digits too: a header that already holds "a (2)" next to
# two "a" columns must not get "a (2)" twice
header_names = st.lists(st.text(alphabet="ab _\t()2", max_size=5), max_size=12)


def test_unique_names_skip_a_name_the_header_already_uses():
    assert unique_names(["a (2)", "a", "a"]) == ["a (2)", "a", "a (3)"]


@settings(max_examples=200, deadline=None)
@given(header_names)
def test_unique_names_are_unique_and_as_many(values):
    got = unique_names(values)
    assert len(got) == len(values)
    assert len(set(got)) == len(got)
    for i, (name, out) in enumerate(zip(values, got, strict=True)):
        stem = name.strip() or f"column_{i + 1}"
        assert out == stem or re.fullmatch(re.escape(stem) + r" \(\d+\)", out)
