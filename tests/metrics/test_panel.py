import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as student

from nps_helpers.metrics.panel import (
    climbers_fallers,
    moves_by_account,
    moves_table,
    paired_by_account,
    paired_change,
)


def test_climbers_and_fallers_by_hand():
    before = pd.DataFrame(
        {"respondent_id": ["a", "b", "c", "d"], "account_id": ["x", "x", "y", "y"],
         "score": [3, 10, 8, 7]}
    )  # fmt: skip
    now = pd.DataFrame(
        {"respondent_id": ["a", "b", "c", "e"], "account_id": ["x", "x", "y", "y"],
         "score": [9, 6, 8, 10]}
    )  # fmt: skip
    panel = climbers_fallers(now, before).set_index("respondent_id")
    # a: detractor -> promoter (up); b: promoter -> detractor (down); c: passive (same);
    # d answered only before, e only now: not in the panel
    assert panel["move"].to_dict() == {"a": "up", "b": "down", "c": "same"}
    moves = moves_table(panel)
    assert moves.loc["detractor", "promoter"] == 1 and moves.loc["promoter", "detractor"] == 1
    assert int(moves.to_numpy().sum()) == 3
    by_account = moves_by_account(panel).set_index("account_id")
    assert by_account.loc["x"].tolist() == [2, 1, 0, 1]  # contacts, up, same, down
    assert by_account.index[0] == "x", "most fallers first"


def test_paired_change_by_hand():
    panel = pd.DataFrame(
        {"account_id": ["x", "x", "y", "z"], "score_before": [3, 8, 9, 10],
         "score_now": [9, 9, 9, 10], "move": ["up", "up", "same", "same"]}
    )  # fmt: skip
    # x = +1/0/-1 before: -1, 0, +1, +1 (NPS 25); now: +1, +1, +1, +1 (NPS 100)
    # changes c = 2, 1, 0, 0; mean 0.75 -> +75 points
    # each contact independent: s^2 = ((1.25)^2 + 0.25^2 + 0.75^2 + 0.75^2) / 3 = 0.9167,
    #   se = sqrt(0.9167 / 4) = 0.4787 -> 47.87 points, t with 3 df
    r = paired_change(panel, clusters=False)
    assert (r["nps_before"], r["nps_now"], r["change"]) == (25.0, 100.0, 75.0)
    assert r["se"] == pytest.approx(np.sqrt(0.916667 / 4) * 100, rel=1e-5)
    assert r["df"] == 3
    assert r["p_value"] == pytest.approx(2 * student.sf(0.75 / np.sqrt(0.916667 / 4), 3), 1e-4)
    assert (r["up"], r["same"], r["down"]) == (2, 2, 0)
    # accounts as clusters: z_i = (c_i - 0.75) / 4; Z_x = (1.25 + 0.25) / 4 = 0.375,
    #   Z_y = Z_z = -0.75 / 4 = -0.1875; var = 3/2 * (0.140625 + 2 * 0.03515625) = 0.31641
    #   se = 0.5625 -> 56.25 points; G_eff = 16 / (4 + 1 + 1) = 2.67 -> 1.67 df
    r = paired_change(panel)
    assert r["se"] == pytest.approx(56.25)
    assert r["df"] == pytest.approx(16 / 6 - 1)
    q = student.ppf(0.975, 16 / 6 - 1)
    assert 75 - q * 56.25 < -200 and r["ci_low"] == -200, "clipped to the range of a change"
    assert r["ci_high"] == 200


def test_paired_by_account_by_hand():
    panel = pd.DataFrame(
        {"account_id": ["x"] * 3 + ["y"] * 2, "score_before": [3, 3, 3, 10, 10],
         "score_now": [10, 9, 3, 10, 10], "move": ["up", "up", "same", "same", "same"]}
    )  # fmt: skip
    t = paired_by_account(panel, min_n_change=3).set_index("account_id")
    # x: changes 2, 2, 0 -> +133 (NPS -100 -> +33); y: nobody moved, change 0, p 1
    assert t.loc["x", "change"] == pytest.approx(400 / 3)
    assert t.loc["x", ["contacts", "up", "same", "down"]].tolist() == [3, 2, 1, 0]
    assert t.loc["y", "change"] == 0 and t.loc["y", "p_value"] == 1
    assert not t["flagged"].any(), "3 contacts: far from significant after Holm"
