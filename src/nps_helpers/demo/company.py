"""Synthetic demo data: a B2B company's CRM, invitation lists and Qualtrics exports.

Everything here is made up (company, accounts, people, comments) and seeded, so the
same seed writes byte-identical files. The data is built to look like what an analyst
receives: scores that depend on account tier, respondent role and what the comment is
about, comments in varied wording with typos, and the usual dirt of a real export
(preview rows, duplicate submissions, partial responses, blank and out-of-range scores,
a contact whose account is no longer in the CRM).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from nps_helpers.demo.comments import (
    _CONNECTORS,
    _EMPTY_LIKE,
    _PII_SUFFIX,
    INDUSTRIES,
    THEMES,
    _capital,
    _low,
    _roughen,
)
from nps_helpers.metrics.scoring import PASSIVE_MIN, PROMOTER_MIN

COMPANY = "Northwind Systems"
DEMO_SEED = 20260401

#: The two demo waves: wave id -> (first day, last day) of the field period.
DEMO_WAVES: dict[str, tuple[dt.date, dt.date]] = {
    "2026-H1": (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
    "2026-H2": (dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
}

TIERS = ("small", "key", "premium")
TIER_SHARE = (0.70, 0.22, 0.08)
#: Median annual revenue per tier; the spread is log-normal, so a few accounts dominate.
TIER_ARR_MEDIAN = {"small": 18_000, "key": 140_000, "premium": 650_000}
TIER_CONTACTS = {"small": (2, 4), "key": (4, 8), "premium": (6, 11)}
#: Mean latent score of a tier (premium accounts get more attention, small ones less).
TIER_BASE = {"small": 7.5, "key": 8.0, "premium": 8.4}
ROLE_BASE = {"decision_maker": -0.3, "influencer": 0.0, "user": 0.25}
#: How each wave moves the mood: the second wave improves onboarding but not billing.
WAVE_SHIFT = {"2026-H1": 0.0, "2026-H2": 0.25}

INDUSTRY_SHARE = (0.30, 0.18, 0.15, 0.15, 0.12, 0.10)
REGIONS = ("EMEA", "North America", "APAC", "LATAM")
REGION_SHARE = (0.42, 0.35, 0.15, 0.08)
PRODUCTS = ("Platform", "Analytics", "Integrations")
OWNERS = (
    "Maya Lindqvist",
    "Tomás Ferreira",
    "Priya Raman",
    "Jonas Becker",
    "Aiko Tanaka",
    "Fatima Haddad",
    "Lucas Moreau",
    "Grace Okafor",
    "Daniel Kowalski",
    "Elena Petrova",
    "Sam Whitfield",
    "Chen Wei",
)
ROLE_LABELS = {
    "decision_maker": ("Decision Maker", "Decision Maker", "Executive Sponsor"),
    "influencer": ("Influencer", "Team Lead"),
    "user": ("End User", "End User", "Power User"),
}
JOB_FUNCTIONS = ("IT", "Operations", "Finance", "Procurement", "Engineering", "Marketing")

_NAME_A = (
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nova",
    "Orchid",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidal",
    "Union",
    "Vertex",
    "Willow",
    "Zenith",
    "Apex",
    "Beacon",
    "Cobalt",
    "Drift",
    "Ember",
    "Fjord",
    "Golden",
    "Helix",
    "Ironwood",
    "Keystone",
    "Lakeside",
)
_NAME_B = (
    "Logistics",
    "Foods",
    "Analytics",
    "Manufacturing",
    "Health",
    "Capital",
    "Media",
    "Robotics",
    "Freight",
    "Energy",
    "Labs",
    "Textiles",
    "Pharma",
    "Retail",
    "Software",
    "Consulting",
    "Insurance",
    "Metals",
    "Marine",
    "Payments",
)
_NAME_C = ("Inc.", "GmbH", "Ltd", "S.A.", "AB", "B.V.", "Group", "Co.", "Pty Ltd", "LLC")
_FIRST = (
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Eva",
    "Felix",
    "Gina",
    "Hugo",
    "Ines",
    "Jamal",
    "Kara",
    "Leon",
    "Mia",
    "Nils",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Stefan",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Marek",
    "Sofia",
    "Ravi",
    "Hannah",
    "Kenji",
    "Lena",
)
_LAST = (
    "Andersen",
    "Brooks",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kim",
    "Larsen",
    "Martins",
    "Novak",
    "Oliveira",
    "Park",
    "Quint",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Umeh",
    "Varga",
    "Walsh",
    "Yilmaz",
    "Zhang",
    "Nakamura",
)


def _domain(account_name: str) -> str:
    first, second = account_name.split(" ")[:2]
    return (first + second).lower()


def make_accounts(rng: np.random.Generator, n_accounts: int) -> pd.DataFrame:
    """The CRM account master as of the first wave (without renewal dates)."""
    tier = rng.choice(TIERS, size=n_accounts, p=TIER_SHARE)
    median = np.array([TIER_ARR_MEDIAN[t] for t in tier], dtype=float)
    arr = np.round(median * rng.lognormal(0.0, 0.75, size=n_accounts), -2)
    names: set[str] = set()
    account_names = []
    while len(account_names) < n_accounts:
        first, second, form = rng.choice(_NAME_A), rng.choice(_NAME_B), rng.choice(_NAME_C)
        name = f"{first} {second} {form}"
        k = 2
        while name in names:  # past ~7,000 accounts the word lists run out: number them
            name = f"{first} {second} {k} {form}"
            k += 1
        names.add(name)
        account_names.append(name)
    return pd.DataFrame(
        {
            "account_id": [f"A{i:04d}" for i in range(1, n_accounts + 1)],
            "account_name": account_names,
            "tier": tier,
            "industry": rng.choice(INDUSTRIES, size=n_accounts, p=INDUSTRY_SHARE),
            "region": rng.choice(REGIONS, size=n_accounts, p=REGION_SHARE),
            "arr": arr,
            "owner": rng.choice(OWNERS, size=n_accounts),
            "renewal_day_of_year": rng.integers(1, 366, size=n_accounts),
            "mood": rng.normal(0.0, 1.1, size=n_accounts),  # hidden account-level effect
            "product": rng.choice(PRODUCTS, size=n_accounts, p=(0.55, 0.25, 0.20)),
        }
    )


def make_contacts(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    """Contacts of every account: more for key and premium, each with a role."""
    rows = []
    used_emails: set[str] = set()
    for acc in accounts.itertuples(index=False):
        lo, hi = TIER_CONTACTS[acc.tier]
        n = int(rng.integers(lo, hi))
        domain = _domain(acc.account_name)
        roles = ["decision_maker"] + list(
            rng.choice(["decision_maker", "influencer", "user"], size=n - 1, p=(0.2, 0.25, 0.55))
        )
        for role in roles:
            first, last = str(rng.choice(_FIRST)), str(rng.choice(_LAST))
            email = f"{first}.{last}@{domain}.example".lower()
            k = 2
            while email in used_emails:
                email = f"{first}.{last}{k}@{domain}.example".lower()
                k += 1
            used_emails.add(email)
            rows.append(
                {
                    "account_id": acc.account_id,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "phone": f"+44 20 7946 {int(rng.integers(0, 10_000)):04d}",
                    "role": role,
                    "role_label": str(rng.choice(ROLE_LABELS[role])),
                    "job_function": str(rng.choice(JOB_FUNCTIONS)),
                    "product": acc.product if rng.random() < 0.8 else str(rng.choice(PRODUCTS)),
                    "joined_wave": 0,
                }
            )
    contacts = pd.DataFrame(rows)
    contacts.insert(0, "contact_id", [f"C{i:05d}" for i in range(1, len(contacts) + 1)])
    return contacts


def _snapshot_accounts(accounts: pd.DataFrame, wave_index: int, field_end: dt.date) -> pd.DataFrame:
    """The account master as the CRM exports it for one wave."""
    out = accounts.copy()
    out["arr"] = np.round(out["arr"] * (1.04**wave_index), -2)
    year_start = dt.date(field_end.year, 1, 1)
    renewals = []
    for day in out["renewal_day_of_year"]:
        date = year_start + dt.timedelta(days=int(day) - 1)
        while date <= field_end:
            date = date.replace(year=date.year + 1)
        renewals.append(date.isoformat())
    out["renewal_date"] = renewals
    out["arr"] = out["arr"].astype(int)
    return out[
        ["account_id", "account_name", "tier", "industry", "region", "arr", "owner", "renewal_date"]
    ]


def _comment_and_score(
    rng: np.random.Generator,
    latent: float,
    industry: str,
    owner: str,
    contact: dict,
) -> tuple[str, float]:
    """Pick what the respondent talks about, then let that move the score."""
    themes = [t for t in THEMES if industry in t.industries]
    p_negative = 1.0 / (1.0 + np.exp(1.6 * (latent - 7.0)))
    n_mentions = int(rng.choice([0, 1, 1, 2, 2, 3]))
    picks = rng.choice(len(themes), size=min(n_mentions, len(themes)), replace=False)
    score = latent
    phrases = []
    for k in picks:
        theme = themes[int(k)]
        if rng.random() < p_negative:
            phrases.append(str(rng.choice(theme.negative)))
            score -= theme.pull_down
        else:
            phrases.append(str(rng.choice(theme.positive)))
            score += theme.pull_up
    score += rng.normal(0, 0.6)
    if not phrases or rng.random() < 0.18:
        return str(rng.choice(_EMPTY_LIKE)), score
    phrases = [p.format(owner_first=owner.split(" ")[0]) for p in phrases]
    text = _capital(phrases[0])
    for extra in phrases[1:]:
        pattern = str(rng.choice(_CONNECTORS))
        text = pattern.format(a=text.rstrip("."), b=_capital(extra), b_low=_low(extra))
    if not text.endswith((".", "!", "?")):
        text += "." if rng.random() < 0.7 else "!"
    if rng.random() < 0.25:
        text = _roughen(text, rng)
    if rng.random() < 0.03:
        text += " " + str(rng.choice(_PII_SUFFIX)).format(
            phone=contact["phone"], email=contact["email"]
        )
    return text, score


QUALTRICS_COLUMNS = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    (
        "Q1",
        "How likely are you to recommend {company} to a friend or colleague?",
        '{"ImportId":"QID1"}',
    ),
    (
        "Q1_NPS_GROUP",
        "How likely are you to recommend {company} to a friend or colleague? - Group",
        '{"ImportId":"QID1_NPS_GROUP"}',
    ),
    ("Q2", "What is the most important reason for your score?", '{"ImportId":"QID2_TEXT"}'),
    ("account_id", "account_id", '{"ImportId":"account_id"}'),
    ("role", "role", '{"ImportId":"role"}'),
    ("product", "product", '{"ImportId":"product"}'),
    ("job_function", "job_function", '{"ImportId":"job_function"}'),
]


def _response_id(rng: np.random.Generator) -> str:
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    return "R_" + "".join(rng.choice(alphabet, size=15))


def _nps_group(score: str) -> str:
    try:
        s = int(score)
    except ValueError:
        return ""
    return "Promoter" if s >= PROMOTER_MIN else "Passive" if s >= PASSIVE_MIN else "Detractor"


def _timestamp(day: dt.date, rng: np.random.Generator) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(int(rng.integers(7, 20)), int(rng.integers(0, 60)), int(rng.integers(0, 60)))
    )


def make_wave(
    rng: np.random.Generator,
    wave_id: str,
    wave_index: int,
    field: tuple[dt.date, dt.date],
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
) -> tuple[pd.DataFrame, list[dict]]:
    """One wave: the invitation list and the rows of the survey export (with dirt)."""
    start, end = field
    days = (end - start).days
    acc = accounts.set_index("account_id")
    active = contacts[contacts["joined_wave"] <= wave_index]
    invited_at = [start + dt.timedelta(days=int(d)) for d in rng.integers(0, 3, size=len(active))]
    bounced = rng.random(len(active)) < 0.04
    invitations = pd.DataFrame(
        {
            "wave_id": wave_id,
            "contact_id": active["contact_id"].to_numpy(),
            "account_id": active["account_id"].to_numpy(),
            "first_name": active["first_name"].to_numpy(),
            "last_name": active["last_name"].to_numpy(),
            "email": active["email"].to_numpy(),
            "phone": active["phone"].to_numpy(),
            "role": active["role_label"].to_numpy(),
            "job_function": active["job_function"].to_numpy(),
            "invited_at": [d.isoformat() for d in invited_at],
            "bounced": bounced,
        }
    )
    rows: list[dict] = []

    def export_row(
        contact: dict,
        score: str,
        comment: str,
        when: dt.datetime,
        finished: bool = True,
        status: str = "IP Address",
        account_id: str | None = None,
    ) -> dict:
        duration = int(rng.integers(35, 600))
        return {
            "StartDate": (when - dt.timedelta(seconds=duration)).strftime("%Y-%m-%d %H:%M:%S"),
            "EndDate": when.strftime("%Y-%m-%d %H:%M:%S"),
            "Status": status,
            "IPAddress": f"203.0.113.{int(rng.integers(1, 255))}",
            "Progress": "100" if finished else str(int(rng.integers(15, 70))),
            "Duration (in seconds)": str(duration),
            "Finished": "True" if finished else "False",
            "RecordedDate": when.strftime("%Y-%m-%d %H:%M:%S"),
            "ResponseId": _response_id(rng),
            "RecipientLastName": contact.get("last_name", ""),
            "RecipientFirstName": contact.get("first_name", ""),
            "RecipientEmail": contact.get("email", ""),
            "ExternalReference": contact.get("contact_id", ""),
            "DistributionChannel": "email" if status == "IP Address" else "preview",
            "UserLanguage": "EN",
            "Q1": score,
            "Q1_NPS_GROUP": _nps_group(score),
            "Q2": comment,
            "account_id": account_id if account_id is not None else contact.get("account_id", ""),
            "role": contact.get("role_label", ""),
            "product": contact.get("product", ""),
            "job_function": contact.get("job_function", ""),
        }

    reachable = active[~bounced]
    for contact in reachable.to_dict("records"):
        account = acc.loc[contact["account_id"]]
        p_respond = {"small": 0.33, "key": 0.45, "premium": 0.55}[account["tier"]]
        p_respond += 0.08 if contact["role"] == "user" else 0.0
        if rng.random() >= p_respond:
            continue
        latent = (
            TIER_BASE[account["tier"]]
            + ROLE_BASE[contact["role"]]
            + account["mood"]
            + WAVE_SHIFT.get(wave_id, 0.0)
            + rng.normal(0, 1.0)
        )
        comment, raw_score = _comment_and_score(
            rng, latent, account["industry"], account["owner"], contact
        )
        score = int(np.clip(np.rint(raw_score), 0, 10))
        when = _timestamp(start + dt.timedelta(days=int(rng.integers(0, days + 1))), rng)
        u = rng.random()
        if u < 0.012:  # skipped the question
            rows.append(export_row(contact, "", comment, when))
        elif u < 0.045:  # started, left half-way; some had answered the score
            rows.append(
                export_row(
                    contact, str(score) if rng.random() < 0.5 else "", "", when, finished=False
                )
            )
        else:
            rows.append(export_row(contact, str(score), comment, when))
            if rng.random() < 0.03:  # submitted again from a second link a few days later
                again = min(score + int(rng.integers(-1, 2)), 10)
                later = when + dt.timedelta(days=int(rng.integers(1, 5)))
                rows.append(export_row(contact, str(max(again, 0)), comment, later))
    # Dirt that real exports carry.
    for i in range(3):
        tester = {
            "first_name": "",
            "last_name": "",
            "email": "",
            "contact_id": "",
            "role_label": "End User",
            "product": "Platform",
            "job_function": "IT",
        }
        rows.append(
            export_row(
                tester,
                str(int(rng.integers(0, 11))),
                f"test {i + 1}",
                _timestamp(start - dt.timedelta(days=2), rng),
                status="Survey Preview",
                account_id="A0001",
            )
        )
    typed = reachable.sample(n=min(2, len(reachable)), random_state=int(rng.integers(0, 2**31)))
    for contact in typed.to_dict("records"):  # a score keyed in by hand from a phone call
        rows.append(
            export_row(contact, str(int(rng.choice([11, 12, 100]))), "", _timestamp(end, rng))
        )
    merged = contacts.iloc[int(rng.integers(0, len(contacts)))].to_dict()
    rows.append(
        export_row(merged, "8", "Fine overall.", _timestamp(end, rng), account_id="A9999")
    )  # an account merged away in the CRM
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    rows.sort(key=lambda r: r["RecordedDate"])
    return invitations, rows


def write_qualtrics_csv(rows: list[dict], path: Path, company: str = COMPANY) -> None:
    """Write rows as a Qualtrics CSV export: three header rows, UTF-8 with BOM."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c[0] for c in QUALTRICS_COLUMNS])
    writer.writerow([c[1].format(company=company) for c in QUALTRICS_COLUMNS])
    writer.writerow([c[2] for c in QUALTRICS_COLUMNS])
    for row in rows:
        writer.writerow([row[c[0]] for c in QUALTRICS_COLUMNS])
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


def generate_demo(
    root: str | Path,
    seed: int = DEMO_SEED,
    n_accounts: int = 400,
    waves: dict[str, tuple[dt.date, dt.date]] | None = None,
) -> dict[str, list[Path]]:
    """Write the synthetic demo data set under ``<root>/data/raw/``.

    Parameters
    ----------
    root
        Project root; files go to ``data/raw/<wave>/``.
    seed
        Seed of every random draw: the same seed writes byte-identical files.
    n_accounts
        Accounts in the CRM (the demo uses about 400).
    waves
        Wave id -> (field start, field end); defaults to :data:`DEMO_WAVES`.

    Returns
    -------
    dict
        Wave id -> the files written for it.
    """
    waves = waves or DEMO_WAVES
    rng = np.random.default_rng(seed)
    accounts = make_accounts(rng, n_accounts)
    contacts = make_contacts(rng, accounts)
    written: dict[str, list[Path]] = {}
    next_id = len(contacts) + 1
    for index, (wave_id, field) in enumerate(waves.items()):
        if index > 0:  # people change jobs: a few leave, a few join
            leavers = rng.random(len(contacts)) < 0.06
            contacts = contacts[~leavers | (contacts["role"] == "decision_maker")]
            joiners = make_contacts(rng, accounts.sample(frac=0.08, random_state=index))
            joiners["contact_id"] = [f"C{next_id + i:05d}" for i in range(len(joiners))]
            joiners["joined_wave"] = index
            next_id += len(joiners)
            contacts = pd.concat([contacts, joiners], ignore_index=True)
        invitations, rows = make_wave(rng, wave_id, index, field, accounts, contacts)
        out = Path(root) / "data" / "raw" / wave_id
        out.mkdir(parents=True, exist_ok=True)
        files = [out / "accounts.csv", out / "invitations.csv", out / "survey_export.csv"]
        _snapshot_accounts(accounts, index, field[1]).to_csv(files[0], index=False)
        invitations.to_csv(files[1], index=False)
        write_qualtrics_csv(rows, files[2])
        (out / "README.txt").write_text(
            f"Synthetic demo data for wave {wave_id} (seed {seed}); made by `nps-wave demo-data`.\n"
            "No real company, person or comment is in these files.\n",
            encoding="utf-8",
        )
        written[wave_id] = files
    manifest = {w: [str(p.relative_to(root)) for p in fs] for w, fs in written.items()}
    (Path(root) / "data" / "raw" / "demo_manifest.json").write_text(
        json.dumps({"seed": seed, "n_accounts": n_accounts, "files": manifest}, indent=2) + "\n",
        encoding="utf-8",
    )
    return written
