import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.text import match
from nps_helpers.text.codebook import Theme, load_codebook
from nps_helpers.text.match import (
    CLAUSE_SPLIT,
    TYPO_MIN_LENGTH,
    _compile,
    one_typo,
    split_clauses,
    tag,
    typo_of,
)


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("The implmentation dragged on", "implementation"),  # misspelling
        ("our roll-out was smooth", "implementation"),  # hyphen
        ("the rollout was smooth", "implementation"),  # joined
        ("Supprot never answers", "support"),
        ("Rechnungen sind oft falsch", "price_billing"),  # German, plural stem
        ("la facturación es un desastre", "price_billing"),  # accents
        ("Entrega siempre tarde", "delivery"),
        ("too many clicks", "ui_ux"),
        ("our CSM left again", "account_management"),
    ],
)
def test_matching_variants(text, theme):
    assert tag(pd.Series([text]))[theme].iloc[0]


def test_exclusions_and_word_boundaries():
    tags = tag(
        pd.Series(
            [
                "We need support for SSO",
                "We had an eta",
                "repricing",
                "Pricing is fair and transparent",
            ]
        )
    )
    assert not tags.loc[0, "support"] and tags.loc[0, "features_roadmap"]
    assert tags.loc[1, "delivery"]
    assert not tags.loc[2, "price_billing"], "prefix words do not match inside other words"
    assert tags.loc[3, "price_billing"] and not tags.loc[3, "communication"]


def test_tag_interface_keeps_index_and_all_themes():
    comments = pd.Series(["Support is slow", None, ""], index=["a", "b", "c"])
    tags = tag(comments)
    assert list(tags.index) == ["a", "b", "c"]
    assert list(tags.columns) == list(load_codebook())
    assert tags.dtypes.eq(bool).all() and not tags.loc[["b", "c"]].any().any()


def test_industry_filter():
    tags = tag(
        pd.Series(["deliveries are late", "deliveries are late"]),
        industries=pd.Series(["Logistics", "SaaS"]),
    )
    assert tags["delivery"].tolist() == [True, False]


def test_tag_takes_a_codebook_path(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: [fast]\n")
    assert tag(pd.Series(["fast enough", "slow"]), path)["speed"].tolist() == [True, False]


def test_chunked_tag_equals_one_pass(monkeypatch):
    comments = pd.Series(
        ["Support is slow", "the invoices are wrong", "", None, "Support is slow", "UI clunky"],
        index=[f"r{i}" for i in range(6)],
    )
    whole = tag(comments)
    monkeypatch.setattr(match, "CHUNK", 2)
    pd.testing.assert_frame_equal(tag(comments), whole)
    assert whole.any().sum() >= 3


@pytest.mark.parametrize(
    ("word", "target", "expected"),
    [
        ("implemntation", "implementation", True),  # a letter dropped inside
        ("suppport", "support", True),  # a letter doubled
        ("invocie", "invoice", True),  # neighbours swapped
        ("annual", "manual", False),  # a changed letter makes another word
        ("honestly", "honesty", False),  # an added letter: another form
        ("incident", "incidents", False),  # the final letter: another form
        ("invoice", "invoice", False),  # the same word is not a typo
        ("invoiec", "invoice", True),
        ("inovice", "invoice", True),
        ("ivnoicex", "invoice", False),  # two slips
    ],
)
def test_one_typo(word, target, expected):
    assert one_typo(word, target) is expected


def test_typos_of_long_codebook_words_are_tagged():
    book = {
        "implementation": Theme(
            name="implementation",
            description="d",
            phrases=("implementation",),
            exclude=(),
            kind="operational",
            industries=("all",),
        ),
    }
    tagged = tag(pd.Series(["The implemntation dragged on", "implementations", "implement"]), book)[
        "implementation"
    ]
    assert tagged.tolist() == [True, False, False]
    near = _compile(tuple(book.items())).near
    assert typo_of("implemntation", near) == ["implementation"]
    assert typo_of("completely", near) == []


def test_short_words_take_no_typo():
    book = {
        "speed": Theme(
            name="speed",
            description="d",
            phrases=("speedy", "loading"),
            kind="operational",
            industries=("all",),
        ),
    }
    assert len("speedy") < TYPO_MIN_LENGTH <= len("loading")
    got = tag(pd.Series(["spedy", "laoding", "loadign"]), book)["speed"]
    assert got.tolist() == [False, True, True]


@given(st.text(alphabet="abcdefghij", min_size=7, max_size=12))
@settings(max_examples=200, deadline=None)
def test_typo_is_symmetric_for_swaps_and_never_the_word_itself(word):
    assert not one_typo(word, word)
    for i in range(len(word) - 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped != word:
            assert one_typo(swapped, word) and one_typo(word, swapped)


def test_clauses_split_at_sentences_and_contrast_but_not_inside_numbers():
    got = split_clauses(
        pd.Series(["They promise 99.99% uptime and hit it. Support is slow, but kind"])
    )
    assert got["clause"].tolist() == [
        "They promise 99.99% uptime and hit it",
        "Support is slow",
        "but kind",
    ]
    assert tag(pd.Series(["they promise 99.99% and they hit it"]))["reliability"].all()


def test_split_clauses_keeps_the_row_label_and_drops_empty_clauses():
    got = split_clauses(pd.Series(["Gut aber teuer", None, "ok; fine at 10:30"], index=[7, 8, 9]))
    assert got.values.tolist() == [[7, "Gut"], [7, "teuer"], [9, "ok"], [9, "fine at 10:30"]]
    assert CLAUSE_SPLIT.split("slow however kind") == ["slow", "kind"]
