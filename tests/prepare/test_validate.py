"""The data-quality gate: Great Expectations over the canonical responses (prepare.validate)."""

import json

import pandas as pd
import pytest

from nps_helpers import wave
from nps_helpers.errors import WaveValidationError
from nps_helpers.prepare.validate import (
    REQUIRED_COLUMNS,
    build_suite,
    run_gate,
    validate_responses,
)

HOSTILE = (
    "<script>window.__pwned = 1</script> call Jane on jane.doe@example.com <img src=x "
    'onerror="window.__pwned = 2">'
)


@pytest.fixture(scope="module")
def gate(cleaned, small_params, tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs") / "data-quality"
    ids = cleaned.responses["account_id"].unique().tolist()
    return run_gate(
        cleaned.responses,
        small_params,
        account_ids=ids,
        rows_in=cleaned.quality["rows_in"],
        docs_dir=docs,
    ), docs


def test_clean_wave_passes_and_writes_gx_json(gate, small_params):
    result, docs = gate
    assert result["success"] and result["critical_failures"] == 0
    assert result["evaluated"] == len(build_suite(small_params, ["x"], 10)) == result["passed"]
    assert {c["severity"] for c in result["checks"]} == {"critical", "warning"}
    assert all(c["description"] for c in result["checks"])
    assert result["validation_result"] == str(docs / "validation_result.json")
    assert result["data_docs"] is None, "the page is the wave's (wave.validate_wave)"
    assert sorted(p.name for p in docs.iterdir()) == ["suite.json", "validation_result.json"]
    suite = json.loads((docs / "suite.json").read_text())
    assert len(suite["expectations"]) == result["evaluated"]
    kept = json.loads((docs / "validation_result.json").read_text())
    assert kept["success"] and len(kept["results"]) == result["evaluated"]


def test_suite_covers_the_contract(small_params):
    kinds = {type(e).__name__ for e in build_suite(small_params, ["A1"], 100)}
    for name in (
        "ExpectTableColumnsToMatchSet",
        "ExpectColumnValuesToBeInTypeList",
        "ExpectColumnValuesToBeUnique",
        "ExpectTableRowCountToBeBetween",
        "ExpectColumnValuesToBeBetween",
    ):
        assert name in kinds, name
    described = [e.description for e in build_suite(small_params, ["A1"], 100)]
    assert sum(d.startswith("category must match the score") for d in described) == 3


def test_unknown_account_names_the_account_and_response(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd["account_id"] = odd["account_id"].astype(object)
    odd.loc[3, "account_id"] = "ACC-NOPE"
    ids = cleaned.responses["account_id"].unique().tolist()
    with pytest.raises(WaveValidationError) as err:
        run_gate(odd, small_params, account_ids=ids)
    line = next(x for x in str(err.value).splitlines() if "account master" in x)
    # an account id can be an account's name: the response id names the row
    assert f"({len(ids)} accounts): 1 row(s) fail; response ids {odd.loc[3, 'response_id']}" in line
    assert "ACC-NOPE" not in str(err.value)


def test_category_not_matching_score_names_the_row(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd["category"] = odd["category"].astype(object)
    row = odd.index[odd["score"] == 10][0]
    odd.loc[row, "category"] = "detractor"
    with pytest.raises(WaveValidationError) as err:
        run_gate(odd, small_params)
    (line,) = [x for x in str(err.value).splitlines() if "category must match" in x]
    assert "(9-10 is promoter): 1 row(s) fail; values 'detractor'" in line
    assert odd.loc[row, "response_id"] in line


def test_critical_failure_names_column_and_rows(cleaned, small_params):
    bad = cleaned.responses.copy()
    bad.loc[0, "score"] = 11
    bad.loc[1, "response_id"] = bad.loc[2, "response_id"]
    with pytest.raises(WaveValidationError) as err:
        run_gate(bad, small_params)
    lines = str(err.value).splitlines()
    assert lines[0].startswith("wave 2026-H2 stopped by the data-quality gate; 3 check(s) failed")
    score_line = next(line for line in lines if line.startswith("  - score must be between"))
    assert "1 row(s) fail; values 11; response ids " + bad.loc[0, "response_id"] in score_line
    assert any(
        line.startswith("  - response_id must be unique within the wave: 2 row(s)")
        for line in lines
    )
    assert any(line.startswith("  - category must match the score") for line in lines)


def test_failure_says_where_the_result_is(cleaned, small_params, tmp_path):
    bad = cleaned.responses.copy()
    bad["tier"] = bad["tier"].astype(object)
    bad.loc[0, "tier"] = "gold"
    with pytest.raises(WaveValidationError) as err:
        run_gate(bad, small_params, docs_dir=tmp_path / "dq")
    msg = str(err.value)
    assert "tier must be one of small, key, premium: 1 row(s) fail; values 'gold'" in msg
    result = tmp_path / "dq" / "validation_result.json"
    assert msg.rstrip().endswith(f"Great Expectations' result: {result}")
    assert result.is_file(), "the result is written before stopping"


def test_validate_wave_writes_the_page_before_stopping(cleaned, small_params, tmp_path):
    """wave.validate_wave: GX's JSON and the workbook's page, then the gate's error,
    which points to the page and names the comment's response by its id."""
    params = small_params.model_copy(
        update={"outputs": small_params.outputs.model_copy(update={"reports_dir": tmp_path})}
    )
    bad = cleaned.responses.copy()
    bad["comment"] = bad["comment"].astype(object)
    bad.loc[0, "score"] = 11
    bad.loc[1, "comment"] = HOSTILE
    with pytest.raises(WaveValidationError) as err:
        wave.validate_wave(params, bad, None, len(bad))
    out = tmp_path / params.wave_id / "data-quality"
    msg = str(err.value)
    assert msg.rstrip().endswith(f"The data-quality page: {out / 'index.html'}")
    assert "score must be between 0 and 10: 1 row(s) fail; values 11; response ids" in msg
    assert "script" not in msg.lower() and "jane" not in msg
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "score must be between 0 and 10" in page and bad.loc[1, "response_id"] in page
    assert "jane" not in page and "<script" not in page
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "suite.json",
        "validation_result.json",
    ]


def test_no_comment_or_personal_value_in_the_json(cleaned, small_params, tmp_path):
    """The summary and GX's JSON on disk name failing responses by id: never a comment,
    an e-mail address or an account; a category column's odd value stays as data."""
    odd = cleaned.responses.copy()
    for col in ("comment", "tier", "owner"):
        odd[col] = odd[col].astype(object)
    odd.loc[0, "comment"] = HOSTILE
    odd.loc[1, "respondent_id"] = "jane.doe@example.com"
    odd.loc[2, "tier"] = '"><svg onload=alert(1)>'
    odd.loc[3, "account_id"] = "Jane's Bakery"
    ids = cleaned.responses["account_id"].unique().tolist()
    summary = validate_responses(odd, small_params, ids, None, tmp_path)
    failed = {c["column"]: c for c in summary["checks"] if not c["success"]}
    assert set(failed) == {"comment", "respondent_id", "tier", "account_id_not_in_master"}
    for column, row in (("comment", 0), ("respondent_id", 1), ("account_id_not_in_master", 3)):
        assert failed[column]["examples"] == [], column
        assert failed[column]["failing_response_ids"] == [odd.loc[row, "response_id"]]
    assert failed["tier"]["examples"] == ["'\"><svg onload=alert(1)>'"]
    kept = (tmp_path / "validation_result.json").read_text(encoding="utf-8")
    for text in (json.dumps(summary), kept, (tmp_path / "suite.json").read_text()):
        assert "window.__pwned" not in text and "jane" not in text.lower()
    results = {
        r["expectation_config"]["kwargs"].get("column"): r["result"]
        for r in json.loads(kept)["results"]
        if not r["success"]
    }
    assert results["comment"]["unexpected_index_list"] == [
        {"response_id": odd.loc[0, "response_id"]}
    ]
    assert results["comment"]["unexpected_count"] == 1
    assert "partial_unexpected_list" not in results["comment"]
    assert results["tier"]["partial_unexpected_list"] == ['"><svg onload=alert(1)>']


def test_old_data_docs_are_removed(cleaned, small_params, tmp_path):
    """Great Expectations Data Docs an earlier version wrote (unescaped comments) go."""
    (tmp_path / "static" / "styles").mkdir(parents=True)
    (tmp_path / "static" / "styles" / "data_docs_default_styles.css").write_text("")
    (tmp_path / "validations" / "x").mkdir(parents=True)
    (tmp_path / "index.html").write_text("<script>old</script>")
    (tmp_path / "notes.txt").write_text("the analyst's")
    validate_responses(cleaned.responses, small_params, out_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt",
        "suite.json",
        "validation_result.json",
    ]


def test_account_master_rejected_share_and_minimum(cleaned, small_params):
    kept = len(cleaned.responses)
    ids = cleaned.responses["account_id"].unique().tolist()
    with pytest.raises(WaveValidationError, match="account_id must be in the account master"):
        run_gate(cleaned.responses, small_params, account_ids=ids[1:])
    with pytest.raises(WaveValidationError, match=r"at most 25% of the export's .* rows"):
        run_gate(cleaned.responses, small_params, rows_in=kept * 2)
    run_gate(cleaned.responses, small_params, rows_in=int(kept * 1.3))
    few = cleaned.responses.head(small_params.min_responses - 1)
    with pytest.raises(WaveValidationError, match=r"at least 30 responses.*found 29"):
        run_gate(few, small_params)


def test_outside_field_period_stops(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd.loc[0, "responded_at"] = pd.Timestamp("2020-01-01", tz="UTC")
    with pytest.raises(WaveValidationError, match="dated within the field period"):
        run_gate(odd, small_params)


def test_email_as_respondent_id_stops(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd.loc[0, "respondent_id"] = "someone@example.com"
    with pytest.raises(WaveValidationError, match="never be an e-mail address") as err:
        run_gate(odd, small_params)
    assert "someone@example.com" not in str(err.value), "named by its response id"


def test_warning_does_not_stop(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd["comment"] = odd["comment"].astype(object)
    odd.loc[1, "comment"] = "<script>alert(1)</script>"
    result = run_gate(odd, small_params)
    assert result["success"] and result["warnings"] == 1
    (failed,) = [c for c in result["checks"] if not c["success"]]
    assert failed["severity"] == "warning"
    assert failed["failing_response_ids"] == [odd.loc[1, "response_id"]]


def test_required_columns_cover_contract():
    assert {"response_id", "score", "category", "role", "account_id"} <= set(REQUIRED_COLUMNS)


def test_an_expectation_the_suite_would_drop_stops_the_gate(small_params, cleaned, monkeypatch):
    """GX's suite constructor logs and drops an invalid expectation; the gate must not
    run silently without it."""
    from nps_helpers.prepare import validate

    real = validate.build_suite
    monkeypatch.setattr(
        validate,
        "build_suite",
        lambda *a, **k: [*real(*a, **k), {"type": "expect_no_such_thing", "kwargs": {}}],
    )
    with pytest.raises(WaveValidationError, match="1 of the gate's expectations are not valid"):
        validate.run_gate(cleaned.responses, small_params)


def test_a_non_text_id_still_fails_the_text_check(cleaned, small_params):
    """Text columns go to GX Arrow-backed; a column holding anything but text stays
    as it is, so GX's per-value type check still sees the odd value."""
    odd = cleaned.responses.copy()
    odd["response_id"] = odd["response_id"].astype(object)
    odd.loc[0, "response_id"] = 12345
    with pytest.raises(WaveValidationError, match="response_id must be text"):
        run_gate(odd, small_params)


def test_arrow_text_gives_the_verdicts_of_object_text(cleaned, small_params, monkeypatch):
    """The same broken wave, validated with its text as Arrow strings (the fast path)
    and as plain Python objects: the same checks fail, with the same values and ids."""
    from nps_helpers.prepare import validate

    odd = cleaned.responses.copy()
    for col in ("tier", "category", "comment"):
        odd[col] = odd[col].astype(object)
    odd.loc[0, "tier"] = "gold"
    odd.loc[1, "respondent_id"] = "a@b.example"
    odd.loc[2, "comment"] = "<script>x</script>"
    odd.loc[3, "respondent_id"] = None
    odd.loc[4, "response_id"] = odd.loc[5, "response_id"]
    row = odd.index[odd["score"] == 10][0]
    odd.loc[row, "category"] = "passive"
    ids = cleaned.responses["account_id"].unique().tolist()

    def verdict():
        with pytest.raises(WaveValidationError) as err:
            run_gate(odd, small_params, account_ids=ids[1:])
        return str(err.value)

    fast = verdict()
    monkeypatch.setattr(validate, "_TEXT_KINDS", ())  # no column converted
    slow = verdict()
    assert fast == slow
    for words in ("'gold'", "e-mail address", "respondent_id", "unique", "category must match"):
        assert words in fast, words


def test_lacking_says_what_the_wave_lacks():
    from nps_helpers.prepare.validate import lacking

    full = pd.DataFrame({"arr": [1.0, None], "responded_at": [pd.Timestamp("2026-10-01"), None]})
    assert lacking(full) == {}
    bare = pd.DataFrame({"arr": [None, None], "responded_at": [pd.NaT, pd.NaT]})
    assert set(lacking(bare)) == {"accounts", "dates"}
    assert "inputs.accounts" in lacking(bare)["accounts"]
    assert lacking(bare.head(0)) == {}, "an empty wave lacks nothing the count check misses"


def test_suite_leaves_out_what_does_not_apply(small_params):
    from nps_helpers.prepare.validate import not_applied

    full = build_suite(small_params, ["A1"], 100)
    lacks = {"accounts": "no account master", "dates": "no dates"}
    bare = build_suite(small_params, None, 100, lacks)
    described = {e.description for e in bare}
    assert len(full) - len(bare) == 7  # 4 account + 2 date checks + the master's ids
    assert not any("tier" in d or "field period" in d or "account" in d for d in described)
    skipped = not_applied(small_params, lacks)
    assert len(skipped) == 7 and {s["reason"] for s in skipped} == set(lacks.values())
    left_out = {e.description.split(" (1 accounts)")[0] for e in full} - described
    assert {s["description"] for s in skipped} == left_out
    assert not_applied(small_params, {}) == []


def test_export_only_wave_passes_with_the_checks_that_did_not_apply(cleaned, small_params):
    bare = cleaned.responses.assign(
        account_id="",
        tier=pd.Categorical([None] * len(cleaned.responses), categories=small_params.tiers),
        arr=float("nan"),
        responded_at=pd.NaT,
    )
    result = run_gate(bare, small_params, rows_in=len(bare))
    assert result["success"] and result["critical_failures"] == 0
    reasons = {c["reason"] for c in result["not_applied"]}
    assert reasons == {
        "no account master was given (inputs.accounts)",
        "the export has no response date column",
    }
    assert not any(c["column"] in ("tier", "arr", "responded_at") for c in result["checks"])
