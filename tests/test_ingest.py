import pandas as pd
import pytest

from nps_helpers.errors import ExportFormatError
from nps_helpers.ingest import read_accounts, read_invitations, read_qualtrics


def test_read_qualtrics(small_project):
    raw = read_qualtrics(small_project / "data" / "raw" / "2026-H1" / "survey_export.csv")
    assert list(raw.data.columns[:3]) == ["input_row", "StartDate", "EndDate"]
    assert raw.data["input_row"].tolist() == list(range(1, len(raw.data) + 1))
    assert "recommend" in raw.questions["Q1"]
    assert raw.timezones["EndDate"] == "America/Denver"
    assert raw.data.drop(columns="input_row").map(lambda v: isinstance(v, str)).all().all()


def test_not_qualtrics(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b\n1,2\n3,4\n5,6\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="not a Qualtrics CSV export"):
        read_qualtrics(path)
    with pytest.raises(ExportFormatError, match="not found"):
        read_qualtrics(tmp_path / "missing.csv")


def test_read_accounts(small_project):
    acc = read_accounts(small_project / "data" / "raw" / "2026-H1" / "accounts.csv")
    assert acc["arr"].dtype == float
    assert acc["account_id"].is_unique


HEADER = "account_id,account_name,tier,industry,region,arr,owner,renewal_date\n"


def test_accounts_errors_name_file_column_rows(tmp_path):
    path = tmp_path / "acc.csv"
    path.write_text("account_id,tier\nA1,key\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="lacks column.*account_name"):
        read_accounts(path)
    path.write_text(
        HEADER + "A1,X,key,SaaS,EMEA,100,O,2027-01-01\nA1,Y,key,SaaS,EMEA,100,O,2027-01-01\n",
        encoding="utf-8",
    )
    with pytest.raises(ExportFormatError, match="account_id repeats ids on lines 2, 3"):
        read_accounts(path)
    path.write_text(HEADER + "A1,X,key,SaaS,EMEA,lots,O,2027-01-01\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"column arr .* lines 2 \('lots'\)"):
        read_accounts(path)


def test_invitations(tmp_path, small_project):
    inv = read_invitations(small_project / "data" / "raw" / "2026-H1" / "invitations.csv")
    assert inv["bounced"].dtype == bool
    path = tmp_path / "inv.csv"
    path.write_text("contact_id,account_id,bounced\nC1,A1,maybe\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="bounced is not true/false on lines 2"):
        read_invitations(path)


def test_sniff_encoding():
    from nps_helpers.ingest import sniff_encoding

    assert sniff_encoding("a,b\n".encode("utf-8-sig")) == "utf-8-sig"
    assert sniff_encoding("a\tb\n".encode("utf-16")) == "utf-16"
    assert sniff_encoding("a\tb\nc\td\n".encode("utf-16-le")) == "utf-16-le"
    assert sniff_encoding("a\tb\nc\td\n".encode("utf-16-be")) == "utf-16-be"
    assert sniff_encoding("Müller,1\n".encode()) == "utf-8"
    assert sniff_encoding("Müller,1\n".encode("cp1252")) == "cp1252"
    assert sniff_encoding(b"\x81\x8d\x8f,1\n") == "latin-1"


def test_sniff_delimiter():
    from nps_helpers.ingest import sniff_delimiter

    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a;b;c\n1,5;2;3\n") == ";", "decimal commas do not fool it"
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter('"x, y";b\n"1, 2";3\n') == ";", "quoted delimiters are ignored"
    assert sniff_delimiter("just some words\nand more\n") is None


def test_detect_format():
    import pandas as pd

    from nps_helpers.ingest import detect_format

    grid = pd.DataFrame([["Respondent ID", "Collector ID", "Q"], ["", "", "Response"]])
    assert detect_format(grid) == "surveymonkey"
    assert detect_format(pd.DataFrame([["a", "b"], ["1", "2"]])) == "generic"
    grid = pd.DataFrame([["ResponseId", "Q1"], ["Response ID", "How?"], ['{"ImportId":"x"}', "{}"]])
    assert detect_format(grid) == "qualtrics"


def test_detect_columns_params_win_and_reasons(small_project):
    from nps_helpers.ingest import detect_columns, read_export

    raw = read_export(small_project / "data" / "raw" / "2026-H1" / "survey_export.csv")
    picked, why = detect_columns(raw)
    assert picked["score"] == "Q1" and picked["comment"] == "Q2"
    assert picked["contact_id"] == "ExternalReference" and picked["responded_at"] == "EndDate"
    assert "recommend" in why["score"]
    picked, why = detect_columns(raw, {"comment": "job_function"})
    assert picked["comment"] == "job_function" and why["comment"] == "named in params"
    with pytest.raises(ExportFormatError, match="'Nope' \\(for score\\)"):
        detect_columns(raw, {"score": "Nope"})


def test_read_export_forced_options(small_project):
    from nps_helpers.ingest import read_export

    path = small_project / "data" / "raw" / "2026-H1" / "survey_export.csv"
    generic = read_export(path, format="generic")
    assert generic.format == "generic" and generic.header_rows == 1
    assert len(generic.data) == len(read_export(path).data) + 2, "header rows read as data"
    with pytest.raises(ExportFormatError, match="unknown format"):
        read_export(path, format="excel")
    with pytest.raises(ExportFormatError, match="not a Qualtrics"):
        read_qualtrics(small_project / "data" / "raw" / "2026-H1" / "accounts.csv")


def test_second_read_of_an_unchanged_crm_file_is_handed_over(tmp_path):
    """The report notebook's read of the account master gets the frame the prepare
    notebook read (a private copy), unless the file changed in between."""
    from nps_helpers import ingest

    ingest._HANDOFF.clear()
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,account_name,tier,industry,region,arr,renewal_date,owner\n"
        "A1,Acme,key,Retail,EU,100,2027-01-01,Ann\n",
        encoding="utf-8",
    )
    first = ingest.read_accounts(path)
    first.loc[0, "account_name"] = "changed by the caller"
    second = ingest.read_accounts(path)  # handed over, untouched by the change above
    assert second.loc[0, "account_name"] == "Acme"
    assert not ingest._HANDOFF, "handed over once, then dropped"
    third = ingest.read_accounts(path)  # read again, kept again
    pd.testing.assert_frame_equal(third, second)
    path.write_text(path.read_text().replace("Acme", "Acmf"), encoding="utf-8")  # same size
    assert ingest.read_accounts(path).loc[0, "account_name"] == "Acmf"
    with pytest.raises(ExportFormatError, match="file not found"):
        ingest.read_accounts(tmp_path / "missing.csv")
    ingest._HANDOFF.clear()


def test_file_digest_follows_the_bytes(tmp_path):
    from nps_helpers.ingest import file_digest

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"x,y\n1,2\n")
    b.write_bytes(b"x,y\n1,2\n")
    assert file_digest(a) == file_digest(b) and len(file_digest(a)) == 32
    b.write_bytes(b"x,y\n1,3\n")
    assert file_digest(a) != file_digest(b)
    with pytest.raises(OSError):
        file_digest(tmp_path / "missing.csv")
