import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.frames import sort_rows

# few distinct values, so that ties (where stability shows) are common
words = st.sampled_from(["", "a", "B", "b", "ä", "日本", "a b", "Z9", "zz"])
rows = st.lists(
    st.tuples(
        st.one_of(st.none(), words),
        st.one_of(st.none(), st.sampled_from([-1.5, 0.0, 2.0, 10.0, np.nan, np.inf])),
        st.sampled_from([0, 1, 2, 3]),
        st.one_of(st.none(), st.sampled_from(["key", "small", "premium"])),
        st.booleans(),
    ),
    max_size=40,
)
KEYS = ["text", "number", "int", "tier", "flag"]


def _frame(data) -> pd.DataFrame:
    frame = pd.DataFrame(data, columns=KEYS).astype({"text": object, "number": float})
    frame["tier"] = pd.Categorical(frame["tier"], categories=["small", "premium", "key"])
    frame.index = pd.Index(np.arange(len(frame))[::-1] * 3)  # an index that is not 0..n-1
    return frame


@settings(max_examples=150, deadline=None)
@given(
    rows,
    st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_same_order_as_pandas_stable_sort(data, keys, draw):
    frame = _frame(data)
    ups = draw.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)))
    na = draw.draw(st.sampled_from(["first", "last"]))
    want = frame.sort_values(keys, ascending=ups, na_position=na, kind="stable")
    pd.testing.assert_frame_equal(sort_rows(frame, keys, ups, na), want)
    pd.testing.assert_frame_equal(
        sort_rows(frame, keys, ups, na, ignore_index=True), want.reset_index(drop=True)
    )


def test_one_key_and_one_flag():
    frame = pd.DataFrame({"id": ["R_b", "R_a", None, "R_c"], "n": [1, 2, 3, 4]})
    assert sort_rows(frame, "id")["n"].tolist() == [2, 1, 4, 3]
    assert sort_rows(frame, "id", ascending=False)["n"].tolist() == [4, 1, 2, 3]
    assert sort_rows(frame, "id", na_position="first")["n"].tolist() == [3, 2, 1, 4]


def test_dates_times_and_nullable_integers():
    frame = pd.DataFrame(
        {
            "when": pd.to_datetime(["2026-05-01", None, "2026-01-01"]).tz_localize("UTC"),
            "day": [pd.Timestamp("2026-03-01").date(), None, pd.Timestamp("2026-02-01").date()],
            "score": pd.array([7, None, 3], dtype="Int8"),
        }
    )
    for key in frame.columns:
        pd.testing.assert_frame_equal(sort_rows(frame, key), frame.sort_values(key, kind="stable"))


def test_keys_arrow_cannot_take_fall_back_to_pandas():
    mixed = pd.DataFrame({"k": [2, 1.5, 3], "v": [0, 1, 2]}, dtype=object)
    assert sort_rows(mixed, "k")["v"].tolist() == [1, 0, 2]
    surrogate = pd.DataFrame({"k": ["b", "\udc80", "a"]})  # not encodable as UTF-8
    assert sort_rows(surrogate, "k")["k"].tolist() == ["a", "b", "\udc80"]
    with pytest.raises(TypeError):  # what pandas raises for text mixed with numbers
        sort_rows(pd.DataFrame({"k": ["a", 1, "b"]}), "k")


def test_bad_arguments_are_named():
    frame = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(ValueError, match="2 ascending flags for 1 keys"):
        sort_rows(frame, ["a"], [True, False])
    with pytest.raises(ValueError, match="na_position"):
        sort_rows(frame, "a", na_position="middle")
    with pytest.raises(KeyError):
        sort_rows(frame, "nope")
