"""Atomic writes, text files, notebooks and data URIs (io.files)."""

import base64

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.io.files import atomic_write, data_uri, read_notebook, write_text


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_writes_through_a_temporary_file(tmp_path):
    target = tmp_path / "deep" / "er" / "out.txt"
    seen = []

    def write(tmp):
        seen.append(tmp)
        assert tmp.parent == target.parent and tmp != target
        assert not target.exists(), "the target appears only when the file is whole"
        tmp.write_text("new", encoding="utf-8")

    assert atomic_write(target, write) == target
    assert target.read_text(encoding="utf-8") == "new"
    assert not seen[0].exists() and leftovers(target.parent) == []


def test_atomic_write_keeps_the_old_file_when_the_writer_raises(tmp_path):
    target = tmp_path / "quality.json"
    target.write_text("old", encoding="utf-8")

    def half(tmp):
        tmp.write_text("ne", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, half)
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []

    def interrupted(tmp):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, interrupted)
    assert target.read_text(encoding="utf-8") == "old" and leftovers(tmp_path) == []


@settings(max_examples=60, deadline=None)
@given(
    old=st.none() | st.binary(max_size=40),
    new=st.binary(max_size=40),
    fail_after=st.none() | st.integers(0, 40),
)
def test_atomic_write_never_leaves_a_partial_target(tmp_path_factory, old, new, fail_after):
    """The target holds either what it held before or the whole new content."""
    folder = tmp_path_factory.mktemp("atomic")
    target = folder / "t.bin"
    if old is not None:
        target.write_bytes(old)

    def write(tmp):
        with open(tmp, "wb") as handle:
            handle.write(new if fail_after is None else new[:fail_after])
        if fail_after is not None:
            raise OSError("cut")

    if fail_after is None:
        atomic_write(target, write)
        assert target.read_bytes() == new
    else:
        with pytest.raises(OSError):
            atomic_write(target, write)
        if old is None:
            assert not target.exists()
        else:
            assert target.read_bytes() == old
    assert leftovers(folder) == []


def test_write_text_is_utf8_and_replaces(tmp_path):
    path = write_text(str(tmp_path / "note.md"), "Ünïcödé ✓\n")
    assert path == tmp_path / "note.md"
    assert path.read_bytes() == "Ünïcödé ✓\n".encode()
    write_text(path, "second")
    assert path.read_text(encoding="utf-8") == "second" and leftovers(tmp_path) == []


def test_data_uri(tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\nbytes")
    uri = data_uri(png)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == png.read_bytes()
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg/>", encoding="utf-8")
    assert data_uri(str(svg)) == "data:image/svg+xml;base64," + base64.b64encode(b"<svg/>").decode(
        "ascii"
    )
    odd = tmp_path / "logo.nosuchkind"
    odd.write_bytes(b"x")
    assert data_uri(odd).startswith("data:image/png;base64,"), "unknown kinds as PNG"
    assert data_uri(None) is None
    with pytest.raises(FileNotFoundError):
        data_uri(tmp_path / "missing.png")


def test_read_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["slide:headline"]}),
    ]
    nbformat.write(nb, str(tmp_path / "n.ipynb"))
    back = read_notebook(tmp_path / "n.ipynb")
    assert back.nbformat == 4
    assert [c.cell_type for c in back.cells] == ["markdown", "code"]
    assert back.cells[1].source == "x = 1"
    assert back.cells[1].metadata.tags == ["slide:headline"]
    assert read_notebook(str(tmp_path / "n.ipynb")) == back


def test_copy_if_missing_never_replaces_a_file(tmp_path):
    from nps_helpers.io.files import copy_if_missing

    source = tmp_path / "a.yaml"
    source.write_text("mine: 1\n", encoding="utf-8")
    target = tmp_path / "params" / "a.yaml"
    assert copy_if_missing(source, target) is True
    assert target.read_text(encoding="utf-8") == "mine: 1\n"
    target.write_text("edited: 2\n", encoding="utf-8")
    assert copy_if_missing(source, target) is False
    assert target.read_text(encoding="utf-8") == "edited: 2\n"
