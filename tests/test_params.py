from pathlib import Path

import pytest
import yaml

from nps_helpers.errors import ParamsError
from nps_helpers.params import WaveParams, load_params, project_root_for

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
