"""Export values read as text: stripped, NPS answers, dates (prepare.values)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.prepare.values import parse_scores, parse_timestamps, stripped_text


@pytest.mark.parametrize(
    ("text", "score", "problem"),
    [
        ("9", 9, None),
        (" 9 ", 9, None),
        ("9.0", 9, None),
        ("10 - Extremely likely", 10, None),
        ("0 = Not at all likely", 0, None),
        ("", None, "missing_score"),
        ("   ", None, "missing_score"),
        ("abc", None, "invalid_score"),
        ("11", 11, "score_out_of_range"),
        ("-1", -1, "score_out_of_range"),
        ("7.5", None, "invalid_score"),
    ],
)
def test_parse_scores(text, score, problem):
    scores, problems = parse_scores(pd.Series([text]))
    assert pd.isna(scores.iloc[0]) if score is None else scores.iloc[0] == score
    assert problems.iloc[0] == problem


@given(st.integers(0, 10), st.sampled_from(["{}", " {} ", "{}.0", "{} - Likely", "{} = x"]))
def test_parse_scores_formats(n, pattern):
    scores, problems = parse_scores(pd.Series([pattern.format(n)]))
    assert scores.iloc[0] == n and problems.iloc[0] is None


def test_parse_timestamps():
    got = parse_timestamps(
        pd.Series(["2026-10-01 10:00:00", "10/03/2026 02:11:33 PM", "", "x"]), "Europe/Berlin"
    )
    assert got.iloc[0] == pd.Timestamp("2026-10-01 08:00", tz="UTC")
    assert got.iloc[1] == pd.Timestamp("2026-10-03 12:11:33", tz="UTC")
    assert got.iloc[2:].isna().all()
    utc = parse_timestamps(pd.Series(["2026-10-01T10:00:00+02:00", "2026-10-01T10:00:00Z"]))
    assert utc.tolist() == [
        pd.Timestamp("2026-10-01 08:00", tz="UTC"),
        pd.Timestamp("2026-10-01 10:00", tz="UTC"),
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.just(np.nan),
            st.text(alphabet=" \t\n\xa0\u2003aB1é,-", max_size=6),
            st.integers(-3, 3),
            st.floats(-2, 2, allow_nan=False),
            st.booleans(),
        ),
        max_size=30,
    ),
    st.booleans(),
)
def test_stripped_text_is_strip_of_each_row(values, as_string_dtype):
    """Stripping each distinct value once gives what stripping every row gives, for
    text, missing values and numbers alike (1, 1.0 and True stay distinct)."""
    series = pd.Series(values, dtype=object, index=pd.RangeIndex(len(values)) * 3, name="x")
    if as_string_dtype:
        series = series.map(lambda v: v if v is None or isinstance(v, str) else None)
        series = series.astype("string")
    expected = ["" if v is None or v is pd.NA or v != v else str(v).strip() for v in series]
    got = stripped_text(series)
    assert got.tolist() == expected
    assert got.index.equals(series.index) and got.name == "x"


def test_parse_scores_keeps_the_index_and_types():
    values = pd.Series(["10", "", "x", "12"], index=[5, 7, 9, 11])
    scores, problems = parse_scores(values)
    assert str(scores.dtype) == "Float64"
    assert scores.index.equals(values.index) and problems.index.equals(values.index)
    assert problems.tolist() == [None, "missing_score", "invalid_score", "score_out_of_range"]


def test_parse_timestamps_in_a_zone_keeps_missing_and_odd_times():
    got = parse_timestamps(
        pd.Series(["2026-03-29 02:30:00", "2026-07-01 12:00:00", None]), "Europe/Berlin"
    )
    # 02:30 does not exist on the morning clocks go forward: NaT, not a guess
    assert pd.isna(got.iloc[0]) and pd.isna(got.iloc[2])
    assert got.iloc[1] == pd.Timestamp("2026-07-01 10:00", tz="UTC"), "summer time: UTC+2"
    assert str(got.dt.tz) == "UTC"


def test_stripped_text_by_hand():
    values = pd.Series([" key ", None, "key", np.nan, "\tsmall\n"], name="tier")
    assert stripped_text(values).tolist() == ["key", "", "key", "", "small"]
    assert stripped_text(pd.Series([1, 1.0, True], dtype=object)).tolist() == ["1", "1.0", "True"]
    assert stripped_text(pd.Series([], dtype=object)).tolist() == []
