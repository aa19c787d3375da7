"""nps-wave in-process: the parser, the exit codes and the check command's facts."""

import errno
import json
import time
import zipfile
from pathlib import Path

import pytest
import yaml

from nps_helpers.demo.company import DEMO_SEED
from nps_helpers.errors import ParamsError
from nps_helpers.run.cli import EXIT_CODES, build_parser, check_export, main


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


# ------------------------------------------- issue 23: every failure is one paragraph
def one_paragraph(capsys, *named: object) -> str:
    """stderr of the last command: one paragraph starting ``nps-wave:``, no traceback,
    naming each of ``named``."""
    err = capsys.readouterr().err
    assert err.startswith("nps-wave: ") and err.endswith("\n")
    assert "Traceback" not in err and "\n\n" not in err.strip()
    for thing in named:
        assert str(thing) in err, (thing, err)
    return err


def small_wave(root: Path, **changes) -> Path:
    """A project with one wave whose inputs are tiny files; ``changes`` go into params."""
    (root / "params").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "export.csv").write_text("score,comment\n9,fine\n", encoding="utf-8")
    params = {
        "wave_id": "w1",
        "company": "Acme",
        "field_start": "2026-10-01",
        "field_end": "2026-10-31",
        "inputs": {"export": "data/export.csv"},
        **changes,
    }
    path = root / "params" / "w1.yaml"
    path.write_text(yaml.safe_dump(params), encoding="utf-8")
    return path


def no_run(*args, **kwargs):
    raise AssertionError("the wave ran")


@pytest.fixture
def never_runs(monkeypatch):
    monkeypatch.setattr("nps_helpers.run.runner.run_wave", no_run)


def test_a_corrupt_xlsx_is_one_paragraph(tmp_path, capsys):
    export = tmp_path / "export.xlsx"
    export.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    assert main(["check", str(export)]) == 2
    assert "not a readable Excel workbook" in one_paragraph(capsys, export)


def test_a_zip_bomb_is_refused_by_check_within_a_second(tmp_path, capsys):
    bomb = tmp_path / "export.xlsx"  # 0.5 MB, its sheet inflating to 150 MB
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    archive = zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with archive, archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
        for _ in range(150 * 1024 * 1024 // len(row)):
            sheet.write(row)
    started = time.perf_counter()
    assert main(["check", str(bomb)]) == 2
    assert time.perf_counter() - started < 1.5
    assert "compressed" in one_paragraph(capsys, bomb, "export the survey as CSV")


def test_dev_zero_as_accounts_is_refused_unread(tmp_path, capsys, never_runs):
    export = small_wave(tmp_path).parent.parent / "data" / "export.csv"
    assert main(["check", str(export), "--accounts", "/dev/zero"]) == 2
    one_paragraph(capsys, "/dev/zero: not a regular file (a device)")
    path = small_wave(
        tmp_path,
        inputs={"export": "data/export.csv", "accounts": "/dev/zero"},
        allow_paths_outside=["/dev"],
    )
    assert main(["run", str(path)]) == 2
    one_paragraph(capsys, path, "/dev/zero (inputs.accounts): not a regular file")


def test_a_utf16_params_file_is_one_paragraph(tmp_path, capsys, never_runs):
    path = small_wave(tmp_path)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert main(["run", str(path)]) == 2
    one_paragraph(capsys, path, "UTF-16 text; save it again as UTF-8")


def test_deeply_nested_yaml_is_one_paragraph(tmp_path, capsys, never_runs):
    path = small_wave(tmp_path)
    path.write_text("wave_id: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    one_paragraph(capsys, path, "deeper than 20 levels")


def test_a_300_character_wave_id_is_one_paragraph(tmp_path, capsys, never_runs):
    path = small_wave(tmp_path, wave_id="W" * 300)
    assert main(["run", str(path)]) == 2
    err = one_paragraph(capsys, path, "key 'wave_id': String should have at most 64 characters")
    assert "W" * 61 not in err


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("followup_seed", -1, "key 'followup_seed': Input should be greater than or equal to 0"),
        ("field_grace_days", 1e9, "key 'field_grace_days': Input should be less than or equal"),
    ],
)
def test_out_of_range_numbers_fail_at_load_before_any_data(
    tmp_path, capsys, never_runs, key, value, says
):
    path = small_wave(tmp_path, **{key: value})
    assert main(["run", str(path)]) == 2
    one_paragraph(capsys, path, says, "Fix the params file and run again.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "params"]


def test_a_duplicate_wave_id_is_refused_before_the_run(tmp_path, capsys, never_runs):
    first = small_wave(tmp_path)
    second = tmp_path / "params" / "w1-again.yaml"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["run", str(second)]) == 2
    one_paragraph(capsys, first.resolve(), second.resolve(), "both have wave_id w1")


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"outputs": {"reports_dir": "/tmp/elsewhere"}}, "outputs.reports_dir points to"),
        ({"inputs": {"export": "../export.csv"}}, "inputs.export points to"),
        ({"logo": "/etc/passwd"}, "/etc/passwd (logo): not a PNG, JPEG or SVG"),
        ({"columns": {"extra": {"email": "E-mail"}}}, "email would shadow"),
    ],
)
def test_params_foot_guns_are_refused_before_the_run(tmp_path, capsys, never_runs, changes, says):
    (tmp_path / "export.csv").write_text("score\n9\n")
    path = small_wave(tmp_path / "project", **changes)
    assert main(["run", str(path)]) == 2
    one_paragraph(capsys, path, says)


def fake_run_writing_the_deck(params_path, notebooks_dir=None):
    """What the runner does last: write the deck (through io.files, atomically)."""
    from nps_helpers.io.files import write_text
    from nps_helpers.params import load_params

    params = load_params(params_path)
    return write_text(params.reports_dir / "deck.html", "<html></html>")


def test_a_read_only_reports_folder_is_one_paragraph(tmp_path, capsys, monkeypatch):
    path = small_wave(tmp_path)
    reports = tmp_path / "reports" / "w1"

    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(dir))

    monkeypatch.setattr("nps_helpers.run.runner.run_wave", fake_run_writing_the_deck)
    monkeypatch.setattr("nps_helpers.io.files.tempfile.mkstemp", read_only)
    assert main(["run", str(path)]) == EXIT_CODES["files"] == 3
    one_paragraph(capsys, f"the file system is read-only, {reports}", "writable folder")
    monkeypatch.setattr(
        "nps_helpers.io.files.tempfile.mkstemp",
        lambda *a, dir=None, **k: (_ for _ in ()).throw(PermissionError(13, "denied", str(dir))),
    )
    assert main(["run", str(path)]) == 3
    one_paragraph(capsys, f"permission denied, {reports}; make it writable")


def test_a_full_disk_at_render_is_one_paragraph(tmp_path, capsys, monkeypatch):
    path = small_wave(tmp_path)

    def disk_full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr("nps_helpers.run.runner.run_wave", fake_run_writing_the_deck)
    monkeypatch.setattr(Path, "write_text", disk_full)
    assert main(["run", str(path)]) == 3
    err = one_paragraph(capsys, "the disk is full, ", "free space on that disk")
    assert "deck.html.tmp" in err or "deck.html" in err
    assert not list((tmp_path / "reports" / "w1").glob("*")), "no partial file is left"


@pytest.mark.parametrize(
    ("error", "code", "says"),
    [
        (zipfile.BadZipFile("File is not a zip file"), 4, "an Excel workbook is damaged"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 4, "save it as UTF-8"),
        (yaml.YAMLError("mapping values are not allowed here"), 4, "a YAML file cannot be read"),
        (MemoryError(), 5, "out of memory while working on"),
        (KeyError("tier"), 70, "unexpected KeyError: 'tier', while working on"),
        (KeyboardInterrupt(), 130, "interrupted while working on"),
    ],
)
def test_any_exception_is_one_paragraph_with_its_exit_code(
    tmp_path, capsys, monkeypatch, error, code, says
):
    path = small_wave(tmp_path)

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr("nps_helpers.run.runner.run_wave", fails)
    assert main(["run", str(path)]) == code
    one_paragraph(capsys, says, path)


def test_debug_shows_the_traceback(tmp_path, capsys, monkeypatch):
    path = small_wave(tmp_path)

    def fails(*args, **kwargs):
        raise KeyError("tier")

    monkeypatch.setattr("nps_helpers.run.runner.run_wave", fails)
    assert main(["run", str(path), "--debug"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("nps-wave: unexpected")
    assert main(["--debug", "run", str(path)]) == 70
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv("NPS_WAVE_DEBUG", "1")
    assert main(["run", str(path)]) == 70
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv("NPS_WAVE_DEBUG", "0")
    assert main(["run", str(path)]) == 70
    assert "Traceback" not in capsys.readouterr().err


def test_check_takes_the_input_size_limit(tmp_path, capsys):
    export = tmp_path / "scores.csv"
    export.write_text(
        "id,How likely are you to recommend us?,Why\n"
        + "".join(f"{i},{i % 11},reason number {i} " + "x" * 20 + "\n" for i in range(200))
    )
    assert main(["check", str(export), "--max-input-mb", "0.001"]) != 0
    err = capsys.readouterr().err
    assert "scores.csv" in err and "Traceback" not in err
    assert main(["check", str(export), "--max-input-mb", "1"]) == 0
