"""What each part of the wave deck says: the story logic behind the report notebook.

Each function takes the wave's frames (and its params) and returns what one notebook
cell shows: HTML blocks, figures, or :class:`~nps_helpers.deck.show.Slide`\\ s when the
cell starts slides of its own. Pure: nothing here reads or writes a file; the notebook
shows the result with :func:`nps_helpers.deck.show.show`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from nps_helpers.deck import blocks, charts
from nps_helpers.deck.format import fmt_int, fmt_nps, fmt_pct
from nps_helpers.deck.show import Slide
from nps_helpers.followup import call_summary
from nps_helpers.io.processed import WaveData
from nps_helpers.metrics import accounts, coverage
from nps_helpers.metrics.multiple import segment_differences
from nps_helpers.metrics.panel import (
    climbers_fallers,
    moves_table,
    paired_by_account,
    paired_change,
)
from nps_helpers.metrics.scoring import compare_waves, nps_summary
from nps_helpers.metrics.segments import accounts_of
from nps_helpers.metrics.segments import segment_tables as metrics_segment_tables
from nps_helpers.metrics.shares import share_changes
from nps_helpers.metrics.trend import nps_trend
from nps_helpers.params import ACCOUNT_COLUMNS, WaveParams
from nps_helpers.text.discover import discover
from nps_helpers.text.quotes import verbatims
from nps_helpers.text.themes import ThemedComments, commented_tags, theme_table

#: Themes quoted on each of the two quote slides.
QUOTED_THEMES = 3
#: Quotes per theme.
QUOTES_PER_THEME = 2
#: The optional input files, as a slide that lacks one names it.
ACCOUNT_MASTER = "the account master (inputs.accounts)"
INVITATION_LIST = "the invitation list (inputs.invitations)"


def needs_file(what: str, file: str) -> str:
    """The one line a slide shows for what it cannot show without ``file``."""
    return blocks.note(f"{what} needs {file}: add it to the wave's params to see it.")


def no_comparison_note(previous_wave: str | None) -> str:
    """One line on a first wave's headline: changes start with the next wave."""
    if previous_wave:
        return ""
    return blocks.note(
        "This is the first wave in the history: changes will be shown from the next wave on."
    )


def _no_accounts(data: WaveData) -> bool:
    return data.accounts is None


def field_dates(params: WaveParams) -> str:
    return f"{params.field_start:%d %b %Y} – {params.field_end:%d %b %Y}"


def _rate(data: WaveData) -> dict[str, float] | None:
    if data.invitations is None:
        return None
    return coverage.response_rate(data.responses, data.invitations)


def title(params: WaveParams, data: WaveData, logo: str | None = None) -> Slide:
    """The title slide: company, wave, field dates, responses and response rate;
    ``logo`` as a data: URI."""
    n = nps_summary(data.responses["score"], confidence=params.confidence)["n"]
    return Slide(
        "Title",
        (
            blocks.title_slide(
                params.company, params.title, field_dates(params), n, _rate(data), logo
            ),
        ),
    )


def headline(params: WaveParams, data: WaveData) -> list[str]:
    """The headline figures: NPS with its interval, the change since the previous wave
    (tested), the revenue-weighted NPS and the response rate; a line naming the file
    that would add each figure the wave lacks."""
    responses, previous = data.responses, data.previous
    accounts_now = accounts_of(responses)
    summary = nps_summary(responses["score"], None, accounts_now, params.confidence)
    change = None
    if previous is not None:
        change = compare_waves(
            previous["score"],
            responses["score"],
            confidence=params.confidence,
            clusters_a=accounts_of(previous),
            clusters_b=accounts_now,
        )
        small = min(change["n_a"], change["n_b"]) < params.min_n_change
        change["significant"] = change["significant"] and not small
    weighted = None if _no_accounts(data) else weighted_nps(params, data)
    missing = []
    if _no_accounts(data):
        missing.append(needs_file("The revenue-weighted NPS", ACCOUNT_MASTER))
    if data.invitations is None:
        missing.append(needs_file("The response rate", INVITATION_LIST))
    return [
        blocks.headline(
            summary,
            rate=_rate(data),
            comparison=change,
            previous_wave=data.previous_wave,
            weighted=weighted,
        ),
        no_comparison_note(data.previous_wave) + "".join(missing),
    ]


def weighted_nps(params: WaveParams, data: WaveData) -> dict[str, Any]:
    """The revenue-weighted NPS (accounts as clusters) and, when the previous wave has
    revenues, its change (``change``): weighted in both waves, tested with the accounts
    of both waves as clusters, flagged only with ``min_n_change`` responses a side."""
    responses, previous = data.responses, data.previous
    weighted: dict[str, Any] = accounts.revenue_weighted_nps(responses, params.confidence)
    if previous is None or "arr" not in previous or previous["arr"].isna().all():
        return weighted
    change = compare_waves(
        previous["score"],
        responses["score"],
        accounts.revenue_weights(previous),
        accounts.revenue_weights(responses),
        params.confidence,
        accounts_of(previous),
        accounts_of(responses),
    )
    small = min(change["n_a"], change["n_b"]) < params.min_n_change
    change["significant"] = change["significant"] and not small
    return {**weighted, "change": change}


def trend(params: WaveParams, data: WaveData) -> list[Any]:
    """NPS over every wave of the history with its interval: a chart (from two waves
    on) and the table, whose changes are tested with the accounts of both waves as
    clusters and flagged after Holm's correction over the table and min_n_change."""
    table = nps_trend(
        data.history,
        min_n=params.min_n,
        confidence=params.confidence,
        min_n_change=params.min_n_change,
    )
    first = (
        charts.trend_chart(table)
        if len(table) > 1
        else blocks.note(
            "Only one wave is in the history so far: the trend starts with the next wave."
        )
    )
    return [first, blocks.trend_table(table)]


MOVERS = "Climbers and fallers"


def movers(params: WaveParams, data: WaveData) -> Slide:
    """The people who answered both the previous wave and this one (same respondent_id):
    how many moved up, stayed or moved down a category, where they moved, their NPS
    change tested on the same people (paired, accounts as clusters), and the accounts:
    how many rose or fell, and those with ``min_n`` people in both waves with their
    paired change. One line when there is no previous wave or nobody answered both."""
    heading = blocks.slide_heading(
        MOVERS, "The people who answered both the last wave and this one: where they moved."
    )
    if data.previous is None:
        line = "This is the first wave in the history: climbers and fallers start next wave."
        return Slide(MOVERS, (heading, blocks.note(line)))
    panel = climbers_fallers(data.responses, data.previous)
    if panel.empty:
        line = f"Nobody answered both {data.previous_wave} and this wave (same respondent)."
        return Slide(MOVERS, (heading, blocks.note(line)))
    change = paired_change(panel, params.confidence)
    big = change["n"] >= params.min_n_change
    change["significant"] = bool(change["p_value"] < 1 - params.confidence) and big
    n, words = (
        change["n"],
        blocks.change_words(change["change"], change["p_value"], change["significant"]),
    )
    share = {m: fmt_pct(change[m] / n * 100) for m in ("up", "same", "down")}
    cards = {
        "Moved up": (fmt_int(change["up"]), f"{share['up']} of the {fmt_int(n)} in both waves"),
        "Stayed": (fmt_int(change["same"]), f"{share['same']} kept their category"),
        "Moved down": (fmt_int(change["down"]), f"{share['down']} fell a category or two"),
        "Their NPS": (
            f"{fmt_nps(change['nps_before'])} → {fmt_nps(change['nps_now'])}",
            f"paired change {fmt_nps(change['change'])}, 95% interval "
            f"{fmt_nps(change['ci_low'])} to {fmt_nps(change['ci_high'])}, "
            + words.split(", ", 1)[-1],
        ),
    }
    parts: list[Any] = [
        heading,
        blocks.kpi_cards(cards),
        blocks.moves_table(
            moves_table(panel),
            str(data.previous_wave),
            f"The {fmt_int(n)} people in both waves by their category in "
            f"{data.previous_wave} (rows) and now",
        ),
    ]
    if panel["account_id"].astype(str).ne("").any():
        parts.append(_account_movers(params, data, panel))
    return Slide(MOVERS, tuple(parts))


def _account_movers(params: WaveParams, data: WaveData, panel: pd.DataFrame) -> str:
    """How many accounts' people in both waves rose, fell or held; the accounts with
    ``min_n`` or more of them, with their paired change (Holm over those listed)."""
    every = paired_by_account(panel, params.confidence)
    rose, fell = int((every["change"] > 0).sum()), int((every["change"] < 0).sum())
    line = blocks.note(
        f"Of the {fmt_int(len(every))} accounts with people in both waves, their NPS rose in "
        f"{fmt_int(rose)}, fell in {fmt_int(fell)} and held in {fmt_int(len(every) - rose - fell)}."
    )
    big = every.loc[every["contacts"] >= params.min_n, "account_id"]
    if big.empty:
        return line + blocks.note(
            f"No account has {params.min_n} or more people in both waves, so none is listed."
        )
    listed = paired_by_account(
        panel[panel["account_id"].isin(big)], params.confidence, params.min_n_change
    )
    names = data.responses.drop_duplicates("account_id").set_index("account_id")
    names = names["account_name"] if "account_name" in names else pd.Series(dtype=object)
    listed["account_name"] = listed["account_id"].map(names).fillna(listed["account_id"])
    listed = listed.rename(columns={"ci_low": "change_ci_low", "ci_high": "change_ci_high"})
    listed["significant"] = listed["p_value"] < 1 - params.confidence
    return line + blocks.account_moves_table(listed, params.min_n)


def segment_tables(params: WaveParams, data: WaveData) -> dict[str, pd.DataFrame]:
    """NPS by each segment and segment pair of params, with the change since the
    previous wave (:func:`nps_helpers.metrics.segments.segment_tables`)."""
    return metrics_segment_tables(
        data.responses,
        params.segments,
        params.segment_pairs,
        params.min_n,
        data.previous,
        params.confidence,
        params.min_n_change,
    )


def segment_slides(
    params: WaveParams, tables: dict[str, pd.DataFrame], previous_wave: str | None
) -> list[Slide]:
    """A slide per segment of params (tier, role, industry, ...) from
    :func:`segment_tables`: NPS by value with its interval, a note on small and changed
    segments, and the table. An account attribute without a table (an export-only
    wave) gets a slide of one line naming the file that would add it."""
    slides = []
    for seg in [s for s in params.segments if s in tables or s in ACCOUNT_COLUMNS]:
        label = seg.replace("_", " ")
        if seg not in tables:
            line = needs_file(f"NPS by {label}", ACCOUNT_MASTER)
            slides.append(Slide(f"NPS by {label}", (line,), key=seg))
            continue
        table = tables[seg]
        parts: list[Any] = [
            blocks.slide_heading(f"NPS by {label}", "Bars show the NPS, whiskers its 95% interval.")
        ]
        if not table["suppressed"].all():
            parts.append(charts.nps_bar(table, seg, title=f"NPS by {label}"))
        pairs = segment_differences(table, seg, params.confidence, params.min_n_change)
        parts.append(
            blocks.segment_notes(table, seg, params.min_n) + blocks.differences_note(pairs, seg)
        )
        parts.append(blocks.segment_table(table, seg, params.min_n, previous_wave))
        slides.append(Slide(f"NPS by {label}", tuple(parts), key=seg))
    return slides


def cross_slides(params: WaveParams, tables: dict[str, pd.DataFrame]) -> list[Slide]:
    """A slide per segment pair of params (tier x role) from :func:`segment_tables`:
    NPS in each cell of the pair; a pair with an account attribute the wave lacks gets
    one line naming the file that would add it."""
    slides = []
    for a, b in params.segment_pairs:
        if f"{a} x {b}" in tables:
            part = blocks.cross_table(tables[f"{a} x {b}"], a, b, params.min_n)
        elif {a, b} & set(ACCOUNT_COLUMNS):
            part = needs_file(f"NPS by {a} and {b} together", ACCOUNT_MASTER)
        else:
            continue
        heading = blocks.slide_heading(
            f"{a.capitalize()} and {b} together",
            "Where in the customer base the score comes from.",
        )
        slides.append(Slide(f"{a} x {b}", (heading, part), key=f"{a}-{b}"))
    return slides


def account_rollup(params: WaveParams, data: WaveData) -> pd.DataFrame:
    """Each account's NPS by role and status under the params' risk rule."""
    return accounts.account_rollup(
        data.responses, params.account_risk_rule, params.account_risk_threshold
    )


def key_accounts(params: WaveParams, rollup: pd.DataFrame) -> str | list[str]:
    """The key-tier accounts: what decision-makers and users say, and where they differ.
    Without an account master the accounts named by the export's account column, most
    respondents first, under a line naming the file that would add tiers; without any
    account, one line naming what would add them."""
    if rollup.empty:
        return blocks.note(
            "Accounts need an account column in the export (name it in params, columns: "
            "account_id) or the account master (inputs.accounts): add one to see them."
        )
    if rollup["tier"].isna().all():
        return [
            needs_file("Key accounts by tier", ACCOUNT_MASTER),
            blocks.export_accounts_table(rollup, params.min_n),
        ]
    key = accounts.key_accounts(rollup, params.key_tiers)
    if len(key):
        return blocks.key_accounts_table(key)
    return blocks.note(
        f"No account of the key tiers ({', '.join(params.key_tiers)}) answered this wave."
    )


def revenue_at_risk(params: WaveParams, rollup: pd.DataFrame) -> list[str]:
    """The revenue of accounts at risk, renewals within the horizon first; one line
    naming the file that would add it when no account has a revenue."""
    if rollup["arr"].isna().all():
        return [needs_file("The table of revenue at risk and renewals", ACCOUNT_MASTER)]
    risk = accounts.revenue_at_risk(rollup, params.field_end, params.renewal_horizon_days)
    return [
        blocks.revenue_at_risk_cards(risk, params.renewal_horizon_days),
        blocks.revenue_at_risk_table(risk)
        if risk["at_risk_accounts"]
        else blocks.note("No account is at risk under the rule of this wave."),
    ]


def coverage_slides(params: WaveParams, data: WaveData) -> list[Any]:
    """Response rate and account coverage beside the score, by tier; then a slide of
    the response rate by role. A note when there is no invitation list, and on the role
    slide when the list has no roles."""
    if data.invitations is None:
        return [
            blocks.note(
                "No invitation list was given (inputs.invitations), so the response rate is "
                "unknown."
            )
        ]
    responses, invitations = data.responses, data.invitations
    target = params.response_rate_target
    if _no_accounts(data):
        rate = _rate(data)
        return [
            blocks.kpi_cards(
                {
                    "Response rate": (
                        fmt_pct(rate["rate"]),
                        f"{fmt_int(rate['responded'])} of {fmt_int(rate['reached'])} reached",
                    )
                }
            ),
            needs_file("The account coverage (revenue covered, the rate by tier)", ACCOUNT_MASTER),
        ]
    by_tier = coverage.response_rate_by(responses, invitations, "tier", target)
    heading = blocks.slide_heading(
        "Response rate by role", "Decision-makers are the hardest to reach."
    )
    if "role" in invitations.columns:
        by_role = coverage.response_rate_by(responses, invitations, "role", target)
        role_parts = (
            heading,
            charts.rate_bar(by_role, "role", target),
            blocks.rate_table(by_role, "role", target),
        )
    else:  # a minimal invitation list: contact_id, account_id, bounced
        role_parts = (
            heading,
            blocks.note(
                "The invitation list has no role column, so the response rate by role is "
                "unknown: add each contact's role to the list to see it."
            ),
        )
    return [
        blocks.coverage_cards(
            _rate(data),
            coverage.account_coverage(responses, data.accounts, invitations, params.key_tiers),
        ),
        charts.rate_bar(by_tier, "tier", target),
        Slide("Response rate by role", role_parts),
    ]


def themes_by_impact(
    data: WaveData,
    themed: ThemedComments,
    previous_themed: ThemedComments | None = None,
    params: WaveParams | None = None,
) -> pd.DataFrame:
    """Each theme's mentions, praise, complaints and NPS impact this wave, with the
    change of its share of comments since the previous wave when its themes are given,
    tested (:func:`nps_helpers.metrics.shares.share_changes`: accounts of both waves as
    clusters, Holm over the themes, ``min_n_change`` comments a wave): share_ci_low,
    share_ci_high, share_p_value, share_p_holm and share_flagged."""
    if data.previous is None or previous_themed is None:
        return theme_table(data.responses, themed)
    table = theme_table(data.responses, themed, theme_table(data.previous, previous_themed))
    hits = {
        "before": commented_tags(data.previous, previous_themed),
        "now": commented_tags(data.responses, themed),
    }
    frames = {"before": data.previous, "now": data.responses}
    clusters = {
        k: None if accounts_of(frames[k]) is None else accounts_of(frames[k]).loc[v.index]
        for k, v in hits.items()
    }
    test = share_changes(
        hits["before"],
        hits["now"],
        clusters["before"],
        clusters["now"],
        params.confidence if params else 0.95,
        params.min_n_change if params else 1,
    )
    named = {"ci_low": "share_ci_low", "ci_high": "share_ci_high", "p_value": "share_p_value"}
    test = test.rename(columns={**named, "p_holm": "share_p_holm", "flagged": "share_flagged"})
    columns = [*named.values(), "share_p_holm", "share_flagged"]
    return table.join(test[columns], on="theme")


def theme_slides(by_theme: pd.DataFrame, previous_wave: str | None) -> list[Any]:
    """What moves the NPS (a chart of the themes' impact), then a slide of every theme
    in detail."""
    first = (
        charts.theme_impact(by_theme)
        if by_theme["mentions"].sum()
        else blocks.note("No comment of this wave mentions a theme of the codebook.")
    )
    return [
        first,
        Slide(
            "Themes in detail",
            (
                blocks.slide_heading(
                    "Themes in detail",
                    "How often each theme is raised, by whom, and whether it is strategic or "
                    "operational.",
                ),
                blocks.theme_table(by_theme, previous_wave),
            ),
        ),
    ]


def quote_slides(
    data: WaveData, themed: ThemedComments, by_theme: pd.DataFrame, scrub: Any
) -> list[Any]:
    """Quotes on the themes that weigh most: what detractors need (the themes whose fix
    would gain most), then a slide of what promoters praise (the themes whose praise
    holds most). ``scrub`` (:func:`nps_helpers.text.scrub.scrubber`) takes e-mail
    addresses, phone numbers and names out of them."""
    responses = data.responses
    complaints = by_theme.sort_values("gain_if_fixed", ascending=False).head(QUOTED_THEMES)
    praise = by_theme.sort_values("loss_without_praise", ascending=False).head(QUOTED_THEMES)
    critics = responses[responses["category"] != "promoter"]
    fans = responses[responses["category"] == "promoter"]

    def quotes(who: pd.DataFrame, themes: pd.Series, heading: str, sign: str) -> str:
        return blocks.verbatim_blocks(
            [
                (t, heading, verbatims(who, themed, t, scrub, sign, k=QUOTES_PER_THEME))
                for t in themes
            ]
        )

    return [
        quotes(critics, complaints["theme"], "Detractors need", "-"),
        Slide(
            "Promoters praise",
            (
                blocks.slide_heading("In their words: what promoters praise"),
                quotes(fans, praise["theme"], "Promoters praise", "+"),
            ),
        ),
    ]


def closing_the_loop(counts: dict[str, int], data: WaveData) -> list[str]:
    """How many people each follow-up list holds, and the detractors to call by owner
    (without an account master the lists are by respondent, and a line says which file
    would add owners)."""
    return [
        blocks.followup_cards(
            counts, counts["top_priority_calls"], by_account=not _no_accounts(data)
        ),
        needs_file("Detractors to call by account owner", ACCOUNT_MASTER)
        if _no_accounts(data)
        else blocks.call_table(call_summary(data.responses)),
    ]


def method_slide(params: WaveParams, data: WaveData) -> Slide:
    """How the figures were made, in plain words: what the wave had decides what is said
    (revenue weighting only with an account master; the response rate only with an
    invitation list); last, the run's provenance when ``quality.json`` has it (the time,
    the workbook's version and the digest of each input, params and codebook)."""
    items = [
        "**Promoters** answered 9 or 10, **passives** 7 or 8, **detractors** 0 to 6. "
        "NPS = % promoters − % detractors.",
        f"**Intervals** are {params.confidence:.0%} adjusted-Wald intervals (Rocks 2016), "
        "with each account's people counted as one cluster (their answers go together), so "
        "they are wider than if every respondent were independent.",
        "**Changes** between waves are the adjusted difference over its standard error "
        "(MeasuringU), with accounts answering in both waves as one design; each change "
        "shows its interval. ▲▼ marks a change only when it survives Holm's correction "
        f"within its table and both waves have at least {params.min_n_change} responses.",
        "**Climbers and fallers** are the people who answered both waves: their NPS change "
        "is the mean of each person's change, tested on the same people with accounts as "
        "clusters. Theme share changes and the revenue-weighted change are tested the same "
        "way as NPS changes (adjusted difference, accounts as clusters, Holm within the "
        "theme table).",
    ]
    if _no_accounts(data):
        items.append(
            "**Respondents** each count once: without the account master (inputs.accounts) "
            "there is no revenue weighting, no tier and no account owner."
        )
    else:
        items.append(
            "**Revenue-weighted NPS** weights each account's people so the account counts by "
            "its annual revenue."
        )
    if data.invitations is not None:
        items.append(
            "**Response rate** = people who answered ÷ people invited whose mail did not bounce."
        )
    items += [
        f"**Small segments** (fewer than {params.min_n} responses) show no NPS, so no "
        "respondent can be singled out.",
        "**Themes** come from the codebook; a theme's “NPS gain if fixed” is the detractors "
        "who mention it, other than in praise, as a share of all responses.",
    ]
    made = data.quality.get("provenance")
    if made:
        files = ", ".join(
            f"{name} {item['blake2b'][:12]}" for name, item in made.get("inputs", {}).items()
        )
        items.append(
            f"**Provenance**: made {made.get('made_at', '?')} by workbook {made.get('version')} "
            f"from inputs {made.get('inputs_digest')} (blake2b: {files})."
        )
    return Slide("Method", (blocks.slide_heading("Method"), blocks.bullets(items)))


def checks_slide(data: WaveData) -> Slide:
    """The Great Expectations checks the wave passed before it was reported."""
    return Slide(
        "Great Expectations checks",
        (
            blocks.slide_heading(
                "Great Expectations checks", "The checks every wave passes before it is reported."
            ),
            blocks.validation_table(data.quality["validation"]),
        ),
    )


def uncaught_comments(data: WaveData, themed: ThemedComments, scrub: Any) -> str:
    """Clusters of the comments no theme catches: candidates for new themes (examples
    scrubbed by ``scrub``)."""
    return blocks.discovery_table(discover(data.responses["comment"], themed, scrub=scrub))
