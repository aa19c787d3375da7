"""What ``nps-wave init`` proposes for a new wave's params, read from its files alone.

Pure: it takes the export as read (and the account master and invitation list when
given) and returns a :class:`Proposal`: the columns found and why, a best guess for
every role and tier label seen, the segments worth reporting, the field dates, and
what the analyst should review. :mod:`nps_helpers.io.params_file` writes it as YAML.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from nps_helpers.errors import ExportFormatError
from nps_helpers.io.exports import RawExport
from nps_helpers.params import ACCOUNT_COLUMNS, CANONICAL_ROLES
from nps_helpers.prepare.clean import DOMAIN_JOIN, PREVIEW_STATUSES, is_personal, link_accounts
from nps_helpers.prepare.columns import answer_kind, detect_columns
from nps_helpers.prepare.values import read_timestamps, stripped_text

#: The tiers params default to, smallest first.
DEFAULT_TIERS = ("small", "key", "premium")
#: A column is a segment worth reporting with this many distinct answers.
SEGMENT_VALUES = (2, 12)
#: What :func:`~nps_helpers.prepare.columns.answer_kind` says of a category column.
CATEGORY_KINDS = ("a choice list", "short text", "country names or codes")
#: Account master columns that can be segments.
ACCOUNT_SEGMENTS = ("industry", "region")
#: Survey tools' own columns: never a segment.
TOOL_COLUMNS = frozenset(
    {"distributionchannel", "userlanguage", "progress", "duration", "durationinseconds"}
    | {"ipaddress", "locationlatitude", "locationlongitude", "collectorid", "customdata"}
    | {"qrecaptchascore", "qrelevantidduplicate", "qrelevantidfraudscore", "qballotboxstuffing"}
)
#: Names a segment of the export's may not take: they are the responses' own columns.
RESERVED = frozenset(
    {"wave_id", "response_id", "respondent_id", "account_id", "role", "score", "comment"}
    | {"responded_at", "input_row", "category", "tier", "contact_id", "email", "status"}
    | {"finished"}
)


def _fold(text: str) -> str:
    """Lower case without accents: 'Directeur Général' -> 'directeur general'."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in plain if not unicodedata.combining(c))


def _rules(table: list[tuple[str, str]]) -> list[tuple[re.Pattern, str, str]]:
    return [
        (re.compile(rf"(?<![a-z]){re.escape(word)}(?![a-z])"), value, word)
        for value, words in table
        for word in words.split(", ")
    ]


#: Role keywords, first match wins (so "Product Owner" is an influencer, not an owner).
ROLE_RULES = _rules(
    [
        ("influencer", "product owner, team lead, tech lead, project lead, lead user"),
        ("user", "end user, power user, key user"),
        (
            "decision_maker",
            "decision maker, decision-maker, ceo, cfo, cto, coo, cio, cmo, cpo, cro, ciso, "
            "chief, c-level, president, vp, svp, evp, vice president, director, head of, head, "
            "owner, founder, co-founder, partner, managing director, general manager, "
            "executive, exec, sponsor, buyer, procurement, purchasing, budget holder, board, "
            # de, fr, es, it, nl, pt
            "geschaftsfuhrer, geschaeftsfuehrer, leiter, leiterin, direktor, inhaber, einkauf, "
            "vorstand, directeur, directrice, president directeur, pdg, gerant, dirigeant, "
            "acheteur, achats, directora, gerente general, dueno, propietario, compras, "
            "direttore, amministratore delegato, titolare, acquisti, eigenaar, inkoop, diretor, "
            "diretora, dono",
        ),
        (
            "influencer",
            "manager, lead, supervisor, coordinator, architect, consultant, advisor, adviser, "
            "champion, influencer, evaluator, teamleiter, projektleiter, berater, chef de projet, "
            "responsable, coordinateur, gerente, jefe, coordinador, responsabile, "
            "coordinatore, teamleider, gerente de projeto",
        ),
        (
            "user",
            "user, analyst, engineer, developer, admin, administrator, operator, agent, "
            "staff, employee, technician, specialist, clerk, associate, assistant, member, "
            "accountant, designer, scientist, tester, support, benutzer, anwender, nutzer, "
            "mitarbeiter, mitarbeiterin, sachbearbeiter, entwickler, ingenieur, utilisateur, "
            "utilisatrice, ingenieur, developpeur, analyste, technicien, employe, usuario, "
            "analista, ingeniero, desarrollador, empleado, tecnico, utente, ingegnere, "
            "sviluppatore, impiegato, gebruiker, medewerker, utilizador, engenheiro",
        ),
    ]
)
#: Tier keywords to the default tiers, first match wins.
TIER_RULES = _rules(
    [
        ("premium", "premium, platinum, diamond, enterprise, elite, global, top, tier 1, vip"),
        (
            "key",
            "key, strategic, gold, major, large, named, corporate, mid-market, midmarket, "
            "tier 2, grands comptes, schlusselkunde",
        ),
        (
            "small",
            "small, smb, sme, standard, basic, bronze, silver, starter, growth, self-serve, "
            "long tail, commercial, tier 3, essential, free, petit, klein",
        ),
    ]
)


@dataclass(frozen=True)
class Guess:
    """A label seen in the files, the value guessed for it, and why."""

    label: str
    value: str
    why: str
    rows: int
    guessed: bool = True


@dataclass(frozen=True)
class Proposal:
    """Everything ``nps-wave init`` writes into a new wave's params."""

    wave_id: str
    company: str
    company_why: str
    export_format: str
    columns: dict[str, str]
    columns_why: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)
    extra_why: dict[str, str] = field(default_factory=dict)
    role_map: tuple[Guess, ...] = ()
    role_source: str | None = None
    tiers: tuple[str, ...] = DEFAULT_TIERS
    tier_map: tuple[Guess, ...] = ()
    segments: tuple[str, ...] = ()
    segment_pairs: tuple[tuple[str, str], ...] = ()
    not_segments: dict[str, str] = field(default_factory=dict)
    field_start: dt.date = dt.date(2000, 1, 1)
    field_end: dt.date = dt.date(2000, 1, 1)
    field_why: str = ""
    review: tuple[str, ...] = ()
    join_on_email_domain: bool = False


def guess_label(label: str, rules: list[tuple[re.Pattern, str, str]]) -> tuple[str, str] | None:
    """The value of the first rule whose keyword is a whole word of ``label`` (without
    case and accents), and the keyword; None when no keyword is in it."""
    text = re.sub(r"[_./]+", " ", _fold(label))
    for pattern, value, word in rules:
        if pattern.search(text):
            return value, word
    return None


def _guesses(
    counts: pd.Series, rules: list, allowed: tuple[str, ...], fallback: str
) -> tuple[Guess, ...]:
    out = []
    for label, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if label in allowed:
            continue
        if label == "":
            out.append(Guess("", fallback, "blank label", int(n), False))
            continue
        found = guess_label(label, rules)
        if found is None:
            canonical = _fold(label).replace(" ", "_").replace("-", "_")
            found = (canonical, "its name") if canonical in allowed else None
        if found is None:
            out.append(Guess(label, fallback, "no guess", int(n), False))
        else:
            out.append(Guess(label, found[0], f"keyword {found[1]!r}", int(n)))
    return tuple(out)


def role_guesses(labels: pd.Series) -> tuple[Guess, ...]:
    """A guess for every role label seen (most frequent first): decision_maker,
    influencer, user or other by keywords in several languages; a label without one
    maps to ``other``. Canonical role names are left out (they map to themselves)."""
    counts = stripped_text(labels).value_counts(sort=True)
    return _guesses(counts, ROLE_RULES, CANONICAL_ROLES, "other")


def tier_guesses(labels: pd.Series, tiers: tuple[str, ...] = DEFAULT_TIERS) -> tuple[Guess, ...]:
    """A guess for every tier label seen: one of the default tiers by keywords
    (enterprise, strategic, gold, SMB, standard, ...); a label without one maps to the
    smallest tier. Labels already in ``tiers`` are left out (they map to themselves)."""
    counts = stripped_text(labels).value_counts(sort=True)
    rules = [r for r in TIER_RULES if r[1] in tiers]
    return _guesses(counts, rules, tiers, tiers[0])


_QUESTION_WORDS = frozenset(
    [
        "which",
        "what",
        "how",
        "many",
        "much",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "your",
        "you",
        "our",
        "we",
        "the",
        "a",
        "an",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "please",
        "select",
        "choose",
        "best",
        "describes",
        "currently",
        "main",
        "primary",
        "have",
        "has",
        "use",
        "uses",
        "used",
        "based",
        "located",
        "work",
        "works",
        "most",
        "mostly",
        "often",
    ]
)


def segment_name(column: str) -> str:
    """A column's name as a segment: 'Job Function' -> 'job_function'; a question
    by its subject: 'Which plan is your company on?' -> 'plan', 'What is your company
    size?' -> 'company_size', 'How many employees does your company have?' ->
    'employees' (at most three words)."""
    words = re.sub(r"([a-z])([A-Z])", r"\1_\2", _fold_keep_case(column))
    plain = re.sub(r"[^a-z0-9]+", " ", words.lower()).split()
    if len(plain) > 3 or column.rstrip().endswith("?"):
        asked = re.search(r"\b(?:which|what|how many)\s+([a-z0-9]+)", " ".join(plain))
        if asked and asked[1] not in _QUESTION_WORDS:
            plain = [asked[1]]
        else:
            plain = [w for w in plain if w not in _QUESTION_WORDS][:3] or plain[:3]
    name = "_".join(plain) or "column"
    return name if name[0].isalpha() else f"c_{name}"


def _fold_keep_case(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c))


def segment_columns(
    data: pd.DataFrame, skip: set[str], reserved: set[str]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The export's category columns worth reporting: 2-12 distinct answers, not
    Likert items, scores, yes/no answers, ids, dates or free text, nor a survey tool's
    own column. Returns (segment name -> column, name -> why, column -> why not)."""
    extra: dict[str, str] = {}
    why: dict[str, str] = {}
    why_not: dict[str, str] = {}
    lo, hi = SEGMENT_VALUES
    for column in data.columns:
        if column in skip or column == "input_row":
            continue
        key = re.sub(r"[^a-z0-9]", "", column.lower())
        if key in TOOL_COLUMNS or column.lower().endswith("_nps_group"):
            why_not[column] = "the survey tool's own column"
            continue
        values = stripped_text(data[column])
        values = values[values != ""]
        n = values.nunique()
        if not lo <= n <= hi:
            why_not[column] = f"{n} distinct value{'s' * (n != 1)}"
            continue
        kind = answer_kind(values)
        if kind not in CATEGORY_KINDS:
            why_not[column] = kind
            continue
        name = segment_name(column)
        while name in reserved or name in extra:
            name = f"{name}_export"
        extra[name] = column
        shown = sorted(values.unique())
        why[name] = f"{n} values: " + ", ".join(shown[:6]) + (", ..." if n > 6 else "")
    return extra, why, why_not


def field_dates(when: pd.Series, today: dt.date) -> tuple[dt.date, dt.date, str]:
    """The field period: the first and last response date (UTC), else today's month."""
    when = when.dropna()
    if when.empty:
        start = today.replace(day=1)
        end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return start, end, "the export has no response dates: today's month"
    return when.min().date(), when.max().date(), "the first and last response dates"


def company_name(raw: RawExport, score: str | None) -> str | None:
    """The company the recommend question names: 'How likely are you to recommend
    Northwind Systems to a friend...' -> 'Northwind Systems'."""
    for text in (raw.questions.get(score or "", ""), score or ""):
        m = re.search(
            r"recommend\s+(.+?)\s+to\s+(?:a|an|your|others|other|friends?|colleagues?)\b",
            text,
            re.I,
        )
        if m and _fold(m[1]) not in {"us", "our company", "this company", "our product", "we"}:
            return m[1].strip(" \"'")
    return None


def account_column(
    data: pd.DataFrame, accounts: pd.DataFrame, skip: set[str], sample: int = 2000
) -> tuple[str, str] | None:
    """The export column whose values are the account master's ids or names (a
    SurveyMonkey "Custom Data 1", a Qualtrics embedded field): the one matching the most
    of its filled values, at least half of them. Returns (column, why) or None."""
    head = data.head(sample)
    ids = set(accounts["account_id"].astype(str).str.strip())
    names = set(
        accounts.get("account_name", pd.Series(dtype=str)).astype(str).str.strip().str.casefold()
    )
    best: tuple[float, str, str] | None = None
    for column in head.columns:
        if column in skip or column == "input_row":
            continue
        values = stripped_text(head[column])
        values = values[values != ""]
        if values.empty:
            continue
        by_id = values.isin(ids).mean()
        by_name = values.str.casefold().isin(names).mean()
        share, what = max((by_id, "ids"), (by_name, "names"))
        if share >= 0.5 and (best is None or share > best[0]):
            best = (share, column, what)
    if best is None:
        return None
    share, column, what = best
    return column, f"{share:.0%} of its values are the account master's account {what}"


def _account_link(
    raw: RawExport,
    columns: dict[str, str],
    accounts: pd.DataFrame,
    invitations: pd.DataFrame | None,
) -> tuple[bool, str]:
    """How the responses will find their accounts (as cleaning finds them), as a review
    line; and whether the e-mail domain join is needed for it."""
    data = raw.data

    def text(name: str) -> pd.Series | None:
        return stripped_text(data[columns[name]]) if columns.get(name) else None

    email = text("email")
    # the domain join is tried last, only when nothing else links (as cleaning does)
    by_domain = email is not None and "domain" in accounts.columns
    try:
        ids, how, _ = link_accounts(
            str(raw.source),
            data.index,
            accounts,
            invitations,
            text("account_id"),
            text("contact_id"),
            email,
            by_domain,
            columns.get("account_id"),
        )
    except ExportFormatError as exc:
        return False, f"accounts: run will refuse: {exc}"
    linked = int(ids.isin(set(accounts["account_id"])).sum())
    how = how or f"by the export's column {columns.get('account_id')!r}"
    said = f"accounts: {linked} of {len(ids)} export rows find their account ({how})"
    if linked < len(ids):
        said += "; the others will be rejected as unknown_account"
    return how == DOMAIN_JOIN, said


def propose(
    raw: RawExport,
    accounts: pd.DataFrame | None = None,
    invitations: pd.DataFrame | None = None,
    wave_id: str = "wave",
    company: str | None = None,
    today: dt.date | None = None,
) -> Proposal:
    """What a new wave's params should say, read from its files.

    The columns are found as cleaning finds them (:func:`detect_columns`); every role
    label of the export's role column (or of the invitation list's, when the export has
    none) and every tier label of the account master (and invitation list) gets a
    guess; the segments proposed are the role, the tier and the account master's
    industry and region when present, and the export's category columns with 2-12
    distinct answers (:func:`segment_columns`); the field period is the range of the
    response dates (of rows that are not survey previews), else ``today``'s month.
    """
    today = today or dt.date.today()
    picked, why = detect_columns(raw, company=company)
    columns = {k: v for k, v in picked.items() if v}
    columns_why = {k: why.get(k, "") for k in columns}
    if not picked.get("comment"):
        columns_why["comment"] = why.get("comment", "no free-text column")
    review: list[str] = []
    data = raw.data
    # field dates, of the rows that are not previews
    rows = pd.Series(True, index=data.index)
    if columns.get("status"):
        rows = ~stripped_text(data[columns["status"]]).str.lower().isin(PREVIEW_STATUSES)
    if columns.get("responded_at"):
        column = columns["responded_at"]
        when, _ = read_timestamps(data.loc[rows, column])  # the dates as written
    else:
        when = pd.Series(pd.NaT, index=data.index[:0], dtype="datetime64[ns, UTC]")
    start, end, field_why = field_dates(when, today)
    review.append(f"field_start and field_end ({start} to {end}): {field_why}")
    if (end - start).days > 45:
        review.append(
            f"the field period spans {(end - start).days + 1} days (a wave runs about 30, at "
            "most 45): are early or late responses tests?"
        )
    # company
    found = company_name(raw, columns.get("score"))
    if company:
        company_why = "given with --company"
    elif found:
        company, company_why = found, "named in the recommend question"
    else:
        company, company_why = "Our company", "no company named in the export: write yours"
        review.append("company: the export names none")
    # roles
    found_roles = {}  # the invitation list's labels too: coverage by role maps them
    if columns.get("role"):
        found_roles[f"export column {columns['role']!r}"] = data[columns["role"]]
    if invitations is not None and "role" in invitations.columns:
        found_roles["the invitation list's role column"] = invitations["role"]
    role_labels = pd.concat(found_roles.values(), ignore_index=True) if found_roles else None
    role_source = " and ".join(found_roles) or None
    roles = role_guesses(role_labels) if role_labels is not None else ()
    if role_labels is None:
        review.append("roles: no role column in the export or invitation list (all 'other')")
    elif roles:
        unsure = sum(not g.guessed for g in roles)
        review.append(
            f"role_map: {len(roles)} role label(s) from {role_source} mapped by a guess"
            + (f", {unsure} with no guess (other)" if unsure else "")
        )
    # tiers
    tier_frames = [f["tier"] for f in (accounts, invitations) if f is not None and "tier" in f]
    tiers = tier_guesses(pd.concat(tier_frames, ignore_index=True)) if tier_frames else ()
    if tiers:
        unsure = sum(not g.guessed for g in tiers)
        review.append(
            f"tier_map: {len(tiers)} tier label(s) mapped by a guess"
            + (f", {unsure} with no guess ({DEFAULT_TIERS[0]})" if unsure else "")
        )
    # accounts
    join_on_domain = False
    if accounts is not None and not columns.get("account_id"):
        found_in = account_column(data, accounts, skip=set(columns.values()))
        if found_in:
            columns["account_id"], columns_why["account_id"] = found_in
    if accounts is not None:
        join_on_domain, said = _account_link(raw, columns, accounts, invitations)
        review.append(said)
    # segments
    skip = set(columns.values()) | {c for c in data.columns if is_personal(c)}
    reserved = set(RESERVED)
    if accounts is not None:  # the account master's columns keep their names
        reserved |= set(ACCOUNT_COLUMNS) | set(map(str, accounts.columns))
    extra, extra_why, not_segments = segment_columns(data, skip, reserved)
    segments: list[str] = []
    if accounts is not None and "tier" in accounts:
        segments.append("tier")
    if role_labels is not None:
        segments.append("role")
    for name in ACCOUNT_SEGMENTS if accounts is not None else ():
        if name in accounts and SEGMENT_VALUES[0] <= accounts[name].nunique() <= SEGMENT_VALUES[1]:
            segments.append(name)
    segments += list(extra)
    pairs = (("tier", "role"),) if {"tier", "role"} <= set(segments) else ()
    if extra:
        review.append(f"segments: {', '.join(segments)} (drop any not worth a slide)")
    return Proposal(
        wave_id=wave_id,
        company=company,
        company_why=company_why,
        export_format=raw.format,
        columns=columns,
        columns_why=columns_why,
        extra=extra,
        extra_why=extra_why,
        role_map=roles,
        role_source=role_source,
        tier_map=tiers,
        segments=tuple(segments),
        segment_pairs=pairs,
        not_segments=not_segments,
        field_start=start,
        field_end=end,
        field_why=field_why,
        review=tuple(review),
        join_on_email_domain=join_on_domain,
    )
