import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import themes
from nps_helpers.errors import ParamsError


def labels(text: str) -> dict[str, str]:
    got = themes.analyse(pd.Series([text]))
    return {t: got.label(t).iloc[0] for t in got.themes if got.tags[t].iloc[0]}


def test_default_codebook_covers_the_domain_themes():
    book = themes.load_codebook()
    assert set(book) == {
        "implementation",
        "onboarding",
        "account_management",
        "support",
        "product_quality",
        "ui_ux",
        "reliability",
        "product_value",
        "price_billing",
        "communication",
        "delivery",
        "partnership",
        "features_roadmap",
        "documentation",
        "training",
    }
    assert {t.kind for t in book.values()} == {"strategic", "operational"}
    assert all(t.description and t.phrases for t in book.values())


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("The implmentation dragged on", "implementation"),  # misspelling
        ("our roll-out was smooth", "implementation"),  # hyphen
        ("the rollout was smooth", "implementation"),  # joined
        ("Supprot never answers", "support"),
        ("Rechnungen sind oft falsch", "price_billing"),  # German, plural stem
        ("la facturación es un desastre", "price_billing"),  # accents
        ("Entrega siempre tarde", "delivery"),
        ("too many clicks", "ui_ux"),
        ("our CSM left again", "account_management"),
    ],
)
def test_matching_variants(text, theme):
    assert themes.tag(pd.Series([text]))[theme].iloc[0]


def test_exclusions_and_word_boundaries():
    tags = themes.tag(
        pd.Series(
            [
                "We need support for SSO",
                "We had an eta",
                "repricing",
                "Pricing is fair and transparent",
            ]
        )
    )
    assert not tags.loc[0, "support"] and tags.loc[0, "features_roadmap"]
    assert tags.loc[1, "delivery"]
    assert not tags.loc[2, "price_billing"], "prefix words do not match inside other words"
    assert tags.loc[3, "price_billing"] and not tags.loc[3, "communication"]


def test_tag_interface_keeps_index_and_all_themes():
    comments = pd.Series(["Support is slow", None, ""], index=["a", "b", "c"])
    tags = themes.tag(comments)
    assert list(tags.index) == ["a", "b", "c"]
    assert list(tags.columns) == list(themes.load_codebook())
    assert tags.dtypes.eq(bool).all() and not tags.loc[["b", "c"]].any().any()


def test_industry_filter():
    tags = themes.tag(
        pd.Series(["deliveries are late", "deliveries are late"]),
        industries=pd.Series(["Logistics", "SaaS"]),
    )
    assert tags["delivery"].tolist() == [True, False]


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


def test_phrase_words():
    assert themes.phrase_words("add-on*") == [("add", False), ("on", True)]
    assert themes.phrase_words("Mise en place") == [
        ("mise", False),
        ("en", False),
        ("place", False),
    ]


def test_codebook_errors_name_file_and_theme(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("themes:\n  speed:\n    kind: tactical\n    phrases: [fast]\n")
    with pytest.raises(ParamsError, match=r"book.yaml: theme 'speed': kind must be"):
        themes.load_codebook(path)
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: []\n")
    with pytest.raises(ParamsError, match="phrases must be a non-empty list"):
        themes.load_codebook(path)
    path.write_text(
        "themes:\n  speed:\n    kind: operational\n    phrases: [fast]\n    colour: x\n"
    )
    with pytest.raises(ParamsError, match="unknown key"):
        themes.load_codebook(path)
    with pytest.raises(ParamsError, match="not found"):
        themes.load_codebook(tmp_path / "none.yaml")
    path.write_text("themes:\n  speed:\n    kind: operational\n    phrases: [fast, quick*]\n")
    book = themes.load_codebook(path)
    assert themes.tag(pd.Series(["quickly done", "slow"]), book)["speed"].tolist() == [True, False]


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


def test_scrubber():
    scrub = themes.scrubber(["Maya Lindqvist", "Acme Logistics GmbH", "Bo"])
    text = pd.Series(
        [
            "Maya was great, call +44 20 7946 0123 or maya@acme.example",
            "lindqvist and ACME logistics gmbh helped",
            "on 2026-10-01 we had 99.9%",
        ]
    )
    out = scrub(text)
    assert out[0] == "[name] was great, call [phone] or [email]"
    assert "Lindqvist" not in out[1] and "ACME" not in out[1]
    assert out[2] == "on 2026-10-01 we had 99.9%", "dates and numbers are not phone numbers"


def test_scrubber_phrases_short_parts_and_word_boundaries():
    scrub = themes.scrubber(["Bo Li", "Seán O'Brien", "Müller & Söhne AG", None, "  "])
    out = scrub(
        pd.Series(
            [
                "bo li called; Li alone stays",
                "O'Brien's team and SEÁN",
                "müller & söhne ag renewed",
                "Mullerson and Brienne are other people",
                None,
            ]
        )
    )
    assert out.tolist() == [
        "[name] called; Li alone stays",  # "Li" is under three letters: only the full name
        "[name]'s team and [name]",
        "[name] renewed",
        "Mullerson and Brienne are other people",
        "",
    ]


def test_scrubber_for_a_large_company():
    scrub = themes.scrubber([f"Person{i} Family{i}" for i in range(100_000)])
    assert scrub(pd.Series(["family99999 said hi to person5"]))[0] == "[name] said hi to [name]"


WORD = r"[A-Za-zà-öø-ÿ]{1,8}"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Za-zÀ-ÿ]{1,8}( [A-Za-zÀ-ÿ]{1,8}){0,2}", fullmatch=True), max_size=6
    ),
    st.lists(st.from_regex(r"[A-Za-zÀ-ÿ]{1,8}", fullmatch=True), max_size=12),
)
def test_scrubbed_text_keeps_no_name_word(names, filler):
    words = filler + [w for n in names for w in n.split()]
    text = " ".join(words)
    out = themes.scrubber(names)(pd.Series([text]))[0]
    left = {w.casefold() for w in re.findall(r"\w+", out)}
    for name in names:
        for part in name.split():
            if len(part) >= 3 or len(name.split()) == 1:
                assert part.casefold() not in left or part.casefold() == "name", (name, out)


def test_shorten():
    long = "word " * 100
    got = themes.shorten(pd.Series([long, "short"]), limit=50)
    assert len(got[0]) <= 51 and got[0].endswith("…") and got[1] == "short"


def test_verbatims_pick_on_theme_and_scrub():
    r = responses()
    themed = themes.analyse(r["comment"])
    quotes = themes.verbatims(r, themed, "support", themes.scrubber(["Support"]), "+", k=5)
    assert set(quotes["response_id"]) == {"r1", "r3"}
    assert all("[name]" in t for t in quotes["text"])
    complaints = themes.verbatims(r, themed, "support", None, "-")
    assert complaints["response_id"].tolist() == ["r0"]


def test_discovery_is_seeded_and_finds_uncaught_topics():
    rng = np.random.default_rng(0)
    parking = [f"the parking lot at your office is always full {i}" for i in range(20)]
    coffee = [f"coffee machine in the visitor lounge was cold {i}" for i in range(20)]
    caught = ["support is slow"] * 10
    comments = pd.Series(list(rng.permutation(parking + coffee + caught)))
    themed = themes.analyse(comments)
    found = themes.discover(comments, themed, n_topics=2)
    assert len(found) == 2 and found["size"].sum() == 40
    terms = " ".join(found["top_terms"])
    assert "parking" in terms and "coffee" in terms
    assert all(len(e) == 3 for e in found["examples"])
    pd.testing.assert_frame_equal(found, themes.discover(comments, themed, n_topics=2))
    assert themes.discover(pd.Series(["too few"])).empty


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=30))
def test_tag_and_analyse_never_fail_and_agree(texts):
    comments = pd.Series(texts)
    tags = themes.tag(comments)
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
    whole_tags = themes.tag(comments)
    monkeypatch.setattr(themes, "CHUNK", 2)
    parts = themes.analyse(comments, None, industries, scores)
    pd.testing.assert_frame_equal(parts.tags, whole.tags)
    pd.testing.assert_frame_equal(parts.polarity, whole.polarity)
    pd.testing.assert_series_equal(parts.sentiment, whole.sentiment)
    pd.testing.assert_frame_equal(themes.tag(comments), whole_tags)
    assert whole.tags.any().sum() >= 4  # the example exercises several themes


@pytest.mark.parametrize(
    ("word", "target", "expected"),
    [
        ("implemntation", "implementation", True),  # a letter dropped inside
        ("suppport", "support", True),  # a letter doubled
        ("invocie", "invoice", True),  # neighbours swapped
        ("annual", "manual", False),  # a changed letter makes another word
        ("honestly", "honesty", False),  # an added letter: another form
        ("incident", "incidents", False),  # the final letter: another form
        ("invoice", "invoice", False),  # the same word is not a typo
        ("invoiec", "invoice", True),
        ("inovice", "invoice", True),
        ("ivnoicex", "invoice", False),  # two slips
    ],
)
def test_one_typo(word, target, expected):
    assert themes.one_typo(word, target) is expected


def test_typos_of_long_codebook_words_are_tagged():
    book = {
        "implementation": themes.Theme(
            name="implementation",
            description="d",
            phrases=("implementation",),
            exclude=(),
            kind="operational",
            industries=("all",),
        ),
    }
    tagged = themes.tag(
        pd.Series(["The implemntation dragged on", "implementations", "implement"]), book
    )["implementation"]
    assert tagged.tolist() == [True, False, False]
    near = themes._compile(tuple(book.items())).near
    assert themes.typo_of("implemntation", near) == ["implementation"]
    assert themes.typo_of("completely", near) == []


@given(st.text(alphabet="abcdefghij", min_size=7, max_size=12))
@settings(max_examples=200, deadline=None)
def test_typo_is_symmetric_for_swaps_and_never_the_word_itself(word):
    assert not themes.one_typo(word, word)
    for i in range(len(word) - 1):
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if swapped != word:
            assert themes.one_typo(swapped, word) and themes.one_typo(word, swapped)


def test_clauses_split_at_sentences_and_contrast_but_not_inside_numbers():
    got = themes.split_clauses(
        pd.Series(["They promise 99.99% uptime and hit it. Support is slow, but kind"])
    )
    assert got["clause"].tolist() == [
        "They promise 99.99% uptime and hit it",
        "Support is slow",
        "but kind",
    ]
    assert themes.tag(pd.Series(["they promise 99.99% and they hit it"]))["reliability"].all()


def test_apostrophe_s_is_dropped_other_apostrophes_removed():
    got = themes.normalize(pd.Series(["Support's good", "it’s fine", "doesn't work"]))
    assert got.tolist() == ["support good", "it fine", "doesnt work"]
    # "support's" is support, not the excluded "supports" (a feature the product has)
    assert themes.tag(pd.Series(["Support's good", "it supports SAML"]))["support"].tolist() == [
        True,
        False,
    ]


def test_neutral_mention_takes_a_clear_score_before_the_rest_of_the_comment():
    text = pd.Series(["Great people. Our account manager changed in May."] * 3)
    got = themes.analyse(text, scores=pd.Series([2, 7, 10]))
    # 2: a clear complaint; 7: the comment's stance (praise); 10: a clear praise
    assert got.label("account_management").tolist() == ["-", "+", "+"]


def test_analyse_on_two_cores_matches_one(monkeypatch):
    """Half the chunks themed in a forked process give exactly what one process gives."""
    from nps_helpers import ahead

    base = [
        "Support is slow and the invoice was wrong",
        "Great onboarding, love the dashboards",
        "Price too high for what we get",
        "the API keeps timing out, otherwise fine",
        "Account manager never calls back",
    ]
    comments = pd.Series([f"{t} ({i})" for i in range(120) for t in base])
    industries = pd.Series(["SaaS", "Fintech", "Logistics"] * 200)
    scores = pd.Series([0, 3, 6, 7, 8, 9, 10, 5] * 75)
    monkeypatch.setattr(themes, "CHUNK", 50)
    monkeypatch.setattr(themes, "TWO_CORES_FROM", 10**9)
    alone = themes.analyse(comments, None, industries, scores)
    monkeypatch.setattr(themes, "TWO_CORES_FROM", 1)
    calls = []
    real = ahead.on_two_cores
    monkeypatch.setattr(
        themes, "on_two_cores", lambda *a, **k: calls.append(len(r := real(*a, **k))) or r
    )
    both = themes.analyse(comments, None, industries, scores)
    assert calls == [2], "the chunks were split over two processes"
    pd.testing.assert_frame_equal(both.tags, alone.tags)
    pd.testing.assert_frame_equal(both.polarity, alone.polarity)
    pd.testing.assert_series_equal(both.sentiment, alone.sentiment)


# ------------------------------------------------ per-text analysis, worked out ahead
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


def assert_same_analysis(a: themes.ThemedComments, b: themes.ThemedComments) -> None:
    pd.testing.assert_frame_equal(a.tags, b.tags)
    pd.testing.assert_frame_equal(a.polarity, b.polarity)
    pd.testing.assert_series_equal(a.sentiment, b.sentiment)


def test_analyse_texts_holds_each_text_once_per_theme():
    book = themes.load_codebook()
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
    assert got.codebook == themes.codebook_key(book)


def test_codebook_key_follows_the_contents(tmp_path):
    book = themes.load_codebook()
    assert themes.codebook_key(themes.load_codebook()) == themes.codebook_key(book)
    fewer = dict(list(book.items())[:-1])
    assert themes.codebook_key(fewer) != themes.codebook_key(book)
    name, theme = next(iter(book.items()))
    changed = {**book, name: themes.Theme(**{**theme.__dict__, "phrases": ("something else",)})}
    assert themes.codebook_key(changed) != themes.codebook_key(book)


@settings(max_examples=25, deadline=None)
@given(
    comments=st.lists(st.sampled_from(POOL), min_size=1, max_size=30),
    known_texts=st.lists(st.sampled_from(POOL + ["never in a comment"]), unique=True),
    scores=st.lists(st.integers(0, 10), min_size=30, max_size=30),
)
def test_analyse_with_known_texts_is_analyse_without(comments, known_texts, scores):
    """What is known ahead (any texts: some of the comments, more, none) only spares
    work: the result is exactly the one worked out from scratch."""
    series = pd.Series(comments, index=np.arange(len(comments)) * 3)
    industries = pd.Series(["SaaS", "Fintech", "Logistics"] * 10)[: len(comments)]
    industries.index = series.index
    answers = pd.Series(scores[: len(comments)], index=series.index)
    alone = themes.analyse(series, None, industries, answers)
    known = themes.analyse_texts(known_texts, None)
    assert_same_analysis(themes.analyse(series, None, industries, answers, known=known), alone)


def test_known_texts_of_another_codebook_are_not_used(monkeypatch):
    book = themes.load_codebook()
    fewer = dict(list(book.items())[:-1])
    known = themes.analyse_texts(POOL, fewer)
    calls = []
    real = themes.analyse_texts
    monkeypatch.setattr(themes, "analyse_texts", lambda t, b: calls.append(len(t)) or real(t, b))
    got = themes.analyse(pd.Series(POOL), book, known=known)
    assert calls == [len(POOL)], "every text worked out again, with the codebook given"
    assert_same_analysis(got, themes.analyse(pd.Series(POOL), book))


def test_only_the_texts_not_known_are_worked_out(monkeypatch):
    known = themes.analyse_texts(POOL[:5], None)
    calls = []
    real = themes.analyse_texts
    monkeypatch.setattr(themes, "analyse_texts", lambda t, b: calls.append(list(t)) or real(t, b))
    themes.analyse(pd.Series(POOL * 2), None, known=known)
    assert calls == [POOL[5:]]
    calls.clear()
    themes.analyse(pd.Series(POOL[:5]), None, known=known)
    assert calls == [], "nothing left to work out"


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
                "praise": int((p > themes.POSITIVE).sum()),
                "complaints": int((p < themes.NEGATIVE).sum()),
                "share_of_comments": hit.sum() / n_comments * 100 if n_comments else np.nan,
                **{
                    f"share_{c}s": (hit & g).sum() / g.sum() * 100 if g.sum() else np.nan
                    for c, g in group.items()
                },
                "mean_score": responses.loc[hit, "score"].astype(float).mean(),
                "sentiment": p[hit].mean(),
                "gain_if_fixed": (
                    ((category == "detractor") & hit & ~(p > themes.POSITIVE)).sum() / n * 100
                ),
                "loss_without_praise": (
                    ((category == "promoter") & hit & (p > themes.POSITIVE)).sum() / n * 100
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
