import numpy as np
import pandas as pd
import pytest

from nps_helpers.drilldown import logic as drilldown
from nps_helpers.drilldown.logic import Selection
from nps_helpers.metrics.scoring import compare_waves
from nps_helpers.text import themes


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
    # the scrub function given is applied ("support" is a common word: the real one keeps it)
    scrub = lambda t: t.str.replace("support", "[name]")  # noqa: E731
    scrubbed, _ = drilldown.comments(h, Selection(), scrub=scrub)
    assert not scrubbed["comment"].str.contains("support").any()


def test_compare_two_selections():
    h = history()
    a, b = Selection(filters={"tier": ("small",)}), Selection(filters={"tier": ("premium",)})
    r = drilldown.compare(h, a, b)
    want = compare_waves(h.loc[h.tier == "small", "score"], h.loc[h.tier == "premium", "score"])
    assert r["change"] == pytest.approx(want["change"]) and "significant" in r
    small = drilldown.compare(h, a.with_(min_n=10_000), b)
    assert small["suppressed"] and np.isnan(small["change"])


def test_options():
    opts = drilldown.options(history())
    assert opts["tier"] == ["small", "key", "premium"] and "product" not in opts


def test_mask_is_the_selection_and_ignores_the_wave_when_asked():
    h = history()
    sel = Selection(wave="2026-H1", filters={"region": ("APAC",)}, search="great")
    got = drilldown.mask(h, sel)
    want = (
        (h.wave_id == "2026-H1") & (h.region == "APAC") & (h.comment == "great product")
    ).to_numpy()
    assert got.dtype == bool and (got == want).all()
    assert drilldown.mask(h, sel) is got, "the same selection again: the cached mask"
    every_wave = drilldown.mask(h, sel, ignore_wave=True)
    assert (every_wave == ((h.region == "APAC") & (h.comment == "great product"))).all()
    assert every_wave.sum() > got.sum()
    other = h.copy()  # another history: nothing cached for it is reused
    other["comment"] = ""
    assert not drilldown.mask(other, sel).any()


def test_options_of_plain_columns_are_sorted():
    h = history().assign(product=lambda f: np.where(f.score > 5, "Platform", "Analytics"))
    opts = drilldown.options(h)
    assert opts["product"] == ["Analytics", "Platform"]
    assert opts["role"] == ["decision_maker", "user"] and "industry" not in opts
