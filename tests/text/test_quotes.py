import pandas as pd
from test_themes import responses

from nps_helpers.text.quotes import verbatims
from nps_helpers.text.themes import analyse


def test_verbatims_pick_on_theme_and_scrub():
    r = responses()
    themed = analyse(r["comment"])
    # any scrub function is applied ("support" is a common word: the real scrubber keeps it)
    scrub = lambda t: t.str.replace("Support", "[name]", case=False)  # noqa: E731
    quotes = verbatims(r, themed, "support", scrub, "+", k=5)
    assert set(quotes["response_id"]) == {"r1", "r3"}
    assert all("[name]" in t for t in quotes["text"])
    complaints = verbatims(r, themed, "support", None, "-")
    assert complaints["response_id"].tolist() == ["r0"]


def test_verbatims_rank_dedupe_shorten_and_columns():
    comments = [
        "Support is great",  # short: under 30 characters, ranked after readable ones
        "Support is great and they answer every ticket within the hour",
        "support is great and they answer every ticket within the hour!",  # a duplicate
        "Support is great, the invoices are wrong and the price keeps going up again",
        "Support team is wonderful and always helps us out with any question",
    ]
    r = pd.DataFrame(
        {
            "response_id": ["a", "b", "c", "d", "e"],
            "comment": comments,
            "score": [10, 9, 10, 9, 10],
            "category": "promoter",
        }
    )
    themed = analyse(r["comment"])
    got = verbatims(r, themed, "support", polarity="+", k=5, limit=40)
    assert list(got.columns) == ["response_id", "score", "category", "polarity", "text"]
    assert "c" not in set(got["response_id"]), "the same words twice are quoted once"
    assert got["response_id"].iloc[-1] == "a", "a short comment comes last"
    assert (got["text"].str.len() <= 41).all()
    assert got.equals(verbatims(r, themed, "support", polarity="+", k=5, limit=40)), "stable"
    assert len(verbatims(r, themed, "support", polarity="+", k=2)) == 2


def test_verbatims_of_an_unmentioned_theme_are_empty():
    r = responses()
    themed = analyse(r["comment"])
    got = verbatims(r, themed, "training")
    assert got.empty and "text" in got.columns
    assert verbatims(r, themed, "support", polarity="-").index.tolist() == [0]
