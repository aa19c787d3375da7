"""nps-wave in-process: the parser, the exit codes and the check command's facts."""

import json

import pytest

from nps_helpers.demo.company import DEMO_SEED
from nps_helpers.errors import ParamsError
from nps_helpers.run.cli import build_parser, check_export, main


def test_parser_knows_every_command():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert sorted(commands) == ["check", "demo", "demo-data", "init", "list", "pdf", "plan", "run"]
    args = parser.parse_args(["run", "params/w.yaml", "--notebooks", "nbs"])
    assert (args.params, args.notebooks, args.func.__name__) == ("params/w.yaml", "nbs", "_cmd_run")
    with pytest.raises(SystemExit):
        parser.parse_args(["check", "x.csv", "--format", "paper-forms"])


def test_main_exit_codes(project, capsys):
    params = project / "params" / "2026-H2.yaml"
    params.write_text(params.read_text() + "colour: blue\n")
    assert main(["run", str(params)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nps-wave: ") and "'colour' is not a known parameter" in err
    assert main(["pdf", "2030-H1", "--root", str(project)]) == 1
    assert "no deck; run the wave first" in capsys.readouterr().err


def test_demo_data_takes_the_demo_seed(tmp_path, capsys):
    assert main(["demo-data", "--root", str(tmp_path), "--accounts", "20"]) == 0
    manifest = json.loads((tmp_path / "data" / "raw" / "demo_manifest.json").read_text())
    assert manifest["seed"] == DEMO_SEED and manifest["n_accounts"] == 20
    assert "synthetic" in capsys.readouterr().out


def test_check_export(small_project):
    raw = small_project / "data" / "raw" / "2026-H2"
    facts = check_export(raw / "survey_export.csv", accounts=raw / "accounts.csv")
    assert (facts["format"], facts["score_column"], facts["comment_column"]) == (
        "qualtrics",
        "Q1",
        "Q2",
    )
    assert facts["rows_kept"] + facts["rows_rejected"] == facts["rows_in"]
    assert facts["n"] == facts["rows_kept"]
    assert facts["columns_found_by"]["comment"] == "the open question that follows the score"
    named = check_export(raw / "survey_export.csv", mapping={"comment": "Q2"})
    assert named["comment_column"] == "Q2"
    assert named["columns_found_by"]["comment"] == "named in params"
    with pytest.raises(ParamsError, match=r"unknown field\(s\) scor"):
        check_export(raw / "survey_export.csv", mapping={"scor": "Q1"})
