import hashlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers import clean, ingest
from nps_helpers.clean import REASONS, map_roles, parse_scores, respondent_ids
from nps_helpers.errors import ExportFormatError, MappingError
from nps_helpers.params import load_params


def test_counts_add_up(cleaned):
    q = cleaned.quality
    assert q["kept"] + q["rejected"] == q["rows_in"]
    assert sum(q["rejected_by_reason"].values()) == q["rejected"]
    assert len(cleaned.responses) == q["kept"] and len(cleaned.rejected) == q["rejected"]
    rows = set(cleaned.responses["input_row"]) | set(cleaned.rejected["input_row"])
    assert rows == set(range(1, q["rows_in"] + 1))


def test_demo_dirt_rejected_with_reasons(cleaned):
    reasons = cleaned.quality["rejected_by_reason"]
    for why in (
        "preview_or_test",
        "incomplete",
        "missing_score",
        "score_out_of_range",
        "unknown_account",
        "duplicate_submission",
    ):
        assert reasons.get(why, 0) > 0, why
    assert set(cleaned.rejected["reason"]) <= set(REASONS)
    assert (cleaned.rejected["reason_text"] == cleaned.rejected["reason"].map(REASONS)).all()


def test_canonical_contract(cleaned):
    r = cleaned.responses
    for col in (
        "wave_id",
        "response_id",
        "respondent_id",
        "account_id",
        "role",
        "score",
        "category",
        "comment",
        "responded_at",
        "tier",
        "industry",
        "region",
        "arr",
        "owner",
        "renewal_date",
        "product",
        "job_function",
    ):
        assert col in r.columns, col
    assert str(r["score"].dtype) == "Int8"
    assert r["score"].between(0, 10).all()
    assert str(r["responded_at"].dt.tz) == "UTC"
    assert r["response_id"].is_unique and r["respondent_id"].is_unique
    assert r["response_id"].is_monotonic_increasing
    assert set(r["role"]) <= {"decision_maker", "influencer", "user", "other"}


def test_no_email_in_processed(cleaned):
    r = cleaned.responses
    for col in r.columns:
        if r[col].dtype == object or str(r[col].dtype) in ("string", "category"):
            assert not r[col].astype(str).str.contains(r"@[\w.-]+\.example", regex=True).any(), col
    assert not cleaned.rejected["RecipientEmail"].str.contains("@").any()


def test_duplicates_keep_latest(cleaned, small_params):
    raw = ingest.read_qualtrics(small_params.path(small_params.inputs.export)).data
    dupes = cleaned.rejected[cleaned.rejected["reason"] == "duplicate_submission"]
    for contact in dupes["ExternalReference"]:
        kept = cleaned.responses[cleaned.responses["respondent_id"] == contact]
        assert len(kept) == 1
        all_rows = raw[(raw["ExternalReference"] == contact) & (raw["Status"] == "IP Address")]
        assert (
            kept["responded_at"].iloc[0].tz_convert("America/Denver").strftime("%Y-%m-%d %H:%M:%S")
            == all_rows["EndDate"].max()
        )


def test_raw_files_untouched(small_project, small_params):
    files = sorted((small_project / "data" / "raw").rglob("*.csv"))
    before = {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    raw = ingest.read_qualtrics(small_params.path(small_params.inputs.export))
    accounts = ingest.read_accounts(small_params.path(small_params.inputs.accounts))
    clean.clean_responses(raw, accounts, small_params)
    assert before == {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_include_partial(small_project, tmp_path):
    text = (small_project / "params" / "2026-H2.yaml").read_text(encoding="utf-8")
    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "w.yaml"
    path.write_text(
        text.replace("include_partial: false", "include_partial: true").replace(
            "data/raw", str(small_project / "data" / "raw")
        ),
        encoding="utf-8",
    )
    p = load_params(path)
    res = clean.clean_responses(
        ingest.read_qualtrics(p.path(p.inputs.export)),
        ingest.read_accounts(p.path(p.inputs.accounts)),
        p,
    )
    incomplete = res.rejected[res.rejected["reason"] == "incomplete"]
    assert (incomplete["Q1"].str.strip() == "").all(), "only partials without a score rejected"


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


def test_respondent_ids_hash_email():
    ids = respondent_ids(pd.Series(["C1", ""]), pd.Series(["a@x.com", "B@X.com "]), salt="s")
    assert ids.iloc[0] == "C1"
    assert ids.iloc[1].startswith("h_") and "@" not in ids.iloc[1]
    again = respondent_ids(None, pd.Series(["b@x.com"]), salt="s")
    assert again.iloc[0] == ids.iloc[1], "stable and case-insensitive"
    assert respondent_ids(None, pd.Series(["b@x.com"]), salt="t").iloc[0] != ids.iloc[1]


def test_map_roles_lists_unmapped():
    labels = pd.Series(["End User", "CFO", "CFO", "Intern", "user"])
    with pytest.raises(MappingError) as err:
        map_roles(labels, {"End User": "user"}, "export.csv", "role")
    msg = str(err.value)
    assert "export.csv" in msg and "column role" in msg
    assert "'CFO' (2 rows)" in msg and "'Intern' (1 rows)" in msg
    assert map_roles(pd.Series(["End User", "user"]), {"End User": "user"}, "f", "c").tolist() == [
        "user",
        "user",
    ]


def test_missing_mapped_column(small_project, small_params):
    raw = ingest.read_qualtrics(small_params.path(small_params.inputs.export))
    raw.data = raw.data.drop(columns=["Q1"])
    with pytest.raises(ExportFormatError, match=r"'Q1' \(for score\)"):
        clean.clean_responses(
            raw, ingest.read_accounts(small_params.path(small_params.inputs.accounts)), small_params
        )


def test_map_labels_for_tiers():
    from nps_helpers.clean import map_labels

    tiers = ("small", "key", "premium")
    got, unmapped = map_labels(
        pd.Series(["Key Account", "small"]),
        {"Key Account": "key"},
        tiers,
        "crm.csv",
        "tier",
        "tier",
        param="tier_map",
    )
    assert got.tolist() == ["key", "small"] and unmapped == []
    with pytest.raises(
        MappingError,
        match=r"crm.csv: column tier has tier labels .*'Gold' "
        r"\(1 rows\).*tier_map",
    ):
        map_labels(pd.Series(["Gold"]), {}, tiers, "crm.csv", "tier", "tier", param="tier_map")
    lenient, unmapped = map_labels(
        pd.Series(["CFO"]), {}, ("user", "other"), "f", "role", "role", strict=False
    )
    assert lenient.tolist() == ["other"] and unmapped == ["CFO"]


def test_parse_timestamps():
    from nps_helpers.clean import parse_timestamps

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


def test_unmapped_tier_in_account_master_stops(small_project, small_params):
    accounts = ingest.read_accounts(small_params.path(small_params.inputs.accounts))
    accounts.loc[0, "tier"] = "Platinum"
    raw = ingest.read_export(small_params.path(small_params.inputs.export))
    with pytest.raises(MappingError, match="'Platinum'"):
        clean.clean_responses(raw, accounts, small_params)


def test_outside_field_window_rejected(small_project, small_params):
    raw = ingest.read_export(small_params.path(small_params.inputs.export))
    accounts = ingest.read_accounts(small_params.path(small_params.inputs.accounts))
    i = raw.data.index[raw.data["Status"] == "IP Address"][0]
    raw.data.loc[i, "EndDate"] = "2025-01-01 10:00:00"
    result = clean.clean_responses(raw, accounts, small_params)
    row = result.rejected[result.rejected["input_row"] == raw.data.loc[i, "input_row"]]
    assert row["reason"].tolist() == ["outside_field_window"]


def test_role_from_invitations_when_export_has_none(small_project, small_params):
    from nps_helpers.clean import CleanOptions

    raw = ingest.read_export(small_params.path(small_params.inputs.export))
    raw.data = raw.data.drop(columns=["role"])
    accounts = ingest.read_accounts(small_params.path(small_params.inputs.accounts))
    invitations = ingest.read_invitations(small_params.path(small_params.inputs.invitations))
    opts = CleanOptions.from_params(small_params)
    opts = CleanOptions(
        **{**opts.__dict__, "columns": {k: v for k, v in opts.columns.items() if k != "role"}}
    )
    result = clean.clean_responses(raw, accounts, opts, invitations)
    assert result.quality["columns_found_by"]["role"] == "from the invitation list, by contact id"
    assert set(result.responses["role"]) == {"decision_maker", "influencer", "user"}


def test_blank_rows():
    from nps_helpers.clean import blank_rows

    frame = pd.DataFrame(
        {"a": ["", " ", "x", "", "\t"], "b": ["", "", "", " y ", "\n"], "c": ["", "", "", "", " "]}
    )
    assert blank_rows(frame).tolist() == [True, True, False, False, True]
    assert blank_rows(frame.iloc[:, :0]).tolist() == [True] * 5  # no columns: nothing filled
    assert blank_rows(frame.iloc[:0]).tolist() == []


@given(
    st.lists(
        st.lists(st.sampled_from(["", " ", "\t", "a", " b ", "0"]), min_size=3, max_size=3),
        max_size=30,
    )
)
@settings(max_examples=100, deadline=None)
def test_blank_rows_match_the_cell_by_cell_definition(rows):
    from nps_helpers.clean import blank_rows

    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    naive = (frame.apply(lambda s: s.astype(str).str.strip()) == "").all(axis=1)
    assert blank_rows(frame).tolist() == naive.tolist()


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
    got = clean.stripped_text(series)
    assert got.tolist() == expected
    assert got.index.equals(series.index) and got.name == "x"


def test_account_master_with_a_repeated_id_stops_cleaning(small_project, small_params):
    """An account master not read by ingest.read_accounts (which checks it) can repeat
    an id: the join would repeat responses, so cleaning stops and names the id."""
    raw = ingest.read_export(small_params.path(small_params.inputs.export))
    accounts = ingest.read_accounts(small_params.path(small_params.inputs.accounts))
    doubled = pd.concat([accounts, accounts.iloc[[3]]], ignore_index=True)
    with pytest.raises(
        ExportFormatError, match=f"repeats ids \\['{accounts.at[3, 'account_id']}'\\]"
    ):
        clean.clean_responses(raw, doubled, small_params)
