"""The share-change test of themes, worked by hand."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from nps_helpers.metrics.shares import share_changes, two_proportions


def test_two_proportions_by_hand():
    # wave a: 10 of 100 comments mention the theme; wave b: 30 of 100.
    # adjusted (one mention and one comment without it added to each wave):
    #   a: 11 / 102 = 0.107843, var = 0.107843 * 0.892157 / 102 = 0.00094326
    #   b: 31 / 102 = 0.303922, var = 0.303922 * 0.696078 / 102 = 0.00207408
    #   adjusted change = 0.196078 (19.61 points), se = sqrt(0.00301734) = 0.054930
    #   z = 3.5696, p = 2 * (1 - Phi(3.5696)) = 0.000358
    r = two_proportions(10, 100, 30, 100)
    assert r["change"][0] == pytest.approx(20.0)
    assert r["change_adj"][0] == pytest.approx((31 / 102 - 11 / 102) * 100)
    se = np.sqrt(11 / 102 * 91 / 102 / 102 + 31 / 102 * 71 / 102 / 102)
    assert r["se"][0] == pytest.approx(se * 100)
    assert r["se"][0] == pytest.approx(5.4930, abs=1e-4)
    assert r["p_value"][0] == pytest.approx(2 * norm.sf(0.196078 / 0.054930), rel=1e-4)
    assert r["ci_low"][0] == pytest.approx(19.6078 - 1.959964 * 5.4930, abs=1e-3)
    # a design effect of 2 widens the se by sqrt(2); no comment in a wave: nothing to test
    assert two_proportions(10, 100, 30, 100, deff=2.0)["se"][0] == pytest.approx(se * 100 * 2**0.5)
    assert np.isnan(two_proportions(0, 0, 3, 10)["p_value"][0])


def test_share_changes_holm_and_min_n_by_hand():
    # 100 comments a wave; support: 10 -> 30 mentions; billing: 20 -> 22
    before = pd.DataFrame({"support": [True] * 10 + [False] * 90,
                           "billing": [True] * 20 + [False] * 80})  # fmt: skip
    now = pd.DataFrame({"support": [True] * 30 + [False] * 70,
                        "billing": [True] * 22 + [False] * 78})  # fmt: skip
    t = share_changes(before, now)
    assert t.loc["support", "share_before"] == 10 and t.loc["support", "share_now"] == 30
    assert t.loc["billing", "change"] == pytest.approx(2.0)
    # Holm over the two themes: the smaller p doubled, the larger kept (at least as large)
    p_support, p_billing = t.loc["support", "p_value"], t.loc["billing", "p_value"]
    assert t.loc["support", "p_holm"] == pytest.approx(2 * p_support)
    assert t.loc["billing", "p_holm"] == pytest.approx(max(p_billing, 2 * p_support))
    assert t["flagged"].tolist() == [True, False]
    assert not share_changes(before, now, min_n_change=101)["flagged"].any()


def test_share_changes_with_accounts_as_clusters_by_hand():
    # two accounts answer alike in both waves: x mentions in every comment, y in none.
    # Each wave: 4 comments of x (all mention) and 4 of y (none) -> 50% both waves.
    before = pd.DataFrame({"support": [True] * 4 + [False] * 4})
    now = before.copy()
    accounts = ["x"] * 4 + ["y"] * 4
    t = share_changes(before, now, accounts, accounts)
    # the change is 0 for each account, so the linearised variance of the change
    # (accounts across both waves) is 0: deff 0, se 0, nothing flagged
    assert t.loc["support", "se"] == pytest.approx(0.0)
    assert not t["flagged"].any()
    # the same comments in other accounts each wave: no covariance, deff above 1
    apart = share_changes(before, now, accounts, ["u"] * 4 + ["v"] * 4)
    plain = share_changes(before, now)
    assert apart.loc["support", "se"] > plain.loc["support", "se"]
