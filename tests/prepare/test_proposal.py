"""What nps-wave init proposes, from hand-made exports: columns, role and tier guesses,
segments and field dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.io.exports import RawExport
from nps_helpers.params import CANONICAL_ROLES
from nps_helpers.prepare.proposal import (
    DEFAULT_TIERS,
    ROLE_RULES,
    company_name,
    field_dates,
    guess_label,
    propose,
    role_guesses,
    segment_columns,
    segment_name,
    tier_guesses,
)

#: 57 role labels, as a real export carried them, with the role each should get.
ROLES_57 = {
    "CEO": "decision_maker",
    "CFO": "decision_maker",
    "CTO": "decision_maker",
    "COO": "decision_maker",
    "CIO": "decision_maker",
    "Chief Marketing Officer": "decision_maker",
    "President": "decision_maker",
    "VP Sales": "decision_maker",
    "VP of Engineering": "decision_maker",
    "Vice President, Operations": "decision_maker",
    "SVP Finance": "decision_maker",
    "Director of IT": "decision_maker",
    "IT Director": "decision_maker",
    "Managing Director": "decision_maker",
    "Head of Procurement": "decision_maker",
    "Head of Customer Success": "decision_maker",
    "Owner": "decision_maker",
    "Founder": "decision_maker",
    "Co-founder": "decision_maker",
    "Buyer": "decision_maker",
    "Procurement": "decision_maker",
    "Purchasing Manager": "decision_maker",
    "Executive Sponsor": "decision_maker",
    "Decision Maker": "decision_maker",
    "General Manager": "decision_maker",
    "Geschäftsführer": "decision_maker",
    "Directeur Général": "decision_maker",
    "Director de Compras": "decision_maker",
    "Leiter Einkauf": "decision_maker",
    "Manager": "influencer",
    "Project Manager": "influencer",
    "Product Owner": "influencer",
    "Team Lead": "influencer",
    "Tech Lead": "influencer",
    "Solution Architect": "influencer",
    "Consultant": "influencer",
    "Supervisor": "influencer",
    "Influencer": "influencer",
    "Chef de projet": "influencer",
    "Jefe de equipo": "influencer",
    "End User": "user",
    "Power User": "user",
    "User": "user",
    "Analyst": "user",
    "Data Analyst": "user",
    "Engineer": "user",
    "Software Engineer": "user",
    "Developer": "user",
    "Admin": "user",
    "System Administrator": "user",
    "Operator": "user",
    "Support Agent": "user",
    "Utilisateur": "user",
    "Usuario": "user",
    "Mitarbeiter": "user",
    "Intern": "other",
    "Other / prefer not to say": "other",
}


def raw_export(frame: pd.DataFrame, questions: dict[str, str] | None = None) -> RawExport:
    data = frame.astype(str).assign(input_row=range(2, len(frame) + 2))
    return RawExport(data=data, source=Path("export.csv"), questions=questions or {})


def test_57_role_labels_each_get_their_guess():
    assert len(ROLES_57) == 57
    labels = pd.Series([label for label in ROLES_57 for _ in range(2)])
    guesses = {g.label: g for g in role_guesses(labels)}
    assert {label: g.value for label, g in guesses.items()} == ROLES_57
    assert guesses["Intern"].guessed is False and guesses["Intern"].why == "no guess"
    assert guesses["CEO"].why == "keyword 'ceo'" and guesses["CEO"].rows == 2
    assert guesses["Geschäftsführer"].why == "keyword 'geschaftsfuhrer'"


def test_role_guesses_leave_out_role_names_and_map_blanks_to_other():
    guesses = role_guesses(pd.Series(["user", "decision_maker", "", " ", "VP", "VP"]))
    assert [(g.label, g.value, g.rows, g.guessed) for g in guesses] == [
        ("", "other", 2, False),
        ("VP", "decision_maker", 2, True),
    ]


def test_guess_label_takes_whole_words_and_the_first_rule():
    assert guess_label("Product Owner", ROLE_RULES) == ("influencer", "product owner")
    assert guess_label("Owner", ROLE_RULES) == ("decision_maker", "owner")
    assert guess_label("Engineering Manager", ROLE_RULES) == ("influencer", "manager")
    assert guess_label("Useful person", ROLE_RULES) is None  # "user" is not a whole word
    assert guess_label("head_of_sales", ROLE_RULES) == ("decision_maker", "head of")


def test_tier_guesses():
    labels = pd.Series(
        ["Enterprise", "Strategic Account", "Gold", "SMB", "Standard", "Key Account"]
        + ["Premium Partner", "key", "Mystery", "Platinum", "Small Business", ""]
    )
    got = {g.label: (g.value, g.guessed) for g in tier_guesses(labels)}
    assert got == {
        "Enterprise": ("premium", True),
        "Strategic Account": ("key", True),
        "Gold": ("key", True),
        "SMB": ("small", True),
        "Standard": ("small", True),
        "Key Account": ("key", True),
        "Premium Partner": ("premium", True),
        "Mystery": ("small", False),
        "Platinum": ("premium", True),
        "Small Business": ("small", True),
        "": ("small", False),
    }  # "key" is a tier already: it maps to itself
    two = tier_guesses(pd.Series(["Enterprise", "SMB", "Gold"]), ("small", "key"))
    assert {g.label: g.value for g in two} == {"Enterprise": "small", "SMB": "small", "Gold": "key"}
    assert [g.guessed for g in two] == [False, True, True]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=30))
def test_every_label_seen_is_mapped_to_an_allowed_value(labels):
    series = pd.Series(labels, dtype=object)
    seen = set(series.astype(str).str.strip())
    for guesses, allowed in (
        (role_guesses(series), CANONICAL_ROLES),
        (tier_guesses(series), DEFAULT_TIERS),
    ):
        mapped = {g.label: g.value for g in guesses}
        assert seen == set(mapped) | (seen & set(allowed))
        assert set(mapped.values()) <= set(allowed)
        assert sum(g.rows for g in guesses) == sum(
            (series.astype(str).str.strip() == label).sum() for label in mapped
        )


def test_segment_name():
    assert segment_name("Job Function") == "job_function"
    assert segment_name("AccountState") == "account_state"
    assert segment_name("Région") == "region"
    assert segment_name("2024 plan") == "c_2024_plan"


@pytest.mark.parametrize(
    "question, name",
    [
        ("Which plan is your company on?", "plan"),
        ("What is your company size?", "company_size"),
        ("How many employees does your company have?", "employees"),
        ("In which country are you based?", "country"),
        ("Please select the product you use most", "product"),
        ("What is your role?", "role"),
    ],
)
def test_segment_name_of_a_question_is_its_subject(question, name):
    assert segment_name(question) == name


def test_account_column_is_found_by_its_values():
    from nps_helpers.prepare.proposal import account_column

    accounts = pd.DataFrame({"account_id": ["ACC-1", "ACC-2"], "account_name": ["Acme", "Globex"]})
    data = pd.DataFrame(
        {
            "Custom Data 1": ["ACC-1", "ACC-2", "ACC-9", ""],
            "Org": ["acme", "x", "y", "z"],
            "Other": ["", "", "", ""],
        }
    )
    column, why = account_column(data, accounts, skip=set())
    assert column == "Custom Data 1" and "67%" in why and "ids" in why
    assert account_column(data, accounts, skip={"Custom Data 1"}) is None  # Org: 1 of 4
    named = pd.DataFrame({"Company": ["ACME", "Globex", "Acme"]})
    assert account_column(named, accounts, skip=set())[1].endswith("account names")


def test_segment_columns_are_category_columns_with_2_to_12_values():
    n = 40
    frame = pd.DataFrame(
        {
            "Plan": (["Starter", "Pro", "Enterprise"] * n)[:n],
            "Country": [f"C{i % 20}land" for i in range(n)],
            "Satisfaction": (["Very satisfied", "Satisfied", "Dissatisfied"] * n)[:n],
            "Renew?": (["Yes", "No"] * n)[:n],
            "Score": [str(i % 11) for i in range(n)],
            "Team": (["A1", "B2", "C3"] * n)[:n],
            "Single": ["same"] * n,
            "Progress": (["100", "50"] * n)[:n],
            "Role": (["x", "y"] * n)[:n],
            "Tier": (["Gold", "Silver"] * n)[:n],
        }
    )
    extra, why, why_not = segment_columns(frame, skip={"Role"}, reserved={"tier"})
    assert extra == {"plan": "Plan", "tier_export": "Tier"}
    assert why["plan"] == "3 values: Enterprise, Pro, Starter"
    assert why_not == {
        "Country": "20 distinct values",
        "Satisfaction": "a Likert scale",
        "Renew?": "yes/no answers",
        "Score": "numbers",
        "Team": "ids or codes",
        "Single": "1 distinct value",
        "Progress": "the survey tool's own column",
    }


def test_field_dates():
    when = pd.Series(pd.to_datetime(["2026-10-03 10:00", None, "2026-10-28 23:59"]))
    assert field_dates(when, dt.date(2030, 1, 1)) == (
        dt.date(2026, 10, 3),
        dt.date(2026, 10, 28),
        "the first and last response dates",
    )
    start, end, why = field_dates(pd.Series([pd.NaT]), dt.date(2028, 2, 14))
    assert (start, end) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29)) and "today's month" in why


def test_company_name():
    q = {"Q1": "How likely are you to recommend Acme Cloud to a friend or colleague?"}
    raw = raw_export(pd.DataFrame({"Q1": ["9"]}), q)
    assert company_name(raw, "Q1") == "Acme Cloud"
    us = raw_export(pd.DataFrame({"Q1": ["9"]}), {"Q1": "Would you recommend us to a friend?"})
    assert company_name(us, "Q1") is None
    assert company_name(raw, None) is None


@pytest.fixture
def export() -> RawExport:
    n = 30
    frame = pd.DataFrame(
        {
            "Response ID": [f"R{i}" for i in range(n)],
            "Submitted At": [f"2026-03-{1 + i % 20:02d} 10:00" for i in range(n)],
            "How likely are you to recommend Acme to a colleague?": [str(i % 11) for i in range(n)],
            "Why?": [f"reason number {i} is that the product works well" for i in range(n)],
            "Job title": (["CEO", "Engineer", "Team Lead", "Intern"] * n)[:n],
            "Plan": (["Starter", "Pro", "Enterprise"] * n)[:n],
            "Account ID": [f"A{i % 7}" for i in range(n)],
        }
    )
    return raw_export(frame)


def test_propose_from_an_export_alone(export):
    p = propose(export, wave_id="2026-Q1", today=dt.date(2026, 5, 5))
    assert p.columns["score"] == "How likely are you to recommend Acme to a colleague?"
    assert p.columns["comment"] == "Why?" and p.columns["account_id"] == "Account ID"
    assert p.columns["responded_at"] == "Submitted At"
    assert (p.company, p.company_why) == ("Acme", "named in the recommend question")
    assert (p.field_start, p.field_end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 20))
    # "Job title" is not a role header: its 4 labels are a segment, and there are no roles
    assert p.role_map == () and p.role_source is None
    assert p.extra == {"job_title": "Job title", "plan": "Plan"}
    assert p.segments == ("job_title", "plan") and p.segment_pairs == ()
    assert any("no role column" in r for r in p.review)
    assert p.tier_map == ()


def test_propose_with_accounts_and_invitations(export):
    frame = export.data.rename(columns={"Job title": "Role"})
    raw = RawExport(data=frame, source=export.source)
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(7)],
            "tier": ["SMB", "SMB", "Gold", "Enterprise", "Gold", "SMB", "Odd"],
            "industry": ["SaaS", "Retail"] * 3 + ["SaaS"],
            "region": [f"R{i}" for i in range(7)],
            "plan": ["x"] * 7,
        }
    )
    invitations = pd.DataFrame(
        {"contact_id": ["c1", "c2"], "account_id": ["A1", "A2"], "role": ["CEO", "Buyer"]}
    )
    p = propose(raw, accounts, invitations, "2026-Q1", company="Acme Corp")
    assert p.company_why == "given with --company" and p.company == "Acme Corp"
    assert p.role_source == "export column 'Role' and the invitation list's role column"
    assert {g.label: (g.value, g.rows) for g in p.role_map} == {
        "CEO": ("decision_maker", 9),  # 8 in the export, 1 in the invitation list
        "Engineer": ("user", 8),
        "Team Lead": ("influencer", 7),
        "Intern": ("other", 7),
        "Buyer": ("decision_maker", 1),
    }
    assert {g.label: (g.value, g.rows) for g in p.tier_map} == {
        "SMB": ("small", 3),
        "Gold": ("key", 2),
        "Enterprise": ("premium", 1),
        "Odd": ("small", 1),
    }
    # "plan" is an account master column, so the export's Plan is a segment of its own name
    assert p.extra == {"plan_export": "Plan"}
    assert p.segments == ("tier", "role", "industry", "region", "plan_export")
    assert p.segment_pairs == (("tier", "role"),)


def test_propose_roles_from_the_invitation_list_and_dates_without_previews():
    frame = pd.DataFrame(
        {
            "ResponseId": ["R1", "R2", "R3"],
            "Status": ["Survey Preview", "IP Address", "IP Address"],
            "EndDate": ["2026-01-02", "2026-02-03", "2026-02-20"],
            "Recommend": ["9", "3", "10"],
            "ExternalReference": ["c1", "c2", "c3"],
        }
    )
    invitations = pd.DataFrame(
        {"contact_id": ["c1", "c2"], "account_id": ["A", "B"], "role": ["CFO", "Analyst"]}
    )
    p = propose(raw_export(frame), None, invitations, "w")
    assert p.role_source == "the invitation list's role column"
    assert {g.label: g.value for g in p.role_map} == {"CFO": "decision_maker", "Analyst": "user"}
    assert (p.field_start, p.field_end) == (dt.date(2026, 2, 3), dt.date(2026, 2, 20))
    assert p.company == "Our company" and "comment" not in p.columns
    assert p.columns_why["comment"].startswith("no free-text column")
