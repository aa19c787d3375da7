import json

import pandas as pd
import pytest

from nps_helpers import store
from nps_helpers.coverage import response_rate
from nps_helpers.errors import NpsWorkbookError
from nps_helpers.params import load_params


def test_write_and_read_wave(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    paths = store.write_wave(
        p, cleaned.responses, cleaned.rejected, {"rows_in": 1, "x": p.field_start}
    )
    assert {k: v.name for k, v in paths.items()} == {
        "responses": "responses.parquet",
        "rejected": "rejected.csv",
        "quality": "quality.json",
    }
    back = store.read_responses(p)
    pd.testing.assert_frame_equal(back, cleaned.responses, check_categorical=False)
    assert store.read_quality(p)["x"] == str(p.field_start)
    assert store.has_wave(p, "2026-H2") and not store.has_wave(p, "2026-H1")
    assert not list(p.processed_dir.glob(".*tmp")), "no temporary files left behind"
    with pytest.raises(NpsWorkbookError, match="2026-H1"):
        store.read_responses(p, "2026-H1")


def test_failed_write_keeps_last_good_file(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    store.write_wave(p, cleaned.responses, cleaned.rejected, {"good": True})

    class Boom:
        def __str__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store.write_wave(p, cleaned.responses, cleaned.rejected, {"bad": Boom()})
    assert json.loads((p.processed_dir / "quality.json").read_text())["good"] is True
    assert not list(p.processed_dir.glob(".*tmp"))


def test_response_rate():
    inv = pd.DataFrame({"contact_id": ["a", "b", "c", "d"], "bounced": [False, False, True, False]})
    got = response_rate(pd.DataFrame({"respondent_id": ["a", "c", "z"]}), inv)
    assert got == dict(invited=4, bounced=1, reached=3, responded=1, rate=pytest.approx(100 / 3))
