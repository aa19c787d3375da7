"""A wave's processed folder: written by prepare, read by the report (io.processed)."""

import json

import numpy as np
import pandas as pd
import pytest

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.io import crm, exports, history, processed
from nps_helpers.params import load_params
from nps_helpers.prepare import clean
from nps_helpers.prepare.invitations import report_invitations


def crm_frames(p):
    """The wave's account master and its invitation list as the report cuts it."""
    accounts = crm.read_accounts(p.path(p.inputs.accounts))
    invitations = report_invitations(
        p, crm.read_invitations(p.path(p.inputs.invitations)), accounts
    )
    return accounts, invitations


def test_wave_dir(project):
    p = load_params(project / "params" / "2026-H2.yaml")
    assert processed.wave_dir(p) == project / "data" / "processed" / "2026-H2" == p.processed_dir
    assert processed.wave_dir(p, "2026-H1") == project / "data" / "processed" / "2026-H1"


def test_write_and_read_wave(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    paths = processed.write_wave(
        p, cleaned.responses, cleaned.rejected, {"rows_in": 1, "x": p.field_start}
    )
    assert {k: v.name for k, v in paths.items()} == {
        "responses": "responses.parquet",
        "rejected": "rejected.csv",
        "quality": "quality.json",
    }
    back = processed.read_responses(p)
    pd.testing.assert_frame_equal(back, cleaned.responses, check_categorical=False)
    assert processed.read_quality(p)["x"] == str(p.field_start)
    assert processed.has_wave(p, "2026-H2") and not processed.has_wave(p, "2026-H1")
    assert not list(p.processed_dir.glob(".*tmp")), "no temporary files left behind"
    with pytest.raises(NpsWorkbookError, match="2026-H1"):
        processed.read_responses(p, "2026-H1")
    rejected = pd.read_csv(paths["rejected"], dtype=str, keep_default_na=False)
    assert len(rejected) == len(cleaned.rejected)
    assert rejected["reason"].tolist() == cleaned.rejected["reason"].astype(str).tolist()


def test_failed_write_keeps_last_good_file(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    processed.write_wave(p, cleaned.responses, cleaned.rejected, {"good": True})

    class Boom:
        def __str__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        processed.write_wave(p, cleaned.responses, cleaned.rejected, {"bad": Boom()})
    assert json.loads((p.processed_dir / "quality.json").read_text())["good"] is True
    assert not list(p.processed_dir.glob(".*tmp"))


def test_write_wave_keeps_and_removes_the_crm_copies(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    accounts, invitations = crm_frames(p)
    paths = processed.write_wave(
        p, cleaned.responses, cleaned.rejected, cleaned.quality, accounts, invitations
    )
    assert (
        paths["accounts"]
        == p.processed_dir / processed.ACCOUNTS
        == p.processed_dir / ("accounts.parquet")
    )
    assert paths["invitations"] == p.processed_dir / "invitations.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(paths["accounts"]), accounts)
    pd.testing.assert_frame_equal(pd.read_parquet(paths["invitations"]), invitations)
    # a rerun without an invitation list removes the earlier copy, not the accounts
    again = processed.write_wave(
        p, cleaned.responses, cleaned.rejected, cleaned.quality, accounts=accounts
    )
    assert "invitations" not in again and not (p.processed_dir / "invitations.parquet").exists()
    assert again["accounts"].is_file()
    processed.write_wave(p, cleaned.responses, cleaned.rejected, cleaned.quality)
    assert not (p.processed_dir / "accounts.parquet").exists()
    assert not list(p.processed_dir.glob(".*tmp"))


def test_load_wave(project):
    for wave in ("2026-H1", "2026-H2"):
        p = load_params(project / "params" / f"{wave}.yaml")
        raw = exports.read_export(p.path(p.inputs.export))
        accounts, invitations = crm_frames(p)
        res = clean.clean_responses(raw, accounts, p)
        processed.write_wave(p, res.responses, res.rejected, res.quality, accounts, invitations)
        history.write_wave(res.responses, p.history_dir, wave, p.field_start, p.field_end)
    data = processed.load_wave(p)
    assert data.previous_wave == "2026-H1"
    assert len(data.previous) == len(processed.read_responses(p, "2026-H1"))
    assert list(data.history["wave_id"].cat.categories) == ["2026-H1", "2026-H2"]
    # the wave itself comes from its processed responses, as the stored history has it
    pd.testing.assert_frame_equal(data.history, history.read_history(p.history_dir, upto=wave))
    first = processed.load_wave(load_params(project / "params" / "2026-H1.yaml"))
    assert first.previous is None
    pd.testing.assert_frame_equal(
        first.history, history.read_history(p.history_dir, upto="2026-H1")
    )
    assert list(data.invitations["tier"].cat.categories) == ["small", "key", "premium"]
    # the CRM frames come back as the wave stored them, not from the raw files
    pd.testing.assert_frame_equal(data.accounts, accounts)
    pd.testing.assert_frame_equal(data.invitations, invitations)
    pd.testing.assert_frame_equal(data.responses, processed.read_responses(p))
    assert data.quality == processed.read_quality(p)


def test_load_wave_without_crm_copies_or_history(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    processed.write_wave(p, cleaned.responses, cleaned.rejected, {"kept": 1})
    (project / "data" / "raw" / "2026-H2" / "accounts.csv").unlink()  # never read again
    data = processed.load_wave(p)
    assert data.accounts is None and data.invitations is None
    assert data.previous is None and data.previous_wave is None, "no history stored"
    assert set(data.history["wave_id"]) == {"2026-H2"} and len(data.history) == len(
        cleaned.responses
    )
    assert data.quality == {"kept": 1}


def test_personal_names():
    data = processed.WaveData(
        responses=pd.DataFrame(),
        quality={},
        history=pd.DataFrame(),
        previous=None,
        previous_wave=None,
        accounts=pd.DataFrame(
            {"owner": ["Olga", "Olga", None], "account_name": ["Acme", "Bolt", "Cyan"]}
        ),
        invitations=pd.DataFrame({"first_name": ["Ann", "Bo"], "last_name": ["Lee", np.nan]}),
    )
    assert data.personal_names() == ["Ann", "Bo", "Lee", "Olga", "Acme", "Bolt", "Cyan"]
    data.accounts, data.invitations = None, pd.DataFrame({"email": ["a@b.example"]})
    assert data.personal_names() == []


# ------------------------------------------------------------------------- themes
def themes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": ["2026-H2-0001", "2026-H2-0002", "2026-H2-0003"],
            "sentiment": [0.5, -0.25, 0.0],
            "tag:support": [True, False, False],
            "polarity:support": [0.75, np.nan, np.nan],
            "tag:price": [False, True, False],
            "polarity:price": [np.nan, -0.5, np.nan],
        }
    )


def test_themes_round_trip_with_the_codebook_digest(project):
    p = load_params(project / "params" / "2026-H2.yaml")
    assert processed.read_themes(p) is None, "no themes stored yet"
    path = processed.write_themes(p, themes_frame(), "digest-1")
    assert path == p.processed_dir / processed.THEMES == p.processed_dir / "themes.parquet"
    frame, digest = processed.read_themes(p)
    pd.testing.assert_frame_equal(frame, themes_frame())
    assert digest == "digest-1"
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata
    assert meta[processed.CODEBOOK_KEY] == b"digest-1"
    assert b"pandas" in meta, "pandas' own metadata is kept beside the digest"
    # another wave's themes, and a rewrite with a new codebook
    processed.write_themes(p, themes_frame().iloc[:1], "digest-0", wave_id="2026-H1")
    earlier, old = processed.read_themes(p, "2026-H1")
    assert (len(earlier), old) == (1, "digest-0")
    processed.write_themes(p, themes_frame().iloc[1:], "digest-2")
    frame, digest = processed.read_themes(p)
    assert (frame["response_id"].tolist(), digest) == (["2026-H2-0002", "2026-H2-0003"], "digest-2")
    assert not list(p.processed_dir.glob(".*tmp"))


def test_themes_without_a_digest_read_as_empty_digest(project):
    p = load_params(project / "params" / "2026-H2.yaml")
    p.processed_dir.mkdir(parents=True)
    themes_frame().to_parquet(p.processed_dir / "themes.parquet", index=False)
    frame, digest = processed.read_themes(p)
    assert digest == "" and len(frame) == 3


def test_rejected_rows_are_written_formula_safe(project, cleaned):
    p = load_params(project / "params" / "2026-H2.yaml")
    hostile = cleaned.rejected.head(2).copy()
    column = next(c for c in hostile.columns if c not in ("input_row", "reason", "reason_text"))
    hostile[column] = ['=HYPERLINK("http://x","y")', "plain"]
    path = processed.write_wave(p, cleaned.responses, hostile, {})["rejected"]
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert back[column].tolist() == ['\'=HYPERLINK("http://x","y")', "plain"]
    assert hostile[column].iloc[0].startswith("="), "the frame itself is not changed"


def test_previous_wave_null_means_no_comparison(project):
    """Issue 23: `previous_wave: null` compares with no wave; a params file that names
    none compares with the latest earlier wave; a named one with that wave."""
    for wave in ("2026-H1", "2026-H2"):
        p = load_params(project / "params" / f"{wave}.yaml")
        res = clean.clean_responses(exports.read_export(p.path(p.inputs.export)), None, p)
        processed.write_wave(p, res.responses, res.rejected, res.quality)
        history.write_wave(res.responses, p.history_dir, wave, p.field_start, p.field_end)
    path = project / "params" / "2026-H2.yaml"
    text = path.read_text()
    assert "previous_wave: 2026-H1\n" in text
    path.write_text(text.replace("previous_wave: 2026-H1\n", "previous_wave: null\n"))
    data = processed.load_wave(load_params(path))
    assert data.previous_wave is None and data.previous is None
    assert list(data.history["wave_id"].cat.categories) == ["2026-H1", "2026-H2"], "trend kept"
    path.write_text(text.replace("previous_wave: 2026-H1\n", ""))
    assert processed.load_wave(load_params(path)).previous_wave == "2026-H1", "latest earlier"
    assert processed.previous_wave_of(load_params(path), []) is None
