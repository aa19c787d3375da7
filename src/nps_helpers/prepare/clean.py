"""Raw export -> canonical responses, and every row not kept with its reason.

The rule of this module: input rows = kept rows + rejected rows, always. A row is
rejected for the first reason that applies, in the order of :data:`REASONS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nps_helpers.errors import ExportFormatError, MappingError
from nps_helpers.io.exports import RawExport
from nps_helpers.io.salt import LEGACY_SALT, project_salt
from nps_helpers.metrics.scoring import classify
from nps_helpers.params import CANONICAL_ROLES, WaveParams
from nps_helpers.prepare.columns import detect_columns, nps_group_column
from nps_helpers.prepare.values import parse_scores, read_timestamps, stripped_text

#: Why a row is not kept, in the order they are checked.
REASONS = {
    "blank_row": "every cell of the row is empty",
    "preview_or_test": "a survey preview, test or spam response",
    "incomplete": "the respondent did not finish the survey",
    "missing_score": "the NPS question was left blank",
    "invalid_score": "the NPS answer is not a number",
    "score_out_of_range": "the NPS answer is outside 0-10",
    "invalid_timestamp": "the response date is empty or cannot be read",
    "outside_field_window": "the response date lies outside the wave's field period",
    "unknown_account": "the account is not in the account master",
    "duplicate_response_id": "the same response id appears again (the first is kept)",
    "duplicate_submission": "an earlier submission of a respondent who answered again "
    "(the latest is kept)",
}
#: Qualtrics response types that are not real responses (text and numeric exports).
PREVIEW_STATUSES = {
    "survey preview",
    "survey test",
    "spam",
    "preview spam",
    "imported spam",
    "offline survey preview",
    "test",
    "preview",
    "1",
    "2",
    "8",
    "9",
    "12",
    "17",
}
INCOMPLETE_STATUSES = {"partial", "incomplete", "in progress", "abandoned"}
FINISHED_TRUE = {"true", "1", "yes", "y", "complete", "completed", "finished"}
FINISHED_FALSE = {"false", "0", "no", "n", "partial", "incomplete"}
PERSONAL_EXPORT_COLUMNS = (
    "RecipientFirstName",
    "RecipientLastName",
    "RecipientEmail",
    "IPAddress",
    "IP Address",
    "LocationLatitude",
    "LocationLongitude",
    "First Name",
    "Last Name",
    "Email Address",
    "Name",
)
REMOVED = "[removed]"
#: How a response found its account when it was by the e-mail domain.
DOMAIN_JOIN = "joined on the e-mail domain"

_PERSONAL = re.compile(
    r"e?mail|phone|telephone|mobile|^cell|^tel$|^fax|^ip(v4|v6)?$|ipaddress|latitude|longitude"
    r"|^(street|postal|post|home|mailing)?address(line\d)?$|^postcode$|^zip(code)?$"
    r"|^(first|last|given|family|full|middle|sur|respondent|contact|recipient|user|your)?name$"
    r"|^(first|last|given|family|full|sur)name|^surname$"
)


def is_personal(column: str) -> bool:
    """Whether an export column holds a person's contact data or location by its header:
    names of people (not of accounts, companies or products), e-mail addresses, phones,
    IP addresses, coordinates, postal addresses, in any layout's spelling ("Email
    Address", "RecipientEmail", "Mobile phone", "IP", "Full name", "Zip code")."""
    key = re.sub(r"[^a-z0-9]", "", str(column).lower())
    return bool(key) and (column in PERSONAL_EXPORT_COLUMNS or bool(_PERSONAL.search(key)))


NPS_GROUP_CODES = {"1": "detractor", "2": "passive", "3": "promoter"}


@dataclass(frozen=True)
class CleanOptions:
    """What cleaning needs to know; made from params, or by hand for a quick check."""

    wave_id: str = "check"
    columns: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    role_map: dict[str, str] = field(default_factory=dict)
    tiers: tuple[str, ...] | None = None
    tier_map: dict[str, str] = field(default_factory=dict)
    include_partial: bool = False
    respondent_salt: str = LEGACY_SALT  # a quick check stores nothing
    salt_note: str | None = None  # said when the project's salt was just made
    window: tuple[dt.date, dt.date] | None = None
    join_on_email_domain: bool = False
    strict_labels: bool = True
    company: str | None = None

    @classmethod
    def from_params(cls, params: WaveParams) -> CleanOptions:
        """The options of a wave: its params, and the project's salt
        (:func:`nps_helpers.io.salt.project_salt`) unless params give one."""
        salt, salt_note = params.respondent_salt, None
        if salt is None:
            salt, salt_note = project_salt(params.root, params.history_dir)
        return cls(
            wave_id=params.wave_id,
            columns=params.columns.forced(),
            extra=params.columns.extra,
            role_map=params.role_map,
            tiers=tuple(params.tiers),
            tier_map=params.tier_map,
            include_partial=params.include_partial,
            respondent_salt=salt,
            salt_note=salt_note,
            window=params.window,
            join_on_email_domain=params.join_on_email_domain,
            company=params.company or None,
        )


@dataclass
class CleanResult:
    """What cleaning gives: the kept responses, the rejected rows, and the counts."""

    responses: pd.DataFrame
    rejected: pd.DataFrame
    quality: dict = field(default_factory=dict)


def respondent_ids(contact_id: pd.Series | None, email: pd.Series | None, salt: str) -> pd.Series:
    """Stable respondent ids: the contact id, else a salted hash of the lower-cased e-mail.

    A value without ``@`` is no e-mail (Microsoft Forms writes "anonymous" for every
    respondent of an anonymous form): it gives no id, so those responses are not taken
    for one respondent answering again."""
    index = (contact_id if contact_id is not None else email).index
    ids = pd.Series("", index=index, dtype=object)
    if contact_id is not None:
        ids = stripped_text(contact_id)
    if email is not None:
        mail = stripped_text(email).str.lower()
        mail = mail.where(mail.str.contains("@", regex=False), "")
        unique = mail[(mail != "") & (ids == "")].unique()
        hashed = {m: "h_" + hashlib.sha256((salt + m).encode()).hexdigest()[:16] for m in unique}
        ids = ids.where(ids != "", mail.map(hashed).fillna(""))
    return ids


def map_labels(
    labels: pd.Series,
    mapping: dict[str, str],
    allowed: tuple[str, ...],
    source: str,
    column: str,
    what: str,
    strict: bool = True,
    param: str = "role_map",
) -> tuple[pd.Series, list[str]]:
    """Labels -> canonical values through ``mapping``; allowed values map to themselves.

    Returns the mapped values and the labels that had no mapping. With ``strict`` an
    unmapped label is a :class:`MappingError` listing every such label and its count;
    without, they become ``other`` (for roles) or stay as they are.
    """
    known = {**{v: v for v in allowed}, **mapping}
    stripped = stripped_text(labels)
    mapped = stripped.map(known)
    unmapped = stripped[mapped.isna()]
    counts = unmapped.value_counts()
    if len(counts) and strict:
        listed = ", ".join(f"{label!r} ({n} rows)" for label, n in counts.items())
        raise MappingError(
            f"{source}: column {column} has {what} labels with no entry in {param}: {listed}. "
            f"Add them to {param} in the params file, mapped to one of {', '.join(allowed)}."
        )
    fallback = "other" if "other" in allowed else None
    mapped = mapped.fillna(fallback) if fallback else mapped.fillna(stripped)
    return mapped, list(counts.index)


def map_roles(labels: pd.Series, role_map: dict[str, str], source: str, column: str) -> pd.Series:
    """Export role labels -> canonical roles; an unmapped label is a :class:`MappingError`."""
    return map_labels(labels, role_map, CANONICAL_ROLES, source, column, "role")[0]


def _truthy(values: pd.Series, yes: set[str], no: set[str]) -> pd.Series:
    low = stripped_text(values).str.lower()
    return pd.Series(
        np.where(low.isin(no), False, np.where(low.isin(yes), True, True)), index=values.index
    )


def blank_rows(values: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or white space. Column by column, only the rows
    still blank so far are looked at: the first filled column rules out nearly all."""
    blank = np.ones(len(values), dtype=bool)
    for j in range(values.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        cells = values.iloc[rows, j].astype(str).str.strip()
        blank[rows] = (cells == "").to_numpy()
    return blank


def _empty_account_attributes(
    responses: pd.DataFrame, tiers: tuple[str, ...] | None
) -> pd.DataFrame:
    """An export-only wave's responses with the account attributes there and empty (the
    canonical columns, DESIGN.md), unless the export's own columns (columns.extra) fill
    them; the account name is the export's account column when it has one."""
    empty = {
        # the export's account column (a name or an id) is the only name there is
        "account_name": responses["account_id"]
        .where(responses["account_id"] != "")
        .astype("string"),
        "tier": pd.Categorical([None] * len(responses), categories=list(tiers or ())),
        "industry": pd.Categorical([None] * len(responses)),
        "region": pd.Categorical([None] * len(responses)),
        "arr": pd.Series(np.nan, index=responses.index, dtype=float),
        "owner": pd.Categorical([None] * len(responses)),
        "renewal_date": pd.Series(None, index=responses.index, dtype=object),
    }
    return responses.assign(**{k: v for k, v in empty.items() if k not in responses.columns})


def _fold_names(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)


def link_accounts(
    source: str,
    index: pd.Index,
    accounts: pd.DataFrame | None,
    invitations: pd.DataFrame | None,
    account: pd.Series | None,
    contact: pd.Series | None,
    email: pd.Series | None,
    by_domain: bool,
    account_column: str | None = None,
) -> tuple[pd.Series, str | None, str | None]:
    """Each response's account id, and how it was found (None when nothing needed saying).

    In order: the export's account column (an id of the account master, or an account
    name matched to ``account_name`` case- and space-insensitively); else the invitation
    list's account of the respondent, by contact id or by e-mail; else, with
    ``join_on_email_domain``, the account whose ``domain`` is the e-mail's. Without an
    account master the export's account column (id or name) is kept as it is, or blank.

    Raises
    ------
    ExportFormatError
        When an account master is given and nothing in the export links responses to it.
    """
    if accounts is None:
        kept = account if account is not None else pd.Series("", index=index, dtype=object)
        return kept, None, None
    if account is not None:
        ids = set(accounts["account_id"])
        known = account.isin(ids)
        if "account_name" in accounts.columns and not known.all():
            names = accounts.assign(key=_fold_names(accounts["account_name"]))
            names = names[names["key"] != ""].drop_duplicates("key", keep=False)
            by_name = account.where(
                known,
                _fold_names(account).map(names.set_index("key")["account_id"]).fillna(account),
            )
            matched = int((~known & by_name.isin(ids)).sum())
            if matched:
                note = (
                    f"{matched} response(s) name their account in column {account_column!r} "
                    "and were matched to the account master's account_name"
                )
                return by_name, None, note
        return account, None, None
    inv = invitations
    if inv is not None and contact is not None and (contact != "").any():
        by_contact = inv.drop_duplicates("contact_id").set_index("contact_id")["account_id"]
        found = contact.map(by_contact)
        if found.notna().any():
            return (
                found.fillna("").astype(object),
                "from the invitation list, by contact id",
                "accounts found through the invitation list (by contact id)",
            )
    if inv is not None and email is not None and "email" in inv.columns:
        keyed = inv.assign(key=inv["email"].astype(str).str.strip().str.lower())
        by_mail = keyed.drop_duplicates("key").set_index("key")["account_id"]
        found = email.str.lower().map(by_mail)
        if found.notna().any():
            return (
                found.fillna("").astype(object),
                "from the invitation list, by e-mail",
                "accounts found through the invitation list (by e-mail)",
            )
    if by_domain and email is not None and "domain" in accounts.columns:
        domain = email.str.lower().str.rsplit("@", n=1).str[-1]
        domains = accounts.dropna(subset=["domain"]).drop_duplicates("domain")
        found = domain.map(domains.set_index("domain")["account_id"]).fillna("")
        return (
            found,
            DOMAIN_JOIN,
            "accounts found by the respondent's e-mail domain",
        )
    raise ExportFormatError(
        f"{source}: no column links the responses to the account master; name the export's "
        "account column in params (columns: account_id), or give an invitation list whose "
        "contact_id or email the export carries, or set join_on_email_domain: true with a "
        "domain column in the account master."
    )


def clean_responses(
    raw: RawExport,
    accounts: pd.DataFrame | None,
    params: WaveParams | CleanOptions,
    invitations: pd.DataFrame | None = None,
) -> CleanResult:
    """Turn a raw export into canonical responses (DESIGN.md) and rejected rows.

    Parameters
    ----------
    raw
        The export as read by :func:`nps_helpers.ingest.read_export`.
    accounts
        The account master (:func:`nps_helpers.ingest.read_accounts`); None for a quick
        check, which then skips the account join.
    params
        The wave's parameters, or :class:`CleanOptions`.
    invitations
        The invitation list; gives the role of respondents when the export has no
        role column.

    Returns
    -------
    CleanResult
        ``responses`` sorted by response_id; ``rejected`` with input_row, reason,
        reason_text and the original values (personal columns removed); ``quality``
        with the format and columns found and the counts, which add up:
        rows_in == kept + rejected.

    Raises
    ------
    ExportFormatError
        When a needed column cannot be found.
    MappingError
        When a role or tier label has no mapping (with ``strict_labels``).
    """
    opts = params if isinstance(params, CleanOptions) else CleanOptions.from_params(params)
    data = raw.data
    source = str(raw.source)
    picked, why = detect_columns(raw, opts.columns, company=opts.company)
    missing_extra = {k: v for k, v in opts.extra.items() if v not in data.columns}
    if missing_extra:
        listed = ", ".join(f"{v!r} (for {k})" for k, v in missing_extra.items())
        raise ExportFormatError(
            f"{source}: column(s) {listed} named in columns.extra are not in "
            f"the export; it has: {', '.join(raw.columns)}"
        )
    notes: list[str] = [opts.salt_note] if opts.salt_note else []
    skipped: list[str] = []  # checks that did not apply to this export, in plain words
    col = picked.get
    blank = pd.Series("", index=data.index, dtype=object)

    def text(name: str) -> pd.Series:
        c = col(name)
        return stripped_text(data[c]) if c else blank

    reason = np.full(len(data), None, dtype=object)

    def reject(mask, why_code: str) -> None:
        m = np.asarray(mask, dtype=bool) & pd.isna(reason)
        reason[m] = why_code

    reject(blank_rows(data.drop(columns="input_row")), "blank_row")
    status = text("status").str.lower()
    if col("status"):
        reject(status.isin(PREVIEW_STATUSES), "preview_or_test")
    scores, score_problem = parse_scores(data[col("score")])
    finished = pd.Series(True, index=data.index)
    if col("finished"):
        finished &= _truthy(data[col("finished")], FINISHED_TRUE, FINISHED_FALSE)
    if col("status"):
        finished &= ~status.isin(INCOMPLETE_STATUSES)
    partial_ok = opts.include_partial & score_problem.isna()
    reject(~finished & ~partial_ok, "incomplete")
    for code in ("missing_score", "invalid_score", "score_out_of_range"):
        reject(score_problem == code, code)
    if col("responded_at"):
        when, dst = read_timestamps(
            data[col("responded_at")], raw.timezones.get(col("responded_at"))
        )
        reject(when.isna(), "invalid_timestamp")
        if opts.window:
            lo = pd.Timestamp(opts.window[0], tz="UTC")
            hi = pd.Timestamp(opts.window[1], tz="UTC") + pd.Timedelta(days=1)
            reject((when < lo) | (when >= hi), "outside_field_window")
    else:
        when = pd.Series(pd.NaT, index=data.index, dtype="datetime64[ns, UTC]")
        dst = pd.Series(None, index=data.index, dtype=object)
        notes.append("the export has no response date column: responded_at is empty")
        skipped.append(
            "The field-window check was skipped: the export has no response date column "
            "(name one in params, columns: responded_at, to check the field period)."
        )

    # accounts
    account_id, account_why, account_note = link_accounts(
        source,
        data.index,
        accounts,
        invitations,
        text("account_id") if col("account_id") else None,
        text("contact_id") if col("contact_id") else None,
        text("email") if col("email") else None,
        opts.join_on_email_domain,
        col("account_id"),
    )
    if account_why:
        why["account_id"] = account_why
    if account_note:
        notes.append(account_note)
    if accounts is None:
        skipped.append(
            "The account check was skipped: no account master was given (inputs.accounts), "
            "so the wave runs at respondent level."
        )
    if accounts is not None:
        reject(
            ~account_id.isin(set(accounts["account_id"])) | (account_id == ""), "unknown_account"
        )

    # respondents and duplicates
    contact = text("contact_id") if col("contact_id") else None
    mail = text("email") if col("email") else None
    rid = (
        respondent_ids(contact, mail, opts.respondent_salt)
        if contact is not None or mail is not None
        else blank
    )
    response_id = (
        text("response_id") if col("response_id") else ("row-" + data["input_row"].astype(str))
    )
    if not col("response_id"):
        notes.append("the export has no response id column: response_id is row-<input_row>")
    response_id = response_id.where(response_id != "", "row-" + data["input_row"].astype(str))
    rid = rid.where(rid != "", "r_" + response_id)
    alive = pd.Series(pd.isna(reason), index=data.index)
    repeated = response_id[alive].duplicated(keep="first")
    reject(repeated.reindex(data.index, fill_value=False), "duplicate_response_id")
    alive = pd.Series(pd.isna(reason), index=data.index)
    order = pd.DataFrame({"rid": rid, "when": when, "row": data["input_row"], "id": response_id})
    order = order[alive].sort_values(["rid", "when", "row"], na_position="first", kind="stable")
    earlier = order.duplicated("rid", keep="last")
    latest = order.drop_duplicates("rid", keep="last").set_index("rid")["id"]
    reject(
        pd.Series(earlier, index=order.index).reindex(data.index, fill_value=False),
        "duplicate_submission",
    )
    kept = pd.Series(pd.isna(reason), index=data.index)

    # labels
    if col("role"):
        roles, unmapped = map_labels(
            text("role")[kept],
            opts.role_map,
            CANONICAL_ROLES,
            source,
            col("role"),
            "role",
            opts.strict_labels,
        )
    elif invitations is not None and contact is not None and "role" in invitations.columns:
        inv_roles = invitations.drop_duplicates("contact_id").set_index("contact_id")["role"]
        labels = contact[kept].map(inv_roles).fillna("")
        roles, unmapped = map_labels(
            labels,
            opts.role_map,
            CANONICAL_ROLES,
            "invitation list",
            "role",
            "role",
            opts.strict_labels,
        )
        why["role"] = "from the invitation list, by contact id"
    else:
        roles, unmapped = pd.Series("other", index=data.index[kept]), []
        notes.append("no role column in the export or invitation list: every role is 'other'")
    if unmapped:
        notes.append(f"role labels without a mapping, counted as other: {unmapped}")

    responses = pd.DataFrame(
        {
            "wave_id": opts.wave_id,
            "response_id": response_id[kept],
            "respondent_id": rid[kept],
            "account_id": account_id[kept],
            "role": pd.Categorical(roles, categories=list(CANONICAL_ROLES)),
            "score": scores[kept].astype("Int8"),
            "comment": text("comment")[kept],
            "responded_at": when[kept],
            "input_row": data.loc[kept, "input_row"],
        }
    )
    responses["category"] = classify(responses["score"])
    for name, column in opts.extra.items():
        responses[name] = stripped_text(data.loc[kept, column])
    if accounts is not None:
        crm = accounts.drop(columns=[c for c in ("domain",) if c in accounts.columns])
        crm = crm.drop(
            columns=[c for c in crm.columns if c in responses.columns and c != "account_id"]
        )
        if opts.tiers is not None:
            tiers, _ = map_labels(
                crm["tier"],
                opts.tier_map,
                opts.tiers,
                "account master",
                "tier",
                "tier",
                opts.strict_labels,
                param="tier_map",
            )
            crm = crm.assign(tier=pd.Categorical(tiers, categories=list(opts.tiers)))
        # one row per account, checked here: merge(validate=...) would also factorize
        # every response's account id to learn what it does not need
        repeated = crm["account_id"][crm["account_id"].duplicated()]
        if len(repeated):
            raise ExportFormatError(
                f"account master: account_id repeats ids {sorted(set(repeated))[:20]}"
            )
        responses = responses.merge(crm, on="account_id", how="left")
        for name in ("industry", "region", "owner"):
            if name in responses.columns:
                responses[name] = responses[name].astype("category")
    else:
        responses = _empty_account_attributes(responses, opts.tiers)
    for name in opts.extra:
        responses[name] = responses[name].astype("category")
    responses["comment"] = responses["comment"].astype("string")
    responses = responses.sort_values("response_id", kind="stable", ignore_index=True)

    # the rows not kept, with their original values
    rejected = data[~kept].copy()
    # an export column named like one this table adds ("reason" is a common question
    # name) keeps its values under "<name> (export)"
    added = ("reason", "reason_text", "kept_response_id")
    rejected = rejected.rename(columns={c: f"{c} (export)" for c in added if c in rejected})
    personal = {c for c in rejected.columns if is_personal(c)} | ({col("email")} - {None})
    for c in personal & set(rejected.columns):
        rejected[c] = rejected[c].where(rejected[c].fillna("") == "", REMOVED)
    rejected_reason = pd.Series(reason, index=data.index)[~kept]
    rejected.insert(1, "reason", rejected_reason)
    rejected.insert(2, "reason_text", rejected_reason.map(REASONS))
    dup = rejected_reason == "duplicate_submission"
    rejected.insert(3, "kept_response_id", np.where(dup, rid[~kept].map(latest), ""))
    rejected = rejected.sort_values("input_row", ignore_index=True)

    by_reason = pd.Series(reason[~kept.to_numpy()]).value_counts()
    quality: dict[str, Any] = {
        "source": source,
        "format": raw.format,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "header_rows": raw.header_rows,
        "columns": {k: v for k, v in picked.items() if v},
        "columns_found_by": why,
        "rows_in": int(len(data)),
        "kept": int(kept.sum()),
        "rejected": int((~kept).sum()),
        "rejected_by_reason": {k: int(by_reason[k]) for k in REASONS if k in by_reason},
        "reasons": REASONS,
        "notes": notes,
        **({"skipped": skipped} if skipped else {}),
        # kept naive times daylight saving made unclear, read not rejected (issue 21)
        "dst_times": {k: int((dst[kept] == k).sum()) for k in ("fold", "gap")},
    }
    if sum(quality["dst_times"].values()):
        notes.append(
            "times in the daylight-saving change: {fold} in the fall-back hour read as the "
            "earlier instant, {gap} in the skipped hour moved forward".format(
                **quality["dst_times"]
            )
        )
    group = nps_group_column(raw, col("score"))
    if group:
        quality["nps_group_check"] = nps_group_check(
            data.loc[kept, group], responses, data, kept, group
        )
    assert quality["kept"] + quality["rejected"] == quality["rows_in"]
    assert sum(quality["rejected_by_reason"].values()) == quality["rejected"]
    return CleanResult(responses=responses, rejected=rejected, quality=quality)


def nps_group_check(
    groups: pd.Series, responses: pd.DataFrame, data: pd.DataFrame, kept: pd.Series, column: str
) -> dict[str, Any]:
    """Compare the survey tool's own NPS group with the category computed from the score.

    The score is the truth; disagreements are reported, not used.
    """
    labels = stripped_text(groups).str.lower()
    labels = labels.map(lambda v: NPS_GROUP_CODES.get(v, v))
    by_row = pd.Series(labels.to_numpy(), index=data.loc[kept, "input_row"].to_numpy())
    ours = responses.set_index("input_row")["category"].astype(str)
    theirs = by_row.reindex(ours.index)
    compared = theirs != ""
    differ = compared & (theirs != ours)
    return {
        "column": column,
        "compared": int(compared.sum()),
        "mismatches": int(differ.sum()),
        "mismatch_input_rows": [int(i) for i in ours.index[differ][:20]],
    }
