"""The report's story on the small demo wave (2026-H2, with 2026-H1 before it)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go
import pytest

from nps_helpers.deck import blocks, story
from nps_helpers.deck.format import fmt_int, fmt_nps, fmt_pct
from nps_helpers.deck.show import Slide
from nps_helpers.io import crm, exports
from nps_helpers.io.processed import WaveData
from nps_helpers.metrics import accounts, coverage
from nps_helpers.metrics.multiple import segment_differences
from nps_helpers.metrics.scoring import compare_waves, nps_summary
from nps_helpers.metrics.segments import segment_table
from nps_helpers.metrics.shares import two_proportions
from nps_helpers.params import load_params
from nps_helpers.prepare import clean
from nps_helpers.prepare.invitations import report_invitations
from nps_helpers.text.scrub import scrubber
from nps_helpers.text.themes import analyse, theme_table


def _clean(params):
    raw = exports.read_qualtrics(params.path(params.inputs.export))
    crm_accounts = crm.read_accounts(params.path(params.inputs.accounts))
    invitations = crm.read_invitations(params.path(params.inputs.invitations))
    result = clean.clean_responses(raw, crm_accounts, params)
    return result, crm_accounts, report_invitations(params, invitations, crm_accounts)


VALIDATION = {
    "passed": 1,
    "evaluated": 2,
    "checks": [
        {
            "expectation": "expect_column_values_to_be_unique",
            "column": "response_id",
            "severity": "critical",
            "success": True,
            "unexpected_count": 0,
        },
        {
            "expectation": "expect_column_values_to_not_be_null",
            "description": "every response has a comment <b>",
            "column": "comment",
            "severity": "warning",
            "success": False,
            "unexpected_count": 4,
        },
    ],
}


@pytest.fixture(scope="module")
def wave(small_project, small_params, cleaned):
    """The H2 wave as load_wave would give it, built by hand from the cleaned demo."""
    before, _, _ = _clean(load_params(small_project / "params" / "2026-H1.yaml"))
    _, crm_accounts, invitations = _clean(small_params)
    responses = cleaned.responses
    previous = before.responses.drop(columns="wave_id")
    history = pd.concat(
        [
            previous.assign(wave_id="2026-H1"),
            responses.drop(columns="wave_id").assign(wave_id="2026-H2"),
        ],
        ignore_index=True,
    )
    history["wave_id"] = pd.Categorical(
        history["wave_id"], categories=["2026-H1", "2026-H2"], ordered=True
    )
    data = WaveData(
        responses=responses,
        quality={**cleaned.quality, "validation": VALIDATION},
        history=history,
        previous=previous,
        previous_wave="2026-H1",
        accounts=crm_accounts,
        invitations=invitations,
    )
    themed = analyse(responses["comment"], None, responses["industry"], responses["score"])
    previous_themed = analyse(previous["comment"], None, previous["industry"], previous["score"])
    return small_params, data, themed, previous_themed


@pytest.fixture(scope="module")
def first_wave(wave):
    """The same wave as the first of its history, without an invitation list."""
    params, data, themed, _ = wave
    alone = WaveData(
        responses=data.responses,
        quality=data.quality,
        history=data.history[data.history["wave_id"] == "2026-H2"],
        previous=None,
        previous_wave=None,
        accounts=data.accounts,
        invitations=None,
    )
    return params.model_copy(update={"previous_wave": None}), alone, themed


def html_of(parts) -> str:
    return "".join(p for p in parts if isinstance(p, str))


def test_no_comparison_note():
    assert story.no_comparison_note("2026-H1") == ""
    assert "This is the first wave in the history" in story.no_comparison_note(None)


def test_field_dates(small_params):
    assert story.field_dates(small_params) == "01 Oct 2026 – 31 Oct 2026"


def test_title(wave, first_wave):
    params, data, _, _ = wave
    slide = story.title(params, data, logo="data:image/png;base64,AAAA")
    assert isinstance(slide, Slide) and slide.title == "Title" and len(slide.parts) == 1
    html = slide.parts[0]
    rate = coverage.response_rate(data.responses, data.invitations)
    assert "Northwind Systems" in html and "Relationship NPS 2026-H2" in html
    assert f"{fmt_int(len(data.responses))} responses" in html
    assert f"response rate {fmt_pct(rate['rate'])}" in html
    assert 'src="data:image/png;base64,AAAA"' in html
    params1, alone, _ = first_wave
    plain = story.title(params1, alone).parts[0]
    assert "response rate" not in plain and "<img" not in plain


def test_headline(wave, first_wave):
    params, data, _, _ = wave
    cards, note = story.headline(params, data)
    now = nps_summary(data.responses["score"])
    change = compare_waves(data.previous["score"], data.responses["score"])
    weighted = accounts.revenue_weighted_nps(data.responses)
    assert f'<div class="kpi-value">{fmt_nps(now["nps"])}</div>' in cards
    assert f"n = {fmt_int(now['n'])}" in cards
    assert "Change since 2026-H1" in cards
    assert f'<div class="kpi-value">{fmt_nps(change["change"])}</div>' in cards
    assert f'Revenue-weighted NPS</div><div class="kpi-value">{fmt_nps(weighted["nps"])}<' in cards
    assert "Response rate" in cards and note == ""
    params1, alone, _ = first_wave
    cards1, note1 = story.headline(params1, alone)
    assert "Change since" not in cards1 and "Response rate" not in cards1
    assert "This is the first wave in the history" in note1


def test_headline_tests_the_revenue_weighted_change(wave):
    params, data, _, _ = wave
    cards, _ = story.headline(params, data)
    change = compare_waves(
        data.previous["score"],
        data.responses["score"],
        accounts.revenue_weights(data.previous),
        accounts.revenue_weights(data.responses),
        clusters_a=data.previous["account_id"],
        clusters_b=data.responses["account_id"],
    )
    assert (
        f"since 2026-H1 {fmt_nps(change['change'])} ({fmt_nps(change['ci_low'])} to "
        f"{fmt_nps(change['ci_high'])})"
    ) in cards
    unweighted = compare_waves(data.previous["score"], data.responses["score"])
    assert change["change"] != pytest.approx(unweighted["change"])


def test_movers(wave, first_wave):
    params, data, _, _ = wave
    slide = story.movers(params, data)
    assert slide.title == "Climbers and fallers"
    html = html_of(slide.parts)
    # by hand: the contacts in both waves (same respondent_id) and their categories
    now = data.responses.drop_duplicates("respondent_id", keep="last").set_index("respondent_id")
    then = data.previous.drop_duplicates("respondent_id", keep="last").set_index("respondent_id")
    both = now.index.intersection(then.index)
    rank = {"detractor": 0, "passive": 1, "promoter": 2}
    step = now.loc[both, "category"].astype(str).map(rank) - then.loc[both, "category"].astype(
        str
    ).map(rank)
    assert f'Moved up</div><div class="kpi-value">{fmt_int((step > 0).sum())}<' in html
    assert f'Moved down</div><div class="kpi-value">{fmt_int((step < 0).sum())}<' in html
    assert f"of the {fmt_int(len(both))} in both waves" in html
    assert f"The {fmt_int(len(both))} people in both waves by their category" in html
    assert not any(isinstance(p, go.Figure) for p in slide.parts), "a table, not a chart"
    assert "accounts with people in both waves" in html
    params1, alone, _ = first_wave
    first = html_of(story.movers(params1, alone).parts)
    assert "This is the first wave in the history" in first
    nobody = dataclasses.replace(
        data,
        previous=data.previous.assign(
            respondent_id="x-" + data.previous["respondent_id"].astype(str)
        ),
    )
    assert "Nobody answered both" in html_of(story.movers(params, nobody).parts)


def test_trend(wave, first_wave):
    params, data, _, _ = wave
    chart, table = story.trend(params, data)
    assert isinstance(chart, go.Figure) and list(chart.data[0].x) == ["2026-H1", "2026-H2"]
    h1, h2 = (nps_summary(data.previous["score"]), nps_summary(data.responses["score"]))
    assert list(chart.data[0].y) == [round(h1["nps"], 1), round(h2["nps"], 1)]
    assert "<td>2026-H1</td>" in table and "<td>2026-H2</td>" in table
    params1, alone, _ = first_wave
    note, table1 = story.trend(params1, alone)
    assert "Only one wave is in the history so far" in note
    assert "<td>2026-H2</td>" in table1 and "2026-H1" not in table1


def test_segment_tables(wave):
    params, data, _, _ = wave
    tables = story.segment_tables(params, data)
    assert set(tables) == {"tier", "role", "industry", "region", "product", "tier x role"}
    want = segment_table(data.responses, "tier", params.min_n, data.previous)
    pd.testing.assert_frame_equal(tables["tier"], want)
    assert tables["tier x role"]["n"].sum() == len(data.responses)
    assert tables["tier"]["change"].notna().any(), "changes since the previous wave"


def test_segment_slides(wave):
    params, data, _, _ = wave
    slides = story.segment_slides(params, story.segment_tables(params, data), "2026-H1")
    assert [s.key for s in slides] == ["tier", "role", "industry", "region", "product"]
    assert [s.title for s in slides][:2] == ["NPS by tier", "NPS by role"]
    tier = slides[0]
    heading, chart, notes, table = tier.parts
    assert heading.startswith('<h2 class="slide-title">NPS by tier</h2>')
    want = segment_table(
        data.responses, "tier", params.min_n, data.previous, min_n_change=params.min_n_change
    )
    shown = want[~want["suppressed"]]
    assert list(chart.data[0].x) == [str(t) for t in shown["tier"]]
    assert list(chart.data[0].y) == shown["nps"].round(0).tolist()
    pairs = segment_differences(want, "tier", params.confidence, params.min_n_change)
    assert notes == blocks.segment_notes(want, "tier", params.min_n) + blocks.differences_note(
        pairs, "tier"
    )
    assert "Holm-corrected" in notes
    assert "Change since 2026-H1" in table
    alone = story.segment_slides(params, story.segment_tables(params, data), None)
    assert "Change since" not in alone[0].parts[-1]
    fewer = params.model_copy(update={"segments": ["role", "tier", "cost_centre"]})
    tables = story.segment_tables(fewer, data)
    assert [s.key for s in story.segment_slides(fewer, tables, None)] == ["role", "tier"]


def test_segment_slide_without_any_reportable_segment_has_no_chart(wave):
    params, data, _, _ = wave
    strict = params.model_copy(update={"min_n": 10_000, "segments": ["tier"]})
    (slide,) = story.segment_slides(strict, story.segment_tables(strict, data), "2026-H1")
    assert not any(isinstance(p, go.Figure) for p in slide.parts)
    assert "No tier has the 10000 responses needed" in html_of(slide.parts)


def test_cross_slides(wave):
    params, data, _, _ = wave
    (slide,) = story.cross_slides(params, story.segment_tables(params, data))
    assert slide.key == "tier-role" and slide.title == "tier x role"
    heading, table = slide.parts
    assert "Tier and role together" in heading
    assert "NPS by tier and role" in table and "decision maker" in table
    none = params.model_copy(update={"segment_pairs": []})
    assert story.cross_slides(none, story.segment_tables(none, data)) == []


def test_account_rollup_key_accounts_and_revenue_at_risk(wave):
    params, data, _, _ = wave
    rollup = story.account_rollup(params, data)
    want = accounts.account_rollup(
        data.responses, params.account_risk_rule, params.account_risk_threshold
    )
    pd.testing.assert_frame_equal(rollup, want)
    key = story.key_accounts(params, rollup)
    key_rows = accounts.key_accounts(rollup, params.key_tiers)
    assert len(key_rows) and "largest key accounts that answered" in key
    assert str(key_rows["account_name"].iloc[0]) in key
    nobody = params.model_copy(update={"key_tiers": ["platinum"]})
    assert "No account of the key tiers (platinum) answered this wave." in story.key_accounts(
        nobody, rollup
    )
    cards, table = story.revenue_at_risk(params, rollup)
    risk = accounts.revenue_at_risk(rollup, params.field_end, params.renewal_horizon_days)
    assert risk["at_risk_accounts"] > 0
    assert f"Renewing within {params.renewal_horizon_days} days" in cards
    assert fmt_int(risk["at_risk_accounts"]) in cards and "Accounts at risk" in table
    safe = rollup.assign(status="advocate")
    _, note = story.revenue_at_risk(params, safe)
    assert "No account is at risk under the rule of this wave." in note


def test_coverage_slides(wave, first_wave):
    params, data, _, _ = wave
    cards, chart, by_role = story.coverage_slides(params, data)
    rate = coverage.response_rate(data.responses, data.invitations)
    assert f">{fmt_pct(rate['rate'])}<" in cards and "Accounts heard" in cards
    assert isinstance(chart, go.Figure) and chart.layout.title.text == "Response rate by tier"
    assert isinstance(by_role, Slide) and by_role.title == "Response rate by role"
    assert by_role.key is None and isinstance(by_role.parts[1], go.Figure)
    assert "decision maker" in by_role.parts[2]
    _, alone, _ = first_wave
    (note,) = story.coverage_slides(params, alone)
    assert "No invitation list was given" in note


def test_coverage_slides_of_a_minimal_invitation_list(wave):
    """Issue 21: a list of only contact_id, account_id, bounced (with its accounts'
    segments) has no roles: the rate by tier and the cards as before, the role slide a note."""
    params, data, _, _ = wave
    minimal = data.invitations.drop(
        columns=[
            c
            for c in (
                "role",
                "first_name",
                "last_name",
                "email",
                "phone",
                "job_function",
                "invited_at",
                "wave_id",
            )
            if c in data.invitations.columns
        ]
    )
    assert "role" not in minimal.columns and "tier" in minimal.columns
    slim = dataclasses.replace(data, invitations=minimal)
    cards, chart, by_role = story.coverage_slides(params, slim)
    want_cards, want_chart, _ = story.coverage_slides(params, data)
    assert cards == want_cards, "the same rate and coverage: roles play no part in them"
    assert chart.to_json() == want_chart.to_json()
    assert isinstance(by_role, Slide) and by_role.title == "Response rate by role"
    assert len(by_role.parts) == 2 and "Response rate by role" in by_role.parts[0]
    assert "The invitation list has no role column" in by_role.parts[1]


def test_themes_by_impact(wave, first_wave):
    params, data, themed, previous_themed = wave
    table = story.themes_by_impact(data, themed, previous_themed, params)
    before = theme_table(data.previous, previous_themed)
    plain = theme_table(data.responses, themed, before)
    pd.testing.assert_frame_equal(table[plain.columns], plain)
    assert table["share_change"].notna().any()
    # each share change tested: its interval holds the adjusted change, Holm over the
    # themes never lowers a p-value, and a flag needs p_holm under 5%
    assert (table["share_ci_low"] < table["share_ci_high"]).all()
    assert (table["share_p_holm"] >= table["share_p_value"] - 1e-12).all()
    assert (~table["share_flagged"] | (table["share_p_holm"] < 0.05)).all()
    # the p-values are those of the comments' own test (no accounts: each comment its own)
    plain_test = story.themes_by_impact(
        dataclasses.replace(
            data,
            responses=data.responses.drop(columns="account_id"),
            previous=data.previous.drop(columns="account_id"),
        ),
        themed,
        previous_themed,
        params,
    ).set_index("theme")
    commented = (data.responses["comment"].fillna("").str.strip().str.len() > 2).sum()
    commented_before = (data.previous["comment"].fillna("").str.strip().str.len() > 2).sum()
    assert plain_test.loc["support", "share_p_value"] == pytest.approx(
        two_proportions(
            previous_themed.tags.loc[
                data.previous["comment"].fillna("").str.strip().str.len() > 2, "support"
            ].sum(),
            commented_before,
            themed.tags.loc[
                data.responses["comment"].fillna("").str.strip().str.len() > 2, "support"
            ].sum(),
            commented,
        )["p_value"][0]
    )
    without = story.themes_by_impact(data, themed)
    assert without["share_change"].isna().all()
    _, alone, themed1 = first_wave
    assert story.themes_by_impact(alone, themed1, previous_themed)["share_change"].isna().all()


def test_theme_slides(wave):
    _, data, themed, previous_themed = wave
    by_theme = story.themes_by_impact(data, themed, previous_themed)
    chart, detail = story.theme_slides(by_theme, "2026-H1")
    assert isinstance(chart, go.Figure) and chart.layout.title.text == "What moves the NPS"
    assert detail.title == "Themes in detail"
    assert "Share change since 2026-H1" in detail.parts[1]
    quiet = by_theme.assign(mentions=0)
    note, _ = story.theme_slides(quiet, None)
    assert "No comment of this wave mentions a theme of the codebook." in note


def test_quote_slides_are_scrubbed(wave):
    _, data, themed, _ = wave
    by_theme = story.themes_by_impact(data, themed)
    # every comment names its account owner and gives an e-mail address
    owner = data.responses["owner"].astype(str)
    named = data.responses.assign(
        comment=data.responses["comment"] + ", said " + owner + " (" + "x@acme.example)"
    )
    data = WaveData(**{**data.__dict__, "responses": named})
    detractors, promoters = story.quote_slides(
        data, themed, by_theme, scrubber(data.personal_names())
    )
    assert "Detractors need" in detractors and "<blockquote" in detractors
    assert isinstance(promoters, Slide) and promoters.title == "Promoters praise"
    praise = promoters.parts[1]
    assert "Promoters praise" in praise and "<blockquote" in praise
    top = by_theme.sort_values("gain_if_fixed", ascending=False)["theme"].iloc[0]
    assert top.replace("_", " ") in detractors
    quoted = detractors + praise
    assert "said [name]" in quoted and "[email]" in quoted and "@acme" not in quoted
    assert not any(name in quoted for name in set(owner)), "no owner named"
    assert detractors.count("<blockquote") <= story.QUOTED_THEMES * story.QUOTES_PER_THEME
    unscrubbed, _ = story.quote_slides(data, themed, by_theme, None)
    assert any(name in unscrubbed for name in set(owner)), "the names were there to scrub"


def test_closing_the_loop(wave):
    _, data, _, _ = wave
    counts = {"detractor_calls": 29, "promoters": 32, "passives": 24, "interviews": 10}
    cards, calls = story.closing_the_loop({**counts, "top_priority_calls": 3}, data)
    assert ">29<" in cards and "3 in key accounts" in cards
    assert "All owners" in calls and "<th>Account owner</th>" in calls


def test_checks_slide(wave):
    _, data, _, _ = wave
    slide = story.checks_slide(data)
    assert slide.title == "Great Expectations checks"
    table = slide.parts[1]
    assert "1 of 2 checks passed" in table and "failed (4 rows)" in table
    assert "every response has a comment &lt;b&gt;" in table


def test_uncaught_comments(wave):
    _, data, themed, _ = wave
    assert "covered by the codebook" in story.uncaught_comments(data, themed, None)
    # comments no theme catches, naming an account owner
    owner = str(data.responses["owner"].iloc[0])
    extra = [f"{owner} says the parking lot is always full {i}" for i in range(15)]
    extra += [f"coffee machine in the visitor lounge was cold {i}" for i in range(15)]
    more = pd.concat(
        [data.responses, data.responses.iloc[:30].assign(comment=extra)], ignore_index=True
    )
    data = WaveData(**{**data.__dict__, "responses": more})
    themed = analyse(more["comment"], None, more["industry"], more["score"])
    html = story.uncaught_comments(data, themed, scrubber(data.personal_names()))
    assert "candidates to add to params/codebook.yaml" in html
    assert "parking" in html and "coffee" in html
    assert owner not in html and "[name] says the parking lot" in html


@pytest.fixture(scope="module")
def export_only(wave):
    """The H2 wave as an export-only wave gives it: no account master, no invitation
    list, no account column (empty account attributes)."""
    params, data, themed, _ = wave
    r = data.responses
    bare = r.assign(
        account_id="",
        account_name=pd.NA,
        tier=pd.Categorical([None] * len(r), categories=params.tiers),
        industry=pd.Categorical([None] * len(r)),
        region=pd.Categorical([None] * len(r)),
        arr=float("nan"),
        owner=pd.Categorical([None] * len(r)),
        renewal_date=None,
    )
    only = WaveData(
        responses=bare,
        quality=data.quality,
        history=data.history,
        previous=None,
        previous_wave=None,
        accounts=None,
        invitations=None,
    )
    return params, only, themed


def one_line(part: str, what: str, file: str) -> None:
    assert part.count('<p class="note">') == 1, part
    assert f"{what} needs {file}: add it to the wave&#x27;s params to see it." in part


def test_export_only_headline_names_the_missing_files(export_only):
    params, data, _ = export_only
    cards, notes = story.headline(params, data)
    assert "Revenue-weighted NPS" not in cards and "Response rate" not in cards
    assert f"n = {fmt_int(len(data.responses))}" in cards
    assert "The revenue-weighted NPS needs the account master (inputs.accounts)" in notes
    assert "The response rate needs the invitation list (inputs.invitations)" in notes


def test_export_only_segments_and_pairs(export_only):
    params, data, _ = export_only
    tables = story.segment_tables(params, data)
    assert "tier" not in tables and "industry" not in tables and "role" in tables
    slides = {s.key: s for s in story.segment_slides(params, tables, None)}
    assert list(slides) == params.segments, "every segment keeps its slide id"
    (line,) = slides["tier"].parts
    one_line(line, "NPS by tier", story.ACCOUNT_MASTER)
    (cross,) = story.cross_slides(params, tables)
    assert cross.key == "tier-role"
    one_line(cross.parts[1], "NPS by tier and role together", story.ACCOUNT_MASTER)


def test_export_only_account_slides(export_only):
    params, data, _ = export_only
    rollup = story.account_rollup(params, data)
    assert rollup.empty, "no account column: no account"
    line = story.key_accounts(params, rollup)
    assert "columns: account_id" in line and "inputs.accounts" in line
    (risk,) = story.revenue_at_risk(params, rollup)
    one_line(risk, "The table of revenue at risk and renewals", story.ACCOUNT_MASTER)
    (rate,) = story.coverage_slides(params, data)
    assert "inputs.invitations" in rate


def test_export_only_accounts_from_the_exports_account_column(export_only):
    params, data, _ = export_only
    named = data.responses.assign(
        account_id=["Acme" if i % 3 else "Globex" for i in range(len(data.responses))]
    )
    named["account_name"] = named["account_id"]
    rollup = story.account_rollup(params, dataclasses.replace(data, responses=named))
    assert sorted(rollup["account_id"]) == ["Acme", "Globex"]
    line, table = story.key_accounts(params, rollup)
    one_line(line, "Key accounts by tier", story.ACCOUNT_MASTER)
    acme = named[named["account_id"] == "Acme"]
    assert f'<td>Acme</td><td class="num">{fmt_int(len(acme))}</td>' in table
    assert fmt_nps(nps_summary(acme["score"])["nps"]) in table


def test_export_only_coverage_with_invitations_and_closing_the_loop(export_only, wave):
    params, data, themed = export_only
    invited = dataclasses.replace(data, invitations=wave[1].invitations)
    cards, line = story.coverage_slides(params, invited)
    rate = coverage.response_rate(data.responses, wave[1].invitations)
    assert fmt_pct(rate["rate"]) in cards and "Accounts heard" not in cards
    one_line(line, "The account coverage (revenue covered, the rate by tier)", story.ACCOUNT_MASTER)
    counts = {"detractor_calls": 3, "top_priority_calls": 0}
    cards, calls = story.closing_the_loop(counts, data)
    assert "key accounts" not in cards and "by respondent" in cards
    one_line(calls, "Detractors to call by account owner", story.ACCOUNT_MASTER)


def test_method_slide_says_what_the_wave_had(wave, export_only):
    params, data, _, _ = wave
    full = story.method_slide(params, data)
    assert full.title == "Method" and full.key is None
    text = "".join(full.parts)
    assert "<strong>Revenue-weighted NPS</strong>" in text and "Response rate" in text
    assert f"fewer than {params.min_n} responses" in text and "other than in praise" in text
    _, only, _ = export_only
    bare = "".join(story.method_slide(params, only).parts)
    assert "Revenue-weighted" not in bare and "Response rate" not in bare
    assert "without the account master (inputs.accounts)" in bare


def test_method_slide_ends_with_the_provenance(wave):
    """Issue 23: the run's time, the workbook's version and each input's digest."""
    params, data, _, _ = wave
    made = {
        "inputs_digest": "0f" * 16,
        "made_at": "2026-11-02T09:30:00+01:00",
        "version": "0.1.0",
        "inputs": {
            "export": {"path": "data/raw/w/export.csv", "blake2b": "ab" * 32},
            "params": {"path": "params/w.yaml", "blake2b": "cd" * 32},
        },
    }
    with_it = dataclasses.replace(data, quality={**data.quality, "provenance": made})
    last = story.method_slide(params, with_it).parts[-1]
    assert last.endswith(
        "<li><strong>Provenance</strong>: made 2026-11-02T09:30:00+01:00 by workbook 0.1.0 "
        f"from inputs {'0f' * 16} (blake2b: export {'ab' * 6}, params {'cd' * 6}).</li></ul>"
    )
    assert "Provenance" not in "".join(story.method_slide(params, data).parts), "none recorded"


def test_needs_file_is_one_line():
    line = story.needs_file("Revenue at <risk>", story.ACCOUNT_MASTER)
    assert line == (
        '<p class="note">Revenue at &lt;risk&gt; needs the account master (inputs.accounts): '
        "add it to the wave&#x27;s params to see it.</p>"
    )
