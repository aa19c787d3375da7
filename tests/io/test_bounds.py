"""Issue 23, attacks on the readers: a zip bomb, a corrupt or oversized XLSX, a huge
cell, /dev/zero as the account master. Each is refused quickly, in one sentence naming
the file and the limit."""

import time

import openpyxl
import pytest
from test_limits import bomb  # noqa: F401 - the fixture

from nps_helpers.errors import ExportFormatError
from nps_helpers.io import crm
from nps_helpers.io.exports import limits, read_export
from nps_helpers.io.exports.base import read_grid, read_xlsx


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(ExportFormatError) as err:
        call(*args, **kwargs)
    message = str(err.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def test_read_export_refuses_a_zip_bomb_within_a_second(bomb):  # noqa: F811
    started = time.perf_counter()
    message = refusal(read_export, bomb)
    assert time.perf_counter() - started < 1.5
    assert message.startswith(f"{bomb}: its part xl/worksheets/sheet1.xml is compressed")


def test_a_corrupt_xlsx_is_one_sentence(tmp_path):
    good = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["score", "comment"])
    book.save(good)
    data = good.read_bytes()
    broken = tmp_path / "export.xlsx"
    broken.write_bytes(data[: len(data) // 2])  # cut in the middle: no central directory
    assert str(broken) in refusal(read_export, broken)
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    assert "not a readable Excel workbook" in refusal(read_export, garbage)


def test_an_xlsx_without_the_workbook_part_is_one_sentence(tmp_path):
    import zipfile

    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "cannot be read as an Excel workbook" in refusal(read_export, path)


def test_a_sheet_of_too_many_cells_is_refused_while_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 1_000)
    path = tmp_path / "wide.xlsx"
    book = openpyxl.Workbook()
    for i in range(60):
        book.active.append([f"r{i}c{j}" for j in range(20)])
    book.save(path)
    message = refusal(read_xlsx, path, None)
    assert "the sheet has over 1,000 cells" in message and "export CSV" in message


def test_a_huge_xlsx_cell_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 1_000)
    path = tmp_path / "long.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["score", "comment"])
    book.active.append([9, "x" * 1_001])
    book.save(path)
    message = refusal(read_xlsx, path, None)
    assert "row 2, column 2 holds 1,001 characters, over the limit of 1,000" in message


def test_a_huge_csv_cell_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    comment = "word " * (limits.MAX_CELL_CHARS // 5 + 1)
    path.write_text(f'score,comment\n9,ok\n3,"{comment}"\n', encoding="utf-8")
    message = refusal(read_grid, path, None, None, None)
    assert message.startswith(f"{path}: the cell at row 3, column 2 holds 100,005 characters")
    assert "remove or shorten it" in message


def test_an_export_over_max_input_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"score,comment\n" + b"9,fine\n" * 200_000)
    message = refusal(read_grid, path, None, None, None, max_mb=1)
    assert "over the input limit of 1.0 MB (max_input_mb)" in message
    assert read_grid(path, None, None, None, max_mb=2)[0].shape == (200_001, 2)


def test_dev_zero_as_the_account_master_is_refused_unread(monkeypatch):
    def no_open(*args, **kwargs):
        raise AssertionError("the device was opened")

    monkeypatch.setattr("builtins.open", no_open)
    started = time.perf_counter()
    for call in (crm.read_accounts, crm.read_invitations, crm.file_digest):
        assert "/dev/zero: not a regular file (a device)" in refusal(call, "/dev/zero")
    assert time.perf_counter() - started < 1
