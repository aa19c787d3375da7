"""Raw export -> canonical responses, and every row not kept with its reason.

The rule of this module: input rows = kept rows + rejected rows, always. A row is
rejected for the first reason that applies, in the order of :data:`REASONS`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nps_helpers.errors import ExportFormatError, MappingError
from nps_helpers.ingest import RawExport
from nps_helpers.params import CANONICAL_ROLES, WaveParams
from nps_helpers.scoring import classify

#: Why a row is not kept, in the order they are checked.
REASONS = {
    "preview_or_test": "a survey preview, test or spam response",
    "incomplete": "the respondent did not finish the survey",
    "missing_score": "the NPS question was left blank",
    "invalid_score": "the NPS answer is not a number",
    "score_out_of_range": "the NPS answer is outside 0-10",
    "invalid_timestamp": "the response date cannot be read",
    "unknown_account": "the account id is not in the account master",
    "duplicate_submission": "an earlier submission of a respondent who answered again",
}
PREVIEW_STATUSES = {"survey preview", "survey test", "spam", "1", "2", "8"}
PERSONAL_EXPORT_COLUMNS = (
    "RecipientFirstName",
    "RecipientLastName",
    "RecipientEmail",
    "IPAddress",
    "LocationLatitude",
    "LocationLongitude",
)
REMOVED = "[removed]"


@dataclass
class CleanResult:
    """What cleaning gives: the kept responses, the rejected rows, and the counts."""

    responses: pd.DataFrame
    rejected: pd.DataFrame
    quality: dict = field(default_factory=dict)


def parse_scores(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Read NPS answers written as text: "9", " 9 ", "9.0", "10 - Extremely likely".

    Returns
    -------
    (scores, problem)
        ``scores`` as Float64 (NA where unreadable) and ``problem``: None,
        "missing_score", "invalid_score" or "score_out_of_range" per row.
    """
    text = values.fillna("").astype(str).str.strip()
    number = text.str.extract(r"^(-?\d+(?:\.0*)?)(?:\s*[-=:]\s*\D.*)?$", expand=False)
    scores = pd.to_numeric(number, errors="coerce").astype("Float64")
    out_of_range = (scores.notna() & ((scores < 0) | (scores > 10))).to_numpy(dtype=bool)
    problem = np.select(
        [(text == "").to_numpy(), scores.isna().to_numpy(dtype=bool), out_of_range],
        ["missing_score", "invalid_score", "score_out_of_range"],
        default=None,
    )
    return scores, pd.Series(problem, index=values.index, dtype=object)


def respondent_ids(contact_id: pd.Series | None, email: pd.Series | None, salt: str) -> pd.Series:
    """Stable respondent ids: the contact id, else a salted hash of the lower-cased e-mail."""
    index = (contact_id if contact_id is not None else email).index
    ids = pd.Series("", index=index, dtype=object)
    if contact_id is not None:
        ids = contact_id.fillna("").astype(str).str.strip()
    if email is not None:
        mail = email.fillna("").astype(str).str.strip().str.lower()
        hashed = mail.map(
            lambda m: "h_" + hashlib.sha256((salt + m).encode()).hexdigest()[:16] if m else ""
        )
        ids = ids.where(ids != "", hashed)
    return ids


def map_roles(labels: pd.Series, role_map: dict[str, str], source: str, column: str) -> pd.Series:
    """Export role labels -> canonical roles; an unmapped label is a :class:`MappingError`."""
    known = {**{r: r for r in CANONICAL_ROLES}, **role_map}
    stripped = labels.fillna("").astype(str).str.strip()
    mapped = stripped.map(known)
    unmapped = stripped[mapped.isna()]
    if len(unmapped):
        counts = unmapped.value_counts()
        listed = ", ".join(f"{label!r} ({n} rows)" for label, n in counts.items())
        raise MappingError(
            f"{source}: column {column} has role labels with no entry in role_map: {listed}. "
            "Add them to role_map in the params file, mapped to one of "
            f"{', '.join(CANONICAL_ROLES)}."
        )
    return mapped


def clean_responses(raw: RawExport, accounts: pd.DataFrame, params: WaveParams) -> CleanResult:
    """Turn a raw export into canonical responses (DESIGN.md) and rejected rows.

    Parameters
    ----------
    raw
        The export as read by :func:`nps_helpers.ingest.read_qualtrics`.
    accounts
        The account master as read by :func:`nps_helpers.ingest.read_accounts`.
    params
        The wave's parameters (column mapping, role map, partial-response rule).

    Returns
    -------
    CleanResult
        ``responses`` sorted by response_id; ``rejected`` with input_row, reason,
        reason_text and the original values (personal columns removed); ``quality``
        with the counts, which add up: rows_in == kept + rejected.
    """
    cols = params.columns
    data = raw.data
    source = str(raw.source)
    needed = {
        "response_id": cols.response_id,
        "score": cols.score,
        "account_id": cols.account_id,
        "role": cols.role,
        "responded_at": cols.responded_at,
        **{
            k: v
            for k, v in (
                ("comment", cols.comment),
                ("contact_id", cols.contact_id),
                ("email", cols.email),
                ("status", cols.status),
                ("finished", cols.finished),
            )
            if v
        },
        **cols.extra,
    }
    missing = {k: v for k, v in needed.items() if v not in data.columns}
    if missing:
        listed = ", ".join(f"{v!r} (for {k})" for k, v in missing.items())
        raise ExportFormatError(
            f"{source}: column(s) {listed} named in the params 'columns' mapping are not in the "
            f"export; it has: {', '.join(c for c in data.columns if c != 'input_row')}"
        )
    reason = pd.Series(None, index=data.index, dtype=object)

    def reject(mask: pd.Series, why: str) -> None:
        reason[mask & reason.isna()] = why

    if cols.status:
        reject(data[cols.status].str.strip().str.lower().isin(PREVIEW_STATUSES), "preview_or_test")
    scores, score_problem = parse_scores(data[cols.score])
    finished = (
        data[cols.finished].str.strip().str.lower().isin({"true", "1"})
        if cols.finished
        else pd.Series(True, index=data.index)
    )
    partial_ok = params.include_partial & score_problem.isna()
    reject(~finished & ~partial_ok, "incomplete")
    for why in ("missing_score", "invalid_score", "score_out_of_range"):
        reject(score_problem == why, why)
    when = pd.to_datetime(data[cols.responded_at].str.strip(), errors="coerce")
    tz = raw.timezones.get(cols.responded_at)
    if tz:
        when = when.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    else:
        when = when.dt.tz_localize("UTC")
    when = when.dt.tz_convert("UTC")
    reject(when.isna(), "invalid_timestamp")
    account_id = data[cols.account_id].str.strip()
    reject(~account_id.isin(set(accounts["account_id"])), "unknown_account")

    rid = respondent_ids(
        data[cols.contact_id] if cols.contact_id else None,
        data[cols.email] if cols.email else None,
        salt=params.respondent_salt,
    )
    rid = rid.where(rid != "", "r_" + data[cols.response_id].str.strip())
    alive = reason.isna()
    order = pd.DataFrame({"rid": rid, "when": when, "row": data["input_row"]})[alive]
    order = order.sort_values(["rid", "when", "row"])
    earlier = order.duplicated("rid", keep="last")
    reject(
        pd.Series(earlier, index=order.index).reindex(data.index, fill_value=False),
        "duplicate_submission",
    )

    kept = reason.isna()
    roles = map_roles(data.loc[kept, cols.role], params.role_map, source, cols.role)
    responses = pd.DataFrame(
        {
            "wave_id": params.wave_id,
            "response_id": data.loc[kept, cols.response_id].str.strip(),
            "respondent_id": rid[kept],
            "account_id": account_id[kept],
            "role": pd.Categorical(roles, categories=list(CANONICAL_ROLES)),
            "score": scores[kept].astype("Int8"),
            "comment": (data.loc[kept, cols.comment].str.strip() if cols.comment else ""),
            "responded_at": when[kept],
            "input_row": data.loc[kept, "input_row"],
        }
    )
    responses["category"] = classify(responses["score"])
    for name, column in cols.extra.items():
        responses[name] = data.loc[kept, column].str.strip()
    responses = responses.merge(accounts, on="account_id", how="left", validate="many_to_one")
    for name in ("tier", "industry", "region", "owner", *cols.extra):
        responses[name] = responses[name].astype("category")
    responses["comment"] = responses["comment"].astype("string")
    responses = responses.sort_values("response_id", ignore_index=True)

    rejected = data[~kept].copy()
    for col in (*PERSONAL_EXPORT_COLUMNS, *([cols.email] if cols.email else [])):
        if col in rejected.columns:
            rejected[col] = rejected[col].where(rejected[col] == "", REMOVED)
    rejected.insert(1, "reason", reason[~kept])
    rejected.insert(2, "reason_text", rejected["reason"].map(REASONS))
    rejected = rejected.sort_values("input_row", ignore_index=True)

    by_reason = {why: int((reason == why).sum()) for why in REASONS}
    quality = {
        "source": source,
        "rows_in": int(len(data)),
        "kept": int(kept.sum()),
        "rejected": int((~kept).sum()),
        "rejected_by_reason": {k: v for k, v in by_reason.items() if v},
        "reasons": REASONS,
    }
    assert quality["kept"] + quality["rejected"] == quality["rows_in"]
    return CleanResult(responses=responses, rejected=rejected, quality=quality)
