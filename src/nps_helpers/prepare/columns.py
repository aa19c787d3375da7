"""Which export column holds each canonical field: the score, the comment, ids, role, date.

Forced names (the params ``columns:`` mapping) always win; otherwise the score is found by
its question or its 0-10 values, the comment as the free-text question after it (never a
choice list, a Likert item, a country, a code or an id), and the rest by their usual
header names.
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
    "account_id": (
        "accountid",
        "companyid",
        "customerid",
        "accountnumber",
        "clientid",
        "account",
        # an account's name: matched to the account master's account_name
        "accountname",
        "company",
        "companyname",
        "organization",
        "organisation",
        "organizationname",
        "organisationname",
        "customername",
        "clientname",
    ),
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
        "completiontime",  # Microsoft Forms
        # Google Forms' "Timestamp" in other languages
        "marcatemporal",
        "horodateur",
        "zeitstempel",
        "informazionicronologiche",
        "carimbodedatahora",
        "tijdstempel",
        "sygnaturaczasowa",
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
    r"reason|\bwhy\b|comment|feedback|explain|tell us|improve|suggest|anything else|remark"
    r"|verbatim|open.ended|\bwhat\b.*\b(better|differently|well|like|change|miss|score)",
    re.I,
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


# ----------------------------------------------------------------- what a column's answers are
#: Country names (lower case) that a country column holds; two- and three-letter upper-case
#: codes (ISO 3166) are recognised by their shape.
_COUNTRIES = frozenset(
    name.strip()
    for name in re.split(
        ",",
        """afghanistan, albania, algeria, andorra, angola, argentina, armenia,
    australia, austria, azerbaijan, bahamas, bahrain, bangladesh, barbados, belarus, belgium,
    belize, benin, bhutan, bolivia, bosnia, bosnia and herzegovina, botswana, brazil, brunei,
    bulgaria, burkina faso, burundi, cambodia, cameroon, canada, cape verde, chad, chile, china,
    colombia, comoros, congo, costa rica, croatia, cuba, cyprus, czechia, czech republic,
    denmark, djibouti, dominican republic, ecuador, egypt, el salvador, eritrea, estonia,
    eswatini, ethiopia, fiji, finland, france, gabon, gambia, georgia, germany, ghana, greece,
    guatemala, guinea, guyana, haiti, honduras, hong kong, hungary, iceland, india, indonesia,
    iran, iraq, ireland, israel, italy, ivory coast, jamaica, japan, jordan, kazakhstan, kenya,
    kosovo, kuwait, kyrgyzstan, laos, latvia, lebanon, lesotho, liberia, libya, liechtenstein,
    lithuania, luxembourg, madagascar, malawi, malaysia, maldives, mali, malta, mauritania,
    mauritius, mexico, moldova, monaco, mongolia, montenegro, morocco, mozambique, myanmar,
    namibia, nepal, netherlands, the netherlands, new zealand, nicaragua, niger, nigeria,
    north macedonia, norway, oman, pakistan, panama, paraguay, peru, philippines, poland,
    portugal, puerto rico, qatar, romania, russia, russian federation, rwanda, saudi arabia,
    senegal, serbia, singapore, slovakia, slovenia, somalia, south africa, south korea, korea,
    spain, sri lanka, sudan, suriname, sweden, switzerland, syria, taiwan, tajikistan, tanzania,
    thailand, togo, trinidad and tobago, tunisia, turkey, türkiye, turkmenistan, uganda, ukraine,
    united arab emirates, uae, united kingdom, uk, great britain, england, scotland, wales,
    northern ireland, united states, united states of america, usa, us, america, uruguay,
    uzbekistan, venezuela, vietnam, viet nam, yemen, zambia, zimbabwe, deutschland, españa,
    italia, brasil, méxico, schweiz, suisse, österreich, nederland, belgique, sverige, norge,
    danmark, suomi, polska""",
    )
)
#: Shapes of answers that are not free text, tested on the lower-cased answer.
_NOT_TEXT = {
    "numbers": re.compile(r"[-+]?\d[\d\s.,']*%?"),
    "dates": re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ t]\d{1,2}:\d{2}\S*(?: ?[ap]m)?)?"),
    "e-mail addresses": re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}"),
    "URLs": re.compile(r"(?:https?://|www\.)\S+"),
    "yes/no answers": re.compile(r"(?:yes|no|y|n|true|false|oui|non|ja|nein|si|sí)[.!]?"),
    "ids or codes": re.compile(r"(?=\S*[\d_])\S{1,60}"),
    "a Likert scale": re.compile(
        r"\d{1,2}\s*[-–=:)]\s*.{1,40}"  # "5 - Extremely likely", "1 = Strongly disagree"
        r"|(?:(?:very|extremely|completely|totally|strongly|somewhat|slightly|mostly|moderately"
        r"|fairly|quite|not|at|all|neither|nor|or|and|agree|disagree|satisfied|dissatisfied"
        r"|unsatisfied|likely|unlikely|important|unimportant|excellent|good|fair|poor|bad"
        r"|average|neutral|easy|difficult|hard|always|often|sometimes|rarely|never|useful"
        r"|helpful|unhelpful|relevant|confident|much|a|little|lot|don't|dont|i|know|unsure"
        r"|sure|applicable|prefer|to|say|n/a|na)(?![\w'])[\s,/]*)+"
    ),
}
_NON_ANSWER = re.compile(r"n/?a|none|nothing|no comments?|nil|nope|[-.?x]+")
#: Column names that name a field other than an open question (unless they ask for a reason).
_FIELD_NAME = re.compile(
    r"\b(countr(y|ies)|nation(ality)?|region|state|province|city|town|location|zip|postcode"
    r"|postal|workshop|session|event|course|cohort|class|id|ids|code|e ?mail|url|link|date"
    r"|time|language|name|title|company|organi[sz]ation|account|customer|client|job|role"
    r"|position|department|industry|segment|tier|plan|product|gender|age|ip)\b"
)

#: What :func:`answer_kind` calls columns that may be the comment.
FREE_TEXT, SHORT_TEXT, EMPTY = "free text", "short text", "empty"


def answer_kind(values: pd.Series) -> str:
    """What a column's non-blank answers are, read from their values alone.

    ``"free text"``: mostly distinct, several words and long enough, not drawn from a
    small set; ``"short text"``: the same but one or two short words ("slow", "ok");
    ``"empty"``: no answers. Otherwise what rules the column out: ``"numbers"``, ``"dates"``,
    ``"e-mail addresses"``, ``"URLs"``, ``"yes/no answers"``, ``"ids or codes"`` (one token
    with a digit or an underscore: A0001, 2025-07-08-ucsb-geo, R_6VfRz3g8), ``"a Likert
    scale"`` (agree/disagree, satisfied, likely, "5 - Extremely likely"), ``"country names
    or codes"``, ``"checkbox answers"`` (a few recurring options joined by ";" or ",") or
    ``"a choice list"`` (fewer distinct answers than half the answers).
    """
    text = values.fillna("").astype(str).str.strip().reset_index(drop=True)
    text = text[text != ""]
    if text.empty:
        return EMPTY
    lower = text.str.lower()
    shapes = pd.DataFrame({kind: lower.str.fullmatch(rx) for kind, rx in _NOT_TEXT.items()})
    shapes["country names or codes"] = lower.isin(_COUNTRIES) | text.str.fullmatch(r"[A-Z]{2,3}")
    if shapes.any(axis=1).mean() >= 0.5:
        return str(shapes.mean().idxmax())
    n = len(lower)
    if lower.str.contains(r"[;,]").mean() >= 0.2:
        parts = lower.str.split(r"\s*[;,]\s*").explode()
        parts = parts[parts != ""]
        recurring = parts.map(parts.value_counts()).groupby(level=0).min() >= 2
        if (
            recurring.sum() >= 0.8 * n
            and parts.nunique() <= max(6, 0.3 * n)
            and parts.str.count(" ").mean() < 6
        ):
            return "checkbox answers"
    answers = lower[~lower.str.fullmatch(_NON_ANSWER)]
    if answers.empty:
        return EMPTY
    if len(answers) >= 4 and answers.nunique() < 0.5 * len(answers):
        return "a choice list"
    words = answers.str.split().str.len().mean()
    if words >= 2 and answers.str.len().mean() >= 8:
        return FREE_TEXT
    return SHORT_TEXT


def _words(name: str) -> str:
    """A column name as lower-case words: 'AccountState' -> 'account state'."""
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").lower()


_QNUM = re.compile(r"Q(?:ID)?(\d+)(?:\.(\d+))?(?![A-Za-z0-9])", re.I)


def _qid(name: str) -> tuple[int, int] | None:
    """Qualtrics question order of a column named Q<n>, QID<n>, Q<block>.<n> (with _TEXT...)."""
    m = _QNUM.match(name)
    return (int(m[1]), int(m[2] or 0)) if m else None


def _after(columns: list[str], score: str) -> list[str]:
    """The columns that follow the score question: in Qualtrics QID order when the columns
    are named Q<n> (then any other later columns in column order), else in column order."""
    pos = columns.index(score)
    key = _qid(score)
    later = columns[pos + 1 :]
    if key is None:
        return later
    numbered = [
        c
        for i, c in enumerate(columns)
        if c != score and (k := _qid(c)) is not None and (k > key or (k == key and i > pos))
    ]
    numbered.sort(key=lambda c: _qid(c) or (0, 0))
    return numbered + [c for c in later if _qid(c) is None]


def _label(raw: RawExport, column: str, chosen: str) -> str:
    """A column named for a note: 'Q7 (Python)', the words its question has that the
    chosen one's has not."""
    question = raw.questions.get(column, "")
    if not question or question == column:
        return column
    known = set(re.findall(r"[\w+#]+", f"{chosen} {raw.questions.get(chosen, '')}".lower()))
    extra = [w for w in re.findall(r"[\w+#]+", question) if w.lower() not in known]
    return f"{column} ({' '.join(extra[:6])})" if extra else column


def _recommend_choice(raw: RawExport, good: list[str], company: str | None) -> tuple[str, str]:
    """The recommend question to use when there are several: the one naming the company,
    else the first; the reason says which other was not used."""
    why = "its question asks how likely the respondent is to recommend"
    if len(good) == 1:
        return good[0], why
    named = []
    if company and _key(company):
        named = [c for c in good if _key(company) in _key(f"{c} {raw.questions.get(c, '')}")]
    if named:
        chosen = named[0]
        why = f"its question names {company} and asks how likely the respondent is to recommend"
    else:
        chosen = good[0]
        why += f" (the first of {len(good)} such questions)"
    others = [repr(_label(raw, c, chosen)) for c in good if c != chosen]
    if len(others) == 1:
        why += f"; another recommend question, {others[0]}, was not used"
    else:
        why += f"; other recommend questions, {', '.join(others)}, were not used"
    return chosen, why


def _comment(
    raw: RawExport, head: pd.DataFrame, score: str, taken: set[str], skip: set[str]
) -> tuple[str | None, str]:
    """The comment column and why: the first free-text column after the score (QID or
    column order, up to the next recommend question), else a free-text column whose
    question asks for a reason, else none. A column whose question asks for a reason may
    hold short answers; a column whose name names another field (country, workshop,
    company, id...) is not the comment unless its question asks for a reason."""
    kinds: dict[str, str] = {}

    def asks(c: str) -> bool:
        return bool(_OPEN.search(raw.questions.get(c, c)) or _OPEN.search(c))

    def kind(c: str) -> str:
        if c not in kinds:
            if not asks(c) and _FIELD_NAME.search(_words(c)):
                kinds[c] = "its name is that of another field"
            else:
                kinds[c] = answer_kind(head[c])
        return kinds[c]

    def usable(c: str) -> bool:
        return kind(c) == FREE_TEXT or (kind(c) == SHORT_TEXT and asks(c))

    passed: list[str] = []
    for c in _after(raw.columns, score):
        if c in skip:
            break
        if c in taken or _GROUP.search(c):
            continue
        if usable(c):
            why = "the open question that follows the score"
            return c, why + (f"; passed over {', '.join(passed)}" if passed else "")
        if kind(c) != EMPTY:
            passed.append(f"{c!r} ({kind(c)})")
    for c in raw.columns:
        if c not in taken and c not in skip and not _GROUP.search(c) and asks(c) and usable(c):
            return c, "its question asks for a reason or comment"
    why = "no free-text column was found (long, mostly distinct answers), so no comments"
    if passed:
        shown = passed[:8] + (["..."] if len(passed) > 8 else [])
        why += f"; after the score: {', '.join(shown)}"
    return None, why


def detect_columns(
    raw: RawExport,
    forced: dict[str, str | None] | None = None,
    sample: int = 2000,
    company: str | None = None,
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Which export column holds each canonical field.

    Forced names (the params ``columns:`` mapping) always win. Otherwise the score is
    the column whose header or question text asks how likely the respondent is to
    recommend (and whose values read as 0-10); with several such questions, the one
    naming ``company``, else the first, and the reason names the others. Without one,
    the score is the column whose values are 0-10. The comment is the first free-text
    column after the score (see :func:`answer_kind`; Qualtrics QID order when columns are
    named Q<n>), else a free-text column whose question asks for a reason, else none:
    never a choice list, a Likert item, a country, a code or an id. The other fields are
    found by their usual header names. Values are read from the first ``sample`` rows.

    Returns
    -------
    (picked, why)
        ``picked`` maps each canonical field to a column name or None; ``why`` says,
        for each field picked (and for a comment not found), how it was found.
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
    recommend: list[str] = []
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
        recommend = [c for c in by_text if _score_share(head[c], strict=False) >= 0.5]
        if recommend:
            picked["score"], why["score"] = _recommend_choice(raw, recommend, company)
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
    if "comment" not in picked:
        taken = {v for v in picked.values() if v}
        picked["comment"], why["comment"] = _comment(
            raw, head, score, taken, set(recommend) - {score}
        )
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
