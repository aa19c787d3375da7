"""Closing the loop: the lists account teams work from, built from the wave's frames.

Pure: every function takes DataFrames and plain values and returns a DataFrame or text;
:mod:`nps_helpers.io.followup_files` writes them (CSV, one XLSX per owner, the note).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from nps_helpers.metrics.coverage import response_rate_by
from nps_helpers.params import WaveParams
from nps_helpers.text.scrub import for_account_teams
from nps_helpers.text.sentiment import NEGATIVE, POSITIVE


def call_summary(responses: pd.DataFrame) -> pd.DataFrame:
    """Detractors to call back, per account owner.

    Returns
    -------
    DataFrame
        owner, detractors, decision_makers (detractors who are decision-makers),
        accounts (accounts with a detractor), arr (annual revenue of those accounts);
        largest revenue first, with a final ``All owners`` row.
    """
    det = responses[responses["category"].astype(str) == "detractor"]
    if det.empty:
        return pd.DataFrame(columns=["owner", "detractors", "decision_makers", "accounts", "arr"])
    det = det.assign(
        owner=det["owner"].astype(str), dm=(det["role"].astype(str) == "decision_maker").astype(int)
    )
    per_account = det.drop_duplicates("account_id")[["owner", "account_id", "arr"]]
    out = det.groupby("owner").agg(
        detractors=("response_id", "size"), decision_makers=("dm", "sum")
    )
    acc = per_account.groupby("owner").agg(accounts=("account_id", "size"), arr=("arr", "sum"))
    out = out.join(acc).reset_index().sort_values(["arr", "owner"], ascending=[False, True])
    total = pd.DataFrame(
        [
            {
                "owner": "All owners",
                "detractors": int(out["detractors"].sum()),
                "decision_makers": int(out["decision_makers"].sum()),
                "accounts": int(out["accounts"].sum()),
                "arr": out["arr"].sum(),
            }
        ]
    )
    return pd.concat([out, total], ignore_index=True)


# --------------------------------------------------------------------------- lists
LIST_COLUMNS = [
    "account_id",
    "account_name",
    "tier",
    "arr",
    "renewal_date",
    "owner",
    "respondent_id",
    "role",
    "score",
    "category",
    "comment",
    "themes",
]


def theme_labels(themed) -> pd.Series:
    """Per response, its themes in plain words with what was said of them, e.g.
    ``support (complaint), price billing (praise), onboarding`` (a mention neither
    praise nor complaint has no word).

    Each response's pattern of labels is coded as one row of small numbers; the text is
    built once per distinct pattern (a few thousand in a wave), not once per response."""
    index = themed.tags.index
    names = list(themed.themes)
    if not names or not len(index):
        return pd.Series("", index=index, dtype=object, name="themes")
    polarity = themed.polarity[names].to_numpy(dtype=float)
    signs = np.select(
        [polarity > POSITIVE, polarity < NEGATIVE, ~np.isnan(polarity)], [1, 2, 3], 0
    ).astype(np.int8)
    if len(names) <= 31:  # the pattern as one base-4 number: hashing, not sorting rows
        codes = signs.astype(np.int64) @ (4 ** np.arange(len(names) - 1, -1, -1, dtype=np.int64))
        which = pd.factorize(codes)[0]
        _, first = np.unique(which, return_index=True)
        patterns = signs[first]
    else:
        patterns, which = np.unique(signs, axis=0, return_inverse=True)
    said = ("", " (praise)", " (complaint)", "")
    plain = [name.replace("_", " ") for name in names]
    texts = np.array(
        [
            ", ".join(f"{name}{said[s]}" for name, s in zip(plain, row, strict=True) if s)
            for row in patterns
        ],
        dtype=object,
    )
    return pd.Series(texts[which.reshape(-1)], index=index, name="themes")


def _base(responses: pd.DataFrame, themed=None) -> pd.DataFrame:
    """The responses with their ``themes`` labels (kept when already there and no
    ``themed`` is given, so several lists can share one labelling). The lists only
    select from it, so labelled responses are passed on without a copy."""
    if themed is not None:
        return responses.assign(themes=theme_labels(themed).reindex(responses.index).fillna(""))
    if "themes" not in responses.columns:
        return responses.assign(themes="")
    return responses


def detractor_calls(
    responses: pd.DataFrame,
    themed=None,
    key_tiers=("key", "premium"),
    as_of=None,
    horizon_days: int = 182,
) -> pd.DataFrame:
    """Every detractor, to be called back by the account team.

    Order: key-tier accounts where a decision-maker detracts first; then accounts
    renewing within ``horizon_days`` of ``as_of`` (soonest first); then by annual
    revenue (largest first). ``priority`` says which group a row is in.
    """
    base = _base(responses, themed)
    det = base[base["category"].astype(str) == "detractor"].copy()
    dm_det = set(det.loc[det["role"].astype(str) == "decision_maker", "account_id"])
    key = det["tier"].astype(str).isin(key_tiers) & det["account_id"].isin(dm_det)
    renewal = pd.to_datetime(det["renewal_date"], errors="coerce")
    days = (
        (renewal - pd.Timestamp(as_of)).dt.days
        if as_of is not None
        else pd.Series(np.nan, index=det.index)  # no date to count from: unknown
    )
    soon = days.between(0, horizon_days)
    det["priority"] = pd.Series(
        [1 if k else 2 if s else 3 for k, s in zip(key, soon, strict=True)], index=det.index
    )
    det["days_to_renewal"] = days
    # within a group: soonest renewal first for renewals, else largest revenue first
    det["_order"] = np.where(
        det["priority"] == 2, days.fillna(10**6), -det["arr"].astype(float).fillna(0)
    )
    det = det.sort_values(["priority", "_order", "account_id", "respondent_id"], kind="stable")
    return det[["priority", *LIST_COLUMNS, "days_to_renewal"]].reset_index(drop=True)


def category_list(responses: pd.DataFrame, category: str, themed=None) -> pd.DataFrame:
    """The respondents of one category with what they said, largest accounts first."""
    base = _base(responses, themed)
    out = base[base["category"].astype(str) == category]
    order = ["arr", "score", "respondent_id"]
    return out.sort_values(order, ascending=[False, False, True], kind="stable")[
        LIST_COLUMNS
    ].reset_index(drop=True)


def promoter_list(responses: pd.DataFrame, themed=None) -> pd.DataFrame:
    """Promoters, for referrals and case studies: largest accounts first."""
    return category_list(responses, "promoter", themed)


def passive_list(responses: pd.DataFrame, themed=None) -> pd.DataFrame:
    """Passives, for upsell conversations, with what they said: largest accounts first."""
    return category_list(responses, "passive", themed)


def interview_sample(
    responses: pd.DataFrame, n_promoters: int = 10, seed: int = 0, themed=None
) -> pd.DataFrame:
    """Every detractor who left a comment, plus a seeded random sample of promoters
    (those with a comment first) for the good stories. The same seed gives the same
    sample."""
    base = _base(responses, themed)
    has_comment = base["comment"].fillna("").astype(str).str.strip().str.len() > 2
    cat = base["category"].astype(str)
    detractors = base[(cat == "detractor") & has_comment].assign(reason="detractor with a comment")
    promoters = base[cat == "promoter"].sort_values("respondent_id", kind="stable")
    pool = promoters[has_comment.reindex(promoters.index)]
    if len(pool) < n_promoters:
        pool = promoters
    picked = pool.sample(n=min(n_promoters, len(pool)), random_state=seed) if len(pool) else pool
    picked = picked.assign(reason="random promoter")
    out = pd.concat(
        [
            detractors.sort_values(
                ["arr", "respondent_id"], ascending=[False, True], kind="stable"
            ),
            picked.sort_values("respondent_id", kind="stable"),
        ]
    )
    return out[["reason", *LIST_COLUMNS]].reset_index(drop=True)


def reminder_list(invitations: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Invited contacts who have not answered and whose invitation did not bounce, by
    account owner and account, so account managers can chase during the field period."""
    pending = invitations[
        ~invitations["bounced"] & ~invitations["contact_id"].isin(responses["respondent_id"])
    ]
    cols = [
        c
        for c in (
            "owner",
            "account_id",
            "account_name",
            "tier",
            "contact_id",
            "first_name",
            "last_name",
            "role",
            "email",
            "invited_at",
        )
        if c in pending.columns
    ]
    keys = [c for c in ("owner", "account_name", "contact_id") if c in cols]
    out = pending[cols].sort_values(keys, kind="stable", ignore_index=True)
    if "invited_at" in out.columns:  # a date, as renewal_date is (unreadable: empty)
        out["invited_at"] = pd.to_datetime(out["invited_at"], errors="coerce").dt.date
    return out


def owner_response_rates(
    invitations: pd.DataFrame, responses: pd.DataFrame, target: float | None = None
) -> pd.DataFrame:
    """Response rate per account owner (account managers are often measured on it).
    Contacts whose account has no owner (none in the account master, or the list not
    joined to it) count under ``(no owner)``."""
    owner = invitations.get("owner", pd.Series(None, index=invitations.index, dtype=object))
    owner = owner.astype(object).where(owner.notna(), "(no owner)").astype(str)
    slim = invitations[["contact_id", "bounced"]].assign(owner=owner)
    out = response_rate_by(responses, slim, "owner", target)
    out = out.sort_values(["rate", "owner"], ascending=[True, True]).reset_index(drop=True)
    return out.assign(rate=out["rate"].round(1))  # a percent, as people read it


def thank_you_note(
    theme_table: pd.DataFrame, company: str, wave_label: str, n: int, top: int = 5
) -> str:
    """A Markdown draft of the "You said, we did" note, with a placeholder per theme."""
    raised = (
        theme_table[theme_table["mentions"] > 0]
        .sort_values(["gain_if_fixed", "mentions"], ascending=False)
        .head(top)
    )
    lines = [
        f"# You said, we did — {wave_label}",
        "",
        f"Thank you to the {n:,} people who answered our survey. Here is what you told "
        f"{company}, and what we are changing because of it.",
        "",
    ]
    for row in raised.itertuples():
        lines += [
            f"## {row.theme.replace('_', ' ').capitalize()}",
            f"*You said:* {row.description} came up in {row.share_of_comments:.0f}% of "
            f"comments ({row.complaints} asked us to do better, {row.praise} praised it).",
            "",
            "*We did:* [describe the change made, its date and who to contact]",
            "",
        ]
    lines += ["With thanks,", "", "[CEO name], " + company]
    return "\n".join(lines) + "\n"


def contact_names(invitations: pd.DataFrame | None) -> pd.Series | None:
    """Each invited contact's name (first and last, as the invitation list has them),
    by contact id; None when the list has no names."""
    if invitations is None:
        return None
    parts = [c for c in ("first_name", "last_name") if c in invitations.columns]
    if not parts:
        return None
    people = invitations.drop_duplicates("contact_id").set_index("contact_id")[parts]
    text = [people[c].astype(object).where(people[c].notna(), "").astype(str) for c in parts]
    names = (text[0].str.cat(text[1:], sep=" ") if len(text) > 1 else text[0]).str.strip()
    return names[names != ""]


def personal_columns(
    frame: pd.DataFrame,
    invitations: pd.DataFrame | None,
    include_email: bool,
    names: pd.Series | None = None,
) -> pd.DataFrame:
    """Add the contact's name after the respondent id (from the invitation list, by
    contact id: account teams call people, not ids; ``names`` when already read, see
    :func:`contact_names`), and the contact's e-mail only when params allow it."""
    frame = frame.drop(columns=["email"], errors="ignore")
    names = contact_names(invitations) if names is None else names
    if names is not None and "respondent_id" in frame.columns:
        at = frame.columns.get_loc("respondent_id") + 1
        frame = frame.copy()
        frame.insert(at, "contact_name", frame["respondent_id"].map(names).fillna("").values)
    if not include_email or invitations is None or "email" not in invitations.columns:
        return frame
    emails = invitations.drop_duplicates("contact_id").set_index("contact_id")["email"]
    return frame.assign(email=frame["respondent_id"].map(emails).fillna(""))


#: What a comment needs to hold anything :func:`for_account_teams` removes: a digit (phones,
#: IBANs, cards), an "@", or an e-mail spelled out ("at" ... "dot", "(at)", "[at]").
_MAY_HOLD_CONTACTS = r"\d|@|\bat\b.*\bdot\b|[(\[{<]at[)\]}>]"


def scrub_comments(
    frame: pd.DataFrame, invitations: pd.DataFrame | None, keep_own: bool
) -> pd.DataFrame:
    """The frame with each comment as the account team may read it
    (:func:`nps_helpers.text.scrub.for_account_teams`): card numbers, IBANs and other
    people's e-mails and phones removed; the respondent's own (from the invitation list,
    by contact id) kept when ``keep_own`` (params ``followup_include_email``). Only the
    comments that may hold such data are read, each distinct one once."""
    if "comment" not in frame.columns or frame.empty:
        return frame
    comments = frame["comment"].astype(object)
    text = comments.where(comments.map(lambda v: isinstance(v, str)), "")
    suspect = np.flatnonzero(
        text.str.contains(_MAY_HOLD_CONTACTS, case=False, regex=True).to_numpy(dtype=bool)
    )
    if not len(suspect):
        return frame
    mails = phones = pd.Series(None, index=frame.index[suspect], dtype=object)
    if invitations is not None and "respondent_id" in frame.columns:
        people = invitations.drop_duplicates("contact_id").set_index("contact_id")
        who = frame["respondent_id"].iloc[suspect]
        if "email" in people.columns:
            mails = who.map(people["email"])
        if "phone" in people.columns:
            phones = who.map(people["phone"])
    keys = pd.DataFrame(
        {"c": text.iloc[suspect].to_numpy(), "m": mails.to_numpy(), "p": phones.to_numpy()}
    ).astype(object)
    keys = keys.where(keys.map(lambda v: isinstance(v, str)), None)
    done: dict[tuple, str] = {}
    scrubbed = []
    for key in keys.itertuples(index=False, name=None):
        if key not in done:
            done[key] = for_account_teams(key[0], key[1], own_phone=key[2], keep_own=keep_own)
        scrubbed.append(done[key])
    out = comments.copy()
    out.iloc[suspect] = scrubbed
    return frame.assign(comment=out.fillna("") if comments.isna().any() else out)


#: The columns a list takes from the account master (empty in an export-only wave).
CRM_LIST_COLUMNS = ("account_id", "account_name", "tier", "arr", "renewal_date", "owner")


def by_respondent(frame: pd.DataFrame, responses: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """A list of an export-only wave, by respondent: the account master's columns that
    are empty left out, the export's own columns (``extra``: plan, company size, ...)
    put after the respondent id, from the responses the list's respondents gave."""
    empty = [
        c
        for c in (*CRM_LIST_COLUMNS, "days_to_renewal")
        if c in frame.columns and (frame[c].isna() | (frame[c].astype(str) == "")).all()
    ]
    out = frame.drop(columns=empty)
    keep = [c for c in extra if c in responses.columns and c not in out.columns]
    if not keep:
        return out
    own = responses.drop_duplicates("respondent_id").set_index("respondent_id")[keep]
    at = out.columns.get_loc("respondent_id") + 1
    for i, c in enumerate(keep):
        out.insert(at + i, c, out["respondent_id"].map(own[c]).astype(object).values)
    return out


@dataclass
class FollowupLists:
    """Every closed-loop list of a wave, their row counts and the thank-you note."""

    lists: dict[str, pd.DataFrame]
    counts: dict[str, int]
    note: str
    owners: list[str]  # who gets a workbook: owners with responses or contacts to remind


def build_lists(
    params: WaveParams,
    responses: pd.DataFrame,
    themed,
    invitations: pd.DataFrame | None,
    by_theme: pd.DataFrame,
) -> FollowupLists:
    """The lists account teams work from: detractors to call (priority first), promoters
    and passives, a promoter interview sample, and with an invitation list the reminders
    and each owner's response rate; plus the "You said, we did" draft. Without an
    account master (no response has an annual revenue) the lists are by respondent
    (:func:`by_respondent`).

    Lists carry contact ids and names (from the invitation list); e-mails only with
    ``followup_include_email``; comments without card numbers, IBANs or other people's
    contact details (:func:`scrub_comments`). The files are
    written by :func:`nps_helpers.io.followup_files.write_followup`.
    """
    # once, for all the lists: the themes of each response, its comment scrubbed
    labelled = scrub_comments(_base(responses, themed), invitations, params.followup_include_email)
    lists = {
        "detractor_calls": detractor_calls(
            labelled, None, params.key_tiers, params.field_end, params.renewal_horizon_days
        ),
        "promoters": promoter_list(labelled),
        "passives": passive_list(labelled),
        "interviews": interview_sample(labelled, params.interview_promoters, params.followup_seed),
    }
    keep_own = params.followup_include_email
    names = contact_names(invitations)  # once, for all the lists
    lists = {k: personal_columns(v, invitations, keep_own, names) for k, v in lists.items()}
    if responses["arr"].isna().all():  # no account master: the lists are by respondent
        lists = {
            k: by_respondent(v, labelled, list(params.columns.extra)) for k, v in lists.items()
        }
    if invitations is not None:
        reminders = reminder_list(invitations, responses)
        if not params.followup_include_email:
            reminders = reminders.drop(columns=["email"], errors="ignore")
        lists["reminders"] = reminders
        lists["owner_response_rates"] = owner_response_rates(
            invitations, responses, params.response_rate_target
        )
    counts = {k: int(len(v)) for k, v in lists.items()}
    counts["top_priority_calls"] = int((lists["detractor_calls"]["priority"] == 1).sum())
    note = thank_you_note(by_theme, params.company, params.title, len(responses))
    owners = {str(o) for o in responses["owner"].dropna()}
    if "reminders" in lists:
        owners |= {str(o) for o in lists["reminders"]["owner"].dropna()}
    return FollowupLists(lists=lists, counts=counts, note=note, owners=sorted(owners))
