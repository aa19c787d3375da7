"""nps_helpers.wave: what the notebooks call, on a small demo project prepared without
Papermill (read, clean, store; themes where a test asks for them)."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd
import pytest
import yaml

from nps_helpers import wave
from nps_helpers.errors import ExportFormatError
from nps_helpers.followup import FollowupLists
from nps_helpers.io import history, processed
from nps_helpers.io.followup_files import owner_files
from nps_helpers.params import WaveParams, load_params
from nps_helpers.prepare import clean
from nps_helpers.prepare.invitations import map_tiers, report_invitations
from nps_helpers.text.codebook import codebook_key, load_codebook
from nps_helpers.text.themes import ThemedComments, analyse

WAVES = ("2026-H1", "2026-H2")


def prepare(params: WaveParams) -> pd.DataFrame:
    """What prepare_wave does up to the themes: read, clean, store. The kept responses."""
    raw, accounts, invitations = wave.read_inputs(params)
    result = clean.clean_responses(raw, accounts, params, invitations)
    wave.store_wave(
        params, result.responses, result.rejected, result.quality, accounts, invitations
    )
    return result.responses


@pytest.fixture
def waves(project) -> dict[str, tuple[WaveParams, pd.DataFrame]]:
    """Both demo waves prepared (not themed): wave id -> (params, kept responses)."""
    out = {}
    for wave_id in WAVES:
        params = load_params(project / "params" / f"{wave_id}.yaml")
        out[wave_id] = params, prepare(params)
    return out


def fresh(responses: pd.DataFrame, params: WaveParams) -> ThemedComments:
    """A fresh analysis of ``responses``, as the wave is themed."""
    book = load_codebook(params.codebook_path)
    return analyse(responses["comment"], book, responses["industry"], responses["score"])


def assert_same_themes(got: ThemedComments, want: ThemedComments) -> None:
    pd.testing.assert_frame_equal(got.tags, want.tags)
    pd.testing.assert_frame_equal(got.polarity, want.polarity)
    pd.testing.assert_series_equal(got.sentiment, want.sentiment, check_names=False)
    assert list(got.codebook) == list(want.codebook)


@pytest.fixture
def no_theming(monkeypatch):
    """Theming now fails the test: what is asked for must come from themes.parquet."""

    def refuse(*args, **kwargs):
        raise AssertionError("themed again instead of reading themes.parquet")

    monkeypatch.setattr(wave, "analyse", refuse)


def counting_analyse(monkeypatch) -> list[int]:
    """Count the comments wave themes from here on (each call's length)."""
    calls: list[int] = []

    def counted(comments, *args, **kwargs):
        calls.append(len(comments))
        return analyse(comments, *args, **kwargs)

    monkeypatch.setattr(wave, "analyse", counted)
    return calls


# ------------------------------------------------------------------------ inputs
def test_read_inputs_gives_the_export_and_the_crm_files(project):
    params = load_params(project / "params" / "2026-H2.yaml")
    raw, accounts, invitations = wave.read_inputs(params)
    folder = project / "data" / "raw" / "2026-H2"
    assert (raw.format, raw.header_rows, raw.encoding, raw.delimiter) == (
        "qualtrics",
        3,
        "utf-8-sig",
        ",",
    )
    lines = (folder / "survey_export.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(raw.data) == len(lines) - 3, "every line after the three header rows"
    assert (
        accounts["account_id"].tolist()
        == pd.read_csv(folder / "accounts.csv")["account_id"].tolist()
    )
    assert len(invitations) == len(pd.read_csv(folder / "invitations.csv"))
    without = params.model_copy(
        update={"inputs": params.inputs.model_copy(update={"invitations": None})}
    )
    assert wave.read_inputs(without)[2] is None
    export_only = params.model_copy(
        update={"inputs": params.inputs.model_copy(update={"invitations": None, "accounts": None})}
    )
    raw_only, no_accounts, no_invitations = wave.read_inputs(export_only)
    assert len(raw_only.data) == len(raw.data) and no_accounts is None and no_invitations is None


def test_account_ids_for_the_gate():
    assert wave.account_ids(None) is None, "an export-only wave: the gate skips the check"
    master = pd.DataFrame({"account_id": ["A2", "A1"], "tier": ["key", "small"]})
    assert wave.account_ids(master) == ["A2", "A1"]


def test_read_inputs_honours_the_forced_format_encoding_and_delimiter(project):
    params = load_params(project / "params" / "2026-H2.yaml")
    detected = wave.read_inputs(params)[0]
    generic = wave.read_inputs(params.model_copy(update={"export_format": "generic"}))[0]
    # a generic export has one header row: Qualtrics' question and ImportId rows are data
    assert (generic.format, generic.header_rows) == ("generic", 1)
    assert len(generic.data) == len(detected.data) + 2
    assert generic.data.loc[0, "Q1"].startswith("How likely are you to recommend")
    latin = wave.read_inputs(params.model_copy(update={"export_encoding": "latin-1"}))[0]
    assert latin.encoding == "latin-1"
    assert latin.data.columns[1] == "\u00ef\u00bb\u00bfStartDate", "the BOM read as latin-1"
    with pytest.raises(ExportFormatError, match="delimiter ';'"):
        wave.read_inputs(params.model_copy(update={"export_delimiter": ";"}))


# ------------------------------------------------------------------------- store
def test_store_wave_writes_processed_files_and_the_history_partition(project):
    params = load_params(project / "params" / "2026-H2.yaml")
    raw, accounts, invitations = wave.read_inputs(params)
    result = clean.clean_responses(raw, accounts, params, invitations)
    written = wave.store_wave(
        params, result.responses, result.rejected, result.quality, accounts, invitations
    )
    folder = params.processed_dir
    assert written == {
        "responses": folder / "responses.parquet",
        "rejected": folder / "rejected.csv",
        "quality": folder / "quality.json",
        "accounts": folder / "accounts.parquet",
        "invitations": folder / "invitations.parquet",
        "history": params.history_dir / "wave_id=2026-H2",
    }
    # the account master with its tiers mapped by params (issue 21: tier_map holds)
    pd.testing.assert_frame_equal(pd.read_parquet(written["accounts"]), map_tiers(params, accounts))
    # the invitation list with its accounts' segments, as the report cuts it
    pd.testing.assert_frame_equal(
        pd.read_parquet(written["invitations"]),
        report_invitations(params, invitations, accounts).reset_index(drop=True),
    )
    assert history.wave_order(params.history_dir) == ["2026-H2"]
    stored = history.read_history(params.history_dir)
    assert stored["response_id"].tolist() == result.responses["response_id"].tolist()
    assert processed.read_responses(params)["response_id"].tolist() == (
        result.responses["response_id"].tolist()
    )
    # stored again without CRM frames: the earlier copies go, the history keeps one wave
    again = wave.store_wave(params, result.responses, result.rejected, result.quality, None, None)
    assert "accounts" not in again and "invitations" not in again
    assert not (folder / "accounts.parquet").exists()
    assert not (folder / "invitations.parquet").exists()
    assert len(history.read_history(params.history_dir)) == len(result.responses)


def test_store_wave_maps_the_crm_tiers_of_the_account_master(project):
    """Issue 21: with CRM tiers like "Key Account" (and tier_map) the stored master kept
    the CRM labels, so the report's coverage saw no key account; it holds the tiers."""
    labels = {"small": "Small Business", "key": "Key Account", "premium": "Premium Partner"}
    path = project / "params" / "2026-H2.yaml"
    text = path.read_text().replace(
        "tier_map: {}", "tier_map: {" + ", ".join(f"'{v}': {k}" for k, v in labels.items()) + "}"
    )
    path.write_text(text)
    params = load_params(path)
    crm_file = params.path(params.inputs.accounts)
    crm = pd.read_csv(crm_file, dtype=str, keep_default_na=False)
    crm.assign(tier=crm["tier"].map(labels)).to_csv(crm_file, index=False)
    raw, accounts, invitations = wave.read_inputs(params)
    assert set(accounts["tier"]) == set(labels.values())
    result = clean.clean_responses(raw, accounts, params, invitations)
    wave.store_wave(
        params, result.responses, result.rejected, result.quality, accounts, invitations
    )
    stored = wave.load(params)
    assert stored.accounts["tier"].astype(str).tolist() == crm["tier"].tolist()
    assert list(stored.accounts["tier"].cat.categories) == ["small", "key", "premium"]
    assert set(stored.invitations["tier"].astype(str)) == set(labels)
    assert accounts["tier"].isin(labels.values()).all(), "the frame read is not changed"


# ------------------------------------------------------------------------ themes
def test_theme_wave_stores_themes_with_the_codebook_digest(waves):
    params, responses = waves["2026-H2"]
    themed = wave.theme_wave(params, responses)
    assert_same_themes(themed, fresh(responses, params))
    frame, digest = processed.read_themes(params)
    assert digest == codebook_key(load_codebook(params.codebook_path))
    assert frame["response_id"].tolist() == responses["response_id"].astype(str).tolist()
    pd.testing.assert_frame_equal(frame, themed.to_frame(responses["response_id"]))
    assert (params.processed_dir / "themes.parquet").is_file()


def test_wave_themes_reads_back_what_analyse_gives(waves, monkeypatch):
    params, responses = waves["2026-H2"]
    wave.theme_wave(params, responses)
    want = fresh(responses, params)
    stored = (params.processed_dir / "themes.parquet").read_bytes()
    monkeypatch.setattr(wave, "analyse", lambda *a, **k: pytest.fail("themed again"))
    # the report reads the responses back from disk: the themes follow their index
    read = processed.read_responses(params)
    assert_same_themes(wave.wave_themes(params, read), want)
    # any order and any subset of the wave's responses
    shuffled = read.sample(frac=0.5, random_state=3)
    got = wave.wave_themes(params, shuffled)
    assert got.tags.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(got.tags, want.tags.loc[shuffled.index])
    pd.testing.assert_frame_equal(got.polarity, want.polarity.loc[shuffled.index])
    assert (params.processed_dir / "themes.parquet").read_bytes() == stored, "not rewritten"


def changed_codebook(params: WaveParams, folder: Path) -> Path:
    """A copy of the params' codebook without its first theme."""
    spec = yaml.safe_load(params.codebook_path.read_text(encoding="utf-8"))
    first = next(iter(spec["themes"]))
    del spec["themes"][first]
    path = folder / "codebook-changed.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def test_wave_themes_themes_again_when_the_codebook_changes(waves, project, monkeypatch):
    params, responses = waves["2026-H2"]
    wave.theme_wave(params, responses)
    old_digest = processed.read_themes(params)[1]
    path = changed_codebook(params, project / "params")
    changed = params.model_copy(update={"codebook": Path("params") / path.name})
    assert changed.codebook_path == path
    book = load_codebook(path)
    calls = counting_analyse(monkeypatch)
    got = wave.wave_themes(changed, responses)
    assert calls == [len(responses)], "themed once, with the new codebook"
    assert got.themes == list(book) and len(book) == len(load_codebook(params.codebook_path)) - 1
    assert_same_themes(got, fresh(responses, changed))
    frame, digest = processed.read_themes(params)
    assert digest == codebook_key(book) != old_digest
    pd.testing.assert_frame_equal(frame, got.to_frame(responses["response_id"]))
    # stored for the next reader: the same codebook reads them back
    assert_same_themes(wave.wave_themes(changed, responses), got)
    assert calls == [len(responses)]


def test_a_response_missing_from_the_stored_themes_themes_again(waves, monkeypatch):
    params, responses = waves["2026-H2"]
    themed = wave.theme_wave(params, responses)
    digest = processed.read_themes(params)[1]
    partial = themed.to_frame(responses["response_id"]).iloc[1:]
    processed.write_themes(params, partial, digest)
    calls = counting_analyse(monkeypatch)
    got = wave.wave_themes(params, responses)
    assert calls == [len(responses)]
    assert_same_themes(got, fresh(responses, params))
    frame, _ = processed.read_themes(params)
    assert frame["response_id"].tolist() == responses["response_id"].astype(str).tolist()


def test_wave_themes_of_a_wave_not_stored_writes_nothing(waves, monkeypatch):
    params, responses = waves["2026-H2"]
    calls = counting_analyse(monkeypatch)
    got = wave.wave_themes(params, responses, "2030-H1")
    assert calls == [len(responses)]
    assert_same_themes(got, fresh(responses, params))
    assert not processed.wave_dir(params, "2030-H1").exists()
    # a stored wave without themes.parquet gets one
    wave.wave_themes(params, responses)
    assert processed.read_themes(params) is not None


def test_previous_themes(waves, no_theming):
    first, _ = waves["2026-H1"]
    second, _ = waves["2026-H2"]
    # themed by prepare, as the notebooks do; the rest must read them back
    with pytest.MonkeyPatch.context() as undo:
        undo.setattr(wave, "analyse", analyse)
        for params, responses in waves.values():
            wave.theme_wave(params, responses)
    assert wave.previous_themes(first, wave.load(first)) is None, "the first wave"
    data = wave.load(second)
    assert data.previous_wave == "2026-H1"
    got = wave.previous_themes(second, data)
    assert got.tags.index.equals(data.previous.index)
    assert_same_themes(got, fresh(data.previous, second))


def test_load_is_the_processed_wave(waves):
    params, responses = waves["2026-H2"]
    data = wave.load(params)
    assert data.responses["response_id"].tolist() == responses["response_id"].tolist()
    assert data.previous_wave == "2026-H1"
    assert len(data.previous) == len(waves["2026-H1"][1])
    assert list(data.history["wave_id"].cat.categories) == list(WAVES)
    assert len(data.history) == len(responses) + len(waves["2026-H1"][1])
    assert data.accounts is not None and data.invitations is not None
    assert data.quality == processed.read_quality(params)


def test_all_waves_gives_themes_aligned_to_the_history(waves, monkeypatch):
    params, _ = waves["2026-H2"]
    wave.theme_wave(*waves["2026-H1"])  # the second wave is themed when first asked for
    calls = counting_analyse(monkeypatch)
    everything, themed = wave.all_waves(params)
    assert calls == [len(waves["2026-H2"][1])]
    assert list(everything["wave_id"].cat.categories) == list(WAVES)
    assert len(everything) == sum(len(r) for _, r in waves.values())
    for attr in ("tags", "polarity", "sentiment"):
        assert getattr(themed, attr).index.equals(everything.index), attr
    for wave_id in WAVES:
        rows = everything[everything["wave_id"] == wave_id]
        want = fresh(rows, params)
        pd.testing.assert_frame_equal(themed.tags.loc[rows.index], want.tags)
        pd.testing.assert_frame_equal(themed.polarity.loc[rows.index], want.polarity)
    assert processed.read_themes(params) is not None, "the second wave's themes stored"


def test_all_waves_of_an_empty_history(project):
    params = load_params(project / "params" / "2026-H2.yaml")
    everything, themed = wave.all_waves(params)
    assert everything.empty and themed.tags.empty
    assert themed.tags.index.equals(everything.index)
    assert themed.themes == list(load_codebook(params.codebook_path))


# ----------------------------------------------------------------- deck helpers
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)


def test_logo_is_a_data_uri_or_none(project):
    params = load_params(project / "params" / "2026-H2.yaml")
    assert params.logo is None and wave.logo(params) is None
    (project / "params" / "logo.png").write_bytes(PNG)
    with_logo = params.model_copy(update={"logo": Path("params/logo.png")})
    uri = wave.logo(with_logo)
    head, _, body = uri.partition(",")
    assert head == "data:image/png;base64"
    assert base64.b64decode(body) == PNG


def test_scrubber_removes_names_and_contacts(waves):
    params, _ = waves["2026-H2"]
    data = wave.load(params)
    owner = str(data.accounts["owner"].iloc[0])
    contact = data.invitations.iloc[0]
    account = str(data.accounts["account_name"].iloc[0])
    scrub = wave.scrubber(data)
    text = (
        f"Thanks to {owner} and {contact['first_name']} {contact['last_name']} at {account}; "
        "write to jo.smith@corp.example or call +44 20 7946 0123"
    )
    got = scrub(pd.Series([text, "The platform is fast"]))
    assert got[1] == "The platform is fast"
    for gone in (owner, contact["last_name"], account, "jo.smith@corp.example", "7946"):
        assert gone not in got[0], gone
    # an owner and an account are one name each; a contact's first and last name two
    assert got[0].startswith("Thanks to [name] and [name] [name] at [name]; write to [email]")
    assert got[0].endswith("call [phone]")


def test_write_followup_writes_under_the_waves_reports(waves):
    params, _ = waves["2026-H2"]
    lists = FollowupLists(
        lists={
            "promoters": pd.DataFrame(
                {"contact_id": ["C1", "C2", "C3"], "owner": ["Ann Lee", "Bo Yu", "Ann Lee"]}
            )
        },
        counts={"promoters": 3},
        note="# You said, we did\n\nThanks.\n",
        owners=["Ann Lee", "Bo Yu"],
    )
    written = wave.write_followup(params, lists)
    out = params.reports_dir / "followup"
    assert written["promoters"] == out / "promoters.csv"
    assert pd.read_csv(out / "promoters.csv")["Contact ID"].tolist() == ["C1", "C2", "C3"]
    files = owner_files(["Ann Lee", "Bo Yu"])
    ann = pd.read_excel(out / "owners" / files["Ann Lee"], sheet_name="promoters")
    assert ann["Contact ID"].tolist() == ["C1", "C3"]
    assert (out / "owners" / files["Bo Yu"]).is_file()
    assert (out / "thank_you.md").read_text(encoding="utf-8").startswith("# You said, we did")
    assert "<h1>You said, we did</h1>" in (out / "thank_you.html").read_text(encoding="utf-8")
