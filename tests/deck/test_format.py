import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nps_helpers.deck.format import fmt_int, fmt_money, fmt_nps, fmt_pct


def test_formats():
    assert fmt_nps(12.4) == "+12" and fmt_nps(-3.6) == "-4" and fmt_nps(0.2) == "0"
    assert fmt_nps(float("nan")) == "–" and fmt_nps(None) == "–"
    assert fmt_pct(42.35) == "42%" and fmt_pct(42.35, 1) == "42.4%" and fmt_pct(math.nan) == "–"
    assert fmt_int(1234) == "1,234" and fmt_int(None) == "–"


def test_formats_take_numpy_and_pandas_missing_values():
    assert fmt_nps(np.float64(-0.4)) == "0" and fmt_nps(pd.NA) == "–" and fmt_nps(100) == "+100"
    assert fmt_pct(pd.NA) == "–" and fmt_int(np.int64(1_000_000)) == "1,000,000"
    assert fmt_int(float("nan")) == "–"


def test_fmt_money():
    assert fmt_money(1_234_567) == "1.2M" and fmt_money(35_000) == "35k" and fmt_money(900) == "900"
    # a value that rounds up to the next unit is written in it: never "1000" or "1000k"
    assert fmt_money(999.6) == "1k" and fmt_money(999.4) == "999"
    assert fmt_money(999_600) == "1.0M" and fmt_money(-999_600) == "-1.0M"
    assert fmt_money(1_000) == "1k" and fmt_money(999_499) == "999k"
    assert fmt_money(1_000_000) == "1.0M" and fmt_money(-2_500_000) == "-2.5M"
    assert fmt_money(-35_000) == "-35k" and fmt_money(0) == "0"
    assert fmt_money(None) == "–" and fmt_money(float("nan")) == "–" and fmt_money(pd.NA) == "–"


@given(st.floats(-1e12, 1e12))
def test_fmt_money_reads_back_to_the_value(value):
    text = fmt_money(value)
    unit = {"M": 1e6, "k": 1e3}.get(text[-1], 1)
    number = float(text[:-1] if unit != 1 else text)
    # one decimal of millions, whole thousands, whole units
    tolerance = {1e6: 0.05e6, 1e3: 500, 1: 0.5}[unit]
    assert number * unit == pytest.approx(value, abs=tolerance + 1e-6)


@given(st.floats(-100, 100))
def test_fmt_nps_is_the_signed_rounded_value(value):
    text = fmt_nps(value)
    assert int(text) == round(value)
    assert text.startswith("+") == (round(value) > 0)
