"""Export values read as text: stripped, NPS answers, dates (prepare.values)."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.prepare.values import (
    parse_scores,
    parse_timestamps,
    read_timestamps,
    stripped_text,
)


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
    # 02:30 does not exist on the morning clocks go forward: read with the winter offset
    # (UTC+1), 03:30 summer time (issue 21: read, not rejected)
    assert got.iloc[0] == pd.Timestamp("2026-03-29 01:30", tz="UTC")
    assert pd.isna(got.iloc[2])
    assert got.iloc[1] == pd.Timestamp("2026-07-01 10:00", tz="UTC"), "summer time: UTC+2"
    assert str(got.dt.tz) == "UTC"


def test_stripped_text_by_hand():
    values = pd.Series([" key ", None, "key", np.nan, "\tsmall\n"], name="tier")
    assert stripped_text(values).tolist() == ["key", "", "key", "", "small"]
    assert stripped_text(pd.Series([1, 1.0, True], dtype=object)).tolist() == ["1", "1.0", "True"]
    assert stripped_text(pd.Series([], dtype=object)).tolist() == []


def test_fall_back_hour_is_read_as_the_earlier_instant():
    """Issue 21: Qualtrics responses at 01:05-01:30 on 2026-11-01 in America/Denver, the
    hour the clocks show twice, were all rejected; they are the first 01:xx (MDT, UTC-6)."""
    times = [f"2026-11-01 01:{m:02d}:00" for m in (5, 8, 10, 12, 15, 18, 20, 24, 27, 30)]
    got = parse_timestamps(pd.Series(times), "America/Denver")
    assert got.notna().all()
    # 01:05 MDT = 07:05 UTC (not 08:05, the second 01:05 in MST)
    want = [pd.Timestamp(t, tz="UTC") + pd.Timedelta(hours=6) for t in times]
    assert got.tolist() == want


def test_read_timestamps_says_which_rows_daylight_saving_decided():
    values = pd.Series(
        [
            "2026-11-01 01:30:00",  # fold: MDT, UTC-6
            "11/01/2026 01:10:00 AM",  # fold, read one by one
            "2026-03-08 02:30:00",  # gap: 02:00-03:00 is skipped; MST -> 03:30 MDT
            "2026-11-01 02:30:00",  # after the fold: MST, UTC-7
            "2026-07-01 12:00:00",
            "",
            "x",
        ],
        index=range(10, 17),
    )
    when, dst = read_timestamps(values, "America/Denver")
    assert when.index.equals(values.index) and dst.index.equals(values.index)
    assert dst.tolist() == ["fold", "fold", "gap", None, None, None, None]
    assert when.tolist()[:5] == [
        pd.Timestamp("2026-11-01 07:30", tz="UTC"),
        pd.Timestamp("2026-11-01 07:10", tz="UTC"),
        pd.Timestamp("2026-03-08 09:30", tz="UTC"),
        pd.Timestamp("2026-11-01 09:30", tz="UTC"),
        pd.Timestamp("2026-07-01 18:00", tz="UTC"),
    ]
    assert when.iloc[5:7].isna().all()
    assert read_timestamps(values, None)[1].isna().all(), "no zone: UTC has no DST"
    assert when.equals(parse_timestamps(values, "America/Denver"))


ZONES = ["America/Denver", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "UTC"]


def _changes(zone: str) -> list[dt.datetime]:
    """The wall-clock times (before the change) at which ``zone`` changes its offset."""
    hours = pd.date_range("2025-01-01", "2028-01-01", freq="30min", tz="UTC")
    local = hours.tz_convert(zone)
    offset = local.tz_localize(None) - hours.tz_localize(None)
    change = offset[1:] != offset[:-1]
    return [t.to_pydatetime() for t in local[1:][change].tz_localize(None)]


CHANGES = {zone: _changes(zone) for zone in ZONES}


def _walls(zone: str):
    """Wall-clock times: anywhere, or within two hours of a change of the zone's offset."""
    anywhere = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31))
    near = [anywhere]
    if CHANGES[zone]:
        near.append(
            st.builds(
                lambda t, s: t + dt.timedelta(seconds=s),
                st.sampled_from(CHANGES[zone]),
                st.integers(-7200, 7200),
            )
        )
    return st.lists(st.one_of(*near), min_size=1, max_size=12)


def test_the_walls_reach_folds_and_gaps():
    assert len(CHANGES["America/Denver"]) == 6 and not CHANGES["UTC"]
    assert len(CHANGES["Australia/Lord_Howe"]) == 6, "half-hour changes are found too"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(ZONES).flatmap(lambda z: st.tuples(st.just(z), _walls(z))))
def test_every_wall_clock_time_is_an_instant(zone_walls):
    zone, walls = zone_walls
    """Every wall-clock time in a zone reads to an instant, the one zoneinfo gives; outside
    a gap its local time round-trips, in a gap it moves forward by the gap's length; outside
    gaps a later wall never reads earlier."""
    walls = [w.replace(microsecond=0) for w in walls]
    text = pd.Series([w.isoformat(sep=" ") for w in walls])
    when, dst = read_timestamps(text, zone)
    assert when.notna().all()
    tz = ZoneInfo(zone)
    for wall, instant, how in zip(walls, when, dst, strict=True):
        local = instant.tz_convert(zone).tz_localize(None).to_pydatetime()
        # PEP 495, fold=0: the earlier instant of a fold, the old offset in a gap
        assert instant == pd.Timestamp(wall.replace(tzinfo=tz)).tz_convert("UTC")
        offsets = {wall.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)}
        if local != wall:  # only a skipped time moves: forward by the gap's length
            assert how == "gap" and local - wall == max(offsets) - min(offsets)
        else:
            assert how == ("fold" if len(offsets) == 2 else None)
    read = [(w, t) for w, t, how in zip(walls, when, dst, strict=True) if how != "gap"]
    assert [t for _, t in sorted(read)] == sorted(t for _, t in read), "order is kept"


def test_stripped_text_keeps_texts_that_differ_after_a_nul():
    # pandas' factorize reads a text only up to a NUL: "" and "\x00" would be one value
    got = stripped_text(pd.Series(["a\x00b", "a\x00c", "a", " x ", None, "", "\x00"]))
    assert got.tolist() == ["a\x00b", "a\x00c", "a", "x", "", "", "\x00"]
