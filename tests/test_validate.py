import pandas as pd
import pytest

from nps_helpers.errors import WaveValidationError
from nps_helpers.validate import REQUIRED_COLUMNS, build_suite, run_gate


@pytest.fixture(scope="module")
def gate(cleaned, small_params):
    return run_gate(cleaned.responses, small_params)


def test_clean_wave_passes(gate, small_params):
    assert gate["success"] and gate["critical_failures"] == 0
    assert gate["evaluated"] == len(build_suite(small_params)) == gate["passed"]
    severities = {c["severity"] for c in gate["checks"]}
    assert severities == {"critical", "warning"}


def test_critical_failure_names_column_and_rows(cleaned, small_params):
    bad = cleaned.responses.copy()
    bad.loc[0, "score"] = 11
    bad.loc[1, "response_id"] = bad.loc[2, "response_id"]
    with pytest.raises(WaveValidationError) as err:
        run_gate(bad, small_params)
    msg = str(err.value)
    assert "expect_column_values_to_be_between column score: 1 rows" in msg
    assert bad.loc[0, "response_id"] in msg
    assert "expect_column_values_to_be_unique column response_id" in msg


def test_missing_column_fails(cleaned, small_params):
    with pytest.raises(WaveValidationError, match="expect_table_columns_to_match_set"):
        run_gate(cleaned.responses.drop(columns=["tier"]), small_params)


def test_warning_does_not_stop(cleaned, small_params):
    odd = cleaned.responses.copy()
    odd.loc[0, "responded_at"] = pd.Timestamp("2020-01-01", tz="UTC")
    odd["comment"] = odd["comment"].astype(object)
    odd.loc[1, "comment"] = "<script>alert(1)</script>"
    result = run_gate(odd, small_params)
    assert result["success"] and result["warnings"] == 2
    failed = {c["expectation"]: c for c in result["checks"] if not c["success"]}
    assert failed["expect_column_values_to_be_between"]["failing_response_ids"] == [
        odd.loc[0, "response_id"]
    ]


def test_required_columns_cover_contract():
    assert {"response_id", "score", "category", "role", "account_id"} <= set(REQUIRED_COLUMNS)
