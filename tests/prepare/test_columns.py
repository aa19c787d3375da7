"""Which export column holds each canonical field (prepare.columns)."""

import pandas as pd
import pytest

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import RawExport, read_export
from nps_helpers.prepare.columns import SYNONYMS, detect_columns, nps_group_column


def export(columns: dict[str, list[str]], questions: dict[str, str] | None = None) -> RawExport:
    data = pd.DataFrame(columns, dtype=object)
    data.insert(0, "input_row", range(1, len(data) + 1))
    return RawExport(data=data, source="e.csv", questions=questions or {})


def test_detect_columns_params_win_and_reasons(small_project):
    raw = read_export(small_project / "data" / "raw" / "2026-H1" / "survey_export.csv")
    picked, why = detect_columns(raw)
    assert picked["score"] == "Q1" and picked["comment"] == "Q2"
    assert picked["contact_id"] == "ExternalReference" and picked["responded_at"] == "EndDate"
    assert "recommend" in why["score"]
    picked, why = detect_columns(raw, {"comment": "job_function"})
    assert picked["comment"] == "job_function" and why["comment"] == "named in params"
    with pytest.raises(ExportFormatError, match="'Nope' \\(for score\\)"):
        detect_columns(raw, {"score": "Nope"})


def test_score_by_its_values_and_the_comment_after_it():
    raw = export(
        {
            "Submission ID": ["s1", "s2", "s3"],
            "Submitted At": ["2026-10-01", "2026-10-02", "2026-10-03"],
            "Progress": ["100", "100", "100"],
            "Answer 1": ["9", "3", "10"],
            "Answer 1 group": ["promoter", "detractor", "promoter"],
            "Answer 2": ["fast and friendly", "", "the best support team"],
            "Customer ID": ["A1", "A2", "A3"],
        }
    )
    picked, why = detect_columns(raw)
    assert picked["score"] == "Answer 1" and why["score"] == "its values are 0-10 answers"
    assert picked["comment"] == "Answer 2", "the group column after the score is passed over"
    assert why["comment"] == "the open question that follows the score"
    assert (
        picked["response_id"] == "Submission ID" and why["response_id"] == "header 'Submission ID'"
    )
    assert picked["responded_at"] == "Submitted At" and picked["account_id"] == "Customer ID"
    assert picked["email"] is None and picked["role"] is None, "every field is in picked"
    assert set(picked) == {"score", "comment", *SYNONYMS}


def test_score_by_its_question_and_comment_by_its_question():
    raw = export(
        {
            "Why": ["slow", "great"],
            "Q7": ["4", "10"],
            "Q8": ["3", "5"],
        },
        questions={"Q7": "How likely are you to recommend Acme?", "Q8": "Rate us 1-5"},
    )
    picked, why = detect_columns(raw)
    assert picked["score"] == "Q7" and "recommend" in why["score"]
    assert (
        picked["comment"] == "Why" and why["comment"] == "its question asks for a reason or comment"
    )


def test_no_score_column_says_how_to_name_it():
    raw = export({"name": ["Ann", "Bo"], "text": ["hello there", "fine thanks"]})
    with pytest.raises(ExportFormatError, match="e.csv: no NPS score column found.*columns: score"):
        detect_columns(raw)


def test_synonyms_are_compared_without_case_and_punctuation():
    raw = export(
        {
            "E-Mail Address": ["a@x.example", "b@x.example", "c@x.example"],
            "NPS": ["9", "10", "0"],
            "Reason": ["fine", "fast support", "too pricey"],
            "Job Role": ["CFO", "CTO", "Dev"],
            "Is Complete": ["true", "true", "false"],
        }
    )
    picked, _ = detect_columns(raw)
    assert picked["score"] == "NPS" and picked["comment"] == "Reason"
    assert (picked["email"], picked["role"], picked["finished"]) == (
        "E-Mail Address",
        "Job Role",
        "Is Complete",
    )
    assert all(s == s.lower() and " " not in s for names in SYNONYMS.values() for s in names)


def test_nps_group_column():
    raw = export({"Q1": ["9"], "q1_nps_group": ["3"], "Q2": ["x"]})
    assert nps_group_column(raw, "Q1") == "q1_nps_group"
    assert nps_group_column(raw, "Q2") is None
