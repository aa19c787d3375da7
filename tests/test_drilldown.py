import numpy as np
import pandas as pd
import pytest

from nps_helpers import drilldown, themes
from nps_helpers.drilldown import Selection


def history() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "wave_id": pd.Categorical(
                np.repeat(["2026-H1", "2026-H2"], n // 2),
                categories=["2026-H1", "2026-H2"],
                ordered=True,
            ),
            "response_id": [f"r{i}" for i in range(n)],
            "tier": pd.Categorical(
                rng.choice(["small", "key", "premium"], n), categories=["small", "key", "premium"]
            ),
            "role": pd.Categorical(rng.choice(["decision_maker", "user"], n)),
            "region": pd.Categorical(rng.choice(["EMEA", "APAC"], n)),
            "score": pd.array(rng.integers(0, 11, n), dtype="Int8"),
            "account_name": rng.choice(["Acme", "Beta"], n),
            "comment": rng.choice(["support is slow", "great product", "", "billing is wrong"], n),
        }
    )
    frame["category"] = np.select(
        [frame.score >= 9, frame.score >= 7], ["promoter", "passive"], "detractor"
    )
    return frame


def test_select_and_mask():
    h = history()
    sel = Selection(wave="2026-H2", filters={"tier": ("key",), "role": ("user",)})
    got = drilldown.select(h, sel)
    expected = h[(h.wave_id == "2026-H2") & (h.tier == "key") & (h.role == "user")]
    assert got.index.equals(expected.index)
    searched = drilldown.select(h, sel.with_(search="SUPPORT"))
    assert (searched["comment"] == "support is slow").all() and len(searched) > 0
    assert len(drilldown.select(h, Selection())) == len(h), "no wave: all waves"


def test_nps_table_follows_the_dimension_and_min_n():
    h = history()
    table = drilldown.nps_table(h, Selection(wave="2026-H1", by="region"))
    assert set(table["region"]) == {"EMEA", "APAC"}
    assert table["n"].sum() == 200
    tiny = drilldown.nps_table(h, Selection(wave="2026-H1", by="region", min_n=1000))
    assert tiny["suppressed"].all() and tiny["nps"].isna().all()


def test_trend_ignores_the_wave_control():
    h = history()
    got = drilldown.trend(h, Selection(wave="2026-H2", filters={"tier": ("key",)}))
    assert list(got["wave_id"].astype(str)) == ["2026-H1", "2026-H2"]
    assert got["n"].sum() == (h.tier == "key").sum()
    empty = drilldown.trend(h, Selection(search="no such words"))
    assert empty.empty


def test_themes_and_comments_pages():
    h = history()
    themed = themes.analyse(h["comment"])
    table = drilldown.themes_for(h, themed, Selection(wave="2026-H1"))
    support = table.set_index("theme").loc["support"]
    wave1 = h[h.wave_id == "2026-H1"]
    assert support["mentions"] == (wave1["comment"] == "support is slow").sum()
    page, total = drilldown.comments(h, Selection(wave="2026-H1"), page=1, page_size=7)
    assert total == (wave1["comment"] != "").sum() and len(page) == 7
    assert list(page.columns) == [
        "wave_id",
        "score",
        "category",
        "role",
        "tier",
        "account_name",
        "comment",
    ]
    assert page["score"].astype(int).is_monotonic_increasing, "lowest scores first"
    scrubbed, _ = drilldown.comments(h, Selection(), scrub=themes.scrubber(["support"]))
    assert not scrubbed["comment"].str.contains("support").any()


def test_compare_two_selections():
    h = history()
    a, b = Selection(filters={"tier": ("small",)}), Selection(filters={"tier": ("premium",)})
    r = drilldown.compare(h, a, b)
    from nps_helpers.scoring import compare_waves

    want = compare_waves(h.loc[h.tier == "small", "score"], h.loc[h.tier == "premium", "score"])
    assert r["change"] == pytest.approx(want["change"]) and "significant" in r
    small = drilldown.compare(h, a.with_(min_n=10_000), b)
    assert small["suppressed"] and np.isnan(small["change"])


def test_options():
    opts = drilldown.options(history())
    assert opts["tier"] == ["small", "key", "premium"] and "product" not in opts


def test_widgets_follow_their_controls(capsys):
    from nps_helpers.drilldown_app import ALL, DrilldownApp

    h = history()
    app = DrilldownApp(
        h, themes.analyse(h["comment"]), themes.scrubber([]), ["tier", "role", "region"], min_n=5
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
