"""Every export of the corpus either cleans with the right counts or fails with its
clear one-sentence message; none raises anything else, and no row goes missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import CASES, accounts_with_domain, million_expectation, million_rows
from nps_helpers.errors import NpsWorkbookError
from nps_helpers.run.cli import check_export

NPS_WAVE = str(Path(sys.executable).with_name("nps-wave"))


def run_case(name: str, folder: Path) -> dict:
    case = CASES[name]
    path = case.write(folder)
    options = dict(case.options)
    if "accounts" in options:
        options["accounts"] = accounts_with_domain(folder)
    return check_export(path, **options)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.error is None])
def test_case_cleans_with_the_right_counts(name, tmp_path):
    facts = run_case(name, tmp_path)
    for key, want in CASES[name].expect.items():
        got = facts[key]
        if isinstance(want, float):
            assert got == pytest.approx(want, abs=0.01), key
        else:
            assert got == want, (key, got)
    assert facts["rows_kept"] + facts["rows_rejected"] == facts["rows_in"]
    assert sum(facts["rejected_by_reason"].values()) == facts["rows_rejected"]


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.error])
def test_case_fails_with_a_clear_message(name, tmp_path):
    with pytest.raises(NpsWorkbookError, match=CASES[name].error) as err:
        run_case(name, tmp_path)
    message = str(err.value)
    assert "Traceback" not in message and len(message.splitlines()) <= 2


def test_qualtrics_group_is_a_cross_check(tmp_path):
    facts = run_case("qualtrics_utf8_bom", tmp_path)
    group = facts["nps_group_check"]
    assert group == {
        "column": "Q1_NPS_GROUP",
        "compared": 3,
        "mismatches": 1,
        "mismatch_input_rows": [2],
    }
    # kept: R_2 scored 6 (its group says Passive), R_5 scored 9, R_6 scored 8:
    # one promoter and one detractor of three, NPS 0. Counting the group would give +33.
    assert facts["nps"] == pytest.approx(0.0), "the score, not the group, counts"


def test_email_domain_join(tmp_path):
    from nps_helpers.io.crm import read_accounts
    from nps_helpers.io.exports import read_export
    from nps_helpers.prepare.clean import CleanOptions, clean_responses

    raw = read_export(CASES["email_domain_needs_account_id"].write(tmp_path))
    accounts = read_accounts(accounts_with_domain(tmp_path))
    result = clean_responses(
        raw, accounts, CleanOptions(join_on_email_domain=True, strict_labels=False)
    )
    assert result.responses.sort_values("response_id")["account_id"].tolist() == ["A1", "A1"]
    assert result.quality["rejected_by_reason"] == {"unknown_account": 1}
    assert result.quality["columns_found_by"]["account_id"] == "joined on the e-mail domain"
    assert not result.responses["respondent_id"].str.contains("@").any()


@pytest.mark.parametrize(
    "name", ["empty_file", "binary_named_csv", "no_score_column", "prose_not_a_table"]
)
def test_cli_check_exits_2_with_one_sentence(name, tmp_path):
    path = CASES[name].write(tmp_path)
    proc = subprocess.run(
        [NPS_WAVE, "check", str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("nps-wave: ")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_cli_check_json_and_text(tmp_path):
    path = CASES["surveymonkey_csv"].write(tmp_path)
    proc = subprocess.run(
        [NPS_WAVE, "check", str(path), "--json"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    facts = json.loads(proc.stdout)
    for key in (
        "format",
        "score_column",
        "comment_column",
        "rows_in",
        "rows_kept",
        "rows_rejected",
        "rejected_by_reason",
        "nps",
        "n",
    ):
        assert key in facts
    assert facts["format"] == "surveymonkey" and facts["n"] == 3
    text = subprocess.run(
        [NPS_WAVE, "check", str(path), "--map", "comment=Email Address"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert text.returncode == 0, text.stderr
    assert "comment       <- 'Email Address'  (named in params)" in text.stdout
    assert "NPS of the kept rows: +0 (n = 3)" in text.stdout or "NPS of the kept rows: 0" in (
        text.stdout
    )
    bad = subprocess.run(
        [NPS_WAVE, "check", str(path), "--map", "scoreQ1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "canonical=ExportColumn" in bad.stderr


def test_a_million_rows(tmp_path):
    path = million_rows(tmp_path)
    want = million_expectation(path)
    facts = check_export(path)
    assert facts["rows_in"] == want["rows_in"] == 1_000_000
    assert facts["rows_kept"] == want["rows_kept"]
    assert facts["rejected_by_reason"] == want["rejected_by_reason"]
    assert facts["rows_kept"] + facts["rows_rejected"] == facts["rows_in"]


# ------------------------------------------------------------ property-based
ROW_KINDS = st.sampled_from(
    [
        "good",
        "blank_score",
        "text_score",
        "high",
        "preview",
        "partial",
        "repeat",
        "blank_row",
        "bad_date",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(ROW_KINDS, st.integers(0, 10)), min_size=1, max_size=60))
def test_any_mix_of_rows_adds_up(tmp_path, rows):
    header = ["Response ID", "Contact", "Status", "Finished", "Score", "Comment", "Date"]
    lines = [header]
    previous_contact = None
    for i, (kind, score) in enumerate(rows):
        contact = f"c{i}"
        cells = [f"r{i}", contact, "IP Address", "True", str(score), "x", "2026-10-01 10:00"]
        if kind == "blank_score":
            cells[4] = ""
        elif kind == "text_score":
            cells[4] = "N/A"
        elif kind == "high":
            cells[4] = "11"
        elif kind == "preview":
            cells[2] = "Survey Preview"
        elif kind == "partial":
            cells[3] = "False"
        elif kind == "repeat" and previous_contact:
            cells[1] = previous_contact
        elif kind == "blank_row":
            cells = [""] * len(header)
        elif kind == "bad_date":
            cells[6] = "soon"
        lines.append(cells)
        if kind in ("good", "repeat"):
            previous_contact = cells[1]
    path = tmp_path / f"mix{len(rows)}_{abs(hash(tuple(rows))) % 10**8}.csv"
    pd.DataFrame(lines[1:], columns=header).to_csv(path, index=False)
    facts = check_export(path, mapping={"score": "Score", "responded_at": "Date"})
    assert facts["rows_in"] == len(rows)
    assert facts["rows_kept"] + facts["rows_rejected"] == len(rows)
    assert sum(facts["rejected_by_reason"].values()) == facts["rows_rejected"]
    kinds = [k for k, _ in rows]
    by = facts["rejected_by_reason"]
    assert by.get("blank_row", 0) == kinds.count("blank_row")
    assert by.get("preview_or_test", 0) == kinds.count("preview")
    assert by.get("incomplete", 0) == kinds.count("partial")
    assert by.get("missing_score", 0) == kinds.count("blank_score")
    assert by.get("invalid_score", 0) == kinds.count("text_score")
    assert by.get("score_out_of_range", 0) == kinds.count("high")
    assert by.get("invalid_timestamp", 0) == kinds.count("bad_date")
