import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.text.scrub import EMAIL, PHONE, scrubber, shorten


def test_scrubber():
    scrub = scrubber(["Maya Lindqvist", "Acme Logistics GmbH", "Bo"])
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
    scrub = scrubber(["Bo Li", "Seán O'Brien", "Müller & Söhne AG", None, "  "])
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
    scrub = scrubber([f"Person{i} Family{i}" for i in range(100_000)])
    assert scrub(pd.Series(["family99999 said hi to person5"]))[0] == "[name] said hi to [name]"


def test_scrubber_without_names_still_takes_emails_and_phones():
    out = scrubber([])(pd.Series(["mail a.b+c@x-y.example.com or (030) 1234 5678"], index=[4]))
    assert out.tolist() == ["mail [email] or [phone]"] and list(out.index) == [4]


@pytest.mark.parametrize(
    ("text", "email", "phone"),
    [
        ("maya@acme.example", True, False),
        ("no at sign here", False, False),
        ("+44 20 7946 0123", False, True),
        ("030 1234 5678", False, True),
        ("2026-10-01", False, False),
        ("99.9%", False, False),
        ("ticket 12345", False, False),
    ],
)
def test_email_and_phone_patterns(text, email, phone):
    assert bool(EMAIL.search(text)) is email
    assert bool(PHONE.search(text)) is phone


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
    out = scrubber(names)(pd.Series([text]))[0]
    left = {w.casefold() for w in re.findall(r"\w+", out)}
    for name in names:
        for part in name.split():
            if len(part) >= 3 or len(name.split()) == 1:
                assert part.casefold() not in left or part.casefold() == "name", (name, out)


def test_shorten():
    long = "word " * 100
    got = shorten(pd.Series([long, "short"]), limit=50)
    assert len(got[0]) <= 51 and got[0].endswith("…") and got[1] == "short"


def test_shorten_cuts_at_a_word_and_drops_trailing_punctuation():
    got = shorten(pd.Series(["alpha beta, gamma delta", None]), limit=12)
    # the first 12 characters "alpha beta, " end at a word: "alpha beta," -> "alpha beta…"
    assert got.tolist() == ["alpha beta…", ""]
