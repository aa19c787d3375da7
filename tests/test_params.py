import os
from pathlib import Path

import pytest
import yaml

from nps_helpers.errors import ParamsError
from nps_helpers.params import WaveParams, check_project, load_params, project_root_for

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, data: dict, name: str = "w.yaml") -> Path:
    folder = tmp_path / "params"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def demo_dict() -> dict:
    return yaml.safe_load((REPO / "params" / "2026-H2.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("wave", ["2026-H1", "2026-H2"])
def test_demo_params_load(wave):
    p = load_params(REPO / "params" / f"{wave}.yaml")
    assert isinstance(p, WaveParams)
    assert p.wave_id == wave
    assert p.root == REPO
    assert p.processed_dir == REPO / "data" / "processed" / wave
    assert p.reports_dir == REPO / "reports" / wave
    assert p.path(p.inputs.export) == REPO / "data" / "raw" / wave / "survey_export.csv"
    assert p.role_map["End User"] == "user"


def test_unknown_key_names_file_and_key(tmp_path):
    data = demo_dict()
    data["min_nn"] = 3
    path = write(tmp_path, data)
    with pytest.raises(ParamsError) as err:
        load_params(path)
    assert str(path) in str(err.value)
    assert "'min_nn' is not a known parameter" in str(err.value)


def test_nested_unknown_key(tmp_path):
    data = demo_dict()
    data["columns"]["scor"] = "Q1"
    with pytest.raises(ParamsError, match=r"columns\.scor"):
        load_params(write(tmp_path, data))


def test_wrong_type_names_key_and_value(tmp_path):
    data = demo_dict()
    data["min_n"] = "five"
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, data))
    assert "min_n" in str(err.value) and "'five'" in str(err.value)


def test_missing_required_key(tmp_path):
    data = demo_dict()
    del data["company"]
    with pytest.raises(ParamsError, match="'company' is required"):
        load_params(write(tmp_path, data))


def test_bad_role_target(tmp_path):
    data = demo_dict()
    data["role_map"]["CFO"] = "boss"
    with pytest.raises(ParamsError, match=r"role_map\.CFO"):
        load_params(write(tmp_path, data))


def test_field_dates_in_order(tmp_path):
    data = demo_dict()
    data["field_end"] = "2026-09-01"
    with pytest.raises(ParamsError, match="field_end"):
        load_params(write(tmp_path, data))


def test_unknown_segment(tmp_path):
    data = demo_dict()
    data["segments"] = ["tier", "shoe_size"]
    with pytest.raises(ParamsError, match="shoe_size"):
        load_params(write(tmp_path, data))


def test_root_cannot_be_set(tmp_path):
    data = demo_dict()
    data["root"] = "/etc"
    with pytest.raises(ParamsError, match="root"):
        load_params(write(tmp_path, data))


def test_missing_and_non_mapping_files(tmp_path):
    with pytest.raises(ParamsError, match="not found"):
        load_params(tmp_path / "nope.yaml")
    bad = tmp_path / "list.yaml"
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="mapping"):
        load_params(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("wave_id: [\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not valid YAML"):
        load_params(broken)


def test_project_root(tmp_path):
    assert project_root_for(tmp_path / "params" / "x.yaml") == tmp_path.resolve()
    assert project_root_for(tmp_path / "elsewhere" / "x.yaml") == (tmp_path / "elsewhere").resolve()


def test_title_defaults(tmp_path):
    data = demo_dict()
    del data["wave_label"]
    p = load_params(write(tmp_path, data))
    assert p.title == "Northwind Systems relationship NPS 2026-H2"


def test_export_format_is_auto_or_a_registered_layout(tmp_path):
    from nps_helpers.io.exports import names

    data = demo_dict()
    for layout in ["auto", *names()]:
        data["export_format"] = layout
        assert load_params(write(tmp_path, data)).export_format == layout
    data["export_format"] = "paper-forms"
    with pytest.raises(ParamsError) as err:
        load_params(write(tmp_path, data))
    assert "export_format" in str(err.value) and "'paper-forms'" in str(err.value)
    assert "use auto or one of " + ", ".join(names()) in str(err.value)


def test_read_yaml_mapping(tmp_path):
    from nps_helpers.params import read_yaml_mapping

    good = tmp_path / "book.yaml"
    good.write_text("themes:\n  support: {kind: operational}\n", encoding="utf-8")
    assert read_yaml_mapping(good, "codebook") == {"themes": {"support": {"kind": "operational"}}}
    with pytest.raises(ParamsError, match=rf"{tmp_path / 'none.yaml'}: codebook not found"):
        read_yaml_mapping(tmp_path / "none.yaml", "codebook")


def test_codebook_path_and_window(tmp_path):
    import datetime as dt

    from nps_helpers.params import DEFAULT_CODEBOOK

    data = demo_dict()
    data.pop("codebook", None)
    data["field_grace_days"] = 3
    p = load_params(write(tmp_path, data))
    assert p.codebook_path == DEFAULT_CODEBOOK == REPO / "params" / "codebook.yaml"
    assert p.window == (p.field_start - dt.timedelta(days=3), p.field_end + dt.timedelta(days=3))
    assert p.history_dir == tmp_path.resolve() / "data" / "processed" / "history"
    data["codebook"] = "params/mine.yaml"
    assert (
        load_params(write(tmp_path, data)).codebook_path
        == tmp_path.resolve() / "params" / "mine.yaml"
    )


def test_only_the_export_is_an_input(tmp_path):
    """Issue 21: an export-only wave names no account master and no invitation list."""
    wave = {
        "wave_id": "w1",
        "company": "Northwind",
        "field_start": "2026-10-01",
        "field_end": "2026-10-31",
        "inputs": {"export": "data/export.csv"},
    }
    (tmp_path / "params").mkdir()
    path = tmp_path / "params" / "w1.yaml"
    path.write_text(yaml.safe_dump(wave))
    p = load_params(path)
    assert p.inputs.accounts is None and p.inputs.invitations is None
    del wave["inputs"]["export"]
    path.write_text(yaml.safe_dump(wave))
    with pytest.raises(ParamsError, match="key 'inputs.export' is required but missing"):
        load_params(path)


# ------------------------------------------------------- issue 23: checked before any work
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def refused(path: Path) -> str:
    with pytest.raises(ParamsError) as err:
        load_params(path)
    message = str(err.value)
    assert "Traceback" not in message and str(path) in message
    return message


def project_with(tmp_path: Path, **changes) -> Path:
    """A project whose params are the demo's with ``changes``; its inputs are files."""
    data = demo_dict()
    for name in ("survey_export.csv", "accounts.csv", "invitations.csv"):
        target = tmp_path / "data" / "raw" / "2026-H2" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("a,b\n1,2\n")
    data.update(changes)
    return write(tmp_path, data, "2026-H2.yaml")


def test_a_duplicate_wave_id_names_both_files(tmp_path):
    first = project_with(tmp_path)
    second = write(tmp_path, {**demo_dict(), "wave_label": "copy"}, "2026-H2-copy.yaml")
    write(tmp_path, {"themes": {}}, "codebook.yaml")  # no wave_id: not a wave
    with pytest.raises(ParamsError) as err:
        check_project(load_params(second), second)
    message = str(err.value)
    assert str(second.resolve()) in message and str(first.resolve()) in message
    assert "both have wave_id 2026-H2" in message and "\n" not in message
    write(tmp_path, {**demo_dict(), "wave_id": "2026-H3"}, "2026-H2-copy.yaml")
    check_project(load_params(second), second)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("inputs", {"export": "/etc/hostname"}),
        ("inputs", {"export": "../outside.csv"}),
        ("outputs", {"reports_dir": "/tmp"}),
        ("outputs", {"processed_dir": "../../elsewhere"}),
        ("logo", "../logo.png"),
        ("codebook", "/etc/passwd"),
    ],
)
def test_paths_outside_the_project_are_refused(tmp_path, key, value):
    project = tmp_path / "project"
    (tmp_path / "logo.png").write_bytes(PNG)  # an image, but not the project's
    path = project_with(project, **{key: value})
    params = load_params(path)
    with pytest.raises(ParamsError) as err:
        check_project(params, path)
    message = str(err.value)
    assert message.startswith(f"{path.resolve()}: {key}")
    assert "outside the project" in message and "allow_paths_outside" in message
    assert "\n" not in message
    allowed = project_with(project, **{key: value}, allow_paths_outside=["/etc", "/tmp", ".."])
    check_project(load_params(allowed), allowed)


def test_a_symlink_out_of_the_project_is_refused_unless_allowed(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "accounts.csv").write_text("a,b\n1,2\n")
    project = tmp_path / "project"
    path = project_with(project)
    link = project / "data" / "raw" / "2026-H2" / "accounts.csv"
    link.unlink()
    link.symlink_to(shared / "accounts.csv")
    with pytest.raises(ParamsError) as err:
        check_project(load_params(path), path)
    assert f"inputs.accounts points to {shared / 'accounts.csv'}, outside" in str(err.value)
    path = project_with(project, allow_paths_outside=[str(shared)])
    check_project(load_params(path), path)
    assert load_params(path).allow_paths_outside == [shared]


def test_dev_zero_as_accounts_is_refused_at_load(tmp_path):
    inputs = {**demo_dict()["inputs"], "accounts": "/dev/zero"}
    message = refused(project_with(tmp_path, inputs=inputs, allow_paths_outside=["/dev"]))
    assert "/dev/zero (inputs.accounts): not a regular file (a device)" in message


def test_an_input_over_max_input_mb_is_refused_at_load(tmp_path):
    path = project_with(tmp_path, max_input_mb=0.001)
    (tmp_path / "data" / "raw" / "2026-H2" / "accounts.csv").write_bytes(b"x" * 5000)
    message = refused(path)
    assert "(inputs.accounts): 0.0 MB is over the input limit" in message
    assert "max_input_mb" in message


def test_the_logo_must_be_an_image_by_its_bytes(tmp_path):
    path = project_with(tmp_path, logo="params/logo.png")
    (tmp_path / "params" / "logo.png").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    message = refused(path)
    assert "logo.png (logo): not a PNG, JPEG or SVG image by its bytes" in message
    (tmp_path / "params" / "logo.png").write_bytes(PNG)
    assert load_params(path).logo == Path("params/logo.png")
    (tmp_path / "params" / "logo.png").unlink()
    assert "logo.png (logo): file not found" in refused(path)


def test_extra_columns_cannot_shadow_canonical_ones(tmp_path):
    data = demo_dict()
    data["columns"]["extra"] = {"email": "RecipientEmail", "tier": "Tier", "product": "P"}
    message = refused(write(tmp_path, data))
    assert "email, tier would shadow the workbook's own column(s)" in message
    assert "respondent_id" in message and "renewal_date" in message


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("followup_seed", -1, "greater than or equal to 0"),
        ("followup_seed", 2**40, "less than or equal to 4294967295"),
        ("field_grace_days", 1e9, "less than or equal to 366"),
        ("field_grace_days", -1, "greater than or equal to 0"),
        ("min_n", 0, "greater than or equal to 1"),
        ("min_responses", 0, "greater than or equal to 1"),
        ("max_rejected_share", 1.5, "less than or equal to 1"),
        ("confidence", 0.9999, "less than or equal to 0.999"),
        ("confidence", 0.5, "greater than 0.5"),
        ("confidence", ".nan", "finite number"),
        ("response_rate_target", 101, "less than or equal to 100"),
        ("account_risk_threshold", -101, "greater than or equal to -100"),
        ("renewal_horizon_days", 10**6, "less than or equal to 3660"),
        ("cooldown_days", -5, "greater than or equal to 0"),
        ("interview_promoters", -1, "greater than or equal to 0"),
        ("max_input_mb", 0, "greater than 0"),
        ("wave_id", "W" * 300, "at most 64 characters"),
        ("field_start", "1900-01-01", "between 2000 and 2100"),
        ("field_end", "2999-12-31", "between 2000 and 2100"),
    ],
)
def test_every_number_in_its_range(tmp_path, key, value, says):
    data = demo_dict()
    path = write(tmp_path, data)
    text = yaml.safe_dump({**data, key: value})
    if value == ".nan":
        text = text.replace("'.nan'", ".nan")
    path.write_text(text, encoding="utf-8")
    message = refused(path)
    assert f"key '{key}'" in message and says in message
    assert len(message) < 400  # a 300-character wave_id is cut in the message


def test_a_utf16_params_file_is_one_sentence(tmp_path):
    path = write(tmp_path, demo_dict())
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    message = refused(path)
    assert message == (
        f"{path}: the params file is UTF-16 text; save it again as UTF-8 (in a text editor: "
        "Save as, encoding UTF-8)"
    )


def test_deeply_nested_yaml_is_refused_quickly(tmp_path):
    import time

    path = tmp_path / "params" / "deep.yaml"
    path.parent.mkdir()
    for text in ("a: " + "[" * 10_000 + "]" * 10_000, "a: " + "[" * 25 + "]" * 25):
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        message = refused(path)
        assert time.perf_counter() - started < 5
        assert "nests lists or mappings deeper than 20 levels" in message


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 30)]
    path = tmp_path / "params" / "bomb.yaml"
    path.parent.mkdir()
    path.write_text("\n".join(lines), encoding="utf-8")
    assert "deeper than 20 levels" in refused(path)


def test_a_params_file_over_a_megabyte_or_not_a_file_is_refused(tmp_path):
    path = write(tmp_path, demo_dict())
    path.write_text(path.read_text() + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    assert "over the limit of 1 MB" in refused(path)
    folder = tmp_path / "params" / "dir.yaml"
    folder.mkdir()
    assert "not a regular file" in refused(folder)
    fifo = tmp_path / "params" / "fifo.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(fifo)
    bad = write(tmp_path, {}, "bad.yaml")
    bad.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    message = refused(bad)
    assert "not valid YAML at line" in message and "\n" not in message
