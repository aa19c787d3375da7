"""A new wave's params file: rendered with comments, loaded back by load_params, never
written over an existing one."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from nps_helpers.errors import ParamsError
from nps_helpers.io.params_file import flow, render_params, scalar, write_params
from nps_helpers.params import load_params
from nps_helpers.prepare.proposal import Guess, Proposal


def proposal(**changes) -> Proposal:
    base = dict(
        wave_id="2027-Q1",
        company="Acme: Cloud #1",
        company_why="named in the recommend question",
        export_format="generic",
        columns={"score": "How likely...?", "comment": "Why?", "role": "Job: role"},
        columns_why={"score": "its values are 0-10 answers", "comment": "the open\nquestion"},
        extra={"plan": "Plan", "country_code": "2024"},
        extra_why={"plan": "3 values: Pro, Starter, Team"},
        role_map=(
            Guess("VP, Sales", "decision_maker", "keyword 'vp'", 4),
            Guess("yes", "user", "keyword 'x'", 1),
            Guess("", "other", "blank label", 2, False),
            Guess("Intern # 2", "other", "no guess", 1, False),
        ),
        role_source="export column 'Job: role'",
        tier_map=(
            Guess("Gold", "key", "keyword 'gold'", 3),
            Guess("null", "small", "no guess", 1, False),
        ),
        segments=("role", "plan", "country_code"),
        segment_pairs=(),
        not_segments={"Country": "20 distinct values", "Renew?": "yes/no answers"},
        field_start=dt.date(2027, 1, 4),
        field_end=dt.date(2027, 2, 1),
        field_why="the first and last response dates",
        review=("role_map: 4 labels",),
    )
    return Proposal(**{**base, **changes})


INPUTS = {"export": "data/raw/2027-Q1/export.csv", "accounts": "data/raw/2027-Q1/acc.csv"}


def test_render_loads_back_as_the_proposal(tmp_path):
    text = render_params(proposal(), INPUTS, "export.csv", "2026-Q4", "params/codebook.yaml")
    target = write_params(tmp_path / "params" / "2027-Q1.yaml", text)
    p = load_params(target)
    assert (p.wave_id, p.company, p.previous_wave) == ("2027-Q1", "Acme: Cloud #1", "2026-Q4")
    assert (p.field_start, p.field_end) == (dt.date(2027, 1, 4), dt.date(2027, 2, 1))
    assert p.inputs.export.as_posix() == INPUTS["export"] and p.inputs.invitations is None
    assert p.columns.forced() == {"score": "How likely...?", "comment": "Why?", "role": "Job: role"}
    assert p.columns.extra == {"plan": "Plan", "country_code": "2024"}
    assert p.role_map == {
        "VP, Sales": "decision_maker",
        "yes": "user",
        "": "other",
        "Intern # 2": "other",
    }
    assert p.tier_map == {"Gold": "key", "null": "small"} and p.tiers == ["small", "key", "premium"]
    assert p.segments == ["role", "plan", "country_code"] and p.segment_pairs == []
    assert p.export_format == "generic" and p.codebook.as_posix() == "params/codebook.yaml"
    lines = text.splitlines()
    review = [line for line in lines if "# review" in line]
    # company, the two field dates, four role labels, two tier labels, the segments
    assert len(review) == 10
    assert sum("# review: no guess" in line for line in lines) == 3
    assert any(
        line.startswith('  "": other') and "no guess (blank label), 2 rows" in line
        for line in lines
    )
    assert "#   Renew?: yes/no answers" in lines
    assert "# not segments either, with fewer than 2 or over 12 values: 1" in lines
    assert '  comment: "Why?"' in text and '  role: "Job: role"' in text
    assert "the open question" in text  # a comment's reason on one line


def test_render_without_accounts_roles_tiers_or_comment(tmp_path):
    bare = proposal(
        columns={"score": "Score"},
        columns_why={"score": "x", "comment": "no free-text column was found"},
        extra={},
        role_map=(),
        role_source=None,
        tier_map=(),
        segments=(),
        not_segments={},
    )
    text = render_params(bare, {"export": "data/raw/w/e.csv"})
    assert "accounts:" not in text and "codebook:" not in text and "previous_wave" not in text
    assert "  # comment: none (no free-text column was found)" in text
    raw = yaml.safe_load(text)
    assert raw["role_map"] == {} and raw["tier_map"] == {} and raw["segments"] == []
    (tmp_path / "params").mkdir()
    write_params(tmp_path / "params" / "w.yaml", text)
    p = load_params(tmp_path / "params" / "w.yaml")
    assert p.inputs.accounts is None and p.columns.forced() == {"score": "Score"}


def test_write_params_never_overwrites(tmp_path):
    target = tmp_path / "params" / "w.yaml"
    write_params(target, "a: 1\n")
    with pytest.raises(ParamsError, match="exists; it is kept"):
        write_params(target, "a: 2\n")
    assert target.read_text() == "a: 1\n"
    write_params(target, "a: 3\n", force=True)
    assert target.read_text() == "a: 3\n"


def test_flow():
    assert flow(["tier", "role"]) == "[tier, role]"
    assert flow([("tier", "role")]) == "[[tier, role]]"
    assert flow([]) == "[]"
    assert yaml.safe_load(flow(["yes", "a: b", "2024"])) == ["yes", "a: b", "2024"]


def test_scalar_plain_when_safe():
    assert scalar("Northwind Systems") == "Northwind Systems"
    assert scalar("2026-H2") == "2026-H2"
    assert scalar("yes") == '"yes"' and scalar("2026") == '"2026"' and scalar("") == '""'
    assert scalar(dt.date(2026, 10, 1)) == "2026-10-01"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_scalar_reads_back_as_the_same_text(text):
    assert yaml.safe_load(f"key: {scalar(text)}  # comment") == {"key": text}
    assert yaml.safe_load(f"{scalar(text)}: value") == {text: "value"}
    assert yaml.safe_load(f"key: {flow([text, [text, 'b']])}") == {"key": [text, [text, "b"]]}
