"""Export values read as text: stripped, NPS answers parsed, dates parsed to UTC.

Pure functions over Series of text, shared by the column finder and the cleaner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def stripped_text(values: pd.Series) -> pd.Series:
    """``values`` as text without surrounding whitespace, missing values as "": what
    ``values.fillna("").astype(str).str.strip()`` gives, with each distinct value
    stripped once (answers repeat: tiers, roles, statuses)."""
    kind = pd.api.types.infer_dtype(values, skipna=True)
    # numbers or mixed: 1, 1.0 and True are one value to a hash table, not as text; and
    # pandas' hash table reads a text only up to a NUL ("" and "\x00" would be one value)
    if kind not in ("string", "empty") or (
        kind == "string" and values.str.contains("\x00", regex=False, na=False).any()
    ):
        return values.astype(object).where(values.notna(), "").astype(str).str.strip()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(np.asarray(uniques, dtype=object), dtype=object).astype(str).str.strip()
    out = np.append(text.to_numpy(dtype=object), "")[codes]  # code -1 (missing) -> ""
    return pd.Series(out, index=values.index, dtype=object, name=values.name)


def parse_scores(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read NPS answers written as text: "9", " 9 ", "9.0", "10 - Extremely likely".

    Returns
    -------
    (scores, problem)
        ``scores`` as Float64 (NA where unreadable) and ``problem``: None,
        "missing_score", "invalid_score" or "score_out_of_range" per row.
    """
    text = stripped_text(values)
    number = text.str.extract(r"^(-?\d+(?:\.0*)?)(?:\s*[-=:–(]\s*\D.*)?$", expand=False)
    scores = pd.to_numeric(number, errors="coerce").astype("Float64")
    out_of_range = (scores.notna() & ((scores < 0) | (scores > 10))).to_numpy(dtype=bool)
    problem = np.select(
        [(text == "").to_numpy(), scores.isna().to_numpy(dtype=bool), out_of_range],
        ["missing_score", "invalid_score", "score_out_of_range"],
        default=None,
    )
    return scores, pd.Series(problem, index=values.index, dtype=object)


def parse_timestamps(values: pd.Series, timezone: str | None = None) -> pd.Series:
    """Response dates as UTC timestamps (NaT where empty or unreadable).

    ISO dates are read fast; other layouts (``10/03/2026 02:11:33 PM``) one by one.
    Naive times are in ``timezone`` (Qualtrics names it in its ImportId row), else UTC.
    A time the clocks show twice (the fall-back hour) is the earlier instant; a time
    they skip (the spring-forward hour) is read with the offset from before the change,
    which moves it forward by the gap; :func:`read_timestamps` also says which rows.
    """
    return read_timestamps(values, timezone)[0]


def read_timestamps(values: pd.Series, timezone: str | None = None) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_timestamps`, and per row where daylight saving time decided.

    Returns
    -------
    (when, dst)
        ``when`` as UTC timestamps; ``dst`` per row: "fold" for a naive time in the
        fall-back hour (read as the earlier of its two instants), "gap" for one in the
        spring-forward hour (moved forward by the gap's length), else None.
    """
    text = stripped_text(values)
    dst = pd.Series(np.full(len(values), None, dtype=object), index=values.index)
    if timezone:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        rest = parsed.isna() & (text != "")
        if rest.any():
            parsed[rest] = pd.to_datetime(text[rest], format="mixed", errors="coerce")
        if parsed.dt.tz is None:
            exact = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
            unclear = exact.isna() & parsed.notna()
            if unclear.any():  # rare: only then localize those rows again
                exact, dst = _daylight_saving(parsed, exact, unclear, timezone)
            parsed = exact
        return parsed.dt.tz_convert("UTC"), dst
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    rest = parsed.isna() & (text != "")
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], format="mixed", errors="coerce", utc=True)
    return parsed, dst


def _daylight_saving(
    parsed: pd.Series, exact: pd.Series, unclear: pd.Series, timezone: str
) -> tuple[pd.Series, pd.Series]:
    """The naive times that daylight saving makes unclear, read as :mod:`zoneinfo` reads
    them (PEP 495, fold=0): in a fold the earlier instant, in a gap the offset from before
    the change, which moves the time forward by the gap's length (02:30 in a 02:00-03:00
    gap is 03:30 summer time: a clock that had not sprung forward yet). Not pandas'
    ``shift_forward``: it collapses a gap to one instant, and to whole hours even where
    the gap is half an hour (Australia/Lord_Howe)."""
    walls = parsed[unclear]
    earlier = walls.dt.tz_localize(timezone, ambiguous=True, nonexistent="NaT").copy()
    gap = earlier.isna()
    # the offset in force before the change: a day earlier (changes are months apart)
    day_before = (walls[gap] - pd.Timedelta(days=1)).dt.tz_localize(
        timezone, ambiguous=True, nonexistent="shift_forward"
    )
    offset = day_before.dt.tz_localize(None) - day_before.dt.tz_convert("UTC").dt.tz_localize(None)
    earlier[gap] = (walls[gap] - offset).dt.tz_localize("UTC").dt.tz_convert(timezone)
    read = exact.copy()
    read[unclear] = earlier
    dst = pd.Series(np.full(len(parsed), None, dtype=object), index=parsed.index)
    dst[unclear] = np.where(gap, "gap", "fold")
    return read, dst
