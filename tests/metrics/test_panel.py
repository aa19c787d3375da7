import pandas as pd

from nps_helpers.metrics.panel import climbers_fallers, moves_by_account, moves_table


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
