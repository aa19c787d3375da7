import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.text import match, themes
from nps_helpers.text.codebook import Theme, codebook_key, load_codebook
from nps_helpers.text.match import tag
from nps_helpers.text.sentiment import NEGATIVE, POSITIVE
from nps_helpers.text.themes import TextAnalysis, ThemedComments


def labels(text: str) -> dict[str, str]:
    got = themes.analyse(pd.Series([text]))
    return {t: got.label(t).iloc[0] for t in got.themes if got.tags[t].iloc[0]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no problems with support", {"support": "+"}),
        ("never had an outage", {"reliability": "+"}),
        (
            "Support is great but the invoices are always wrong",
            {"support": "+", "price_billing": "-"},
        ),
        ("oh great, another price increase", {"price_billing": "-"}),
        ("the UI isn't intuitive at all", {"ui_ux": "-"}),
        ("couldn't be happier with our CSM", {"account_management": "+"}),
        ("We need much better training for our users", {"training": "-"}),
        ("Le support est lent", {"support": "-"}),
        ("not cheap", {"price_billing": "-"}),
        ("support keeps closing tickets without fixing the problem", {"support": "-"}),
        ("It feels like we are just a number to them", {"partnership": "-"}),
        (
            "Zero downtime during the go-live weekend, our biggest fear",
            {"reliability": "+", "implementation": "+"},
        ),
        ("Hardly ever run into bugs", {"product_quality": "+"}),
        ("Noticeably fewer glitches since the last release", {"product_quality": "+"}),
        ("Customer success is a revolving door", {"account_management": "-"}),
        ("Our customer success manager has gone completely quiet", {"account_management": "-"}),
        ("Hypercare after go live was a joke", {"implementation": "-"}),
        ("Die Einführung lief reibungslos", {"implementation": "+"}),
    ],
)
def test_polarity_with_negation_contrast_and_sarcasm(text, expected):
    assert labels(text) == expected


def test_sentiment_per_comment():
    got = themes.analyse(
        pd.Series(["Terrible support, everything is broken", "Great product!", ""])
    )
    assert got.sentiment.iloc[0] < -0.3 and got.sentiment.iloc[1] > 0.3
    assert got.sentiment.iloc[2] == 0


def responses():
    comments = [
        "Support is slow and useless",
        "Support team is fantastic",
        "pricing is too high",
        "great support, fair price",
        "",
        "ok",
    ]
    scores = [2, 10, 5, 9, 8, 7]
    frame = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(6)],
            "comment": comments,
            "score": scores,
            "role": "user",
            "tier": "key",
        }
    )
    frame["category"] = np.select(
        [frame.score >= 9, frame.score >= 7], ["promoter", "passive"], "detractor"
    )
    return frame


def test_theme_table_by_hand():
    r = responses()
    themed = themes.analyse(r["comment"])
    table = themes.theme_table(r, themed).set_index("theme")
    support = table.loc["support"]
    # support: r0 detractor (complaint), r1 promoter (praise), r3 promoter (praise)
    assert (support["mentions"], support["praise"], support["complaints"]) == (3, 2, 1)
    # comments (more than 2 characters): r0, r1, r2, r3 -> 4; support in 3 -> 75%
    assert support["share_of_comments"] == pytest.approx(75)
    assert support["share_promoters"] == pytest.approx(100)
    assert support["share_detractors"] == pytest.approx(50)  # r0 of detractors r0, r2
    assert support["mean_score"] == pytest.approx((2 + 10 + 9) / 3)
    # impact over all 6 responses: 1 complaining detractor -> +16.7; 2 praising promoters -> 33.3
    assert support["gain_if_fixed"] == pytest.approx(100 / 6)
    assert support["loss_without_praise"] == pytest.approx(200 / 6)
    assert support["kind"] == "operational"
    previous = table.reset_index().assign(share_of_comments=50.0)
    again = themes.theme_table(r, themed, previous).set_index("theme")
    assert again.loc["support", "share_change"] == pytest.approx(25)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=30))
def test_tag_and_analyse_never_fail_and_agree(texts):
    comments = pd.Series(texts)
    tags = tag(comments)
    got = themes.analyse(comments)
    assert tags.equals(got.tags)
    assert got.polarity.notna().equals(got.tags)
    assert got.sentiment.between(-1, 1).all()


def test_chunked_analyse_and_tag_equal_one_pass(monkeypatch):
    """Large inputs are themed in chunks; the result is the same as in one pass."""
    comments = pd.Series(
        [
            "Support is slow and the invoices are wrong",
            "no problems with support, great onboarding",
            "",
            None,
            "Oh great, another outage. Love it.",
            "pricing too high for the value",
            "the UI is clunky",
        ],
        index=[f"r{i}" for i in range(7)],
    )
    industries = pd.Series(["Manufacturing"] * 7, index=comments.index)
    scores = pd.Series([3, 10, 8, 7, 0, 5, 6], index=comments.index)
    whole = themes.analyse(comments, None, industries, scores)
    whole_tags = tag(comments)
    monkeypatch.setattr(themes, "CHUNK", 2)  # analyse_texts' chunks
    monkeypatch.setattr(match, "CHUNK", 2)  # tag's chunks
    parts = themes.analyse(comments, None, industries, scores)
    pd.testing.assert_frame_equal(parts.tags, whole.tags)
    pd.testing.assert_frame_equal(parts.polarity, whole.polarity)
    pd.testing.assert_series_equal(parts.sentiment, whole.sentiment)
    pd.testing.assert_frame_equal(tag(comments), whole_tags)
    assert whole.tags.any().sum() >= 4  # the example exercises several themes


def test_neutral_mention_takes_a_clear_score_before_the_rest_of_the_comment():
    text = pd.Series(["Great people. Our account manager changed in May."] * 3)
    got = themes.analyse(text, scores=pd.Series([2, 7, 10]))
    # 2: a clear complaint; 7: the comment's stance (praise); 10: a clear praise
    assert got.label("account_management").tolist() == ["-", "+", "+"]


# ------------------------------------------------ per-text analysis
POOL = [
    "Support is slow and the invoice was wrong",
    "Great onboarding, love the dashboards",
    "Oh great, another outage. Just what we needed",
    "Price too high for what we get",
    "Account manager never calls back, but the product is solid",
    "no problems with support",
    "",
    "Implementation took forever",
]


def assert_same_analysis(a: ThemedComments, b: ThemedComments) -> None:
    pd.testing.assert_frame_equal(a.tags, b.tags)
    pd.testing.assert_frame_equal(a.polarity, b.polarity)
    pd.testing.assert_series_equal(a.sentiment, b.sentiment)


def test_analyse_texts_holds_each_text_once_per_theme():
    book = load_codebook()
    got = themes.analyse_texts(["Support is slow", "Oh great, another outage", ""], book)
    assert len(got) == 3 and got.texts.tolist() == [
        "Support is slow",
        "Oh great, another outage",
        "",
    ]
    assert got.tags.shape == got.polarity.shape == (3, len(book))
    assert got.tags[0, list(book).index("support")]
    assert np.isnan(got.polarity[0][~got.tags[0]]).all(), "polarity only where mentioned"
    assert got.polarity[0, list(book).index("support")] < 0
    assert got.sarcastic.tolist() == [False, True, False]
    assert got.sentiment[1] <= -0.4, "sarcasm is never praise"
    assert got.sentiment[2] == 0 and not got.tags[2].any()
    assert got.codebook == codebook_key(book)
    assert isinstance(got, TextAnalysis)


def test_analyse_is_its_distinct_texts_spread_to_the_comments():
    """analyse works each distinct text out once (analyse_texts) and spreads the result
    back to the comments, index kept."""
    comments = pd.Series([POOL[0], POOL[5], POOL[0], POOL[6]], index=[30, 10, 20, 0])
    got = themes.analyse(comments)
    per_text = themes.analyse_texts([POOL[0], POOL[5], POOL[6]])
    assert list(got.tags.index) == [30, 10, 20, 0]
    np.testing.assert_array_equal(got.tags.to_numpy(), per_text.tags[[0, 1, 0, 2]])
    np.testing.assert_array_equal(got.sentiment.to_numpy(), per_text.sentiment[[0, 1, 0, 2]])
    assert got.themes == list(load_codebook()) and got.codebook == load_codebook()


def test_analyse_texts_in_chunks_equals_one_pass(monkeypatch):
    whole = themes.analyse_texts(POOL)
    monkeypatch.setattr(themes, "CHUNK", 3)
    parts = themes.analyse_texts(POOL)
    for name in ("tags", "polarity", "sentiment", "sarcastic"):
        np.testing.assert_array_equal(getattr(parts, name), getattr(whole, name))


def test_label_marks_praise_complaint_and_neutral():
    tags = pd.DataFrame({"support": [True, True, True, False]}, index=list("abcd"))
    polarity = pd.DataFrame({"support": [0.5, -0.5, 0.0, np.nan]}, index=list("abcd"))
    themed = ThemedComments(tags, polarity, pd.Series(0.0, index=list("abcd")), {})
    assert themed.label("support").tolist() == ["+", "-", "0", ""]
    assert list(themed.label("support").index) == list("abcd")
    assert themed.themes == ["support"]


def _theme_table_reference(responses, themed):
    """theme_table as first written: pandas, theme by theme (the oracle of the
    vectorized one)."""
    idx = responses.index
    tags, pol = themed.tags.loc[idx], themed.polarity.loc[idx]
    has_comment = responses["comment"].fillna("").astype(str).str.strip().str.len().gt(2)
    category = responses["category"].astype(str)
    n, n_comments = len(responses), int(has_comment.sum())
    rows = []
    for name in tags.columns:
        hit, p = tags[name], pol[name]
        theme = themed.codebook.get(name)
        group = {c: has_comment & (category == c) for c in ("promoter", "passive", "detractor")}
        rows.append(
            {
                "theme": name,
                "description": theme.description if theme else "",
                "kind": theme.kind if theme else "",
                "mentions": int(hit.sum()),
                "praise": int((p > POSITIVE).sum()),
                "complaints": int((p < NEGATIVE).sum()),
                "share_of_comments": hit.sum() / n_comments * 100 if n_comments else np.nan,
                **{
                    f"share_{c}s": (hit & g).sum() / g.sum() * 100 if g.sum() else np.nan
                    for c, g in group.items()
                },
                "mean_score": responses.loc[hit, "score"].astype(float).mean(),
                "sentiment": p[hit].mean(),
                "gain_if_fixed": (
                    ((category == "detractor") & hit & ~(p > POSITIVE)).sum() / n * 100
                ),
                "loss_without_praise": (
                    ((category == "promoter") & hit & (p > POSITIVE)).sum() / n * 100
                ),
            }
        )
    table = pd.DataFrame(rows)
    table["share_change"] = np.nan
    return table.sort_values(["mentions", "theme"], ascending=[False, True], ignore_index=True)


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(POOL + [None, " a ", "ok"]), st.one_of(st.none(), st.integers(0, 10))
        ),
        min_size=1,
        max_size=40,
    ),
    subset=st.data(),
)
def test_theme_table_is_the_theme_by_theme_reference(rows, subset):
    comments = pd.Series([c for c, _ in rows], dtype=object)
    score = pd.Series([s for _, s in rows], dtype="Int8")
    category = pd.Series(
        np.select(
            [score.fillna(-1) >= 9, score.fillna(-1) >= 7], ["promoter", "passive"], "detractor"
        )
    ).astype("category")
    responses = pd.DataFrame({"comment": comments, "score": score, "category": category})
    responses.index = responses.index * 2 + 7  # any labels
    themed = themes.analyse(responses["comment"], None, scores=responses["score"])
    picked = subset.draw(st.lists(st.sampled_from(list(responses.index)), unique=True, min_size=1))
    for part in (responses, responses.loc[picked]):
        pd.testing.assert_frame_equal(
            themes.theme_table(part, themed), _theme_table_reference(part, themed), check_exact=True
        )


# ------------------------------------------------ stored themes: to_frame / from_frame
def small_book() -> dict[str, Theme]:
    book = load_codebook()
    return {name: book[name] for name in ("support", "price_billing", "reliability")}


@st.composite
def themed_comments(draw):
    book = small_book()
    n = draw(st.integers(0, 12))
    ids = draw(st.lists(st.text(min_size=1, max_size=6), min_size=n, max_size=n, unique=True))
    index = pd.Index(draw(st.permutations(range(100, 100 + n))))
    flags = st.lists(st.booleans(), min_size=n, max_size=n)
    values = st.one_of(st.floats(-1, 1), st.just(np.nan))
    tags = pd.DataFrame({t: draw(flags) for t in book}, index=index, dtype=bool)
    polarity = pd.DataFrame(
        {t: draw(st.lists(values, min_size=n, max_size=n)) for t in book}, index=index, dtype=float
    )
    sentiment = pd.Series(
        draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)),
        index=index,
        dtype=float,
        name="sentiment",
    )
    themed = ThemedComments(tags, polarity, sentiment, book)
    return themed, pd.Series(ids, index=index, dtype=object)


@settings(max_examples=80, deadline=None)
@given(themed_comments(), st.data())
def test_stored_themes_round_trip(drawn, data):
    themed, ids = drawn
    frame = themed.to_frame(ids)
    assert list(frame.columns[:2]) == ["response_id", "sentiment"]
    assert len(frame) == len(ids)
    back = ThemedComments.from_frame(frame, ids, themed.codebook)
    assert back is not None
    assert_same_analysis(back, themed)
    assert back.codebook == themed.codebook
    # any subset of the responses, in any order, indexed as the caller's responses
    picked = data.draw(st.lists(st.sampled_from(list(ids.index)), unique=True)) if len(ids) else []
    subset = ids.loc[picked]
    part = ThemedComments.from_frame(frame, subset.set_axis(range(len(subset))), themed.codebook)
    assert part is not None and list(part.tags.index) == list(range(len(subset)))
    expect = ThemedComments(
        themed.tags.loc[picked].set_axis(range(len(subset))),
        themed.polarity.loc[picked].set_axis(range(len(subset))),
        themed.sentiment.loc[picked].set_axis(range(len(subset))),
        themed.codebook,
    )
    if len(subset):
        assert_same_analysis(part, expect)
    # a response the frame does not hold, or another codebook: nothing to reuse
    gone = data.draw(st.sampled_from(list(ids))) if len(ids) else None
    if gone is not None:
        fewer = frame[frame["response_id"] != str(gone)]
        assert ThemedComments.from_frame(fewer, ids, themed.codebook) is None
    if "never stored" not in set(ids):
        unknown = pd.Series([*ids, "never stored"], index=[*ids.index, -1], dtype=object)
        assert ThemedComments.from_frame(frame, unknown, themed.codebook) is None
    other = data.draw(st.sampled_from(["fewer", "more", "reordered"]))
    book = dict(themed.codebook)
    another = {
        "fewer": dict(list(book.items())[1:]),
        "more": {**book, "training": load_codebook()["training"]},
        "reordered": dict(reversed(list(book.items()))),
    }[other]
    assert ThemedComments.from_frame(frame, ids, another) is None


def test_stored_themes_of_a_missing_response_or_another_codebook_are_none():
    comments = pd.Series(POOL, index=range(10, 10 + len(POOL)))
    ids = pd.Series([f"R_{i}" for i in range(len(POOL))], index=comments.index)
    book = small_book()
    themed = themes.analyse(comments, book)
    frame = themed.to_frame(ids)
    assert [c for c in frame.columns if c.startswith("tag:")] == [f"tag:{t}" for t in book]
    assert frame["tag:support"].dtype == bool and frame["polarity:support"].dtype == float
    assert_same_analysis(ThemedComments.from_frame(frame, ids, book), themed)
    missing = pd.concat([ids, pd.Series(["R_new"], index=[99])])
    assert ThemedComments.from_frame(frame, missing, book) is None, "a response not stored"
    other = dict(list(book.items())[:2])
    assert ThemedComments.from_frame(frame, ids, other) is None, "fewer themes"
    reordered = dict(reversed(list(book.items())))
    assert ThemedComments.from_frame(frame, ids, reordered) is None, "themes in another order"
    assert ThemedComments.from_frame(frame, ids, load_codebook()) is None, "more themes"


def test_stored_themes_survive_parquet(tmp_path):
    comments = pd.Series(POOL)
    ids = pd.Series([f"R_{i}" for i in range(len(POOL))])
    themed = themes.analyse(comments, scores=pd.Series([0, 10, 3, 5, 7, 9, 8, 2]))
    themed.to_frame(ids).to_parquet(tmp_path / "themes.parquet", index=False)
    stored = pd.read_parquet(tmp_path / "themes.parquet")
    assert_same_analysis(ThemedComments.from_frame(stored, ids, load_codebook()), themed)
