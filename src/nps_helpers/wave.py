"""The wave as the notebooks use it: processed files read, themes read or made once.

The one place that joins the catalog (:mod:`nps_helpers.io`) with the pure layers: a
notebook cell calls one of these and gets frames back. Themes are computed once per
wave, by prepare, and stored with the digest of the codebook; the report and the
drill-down read them, and theme again (storing the result) only when the codebook has
changed since.
"""

from __future__ import annotations

import pandas as pd

from nps_helpers.deck.quality_page import quality_page
from nps_helpers.followup import FollowupLists
from nps_helpers.io import crm, exports, files, followup_files, history, processed, publish
from nps_helpers.params import WaveParams
from nps_helpers.prepare import validate
from nps_helpers.prepare.invitations import map_tiers, report_invitations
from nps_helpers.text.codebook import codebook_key, load_codebook
from nps_helpers.text.scrub import scrubber as make_scrubber
from nps_helpers.text.themes import ThemedComments, analyse


def read_inputs(params: WaveParams) -> tuple[exports.RawExport, pd.DataFrame, pd.DataFrame | None]:
    """The wave's raw files: the survey export (layout, encoding and delimiter detected
    unless params force them), the account master and the invitation list (each None
    when params name none: an export-only wave)."""
    raw = exports.read_export(
        params.path(params.inputs.export),
        format=None if params.export_format == "auto" else params.export_format,
        encoding=params.export_encoding,
        delimiter=params.export_delimiter,
        sheet=params.export_sheet,
        max_mb=params.max_input_mb,
    )
    limit = params.max_input_mb
    accounts = (
        crm.read_accounts(params.path(params.inputs.accounts), limit)
        if params.inputs.accounts
        else None
    )
    invitations = (
        crm.read_invitations(params.path(params.inputs.invitations), limit)
        if params.inputs.invitations
        else None
    )
    return raw, accounts, invitations


def account_ids(accounts: pd.DataFrame | None) -> list[str] | None:
    """The account master's ids for the gate; None for an export-only wave (the gate then
    lists the account checks as not applied)."""
    return None if accounts is None else accounts["account_id"].tolist()


def validate_wave(
    params: WaveParams,
    responses: pd.DataFrame,
    accounts: pd.DataFrame | None,
    rows_in: int | None = None,
) -> dict:
    """Gate the wave's canonical responses with Great Expectations and write its
    data-quality report to ``reports/<wave>/data-quality/``: GX's JSON of the result and
    the suite (:func:`nps_helpers.prepare.validate.validate_responses`) and the
    workbook's own page ``index.html`` (:func:`nps_helpers.deck.quality_page.quality_page`),
    whose path the returned summary holds as ``data_docs``.

    Raises
    ------
    WaveValidationError
        When a critical check failed, after the page is written: one line per failed
        check (response ids, never a comment) and where the page is.
    """
    out = publish.reports_dir(params) / "data-quality"  # staged while nps-wave run runs
    summary = validate.validate_responses(responses, params, account_ids(accounts), rows_in, out)
    final = params.reports_dir / "data-quality"  # where the run publishes them
    if summary.get("validation_result"):
        summary = {**summary, "validation_result": str(final / validate.RESULT_FILE)}
    files.write_text(out / "index.html", quality_page(summary, params.title))
    return validate.check_gate({**summary, "data_docs": str(final / "index.html")})


def store_wave(
    params: WaveParams,
    responses: pd.DataFrame,
    rejected: pd.DataFrame,
    quality: dict,
    accounts: pd.DataFrame | None,
    invitations: pd.DataFrame | None,
) -> dict:
    """Write the prepared wave: its processed files (the account master with its tiers
    mapped by params, the invitation list with its accounts' segments, as the report
    cuts it: the report reads this snapshot, never the raw CRM files), the provenance
    of the run in ``quality.json``, and its partition of the history. Under
    ``nps-wave run`` all of it goes to the run's staging folder, published with the deck."""
    report_inv = (
        report_invitations(params, invitations, accounts) if invitations is not None else None
    )
    master = map_tiers(params, accounts) if accounts is not None else None
    made = publish.staged_provenance(params)
    quality = {**quality, "provenance": made} if made else quality
    written = processed.write_wave(params, responses, rejected, quality, master, report_inv)
    publish.kill_point("prepare")
    entry = history.manifest_entry(responses, params.field_start, params.field_end)
    staged = publish.staged_history(params)
    written["history"] = (
        history.stage_partition(responses, staged, entry)
        if staged
        else history.write_wave(
            responses, params.history_dir, params.wave_id, params.field_start, params.field_end
        )
    )
    return written


def _theme_and_store(
    params: WaveParams, responses: pd.DataFrame, book: dict, wave_id: str | None = None
) -> ThemedComments:
    themed = analyse(responses["comment"], book, responses["industry"], responses["score"])
    frame = themed.to_frame(responses["response_id"])
    processed.write_themes(params, frame, codebook_key(book), wave_id)
    return themed


def theme_wave(params: WaveParams, responses: pd.DataFrame) -> ThemedComments:
    """Theme the wave's comments with the params' codebook and store the result as
    ``data/processed/<wave>/themes.parquet``."""
    return _theme_and_store(params, responses, load_codebook(params.codebook_path))


def wave_themes(
    params: WaveParams, responses: pd.DataFrame, wave_id: str | None = None
) -> ThemedComments:
    """The themes of ``responses`` of ``wave_id`` (default: the params' wave): read from
    its ``themes.parquet`` when that was made with the codebook of ``params`` and holds
    every response; else themed now and stored for the next reader."""
    book = load_codebook(params.codebook_path)
    stored = processed.read_themes(params, wave_id)
    if stored is not None and stored[1] == codebook_key(book):
        themed = ThemedComments.from_frame(stored[0], responses["response_id"], book)
        if themed is not None:
            return themed
    if not processed.has_wave(params, wave_id or params.wave_id):  # nowhere to store them
        return analyse(responses["comment"], book, responses["industry"], responses["score"])
    return _theme_and_store(params, responses, book, wave_id)


def previous_themes(params: WaveParams, data: processed.WaveData) -> ThemedComments | None:
    """The themes of the previous wave's responses (:func:`wave_themes`), or None when
    the wave has no previous wave in the history."""
    if data.previous is None or data.previous_wave is None:
        return None
    return wave_themes(params, data.previous, data.previous_wave)


def load(params: WaveParams) -> processed.WaveData:
    """Everything the report reads of the wave (:func:`nps_helpers.io.processed.load_wave`)."""
    return processed.load_wave(params)


def all_waves(params: WaveParams) -> tuple[pd.DataFrame, ThemedComments]:
    """Every stored wave's responses (``wave_id`` ordered) and their themes, for the
    drill-down: each wave's themes as :func:`wave_themes` gives them."""
    everything = history.read_history(params.history_dir)
    parts = []
    for wave_id in history.wave_order(params.history_dir):
        rows = everything[everything["wave_id"] == wave_id]
        if len(rows):
            parts.append(wave_themes(params, rows, wave_id))
    if not parts:
        book = load_codebook(params.codebook_path)
        return everything, analyse(pd.Series([], dtype=object), book)
    themed = ThemedComments(
        tags=pd.concat([p.tags for p in parts]).reindex(everything.index),
        polarity=pd.concat([p.polarity for p in parts]).reindex(everything.index),
        sentiment=pd.concat([p.sentiment for p in parts]).reindex(everything.index),
        codebook=parts[0].codebook,
    )
    return everything, themed


def logo(params: WaveParams) -> str | None:
    """The company logo of params as a data: URI for the deck, or None: a PNG or JPEG by
    its bytes as it is, an SVG rebuilt from an allow-list of drawing elements (no script,
    event handler, ``foreignObject`` or external reference;
    :func:`~nps_helpers.io.exports.limits.read_logo`).

    Raises
    ------
    ParamsError
        When the file is no image by its bytes, too large, or an SVG that cannot be read.
    """
    import base64

    from nps_helpers.errors import ExportFormatError, ParamsError
    from nps_helpers.io.exports import limits

    if not params.logo:
        return None
    try:
        kind, data = limits.read_logo(params.path(params.logo))
    except ExportFormatError as exc:
        raise ParamsError(str(exc)) from None
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def scrubber(data: processed.WaveData):
    """The scrubber of what leadership sees: contact data, and the names of the wave's
    contacts (also their full names, "Anna Park"), account owners and accounts."""
    people: list[str] = []
    invited = data.invitations
    if invited is not None and {"first_name", "last_name"} <= set(invited.columns):
        full = invited["first_name"].fillna("").astype(str).str.strip() + " "
        people = (full + invited["last_name"].fillna("").astype(str).str.strip()).tolist()
    return make_scrubber(data.personal_names(), people=people)


def write_followup(params: WaveParams, lists: FollowupLists) -> dict:
    """Write the wave's follow-up lists under ``reports/<wave>/followup/`` (staged while
    ``nps-wave run`` runs: published with the deck, after it is rendered)."""
    return followup_files.write_followup(
        lists.lists, lists.owners, lists.note, publish.reports_dir(params) / "followup"
    )
