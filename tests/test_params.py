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
