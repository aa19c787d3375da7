"""Issue 23: every input is a regular file under a size limit, checked before it is read;
an XLSX is checked as a zip before it is inflated; the logo is an image by its bytes and
an SVG logo is rebuilt from an allow-list."""

import os
import time
import zipfile

import pytest

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import limits
from nps_helpers.io.exports.limits import (
    check_input_file,
    check_xlsx_archive,
    file_digest,
    image_kind,
    read_logo,
    sanitise_svg,
)


def one_sentence(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message


def test_dev_zero_is_refused_unread(monkeypatch):
    def no_open(*args, **kwargs):
        raise AssertionError("the device was opened")

    monkeypatch.setattr("builtins.open", no_open)
    started = time.perf_counter()
    with pytest.raises(ExportFormatError) as err:
        file_digest("/dev/zero")
    assert time.perf_counter() - started < 1
    assert str(err.value) == "/dev/zero: not a regular file (a device); point it at the file itself"


def test_a_fifo_and_a_folder_are_refused(tmp_path):
    fifo = tmp_path / "accounts.csv"
    os.mkfifo(fifo)
    with pytest.raises(ExportFormatError, match=r"accounts\.csv \(inputs\.accounts\): not a reg"):
        check_input_file(fifo, key="inputs.accounts")
    with pytest.raises(ExportFormatError, match=r"not a regular file \(a folder\)"):
        check_input_file(tmp_path)
    with pytest.raises(ExportFormatError, match="file not found"):
        check_input_file(tmp_path / "nothing.csv")


def test_a_file_over_the_limit_names_the_limit_and_the_key(tmp_path):
    big = tmp_path / "export.csv"
    big.write_bytes(b"a,b\n" * 300_000)  # 1.1 MB
    with pytest.raises(ExportFormatError) as err:
        check_input_file(big, max_mb=1)
    message = str(err.value)
    one_sentence(message)
    assert str(big) in message and "1.1 MB is over the input limit of 1.0 MB" in message
    assert "max_input_mb" in message
    assert check_input_file(big, max_mb=2) == big.stat().st_size


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "export.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(ExportFormatError, match="not a regular file"):
        check_input_file(link)


def test_file_digest_reads_in_blocks(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024 + 5))
    import hashlib

    assert file_digest(path) == hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def zip_bomb(path, inflated_mb: int = 200):
    """A small XLSX whose one sheet inflates to ``inflated_mb`` MB."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            written = 0
            while written < inflated_mb * 1024 * 1024:
                sheet.write(row)
                written += len(row)
    return path


@pytest.fixture(scope="session")
def bomb(tmp_path_factory):
    """A 0.6 MB XLSX whose sheet inflates to 200 MB, made once (about a second)."""
    return zip_bomb(tmp_path_factory.mktemp("bomb") / "export.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_inflated(bomb):
    assert bomb.stat().st_size < 2 * 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(ExportFormatError) as err:
        check_xlsx_archive(bomb)
    assert time.perf_counter() - started < 1
    message = str(err.value)
    one_sentence(message)
    assert str(bomb) in message and "xl/worksheets/sheet1.xml is compressed" in message
    assert f"limit of {limits.MAX_ZIP_RATIO}" in message and "export the survey as CSV" in message


def test_the_inflated_total_is_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_INFLATED_MB", 1)
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a/>" * 300_000)
    with pytest.raises(ExportFormatError, match="inflates to 1.1 MB, over the limit of 1 MB"):
        check_xlsx_archive(path)


def test_a_damaged_zip_is_one_sentence(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(ExportFormatError) as err:
        check_xlsx_archive(path)
    one_sentence(str(err.value))
    assert "not a readable Excel workbook" in str(err.value) and "save it again" in str(err.value)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
        (b"\xef\xbb\xbf  <svg/>", "svg"),
        (b"root:x:0:0:root:/root:/bin/bash\n", None),
        (b"<html><body>hi</body></html>", None),
        (b"GIF89a", None),
    ],
)
def test_image_kind_by_bytes(head, kind):
    assert image_kind(head) == kind


def test_a_renamed_passwd_is_no_logo(tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(ExportFormatError) as err:
        read_logo(fake)
    one_sentence(str(err.value))
    assert str(fake) in str(err.value) and "not a PNG, JPEG or SVG image by its bytes" in str(
        err.value
    )
    with pytest.raises(ExportFormatError, match="not a regular file"):
        read_logo("/dev/zero")


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 10 10" onload="alert(1)">
  <script>alert(2)</script>
  <style>rect { fill: url(https://evil.example/x.png) }</style>
  <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><b>hi</b></body></foreignObject>
  <a href="https://evil.example"><rect width="5" height="5"/></a>
  <image href="https://evil.example/track.png" width="1" height="1"/>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <rect width="10" height="10" fill="url(#g)" onclick="alert(3)" style="x"/>
  <rect width="1" height="1" fill="url(https://evil.example/p)"/>
  <use xlink:href="https://evil.example/s.svg#a"/>
  <use xlink:href="#g"/>
  <text x="1" y="9" font-size="3">Acme &amp; Co</text>
</svg>"""


def test_an_svg_logo_keeps_only_drawing():
    clean = sanitise_svg(HOSTILE_SVG).decode()
    low = clean.lower()
    for bad in ("script", "onload", "onclick", "foreignobject", "evil", "style", "<a", "<image"):
        assert bad not in low, bad
    assert clean.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">')
    assert 'fill="url(#g)"' in clean and '<use href="#g" />' in clean
    assert "Acme &amp; Co</text>" in clean and 'stop-color="#123456"' in clean


def test_an_svg_with_entities_is_refused(tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    with pytest.raises(ValueError, match="DTD or entities"):
        sanitise_svg(bomb)
    path = tmp_path / "logo.svg"
    path.write_bytes(bomb)
    with pytest.raises(ExportFormatError, match=r"logo.svg \(logo\): an SVG that cannot be"):
        read_logo(path)


def test_read_logo_gives_the_kind_and_the_bytes(tmp_path):
    png = tmp_path / "logo.bin"
    png.write_bytes(PNG)
    assert read_logo(png) == ("image/png", PNG)
    svg = tmp_path / "logo.svg"
    svg.write_bytes(HOSTILE_SVG)
    kind, data = read_logo(svg)
    assert kind == "image/svg+xml" and b"script" not in data


def test_the_deck_embeds_a_sanitised_svg_logo(tmp_path):
    import base64

    import yaml

    from nps_helpers import wave
    from nps_helpers.errors import ParamsError
    from nps_helpers.params import load_params

    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "logo.svg").write_bytes(HOSTILE_SVG)
    wave_params = {
        "wave_id": "w1",
        "company": "Acme",
        "field_start": "2026-10-01",
        "field_end": "2026-10-31",
        "inputs": {"export": "data/export.csv"},
        "logo": "params/logo.svg",
    }
    (tmp_path / "params" / "w1.yaml").write_text(yaml.safe_dump(wave_params))
    params = load_params(tmp_path / "params" / "w1.yaml")
    head, _, body = wave.logo(params).partition(",")
    assert head == "data:image/svg+xml;base64"
    assert base64.b64decode(body) == sanitise_svg(HOSTILE_SVG)
    (tmp_path / "params" / "logo.svg").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(ParamsError, match=r"logo.svg \(logo\): not a PNG, JPEG or SVG"):
        wave.logo(params)  # the file changed after the params were loaded
