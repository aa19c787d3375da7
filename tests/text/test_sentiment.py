import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.text import sentiment as sentiment_module
from nps_helpers.text.codebook import normalize
from nps_helpers.text.sentiment import (
    LEXICON_UPDATES,
    NEGATIVE,
    POSITIVE,
    REWRITES,
    SARCASM,
    sentiment,
)


def test_sentiment_keeps_the_index_and_scores_empty_texts_zero():
    got = sentiment(
        pd.Series(
            ["Terrible support, everything is broken", "Great product!", "", None],
            index=list("wxyz"),
        )
    )
    assert got.name == "sentiment" and list(got.index) == list("wxyz")
    assert got["w"] < -0.3 and got["x"] > 0.3
    assert got["y"] == 0 and got["z"] == 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("couldn't be happier with our CSM", "+"),  # REWRITES: VADER reads it as negative
        ("no complaints", "+"),
        ("never had an outage", "+"),
        ("not cheap", "-"),
        ("it took forever", "-"),
        ("We need much better training", "-"),
        ("Hardly ever run into bugs", "+"),
        ("Le support est lent", "-"),  # LEXICON_UPDATES: words of other languages
        ("servizio ottimo", "+"),
        ("pessimo", "-"),
    ],
)
def test_rewrites_and_lexicon_give_the_right_sign(text, sign):
    score = sentiment(pd.Series([text])).iloc[0]
    assert score > POSITIVE if sign == "+" else score < NEGATIVE, score


def test_rewrites_and_lexicon_are_what_they_say():
    assert all(hasattr(pattern, "sub") and isinstance(r, str) for pattern, r in REWRITES)
    assert LEXICON_UPDATES["ottimo"] > 0 > LEXICON_UPDATES["pessimo"]
    assert LEXICON_UPDATES["support"] == 0.0, "a theme word is not praise by itself"


@pytest.mark.parametrize(
    "text",
    [
        "Oh great, another outage. Just what we needed",
        "thanks for nothing",
        "love waiting three weeks for an answer",
        "surprise, surprise: the invoice is wrong",
    ],
)
def test_sarcasm_is_never_praise(text):
    assert SARCASM.search(normalize(pd.Series([text])).iloc[0])
    assert sentiment(pd.Series([text])).iloc[0] <= -0.4


def test_identical_texts_are_scored_once(monkeypatch):
    real = sentiment_module._analyzer()
    calls = []

    class Counting:
        def polarity_scores(self, text):
            calls.append(text)
            return real.polarity_scores(text)

    monkeypatch.setattr(sentiment_module, "_analyzer", lambda: Counting())
    got = sentiment(pd.Series(["Great support", "Great support", "slow", "", "slow"]))
    assert len(calls) == 2, "two distinct non-empty texts"
    assert got.iloc[0] == got.iloc[1] and got.iloc[2] == got.iloc[4]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=80)), max_size=20))
def test_sentiment_is_bounded_and_never_fails(texts):
    got = sentiment(pd.Series(texts, dtype=object))
    assert len(got) == len(texts) and got.between(-1, 1).all()
