import numpy as np
import pandas as pd

from nps_helpers.text.discover import discover
from nps_helpers.text.scrub import scrubber
from nps_helpers.text.themes import analyse


def test_discovery_is_seeded_and_finds_uncaught_topics():
    rng = np.random.default_rng(0)
    parking = [f"the parking lot at your office is always full {i}" for i in range(20)]
    coffee = [f"coffee machine in the visitor lounge was cold {i}" for i in range(20)]
    caught = ["support is slow"] * 10
    comments = pd.Series(list(rng.permutation(parking + coffee + caught)))
    themed = analyse(comments)
    found = discover(comments, themed, n_topics=2)
    assert len(found) == 2 and found["size"].sum() == 40
    terms = " ".join(found["top_terms"])
    assert "parking" in terms and "coffee" in terms
    assert all(len(e) == 3 for e in found["examples"])
    pd.testing.assert_frame_equal(found, discover(comments, themed, n_topics=2))
    assert discover(pd.Series(["too few"])).empty


def test_discovery_leaves_out_tagged_and_short_comments_and_scrubs_examples():
    parking = [f"Maya says the parking lot is always full {i}" for i in range(15)]
    coffee = [f"coffee machine in the visitor lounge was cold {i}" for i in range(15)]
    tagged = [f"support says the parking lot is always full {i}" for i in range(20)]
    short = ["parking full"] * 30
    comments = pd.Series(parking + coffee + tagged + short)
    themed = analyse(comments)
    found = discover(comments, themed, n_topics=2, scrub=scrubber(["Maya"]))
    assert found["size"].sum() == 30, "only the untagged comments of four words or more"
    assert found["candidate"].tolist() == [1, 2]
    assert list(found.columns) == ["candidate", "size", "top_terms", "examples"]
    examples = [e for es in found["examples"] for e in es]
    assert not any("Maya" in e for e in examples)
    assert any(e.startswith("[name] says") for e in examples)
    assert discover(comments[:19]).empty, "under 20 comments: no candidates"
    assert discover(pd.Series(["the and of it is"] * 25)).empty, "only stop words"


def test_discovery_scrubs_the_top_terms():
    # the hostile finding: names, an IBAN and a phone number among the appendix's terms
    parking = [
        f"parking lot full, ask lindqvist or Ingrid Brandauer, bank DE50526018159083016613 {i}"
        for i in range(15)
    ]
    coffee = [f"coffee machine cold, call 020 7946 0321 or Raghunathan {i}" for i in range(15)]
    comments = pd.Series(parking + coffee)
    themed = analyse(comments)
    plain = discover(comments, themed, n_topics=2)
    assert "lindqvist" in " ".join(plain["top_terms"]), "the names were there to scrub"
    scrub = scrubber(["Lindqvist", "Raghunathan", "Ingrid", "Brandauer"])
    found = discover(comments, themed, n_topics=2, scrub=scrub)
    terms = " ".join(found["top_terms"])
    for gone in ("lindqvist", "raghunathan", "ingrid", "brandauer", "de50", "7946", "0321"):
        assert gone not in terms, gone
    for gone in ("name", "phone", "iban"):
        assert gone not in terms.split(", "), "the scrubber's tokens are no terms"
    assert "parking" in terms and "coffee" in terms
    assert all(len(t.split(", ")) == 8 for t in found["top_terms"]), "the next terms fill in"
    examples = " ".join(e for es in found["examples"] for e in es)
    assert "Lindqvist" not in examples and "[phone]" in examples and "[iban]" in examples


def test_discovery_checks_terms_with_any_scrubbing_callable():
    parking = [f"the parking lot near zorblax tower is always full {i}" for i in range(15)]
    coffee = [f"coffee machine in the visitor lounge was cold {i}" for i in range(15)]
    comments = pd.Series(parking + coffee)

    def scrub(texts):
        return texts.str.replace("zorblax", "[name]", case=False)

    terms = " ".join(discover(comments, n_topics=2)["top_terms"])
    assert "zorblax" in terms
    terms = " ".join(discover(comments, n_topics=2, scrub=scrub)["top_terms"])
    assert "zorblax" not in terms and "parking" in terms
