"""Which export column holds each canonical field (prepare.columns)."""

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import RawExport, read_export
from nps_helpers.prepare.clean import CleanOptions
from nps_helpers.prepare.columns import SYNONYMS, answer_kind, detect_columns, nps_group_column
from nps_helpers.run.cli import check_export, main


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


# --------------------------------------------------------------------- the comment column
# Answers shaped like those of public exports: Google Forms checkboxes joined by ";"
# (GeckoRobotics/gecko-sustainability components/Form.tsx), agree/disagree items and a
# "country" column after "Recommend" (carpentries/assessment surveys/dc_postsurvey_key.md),
# workshop ids like "2025-07-08-ucsb-geospatial", a Qualtrics comment "next day delivery".
SCORES = ["10", "9", "3", "7", "8", "10", "0", "6", "9", "10", "5", "8"]
DISTRACTORS = {
    "Which tools do you use?": [
        "Dashboards;Reports",
        "Reports",
        "Alerts;Dashboards;Reports",
        "Dashboards",
        "Reports;Alerts",
        "Dashboards;Reports",
        "",
        "Alerts",
        "Dashboards;Alerts",
        "Reports",
        "Dashboards;Reports;Alerts",
        "Alerts;Reports",
    ],
    "The onboarding was easy": [
        "Strongly agree",
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
        "Somewhat agree",
        "Strongly disagree",
        "Agree",
        "",
        "Somewhat disagree",
        "Strongly agree",
        "Agree",
        "Disagree",
    ],
    "Where are you based?": [
        "Germany",
        "United States",
        "France",
        "Brazil",
        "India",
        "Germany",
        "Japan",
        "South Africa",
        "Canada",
        "United Kingdom",
        "Spain",
        "Australia",
    ],
    "Which one did you attend?": [
        "2026-03-12-berlin-r",
        "2026-03-12-berlin-r",
        "2026-04-02-lyon-python",
        "2026-04-02-lyon-python",
        "2026-05-20-online-sql",
        "2026-03-12-berlin-r",
        "2026-05-20-online-sql",
        "2026-04-02-lyon-python",
        "2026-06-11-oslo-git",
        "2026-06-11-oslo-git",
        "2026-03-12-berlin-r",
        "2026-05-20-online-sql",
    ],
    "Which package do you use?": [
        "Basic plan",
        "Pro plan",
        "Enterprise plan",
        "Pro plan",
        "Pro plan",
        "Basic plan",
        "Enterprise plan",
        "Pro plan",
        "Basic plan",
        "Enterprise plan",
        "Pro plan",
        "Basic plan",
    ],
}
KINDS = {
    "Which tools do you use?": "checkbox answers",
    "The onboarding was easy": "a Likert scale",
    "Where are you based?": "country names or codes",
    "Which one did you attend?": "ids or codes",
    "Which package do you use?": "a choice list",
}
FREE = "What could we do better?"
FREE_TEXT = [
    "Faster answers from support, tickets wait for days",
    "Nothing, the rollout went smoothly",
    "The invoices are hard to read and often wrong",
    "",
    "Fewer bugs in the mobile app please",
    "Keep the account manager, she is great",
    "n/a",
    "Everything breaks after each release",
    "More training for new users on our side",
    "The price went up twice this year",
    "Reports should export to Excel",
    "next day delivery",
]
SCORE = "How likely are you to recommend Acme to a friend or colleague?"


def carpentry_like(order: list[str]) -> RawExport:
    columns = {SCORE: SCORES, FREE: FREE_TEXT, **DISTRACTORS}
    return export({name: columns[name] for name in order})


def test_answer_kind_tells_free_text_from_choices_codes_and_scales():
    for name, kind in KINDS.items():
        assert answer_kind(pd.Series(DISTRACTORS[name])) == kind, name
    assert answer_kind(pd.Series(FREE_TEXT)) == "free text"
    assert answer_kind(pd.Series(["slow", "great", "ok"])) == "short text"
    assert answer_kind(pd.Series(["", " ", None])) == "empty"
    assert answer_kind(pd.Series(["n/a", "-", "none"])) == "empty"
    shapes = {
        "numbers": ["12", "3.5", "1,234"],
        "dates": ["2026-10-01", "10/3/2026 14:11:33", "01.02.2026"],
        "e-mail addresses": ["ann@acme.example", "bo@x.example"],
        "URLs": ["https://acme.example/a", "www.acme.example"],
        "yes/no answers": ["Yes", "No", "yes", "No"],
        "ids or codes": ["R_6VfRz3g8gHFfZwl", "A0001", "BG_PHA_RRX"],
        "a Likert scale": ["5 - It's extremely important", "1 - Not important", "4"],
        "country names or codes": ["DE", "FRA", "US", "Germany"],
    }
    for kind, values in shapes.items():
        assert answer_kind(pd.Series(values)) == kind, kind
    # the same option repeated is a choice list; sentences joined by ";" stay free text
    assert answer_kind(pd.Series(["Very fast"] * 5 + ["Quite slow"])) == "a choice list"
    prose = [
        "Support is slow; the product itself is solid",
        "We only use a fraction of it, the price is too high",
        "Onboarding was painless; invoices are confusing",
        "Great partner, they listen to us",
    ]
    assert answer_kind(pd.Series(prose)) == "free text"
    checkbox_commas = ["Email, Chat", "Phone", "Chat, Phone", "Email", "Email, Phone, Chat"]
    assert answer_kind(pd.Series(checkbox_commas)) == "checkbox answers"


def test_the_free_text_after_all_the_choice_columns_is_the_comment():
    raw = carpentry_like([SCORE, *DISTRACTORS, FREE])
    picked, why = detect_columns(raw)
    assert picked["score"] == SCORE and picked["comment"] == FREE
    assert why["comment"].startswith("the open question that follows the score; passed over")
    for name, kind in KINDS.items():
        assert f"{name!r} ({kind})" in why["comment"]


@settings(max_examples=60, deadline=None)
@given(st.permutations([SCORE, FREE, *DISTRACTORS]))
def test_the_comment_is_never_a_choice_likert_country_or_id_column(order):
    picked, why = detect_columns(carpentry_like(order))
    assert picked["score"] == SCORE
    assert picked["comment"] == FREE, why["comment"]
    expected = (
        "the open question that follows the score"
        if order.index(FREE) > order.index(SCORE)
        else "its question asks for a reason or comment"
    )
    assert why["comment"].startswith(expected)


@settings(max_examples=40, deadline=None)
@given(st.permutations([SCORE, *DISTRACTORS]), st.sampled_from(sorted(DISTRACTORS)))
def test_without_free_text_there_is_no_comment(order, renamed):
    # even a choice column whose header asks for a reason is not the comment
    columns = {SCORE: SCORES, **DISTRACTORS}
    raw = export({("Any comments?" if c == renamed else c): columns[c] for c in order})
    picked, why = detect_columns(raw)
    assert picked["comment"] is None
    assert why["comment"].startswith("no free-text column was found")


def test_a_column_named_like_another_field_is_not_the_comment():
    raw = export(
        {
            "NPS": ["9", "10", "0", "7"],
            "Company": ["Acme Corp", "Globex Industries", "Initech Systems", "Umbrella Group"],
            "Job title": ["Head of Operations", "Chief Data Officer", "IT lead", "Buyer"],
            "Anything else?": ["Faster support please", "All good so far", "", "Price"],
        }
    )
    picked, why = detect_columns(raw)
    assert picked["comment"] == "Anything else?"
    assert "'Company' (its name is that of another field)" in why["comment"]


def test_qualtrics_question_order_decides_what_follows_the_score():
    raw = export(
        {
            "Q1": SCORES,
            "Q1_NPS_GROUP": ["3"] * 12,
            "Q10_TEXT": FREE_TEXT[::-1],
            "Q2_TEXT": FREE_TEXT,
            "Q4": DISTRACTORS["The onboarding was easy"],
        },
        questions={
            "Q1": SCORE,
            "Q10_TEXT": "Describe your team",
            "Q2_TEXT": "Please tell us why",
        },
    )
    picked, why = detect_columns(raw)
    assert picked["comment"] == "Q2_TEXT"
    assert why["comment"] == "the open question that follows the score"


# ------------------------------------------------------------- two recommend questions
def two_recommend(first: str, second: str) -> RawExport:
    return export(
        {
            "Q5": SCORES,
            "Q6": FREE_TEXT,
            "Q7": SCORES[::-1],
            "Q8": FREE_TEXT[::-1],
        },
        questions={
            "Q5": f"How likely are you to recommend {first} to a friend or colleague?",
            "Q6": "What is the main reason for your score?",
            "Q7": f"How likely are you to recommend {second} to a friend or colleague?",
            "Q8": "What is the main reason for your score?",
        },
    )


def test_two_recommend_questions_take_the_first_and_name_the_other():
    raw = two_recommend("the R workshop", "the Python workshop")
    picked, why = detect_columns(raw)
    assert (picked["score"], picked["comment"]) == ("Q5", "Q6")
    assert why["score"] == (
        "its question asks how likely the respondent is to recommend (the first of 2 such "
        "questions); another recommend question, 'Q7 (Python)', was not used"
    )
    # the company is named by neither: still the first
    assert detect_columns(raw, company="Acme")[0]["score"] == "Q5"


def test_two_recommend_questions_take_the_one_naming_the_company():
    raw = two_recommend("Globex", "Acme")
    picked, why = detect_columns(raw, company="Acme")
    assert (picked["score"], picked["comment"]) == ("Q7", "Q8")
    assert why["score"] == (
        "its question names Acme and asks how likely the respondent is to recommend; "
        "another recommend question, 'Q5 (Globex)', was not used"
    )
    picked, why = detect_columns(raw)
    assert picked["score"] == "Q5" and "'Q7 (Acme)', was not used" in why["score"]
    # params still win
    assert detect_columns(raw, {"score": "Q5"}, company="Acme")[0]["score"] == "Q5"


def test_one_recommend_question_keeps_its_plain_reason_with_a_company():
    raw = export({"Q1": SCORES, "Q2": FREE_TEXT}, questions={"Q1": SCORE})
    _, why = detect_columns(raw, company="Acme")
    assert why["score"] == "its question asks how likely the respondent is to recommend"


def test_check_shows_the_other_recommend_question(tmp_path, capsys):
    path = tmp_path / "forms.csv"
    frame = pd.DataFrame(
        {
            "Timestamp": [f"10/{d}/2026 10:00:00" for d in range(1, 13)],
            "How likely are you to recommend the R course?": SCORES,
            "How likely are you to recommend the Python course?": SCORES[::-1],
            "Which tools do you use?": DISTRACTORS["Which tools do you use?"],
            "Any other comments?": FREE_TEXT,
        }
    )
    frame.to_csv(path, index=False)
    facts = check_export(path)
    assert facts["score_column"] == "How likely are you to recommend the R course?"
    assert facts["comment_column"] == "Any other comments?"
    note = "another recommend question, 'How likely are you to recommend the Python course?'"
    assert note in facts["columns_found_by"]["score"]
    assert main(["check", str(path)]) == 0
    assert note in capsys.readouterr().out


def test_clean_options_take_the_company_from_params(small_params):
    assert CleanOptions().company is None
    assert CleanOptions.from_params(small_params).company == small_params.company


def test_the_finder_is_fast_on_200000_rows():
    n = 200_000
    rng = np.random.default_rng(1)
    raw = export(
        {
            "Respondent ID": [f"r{i}" for i in range(n)],
            "NPS": rng.integers(0, 11, n).astype(str).tolist(),
            **{name: np.resize(values, n).tolist() for name, values in DISTRACTORS.items()},
            "Comment": [f"comment number {i} about the support" for i in range(n)],
        }
    )
    start = time.perf_counter()
    picked, _ = detect_columns(raw)
    assert picked["comment"] == "Comment"
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "header",
    ["Completion time", "Marca temporal", "Horodateur", "Zeitstempel", "Tijdstempel"],
)
def test_response_time_of_microsoft_and_localized_google_forms(header):
    raw = RawExport(
        data=pd.DataFrame(
            {
                "input_row": [1, 2],
                header: ["2026-10-01 10:00", "2026-10-02 11:00"],
                "NPS": ["9", "3"],
            }
        ),
        source="f.csv",
    )
    picked, why = detect_columns(raw)
    assert picked["responded_at"] == header and why["responded_at"] == f"header {header!r}"
