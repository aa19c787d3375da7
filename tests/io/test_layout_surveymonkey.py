"""The SurveyMonkey layout on its fixtures: the current export and the older one."""

from pathlib import Path

from nps_helpers.io.exports import detect_format, read_export, surveymonkey
from nps_helpers.io.exports.base import read_grid

DATA = Path(__file__).resolve().parents[1] / "data" / "exports"
MINE = sorted(DATA.glob("surveymonkey*"))
OTHERS = [p for p in DATA.iterdir() if p not in MINE and p.suffix != ".md"]
RECOMMEND = "How likely are you to recommend Brightline to a colleague?"


def test_current_export_names_option_columns():
    raw = read_export(DATA / "surveymonkey.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("surveymonkey", 2, 13)
    assert raw.columns[-3:] == [
        "Which features do you use? - Reports",
        "Which features do you use? - Alerts",
        "Which features do you use? - Other (please specify)",
    ]
    assert raw.questions["Which features do you use? - Alerts"] == "Which features do you use?"
    assert raw.data["Respondent ID"].iloc[0] == "11402260000", "input_row 1 is a response"
    assert raw.data[RECOMMEND].iloc[0] == "10"


def test_older_export_with_response_under_every_question():
    raw = read_export(DATA / "surveymonkey_old.csv")
    assert (raw.format, raw.header_rows, len(raw.data)) == ("surveymonkey", 2, 12)
    assert raw.columns[:2] == ["RespondentID", "CollectorID"]
    assert RECOMMEND in raw.columns and "Response" not in raw.data[RECOMMEND].tolist()
    assert raw.questions["The onboarding was easy."] == "The onboarding was easy."


def test_other_fixtures_are_not_surveymonkey():
    assert OTHERS
    for path in OTHERS:
        g, _, _ = read_grid(path, None, None, None)
        assert not surveymonkey.detect(g), path.name
        assert detect_format(g) != "surveymonkey", path.name
