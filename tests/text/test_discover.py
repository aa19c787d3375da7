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
