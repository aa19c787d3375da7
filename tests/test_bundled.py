"""What the workbook ships beside its code, found in the wheel or the source tree."""

from __future__ import annotations

from conftest import REPO
from nps_helpers import bundled
from nps_helpers.params import DEFAULT_CODEBOOK
from nps_helpers.run.cli import demo_params


def test_every_shipped_file_is_found():
    for relative in bundled.FILES:
        assert bundled.bundled(relative).is_file(), relative


def test_the_source_tree_is_used_when_the_package_has_no_copies(monkeypatch, tmp_path):
    monkeypatch.setattr(bundled, "RESOURCES", tmp_path / "none")
    assert bundled.bundled("params/codebook.yaml") == REPO / "params" / "codebook.yaml"


def test_the_wheels_copy_comes_first(monkeypatch, tmp_path):
    copy = tmp_path / "resources" / "params" / "codebook.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text("themes: {}\n", encoding="utf-8")
    monkeypatch.setattr(bundled, "RESOURCES", tmp_path / "resources")
    assert bundled.bundled("params/codebook.yaml") == copy


def test_the_default_codebook_is_the_shipped_one():
    assert bundled.bundled("params/codebook.yaml") == DEFAULT_CODEBOOK
    assert DEFAULT_CODEBOOK.is_file()


def test_demo_params_copies_what_is_missing_and_keeps_the_rest(tmp_path):
    (tmp_path / "params").mkdir()
    mine = tmp_path / "params" / "2026-H1.yaml"
    mine.write_text("# my own\n", encoding="utf-8")
    copied = demo_params(tmp_path)
    assert sorted(p.name for p in copied) == ["2026-H2.yaml", "codebook.yaml"]
    assert mine.read_text(encoding="utf-8") == "# my own\n"
    assert demo_params(tmp_path) == []
