"""Which export column holds each canonical field: the score, the comment, ids, role, date.

Forced names (the params ``columns:`` mapping) always win; otherwise the score is found by
its question or its 0-10 values, the comment as the open question after it, and the rest
by their usual header names.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import RawExport
from nps_helpers.prepare.values import parse_scores


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9#]", "", name.lower())


#: Header names (compared without case, spaces and punctuation) of canonical fields.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "response_id": (
        "responseid",
        "respondentid",
        "submissionid",
        "#",
        "token",
        "id",
        "surveyresponseid",
        "recordid",
    ),
    "contact_id": (
        "externalreference",
        "externaldatareference",
        "contactid",
        "personid",
        "customercontactid",
        "recipientid",
    ),
    "email": (
        "recipientemail",
        "email",
        "emailaddress",
        "respondentemail",
        "contactemail",
        "useremail",
    ),
    "account_id": ("accountid", "companyid", "customerid", "accountnumber", "clientid", "account"),
    "role": ("role", "respondentrole", "contactrole", "jobrole", "persona", "userrole"),
    "responded_at": (
        "enddate",
        "submittedat",
        "submitdate",
        "submitdateutc",
        "completedat",
        "responsedate",
        "timestamp",
        "datesubmitted",
        "createdat",
        "recordeddate",
        "date",
        "responsetime",
    ),
    "status": ("status", "responsetype", "distributionstatus"),
    "finished": ("finished", "complete", "completed", "iscomplete"),
}
_SCORE_NAMES = {
    "score",
    "npsscore",
    "nps",
    "rating",
    "npsrating",
    "likelihoodtorecommend",
    "recommendationscore",
    "recommend",
    "ltr",
}
_RECOMMEND = re.compile(r"recommend|\bnps\b|net promoter|likel\w* .*(refer|suggest)", re.I)
_GROUP = re.compile(r"(_nps_group|nps group|\bgroup\b|category)$", re.I)
_OPEN = re.compile(
    r"reason|why|comment|feedback|explain|tell us|improve|what|anything|suggest", re.I
)


def _score_share(values: pd.Series, strict: bool = True) -> float:
    """Share of non-blank values that read as a 0-10 NPS answer (``strict``), or as a
    number at all (not strict: a score column may hold some out-of-range typos)."""
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return 0.0
    _, problem = parse_scores(text)
    ok = problem.isna() if strict else problem.isna() | (problem == "score_out_of_range")
    return float(ok.mean())


def _is_text(values: pd.Series) -> bool:
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return True  # an open question nobody answered is still the open question
    numeric = pd.to_numeric(text, errors="coerce").notna().mean()
    return numeric < 0.5 and text.str.len().mean() > 3


def detect_columns(
    raw: RawExport, forced: dict[str, str | None] | None = None, sample: int = 2000
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Which export column holds each canonical field.

    Forced names (the params ``columns:`` mapping) always win. Otherwise the score is
    the column whose header or question text asks how likely the respondent is to
    recommend (and whose values read as 0-10), else the column whose values are 0-10;
    the comment is the open-text question that follows it; the other fields are
    found by their usual header names.

    Returns
    -------
    (picked, why)
        ``picked`` maps each canonical field to a column name or None; ``why`` says,
        for each field picked, how it was found.
    """
    forced = {k: v for k, v in (forced or {}).items() if v}
    columns = raw.columns
    head = raw.data.head(sample)
    picked: dict[str, str | None] = {}
    why: dict[str, str] = {}
    missing = {k: v for k, v in forced.items() if v not in columns}
    if missing:
        listed = ", ".join(f"{v!r} (for {k})" for k, v in missing.items())
        raise ExportFormatError(
            f"{raw.source}: column(s) {listed} named in the 'columns' mapping are not in the "
            f"export; it has: {', '.join(columns)}"
        )
    for name, col in forced.items():
        picked[name] = col
        why[name] = "named in params"
    # score
    if "score" not in picked:
        by_text = [
            c
            for c in columns
            if not _GROUP.search(c)
            and (
                _RECOMMEND.search(c)
                or _RECOMMEND.search(raw.questions.get(c, ""))
                or _key(c) in _SCORE_NAMES
            )
        ]
        good = [c for c in by_text if _score_share(head[c], strict=False) >= 0.5]
        if good:
            picked["score"] = good[0]
            why["score"] = "its question asks how likely the respondent is to recommend"
        else:
            id_like = re.compile(r"id$|progress|duration|latitude|longitude|#", re.I)
            by_values = [
                c
                for c in columns
                if not id_like.search(c)
                and not _GROUP.search(c)
                and _score_share(head[c]) >= 0.9
                and head[c].astype(str).str.strip().replace("", np.nan).nunique() >= 3
            ]
            if by_values:
                picked["score"] = by_values[0]
                why["score"] = "its values are 0-10 answers"
    score = picked.get("score")
    if score is None:
        raise ExportFormatError(
            f"{raw.source}: no NPS score column found: no header asks how likely the respondent "
            "is to recommend and no column holds 0-10 values; name it in params (columns: score)"
        )
    # comment: the open question that follows the score
    if "comment" not in picked:
        after = columns[columns.index(score) + 1 :]
        for c in after:
            if _GROUP.search(c) or c in picked.values():
                continue
            if _is_text(head[c]):
                picked["comment"] = c
                why["comment"] = "the open question that follows the score"
                break
        else:
            for c in columns:
                if (
                    c not in picked.values()
                    and not _GROUP.search(c)
                    and _is_text(head[c])
                    and _OPEN.search(raw.questions.get(c, c))
                ):
                    picked["comment"] = c
                    why["comment"] = "its question asks for a reason or comment"
                    break
    # the rest by name
    taken = set(v for v in picked.values() if v)
    keyed = {_key(c): c for c in reversed(columns)}
    for name, synonyms in SYNONYMS.items():
        if name in picked:
            continue
        for syn in synonyms:
            col = keyed.get(syn)
            if col and col not in taken:
                picked[name] = col
                why[name] = f"header {col!r}"
                taken.add(col)
                break
    for name in ("comment", *SYNONYMS):
        picked.setdefault(name, None)
    return picked, why


def nps_group_column(raw: RawExport, score: str) -> str | None:
    """Qualtrics's ``<score>_NPS_GROUP`` column, if the export has it."""
    for c in raw.columns:
        if c.lower() == f"{score}_nps_group".lower():
            return c
    return None
