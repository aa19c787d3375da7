import pandas as pd
import pytest

from nps_helpers.errors import ParamsError
from nps_helpers.text.codebook import (
    KINDS,
    TOKEN,
    Theme,
    codebook_key,
    load_codebook,
    normalize,
    phrase_words,
)
from nps_helpers.text.match import tag


def test_default_codebook_covers_the_domain_themes():
    book = load_codebook()
    assert set(book) == {
        "implementation",
        "onboarding",
        "account_management",
        "support",
        "product_quality",
        "ui_ux",
        "reliability",
        "product_value",
        "price_billing",
        "communication",
        "delivery",
        "partnership",
        "features_roadmap",
        "documentation",
        "training",
    }
    assert {t.kind for t in book.values()} == {"strategic", "operational"} == set(KINDS)
    assert all(t.description and t.phrases for t in book.values())


def test_phrase_words():
    assert phrase_words("add-on*") == [("add", False), ("on", True)]
    assert phrase_words("Mise en place") == [
        ("mise", False),
        ("en", False),
        ("place", False),
    ]
    assert phrase_words("Facturación*") == [("facturacion", True)], "accents removed"
    assert phrase_words("--") == []


def test_codebook_errors_name_file_and_theme(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  speed:\n    kind: tactical\n    phrases: [fast]\n")
    with pytest.raises(ParamsError, match=r"book.yaml: theme 'speed': kind must be"):
        load_codebook(path)
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: []\n")
    with pytest.raises(ParamsError, match="phrases must be a non-empty list"):
        load_codebook(path)
    path.write_text(
        "themes:\n  speed:\n    kind: operational\n    phrases: [fast]\n    colour: x\n"
    )
    with pytest.raises(ParamsError, match="unknown key"):
        load_codebook(path)
    with pytest.raises(ParamsError, match="not found"):
        load_codebook(tmp_path / "none.yaml")
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: [fast, quick*]\n")
    book = load_codebook(path)
    assert tag(pd.Series(["quickly done", "slow"]), book)["speed"].tolist() == [True, False]


def test_codebook_errors_on_shape(tmp_path):
    path = tmp_path / "shape.yaml"
    path.write_text("themes: []\n")
    with pytest.raises(ParamsError, match="expected a 'themes:' mapping"):
        load_codebook(path)
    path.write_text("themes:\n  speed: fast\n")
    with pytest.raises(ParamsError, match="theme 'speed': expected a mapping"):
        load_codebook(path)
    path.write_text(
        "themes:\n  speed:\n    kind: operational\n    phrases: [fast]\n    exclude: x\n"
    )
    with pytest.raises(ParamsError, match="exclude must be a list"):
        load_codebook(path)
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: [fast, '--']\n")
    with pytest.raises(ParamsError, match="phrases without letters or digits"):
        load_codebook(path)


def test_loaded_theme_defaults_and_industries(tmp_path):
    path = tmp_path / "industries.yaml"
    path.write_text(
        "themes:\n"
        "  speed:\n    kind: operational\n    phrases: [fast]\n"
        "  trucks:\n    kind: strategic\n    industries: [Logistics]\n    phrases: [truck]\n"
        "    exclude: [fire truck]\n"
    )
    book = load_codebook(path)
    assert list(book) == ["speed", "trucks"]
    speed, trucks = book["speed"], book["trucks"]
    assert speed.industries == ("all",) and speed.exclude == () and speed.description == ""
    assert speed.applies_to("Anything")
    assert trucks.exclude == ("fire truck",) and trucks.kind == "strategic"
    assert trucks.applies_to("Logistics") and not trucks.applies_to("SaaS")


def test_apostrophe_s_is_dropped_other_apostrophes_removed():
    got = normalize(pd.Series(["Support's good", "it’s fine", "doesn't work"]))
    assert got.tolist() == ["support good", "it fine", "doesnt work"]
    # "support's" is support, not the excluded "supports" (a feature the product has)
    assert tag(pd.Series(["Support's good", "it supports SAML"]))["support"].tolist() == [
        True,
        False,
    ]


def test_normalize_lowers_and_strips_accents_keeping_the_index():
    got = normalize(pd.Series(["Facturación ÜBER", None, 3], index=["a", "b", "c"]))
    assert got.tolist() == ["facturacion uber", "", "3"]
    assert list(got.index) == ["a", "b", "c"]
    assert TOKEN.findall(got["a"]) == ["facturacion", "uber"]


def test_codebook_key_follows_the_contents(tmp_path):
    book = load_codebook()
    assert codebook_key(load_codebook()) == codebook_key(book)
    fewer = dict(list(book.items())[:-1])
    assert codebook_key(fewer) != codebook_key(book)
    name, theme = next(iter(book.items()))
    changed = {**book, name: Theme(**{**theme.__dict__, "phrases": ("something else",)})}
    assert codebook_key(changed) != codebook_key(book)
    reordered = dict(reversed(list(book.items())))
    assert codebook_key(reordered) != codebook_key(book), "the order of the themes counts"


def test_an_edited_codebook_is_read_again(tmp_path):
    import os

    path = tmp_path / "codebook.yaml"
    path.write_text(
        "themes:\n  support:\n    description: Support\n    kind: operational\n"
        "    phrases: [support]\n  price:\n    description: Price\n    kind: strategic\n"
        "    phrases: [price]\n",
        encoding="utf-8",
    )
    assert list(load_codebook(path)) == ["support", "price"]
    stat = path.stat()
    path.write_text(
        "themes:\n  support:\n    description: Support\n    kind: operational\n"
        "    phrases: [support]\n",
        encoding="utf-8",
    )
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert list(load_codebook(path)) == ["support"]
