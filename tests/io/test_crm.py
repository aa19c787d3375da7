"""The CRM files: the account master and the invitation list (io.crm)."""

import datetime as dt

import pytest

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.crm import (
    ACCOUNT_REQUIRED,
    INVITATION_REQUIRED,
    file_digest,
    read_accounts,
    read_invitations,
)

HEADER = "account_id,account_name,tier,industry,region,arr,owner,renewal_date\n"


def test_read_accounts(small_project):
    acc = read_accounts(small_project / "data" / "raw" / "2026-H1" / "accounts.csv")
    assert acc["arr"].dtype == float
    assert acc["account_id"].is_unique
    assert set(ACCOUNT_REQUIRED) <= set(acc.columns)


def test_accounts_typed_by_hand(tmp_path):
    path = tmp_path / "acc.csv"
    path.write_text(
        HEADER.replace("\n", ",domain\n")
        + ' A1 ,Acme,key,SaaS,EMEA,"1,250.5",Olga,2027-01-31, Acme.EXAMPLE \n'
        + "A2,Bolt,small,Retail,APAC,0,Ben,,bolt.example\n",
        encoding="utf-8",
    )
    acc = read_accounts(path)
    assert acc["account_id"].tolist() == ["A1", "A2"], "ids are stripped"
    assert acc["arr"].tolist() == [1250.5, 0.0], "thousands separators read"
    assert acc.loc[0, "renewal_date"] == dt.date(2027, 1, 31)
    assert acc["renewal_date"].isna().tolist() == [False, True], "a blank renewal date is allowed"
    assert acc["domain"].tolist() == ["acme.example", "bolt.example"]


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
    path.write_text(HEADER + "A1,X,key,SaaS,EMEA,1,O,someday\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"column renewal_date .* lines 2 \('someday'\)"):
        read_accounts(path)
    with pytest.raises(ExportFormatError, match="file not found"):
        read_accounts(tmp_path / "missing.csv")


def test_each_read_reads_the_file(tmp_path):
    """No hand-over cache: a changed file (same size) is read as it is now, and a
    caller's change to one frame is not seen by the next read."""
    path = tmp_path / "accounts.csv"
    path.write_text(HEADER + "A1,Acme,key,Retail,EU,100,Ann,2027-01-01\n", encoding="utf-8")
    first = read_accounts(path)
    first.loc[0, "account_name"] = "changed by the caller"
    assert read_accounts(path).loc[0, "account_name"] == "Acme"
    path.write_text(path.read_text().replace("Acme", "Acmf"), encoding="utf-8")
    assert read_accounts(path).loc[0, "account_name"] == "Acmf"


def test_invitations(tmp_path, small_project):
    inv = read_invitations(small_project / "data" / "raw" / "2026-H1" / "invitations.csv")
    assert inv["bounced"].dtype == bool
    path = tmp_path / "inv.csv"
    path.write_text("contact_id,account_id,bounced\nC1,A1,maybe\n", encoding="utf-8")
    with pytest.raises(ExportFormatError, match="bounced is not true/false on lines 2"):
        read_invitations(path)


def test_invitations_bounced_words_and_required_columns(tmp_path):
    path = tmp_path / "inv.csv"
    rows = ["C1,A1,True", "C2,A1, yes ", "C3,A2,1", "C4,A2,N", "C5,A3,", "C6,A3,false"]
    path.write_text("contact_id,account_id,bounced\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert read_invitations(path)["bounced"].tolist() == [True, True, True, False, False, False]
    path.write_text("contact_id,email\nC1,a@b.example\n", encoding="utf-8")
    with pytest.raises(ExportFormatError) as err:
        read_invitations(path)
    assert "lacks column(s) account_id, bounced (it has: contact_id, email)" in str(err.value)
    assert INVITATION_REQUIRED == ("contact_id", "account_id", "bounced")


def test_file_digest_follows_the_bytes(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"x,y\n1,2\n")
    b.write_bytes(b"x,y\n1,2\n")
    assert file_digest(a) == file_digest(b) and len(file_digest(a)) == 32
    b.write_bytes(b"x,y\n1,3\n")
    assert file_digest(a) != file_digest(b)
    with pytest.raises(ExportFormatError, match="missing.csv: file not found"):
        file_digest(tmp_path / "missing.csv")
