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
