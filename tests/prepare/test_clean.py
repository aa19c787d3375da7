"""Raw export -> canonical responses and rejected rows (prepare.clean)."""

import hashlib
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import ExportFormatError, MappingError
from nps_helpers.io import crm, exports
from nps_helpers.params import load_params
from nps_helpers.prepare import clean
from nps_helpers.prepare.clean import REASONS, map_roles, respondent_ids


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
    raw = exports.read_qualtrics(small_params.path(small_params.inputs.export)).data
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
    raw = exports.read_qualtrics(small_params.path(small_params.inputs.export))
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
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
        exports.read_qualtrics(p.path(p.inputs.export)),
        crm.read_accounts(p.path(p.inputs.accounts)),
        p,
    )
    incomplete = res.rejected[res.rejected["reason"] == "incomplete"]
    assert (incomplete["Q1"].str.strip() == "").all(), "only partials without a score rejected"


def test_respondent_ids_skip_what_is_no_email():
    # Microsoft Forms writes "anonymous" for every respondent of an anonymous form
    ids = respondent_ids(None, pd.Series(["anonymous", "Anonymous", "a@x.com", ""]), salt="s")
    assert ids.tolist()[:2] == ["", ""] and ids.iloc[2].startswith("h_") and ids.iloc[3] == ""


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
    raw = exports.read_qualtrics(small_params.path(small_params.inputs.export))
    raw.data = raw.data.drop(columns=["Q1"])
    with pytest.raises(ExportFormatError, match=r"'Q1' \(for score\)"):
        clean.clean_responses(
            raw, crm.read_accounts(small_params.path(small_params.inputs.accounts)), small_params
        )


def test_map_labels_for_tiers():
    from nps_helpers.prepare.clean import map_labels

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


def test_unmapped_tier_in_account_master_stops(small_project, small_params):
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    accounts.loc[0, "tier"] = "Platinum"
    raw = exports.read_export(small_params.path(small_params.inputs.export))
    with pytest.raises(MappingError, match="'Platinum'"):
        clean.clean_responses(raw, accounts, small_params)


def test_outside_field_window_rejected(small_project, small_params):
    raw = exports.read_export(small_params.path(small_params.inputs.export))
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    i = raw.data.index[raw.data["Status"] == "IP Address"][0]
    raw.data.loc[i, "EndDate"] = "2025-01-01 10:00:00"
    result = clean.clean_responses(raw, accounts, small_params)
    row = result.rejected[result.rejected["input_row"] == raw.data.loc[i, "input_row"]]
    assert row["reason"].tolist() == ["outside_field_window"]


def test_role_from_invitations_when_export_has_none(small_project, small_params):
    from nps_helpers.prepare.clean import CleanOptions

    raw = exports.read_export(small_params.path(small_params.inputs.export))
    raw.data = raw.data.drop(columns=["role"])
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    invitations = crm.read_invitations(small_params.path(small_params.inputs.invitations))
    opts = CleanOptions.from_params(small_params)
    opts = CleanOptions(
        **{**opts.__dict__, "columns": {k: v for k, v in opts.columns.items() if k != "role"}}
    )
    result = clean.clean_responses(raw, accounts, opts, invitations)
    assert result.quality["columns_found_by"]["role"] == "from the invitation list, by contact id"
    assert set(result.responses["role"]) == {"decision_maker", "influencer", "user"}


def test_blank_rows():
    from nps_helpers.prepare.clean import blank_rows

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
    from nps_helpers.prepare.clean import blank_rows

    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object)
    naive = (frame.apply(lambda s: s.astype(str).str.strip()) == "").all(axis=1)
    assert blank_rows(frame).tolist() == naive.tolist()


def test_account_master_with_a_repeated_id_stops_cleaning(small_project, small_params):
    """An account master not read by crm.read_accounts (which checks it) can repeat
    an id: the join would repeat responses, so cleaning stops and names the id."""
    raw = exports.read_export(small_params.path(small_params.inputs.export))
    accounts = crm.read_accounts(small_params.path(small_params.inputs.accounts))
    doubled = pd.concat([accounts, accounts.iloc[[3]]], ignore_index=True)
    with pytest.raises(
        ExportFormatError, match=f"repeats ids \\['{accounts.at[3, 'account_id']}'\\]"
    ):
        clean.clean_responses(raw, doubled, small_params)


# ------------------------------------------------------------- a hand-made export
COLUMNS = [
    "ResponseId",
    "Status",
    "EndDate",
    "ExternalReference",
    "account_id",
    "role",
    "Q1",
    "Q1_NPS_GROUP",
    "Q2",
]
ROWS = [  # one reason per row, in the order of REASONS where a row has several
    ["R1", "IP Address", "2026-10-02 10:00:00", "C1", "A1", "End User", "10", "Promoter", "great"],
    ["R2", "Survey Preview", "2026-10-02 10:00:00", "C2", "A1", "End User", "9", "", ""],
    ["R3", "IP Address", "2026-10-02 10:00:00", "C3", "A1", "End User", "", "", "no score"],
    ["R4", "IP Address", "2026-10-02 10:00:00", "C4", "A1", "End User", "11", "", ""],
    ["R5", "IP Address", "2026-10-02 10:00:00", "C5", "A9", "End User", "5", "", "who?"],
    ["R6", "IP Address", "2026-10-01 09:00:00", "C1", "A1", "End User", "3", "1", "earlier"],
    ["R7", "IP Address", "2026-10-03 12:00:00", "C7", "A2", "decision_maker", "7", "3", " ok "],
    ["", "", "", "", "", "", "", "", " "],
    ["R9", "IP Address", "2025-01-01 10:00:00", "C9", "A2", "End User", "8", "", ""],
    ["R7", "IP Address", "2026-10-04 12:00:00", "C10", "A2", "End User", "6", "", "same id"],
]


def hand_export() -> exports.RawExport:
    data = pd.DataFrame(ROWS, columns=COLUMNS, dtype=object)
    data.insert(0, "input_row", range(1, len(data) + 1))
    return exports.RawExport(
        data=data,
        source="hand.csv",
        format="qualtrics",
        header_rows=3,
        questions={"Q1": "How likely are you to recommend us?", "Q2": "Why?"},
        timezones={"EndDate": "Europe/Berlin"},
    )


HAND_ACCOUNTS = pd.DataFrame(
    {"account_id": ["A1", "A2"], "tier": ["Key Account", "small"], "arr": [100.0, 20.0]}
)
HAND_OPTIONS = clean.CleanOptions(
    wave_id="w1",
    role_map={"End User": "user"},
    tiers=("small", "key"),
    tier_map={"Key Account": "key"},
    window=(pd.Timestamp("2026-10-01").date(), pd.Timestamp("2026-10-31").date()),
)


def test_an_export_column_named_reason_is_kept_beside_the_rejection_reason():
    data = pd.DataFrame(
        {
            "input_row": [1, 2, 3],
            "id": ["a", "b", "c"],
            "nps": ["9", "eleven", "3"],
            "reason": ["fast support", "n/a", "slow"],
        },
        dtype=object,
    )
    raw = exports.RawExport(data=data, source="r.csv")
    result = clean.clean_responses(raw, None, clean.CleanOptions(strict_labels=False))
    rej = result.rejected
    assert rej["reason"].tolist() == ["invalid_score"]
    assert rej["reason (export)"].tolist() == ["n/a"]
    assert result.responses["comment"].tolist() == ["fast support", "slow"]


def test_clean_a_hand_made_export():
    result = clean.clean_responses(hand_export(), HAND_ACCOUNTS, HAND_OPTIONS)
    r, rej, q = result.responses, result.rejected, result.quality
    assert r["response_id"].tolist() == ["R1", "R7"]
    assert r["respondent_id"].tolist() == ["C1", "C7"]
    assert r["role"].tolist() == ["user", "decision_maker"]
    assert r["score"].tolist() == [10, 7] and r["category"].tolist() == ["promoter", "passive"]
    assert r["comment"].tolist() == ["great", "ok"]
    assert r["tier"].tolist() == ["key", "small"] and r["arr"].tolist() == [100.0, 20.0]
    assert r.loc[0, "responded_at"] == pd.Timestamp("2026-10-02 08:00", tz="UTC"), "Berlin time"
    assert (r["wave_id"] == "w1").all()
    assert dict(zip(rej["input_row"], rej["reason"], strict=True)) == {
        2: "preview_or_test",
        3: "missing_score",
        4: "score_out_of_range",
        5: "unknown_account",
        6: "duplicate_submission",
        8: "blank_row",
        9: "outside_field_window",
        10: "duplicate_response_id",
    }
    assert rej.loc[rej["input_row"] == 6, "kept_response_id"].item() == "R1"
    assert (q["rows_in"], q["kept"], q["rejected"]) == (10, 2, 8)
    assert q["columns"]["score"] == "Q1" and q["columns"]["comment"] == "Q2"
    assert q["nps_group_check"] == {
        "column": "Q1_NPS_GROUP",
        "compared": 2,
        "mismatches": 1,  # R7's tool says promoter ("3"), its 7 is passive
        "mismatch_input_rows": [7],
    }


def test_clean_without_accounts_is_a_quick_check():
    result = clean.clean_responses(hand_export(), None, HAND_OPTIONS)
    assert "unknown_account" not in result.quality["rejected_by_reason"]
    assert result.responses["response_id"].tolist() == ["R1", "R5", "R7"]
    # issue 21: the account attributes are there, empty (an export-only wave)
    for name in ("tier", "industry", "region", "arr", "owner", "renewal_date"):
        assert result.responses[name].isna().all(), name
    assert any("account check was skipped" in s for s in result.quality["skipped"])


def test_nps_group_check_by_hand():
    data = pd.DataFrame({"input_row": [1, 2, 3, 4]})
    kept = pd.Series([True, True, False, True])
    responses = pd.DataFrame(
        {"input_row": [1, 2, 4], "category": ["promoter", "detractor", "passive"]}
    )
    groups = pd.Series([" Promoter", "2", "x", ""])[kept]
    got = clean.nps_group_check(groups, responses, data, kept, "G")
    # row 1 agrees, row 2 says passive (code 2) for a detractor, row 4 has no group
    assert got == {"column": "G", "compared": 2, "mismatches": 1, "mismatch_input_rows": [2]}


def test_clean_options_from_params(small_params):
    opts = clean.CleanOptions.from_params(small_params)
    assert opts.wave_id == "2026-H2" and opts.tiers == ("small", "key", "premium")
    assert opts.columns["score"] == "Q1" and opts.extra == {
        "product": "product",
        "job_function": "job_function",
    }
    assert opts.window == small_params.window and opts.strict_labels


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["R1", "R2", "R3", "R4", ""]),
            st.sampled_from(["IP Address", "Survey Preview", "Partial", ""]),
            st.sampled_from(["2026-10-02 10:00:00", "2024-01-01 00:00:00", "soon", ""]),
            st.sampled_from(["C1", "C2", ""]),
            st.sampled_from(["A1", "A2", "A9", ""]),
            st.sampled_from(["0", "7", "10", "11", "x", "", " 9 "]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_every_input_row_is_kept_or_rejected_once(rows):
    data = pd.DataFrame(
        rows, columns=["ResponseId", "Status", "EndDate", "ExternalReference", "account_id", "Q1"]
    )
    data.insert(0, "input_row", range(1, len(data) + 1))
    raw = exports.RawExport(data=data, source="h.csv", questions={"Q1": "recommend us?"})
    opts = clean.CleanOptions(
        columns={"score": "Q1"}, tiers=("small", "key"), window=HAND_OPTIONS.window
    )
    result = clean.clean_responses(raw, HAND_ACCOUNTS.assign(tier=["key", "small"]), opts)
    rows_out = [*result.responses["input_row"], *result.rejected["input_row"]]
    assert sorted(rows_out) == list(range(1, len(data) + 1))
    assert result.responses["response_id"].is_unique
    assert result.responses["respondent_id"].is_unique
    assert result.responses["score"].between(0, 10).all()


def test_fall_back_hour_responses_are_kept_and_counted():
    """Issue 21: 10 Qualtrics responses at 01:05-01:30 on 2026-11-01 (America/Denver, the
    hour the clocks show twice) were rejected as invalid_timestamp; one in the skipped
    spring hour too. They are kept, read as DST-unclear, and counted in the quality dict."""
    minutes = (5, 8, 10, 12, 15, 18, 20, 24, 27, 30)
    times = [f"2026-11-01 01:{m:02d}:00" for m in minutes] + [
        "2026-03-08 02:30:00",  # skipped: read as 03:30 MDT
        "2026-11-01 02:30:00",  # after the fold, plain MST
        "never",
    ]
    data = pd.DataFrame(
        {
            "ResponseId": [f"R{i:02d}" for i in range(len(times))],
            "EndDate": times,
            "ExternalReference": [f"C{i:02d}" for i in range(len(times))],
            "account_id": "A1",
            "Q1": "9",
        }
    )
    data.insert(0, "input_row", range(1, len(data) + 1))
    raw = exports.RawExport(
        data=data,
        source="denver.csv",
        format="qualtrics",
        questions={"Q1": "How likely are you to recommend us?"},
        timezones={"EndDate": "America/Denver"},
    )
    opts = clean.CleanOptions(columns={"score": "Q1"}, tiers=("small", "key"))
    result = clean.clean_responses(raw, HAND_ACCOUNTS.assign(tier=["key", "small"]), opts)
    q, r = result.quality, result.responses
    assert q["rejected_by_reason"] == {"invalid_timestamp": 1}
    assert q["kept"] == 12
    assert q["dst_times"] == {"fold": 10, "gap": 1}
    assert any("fall-back hour" in note for note in q["notes"])
    when = r.set_index("response_id")["responded_at"]
    assert when["R00"] == pd.Timestamp("2026-11-01 07:05", tz="UTC"), "01:05 MDT, UTC-6"
    assert when["R10"] == pd.Timestamp("2026-03-08 09:30", tz="UTC")
    assert when["R11"] == pd.Timestamp("2026-11-01 09:30", tz="UTC"), "02:30 MST, UTC-7"


def test_no_dst_times_counted_without_a_zone_or_date():
    assert clean.clean_responses(hand_export(), HAND_ACCOUNTS, HAND_OPTIONS).quality[
        "dst_times"
    ] == {"fold": 0, "gap": 0}
    raw = hand_export()
    raw = exports.RawExport(
        data=raw.data.drop(columns="EndDate"), source="x.csv", questions=raw.questions
    )
    opts = clean.CleanOptions(columns={"score": "Q1"}, role_map=HAND_OPTIONS.role_map)
    assert clean.clean_responses(raw, None, opts).quality["dst_times"] == {"fold": 0, "gap": 0}


def one_header_export(with_dates: bool = False, with_company: bool = False) -> exports.RawExport:
    """A one-header export as Delighted or a form tool gives it: score, comment, plan."""
    data = pd.DataFrame(
        {
            "Score": ["10", "3", "8", "9"],
            "Comment": ["great support", "too many bugs", "fine", "love it"],
            "Plan": ["Pro", "Starter", "Pro", "Starter"],
        },
        dtype=object,
    )
    if with_dates:
        data["Date"] = ["2026-10-02", "2026-10-03", "2026-12-30", "2026-10-05"]
    if with_company:
        data["Company"] = ["Acme", "Acme", "Globex", ""]
    data.insert(0, "input_row", range(1, len(data) + 1))
    return exports.RawExport(data=data, source="form.csv", format="generic", header_rows=1)


def test_export_only_wave_without_dates_or_ids():
    """Issue 21: no account master, no account id, no date: every row is kept, the
    account attributes are empty, and the skipped checks are said in quality.json."""
    opts = clean.CleanOptions(
        wave_id="w1", columns={"score": "Score", "comment": "Comment"}, extra={"plan": "Plan"}
    )
    result = clean.clean_responses(one_header_export(), None, opts)
    r, q = result.responses, result.quality
    assert q["kept"] == 4 and q["rejected"] == 0
    assert (r["account_id"] == "").all() and r["account_name"].isna().all()
    assert r["tier"].isna().all() and r["arr"].isna().all() and r["responded_at"].isna().all()
    assert r["plan"].astype(str).tolist() == ["Pro", "Starter", "Pro", "Starter"]
    assert r["respondent_id"].tolist() == ["r_row-1", "r_row-2", "r_row-3", "r_row-4"]
    assert any(s.startswith("The field-window check was skipped") for s in q["skipped"])
    assert any(s.startswith("The account check was skipped") for s in q["skipped"])


def test_export_only_wave_with_dates_and_an_account_name_column():
    opts = clean.CleanOptions(
        wave_id="w1",
        columns={"score": "Score", "comment": "Comment", "account_id": "Company"},
        window=(pd.Timestamp("2026-10-01").date(), pd.Timestamp("2026-10-31").date()),
    )
    export = one_header_export(with_dates=True, with_company=True)
    result = clean.clean_responses(export, None, opts)
    r, q = result.responses, result.quality
    # row 3 is dated after the field period: the window check applies with dates
    assert q["rejected_by_reason"] == {"outside_field_window": 1}
    assert r["account_id"].tolist() == ["Acme", "Acme", ""]
    assert r["account_name"].tolist()[:2] == ["Acme", "Acme"] and pd.isna(r["account_name"][2])
    assert not any("field-window" in s for s in q["skipped"])


ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["A1", "A2", "A3"],
        "account_name": ["Acme Corp", "Globex  GmbH", "Initech"],
        "domain": ["acme.example", "globex.example", "initech.example"],
    }
)


def _s(*values):
    return pd.Series(list(values), dtype=object)


def test_link_accounts_keeps_ids_and_matches_names_without_case_or_spacing():
    ids, how, note = clean.link_accounts(
        "x.csv",
        pd.RangeIndex(3),
        ACCOUNTS,
        None,
        _s("A1", "acme corp", "GLOBEX GMBH"),
        None,
        None,
        False,
        "Company",
    )
    assert ids.tolist() == ["A1", "A1", "A2"] and how is None
    assert "2 response(s)" in note and "'Company'" in note


def test_link_accounts_leaves_unknown_names_to_be_rejected():
    ids, _, note = clean.link_accounts(
        "x.csv", pd.RangeIndex(2), ACCOUNTS, None, _s("Umbrella", ""), None, None, False
    )
    assert ids.tolist() == ["Umbrella", ""] and note is None


def test_link_accounts_through_the_invitation_list_by_contact_then_email():
    invited = pd.DataFrame(
        {"contact_id": ["C1", "C2"], "account_id": ["A2", "A3"], "email": ["b@x.io", "C@X.io"]}
    )
    ids, how, _ = clean.link_accounts(
        "x.csv", pd.RangeIndex(3), ACCOUNTS, invited, None, _s("C2", "C9", ""), None, False
    )
    assert ids.tolist() == ["A3", "", ""] and "contact id" in how
    ids, how, _ = clean.link_accounts(
        "x.csv", pd.RangeIndex(2), ACCOUNTS, invited, None, None, _s("c@x.io", "z@x.io"), False
    )
    assert ids.tolist() == ["A3", ""] and "e-mail" in how


def test_link_accounts_by_domain_only_when_asked():
    mail = _s("p@initech.example", "q@nowhere.example")
    ids, how, _ = clean.link_accounts(
        "x.csv", pd.RangeIndex(2), ACCOUNTS, None, None, None, mail, True
    )
    assert ids.tolist() == ["A3", ""] and "domain" in how
    with pytest.raises(
        ExportFormatError, match=r"^x\.csv: no column links .*\(columns: account_id\)"
    ):
        clean.link_accounts("x.csv", pd.RangeIndex(2), ACCOUNTS, None, None, None, mail, False)


def test_link_accounts_without_a_master_keeps_the_export_column_or_blank():
    ids, how, note = clean.link_accounts(
        "x.csv", pd.RangeIndex(2), None, None, _s("Acme", "B"), None, None, False
    )
    assert ids.tolist() == ["Acme", "B"] and how is None and note is None
    ids, _, _ = clean.link_accounts("x.csv", pd.RangeIndex(2), None, None, None, None, None, False)
    assert ids.tolist() == ["", ""]


def test_is_personal_by_header_in_any_layout():
    for column in (
        "Email Address",
        "RecipientEmail",
        "Mobile phone",
        "IP",
        "Full name",
        "LastName",
        "Name",
        "Zip code",
        "LocationLatitude",
        "Work e-mail",
    ):
        assert clean.is_personal(column), column
    for column in (
        "Account name",
        "Company",
        "Product",
        "Respondent ID",
        "Country",
        "What is the main reason for your score?",
        "Domain",
    ):
        assert not clean.is_personal(column), column


def test_rejected_rows_of_a_generic_export_lose_names_phones_and_ips(tmp_path):
    export = tmp_path / "crm_report.csv"
    export.write_text(
        "id,Full name,Mobile phone,IP,Company,Score,Why\n"
        "1,Ana Silva,+44 20 7946 0001,203.0.113.9,Acme,11,too high\n"
        "2,Bo Ng,+44 20 7946 0002,203.0.113.8,Acme,9,fine\n",
        encoding="utf-8",
    )
    result = clean.clean_responses(exports.read_export(export), None, clean.CleanOptions())
    (row,) = result.rejected.to_dict("records")
    assert row["reason"] == "score_out_of_range" and row["Company"] == "Acme"
    assert row["Full name"] == row["Mobile phone"] == row["IP"] == clean.REMOVED
    assert row["Why"] == "too high", "the rest is kept as it was"


def test_a_wave_hashes_e_mails_with_the_projects_salt(small_project, small_params):
    opts = clean.CleanOptions.from_params(small_params)
    assert opts.respondent_salt == json.loads((small_project / ".nps-salt").read_text())["salt"]
    assert opts.respondent_salt != "nps-workbook"
    given = clean.CleanOptions.from_params(small_params.model_copy(update={"respondent_salt": "s"}))
    assert given.respondent_salt == "s" and given.salt_note is None
