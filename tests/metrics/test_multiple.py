import numpy as np
import pandas as pd
import pytest

from nps_helpers.metrics.multiple import holm, segment_differences
from nps_helpers.metrics.segments import segment_table


def test_holm_by_hand():
    # sorted .01, .03, .04 of m = 3: 3 * .01 = .03; 2 * .03 = .06; 1 * .04 = .04 -> .06
    # (made non-decreasing); NaN is no test
    got = holm([0.04, 0.01, np.nan, 0.03])
    assert got[[1, 3, 0]] == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(got[2])
    assert holm([0.9, 0.8]).tolist() == [1.0, 1.0]


def test_segment_differences_are_tested_and_corrected():
    frame = pd.DataFrame(
        {
            "tier": ["small"] * 40 + ["key"] * 40 + ["premium"] * 40,
            "score": [10] * 15 + [3] * 25 + [10] * 17 + [3] * 23 + [10] * 35 + [3] * 5,
        }
    )
    table = segment_table(frame, "tier", min_n=5)
    pairs = segment_differences(table, "tier", min_n_change=30).set_index(["a", "b"])
    assert len(pairs) == 3
    # key (-15) vs small (-25): 10 points apart, not different; premium differs from both
    near = pairs.loc[("key", "small")] if ("key", "small") in pairs.index else None
    near = near if near is not None else pairs.loc[("small", "key")]
    assert not near["differ"]
    assert pairs["differ"].sum() == 2
    assert (pairs["p_holm"] >= pairs["p_value"]).all()


def test_a_change_is_flagged_only_after_holm_and_with_enough_responses():
    before = pd.DataFrame({"tier": ["a"] * 40 + ["b"] * 10, "score": [3] * 30 + [10] * 20})
    now = pd.DataFrame({"tier": ["a"] * 40 + ["b"] * 10, "score": [10] * 30 + [3] * 10 + [10] * 10})
    table = segment_table(now, "tier", min_n=5, previous=before, min_n_change=30).set_index("tier")
    assert table.loc["a", "flagged"] and table.loc["a", "significant"]
    assert not table.loc["b", "flagged"], "10 responses: under min_n_change, never flagged"
    assert table.loc["a", "p_holm"] == pytest.approx(min(1, 2 * table.loc["a", "p_value"]))
