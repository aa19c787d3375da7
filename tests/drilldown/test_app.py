"""The drill-down's ipywidgets app: each control recomputes the outputs it feeds."""

from test_logic import history

from nps_helpers.drilldown.app import ALL, DrilldownApp
from nps_helpers.text import themes
from nps_helpers.text.scrub import scrubber


def test_widgets_follow_their_controls():
    h = history()
    app = DrilldownApp(
        h, themes.analyse(h["comment"]), scrubber([]), ["tier", "role", "region"], min_n=5
    )
    assert app.wave.value == "2026-H2" and "200</b> responses" in app.summary.value
    assert "<td>premium</td>" in app.table.value
    app.by.value = "region"
    assert "<td>EMEA</td>" in app.table.value and "<td>premium</td>" not in app.table.value
    app.filters["role"].value = ("user",)
    users = ((h.wave_id == "2026-H2") & (h.role == "user")).sum()
    assert f"<b>{users}</b> responses" in app.summary.value
    app.wave.value = ALL
    assert "all waves" in app.summary.value
    app.search.value = "billing"
    assert "billing is wrong" in app.comments.value and "support is slow" not in app.comments.value
    app.next_page.click()
    assert app.page == 1 and "Comments 11-" in app.comments.value
    app.pin.value = True
    app.filters["role"].value = ("decision_maker",)
    assert "Compare" in app.comparison.value and "B − A" in app.comparison.value
    app.pin.value = False
    assert app.comparison.value == ""
    assert app.last_update_ms > 0


def test_an_export_only_history_offers_only_columns_with_values():
    """No account master: tier and region are empty, so the app breaks down by the
    export's own segment (plan) and filters on it and the role."""
    import pandas as pd

    h = history()
    h = h.assign(
        tier=pd.Categorical([None] * len(h), categories=["small", "key", "premium"]),
        region=pd.Categorical([None] * len(h)),
        plan=pd.Categorical(["Starter" if i % 2 else "Business" for i in range(len(h))]),
    )
    app = DrilldownApp(
        h, themes.analyse(h["comment"]), scrubber([]), ["tier", "role", "plan"], min_n=5
    )
    assert list(app.by.options) == ["role", "plan"] and app.by.value == "role"
    assert set(app.filters) == {"role", "plan"}
    app.by.value = "plan"
    assert "<td>Starter</td>" in app.table.value and "<td>Business</td>" in app.table.value
    app.filters["plan"].value = ("Starter",)
    starters = ((h.wave_id == "2026-H2") & (h.plan == "Starter")).sum()
    assert f"<b>{starters}</b> responses" in app.summary.value


def test_climbers_and_fallers_under_the_comparison():
    """The contacts who answered the chosen wave and the one before: a table of their
    category then (rows) and now, counted here independently."""
    import numpy as np
    import pandas as pd

    h = history()
    h["respondent_id"] = [f"c{i % 200}" for i in range(len(h))]  # everyone in both waves
    h["account_id"] = np.where(np.arange(len(h)) % 3, "a1", "a2")
    app = DrilldownApp(h, themes.analyse(h["comment"]), scrubber([]), ["tier", "role"], min_n=5)
    before = h[h.wave_id == "2026-H1"].set_index("respondent_id")["category"]
    now = h[h.wave_id == "2026-H2"].set_index("respondent_id")["category"]
    moves = pd.crosstab(before, now.reindex(before.index))
    assert "Climbers and fallers: the 200 contacts" in app.movers.value
    row = "".join(f'<td class="num">{moves.loc["detractor", c]}</td>' for c in moves.columns)
    assert f"<td>detractors</td>{row}" in app.movers.value
    app.filters["role"].value = ("user",)
    users = (h[h.wave_id == "2026-H2"]["role"] == "user").sum()
    # users in both waves: a user now who was a user then too
    both = (h[h.wave_id == "2026-H1"].set_index("respondent_id")["role"] == "user").reindex(
        h[h.wave_id == "2026-H2"].loc[h["role"] == "user", "respondent_id"]
    )
    assert users and f"the {int(both.sum())} contacts" in app.movers.value
    app.wave.value = "2026-H1"  # no wave before it
    assert app.movers.value == ""
    app.wave.value = ALL
    assert app.movers.value == ""
