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


def test_init_reads_a_semicolon_latin1_export_as_told_and_keeps_both_files_of_one_name(
    tmp_path, capsys
):
    """--encoding and --delimiter are used and written into the params; an export and
    an account master both named data.csv are both copied (the second by its role)."""
    from nps_helpers.params import load_params

    (tmp_path / "survey").mkdir()
    (tmp_path / "crm").mkdir()
    export = tmp_path / "survey" / "data.csv"
    rows = ["Société;Note;Pourquoi cette note ?"]
    rows += [f"ACC-{i % 3};{i % 11};Réponse numéro {i} très détaillée" for i in range(12)]
    export.write_bytes("\n".join(rows).encode("latin-1"))
    accounts = tmp_path / "crm" / "data.csv"
    accounts.write_text(
        "account_id,account_name,tier,industry,region,arr,owner,renewal_date\n"
        + "".join(f"ACC-{i},Client {i},Key Account,Retail,EMEA,1000,Owner,\n" for i in range(3))
    )
    argv = ["init", str(export), "--wave", "w1", "--root", str(tmp_path / "p")]
    argv += ["--encoding", "latin-1", "--delimiter", ";", "--accounts", str(accounts)]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert "accounts: 12 of 12 export rows find their account" in said
    params = load_params(tmp_path / "p" / "params" / "w1.yaml")
    assert params.export_encoding == "latin-1" and params.export_delimiter == ";"
    assert params.columns.account_id == "Société" and params.columns.score == "Note"
    raw = tmp_path / "p" / "data" / "raw" / "w1"
    assert sorted(p.name for p in raw.iterdir()) == ["accounts-data.csv", "export-data.csv"]
    assert params.inputs.accounts.name == "accounts-data.csv"
    assert (raw / "export-data.csv").read_bytes() == export.read_bytes()


def test_check_says_when_there_is_no_comment_column(tmp_path, capsys):
    export = tmp_path / "scores.csv"
    export.write_text(
        "id,How likely are you to recommend us?,Plan\n"
        + "".join(f"{i},{i % 11},{'AB'[i % 2]}\n" for i in range(20))
    )
    assert main(["check", str(export)]) == 0
    out = capsys.readouterr().out
    assert "comment       <- none  (" in out and "the deck has no themes" in out
