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
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        # numbers or mixed: 1, 1.0 and True are one value to a hash table, not as text
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
    """
    text = stripped_text(values)
    if timezone:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        rest = parsed.isna() & (text != "")
        if rest.any():
            parsed[rest] = pd.to_datetime(text[rest], format="mixed", errors="coerce")
        if parsed.dt.tz is None:
            parsed = parsed.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        return parsed.dt.tz_convert("UTC")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    rest = parsed.isna() & (text != "")
    if rest.any():
        parsed[rest] = pd.to_datetime(text[rest], format="mixed", errors="coerce", utc=True)
    return parsed
