"""The demo's comments: themes, their phrasings and pull on the score, and how people type.

Made up for the synthetic company; the theme codebook never sees these phrasings'
source, only the files the generator writes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INDUSTRIES = ("SaaS", "Manufacturing", "Fintech", "Services", "Logistics", "Marketing")


@dataclass(frozen=True)
class Theme:
    """A comment theme of the generator: phrasings and its pull on the score."""

    name: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    pull_up: float  # score points a praise of this theme adds
    pull_down: float  # score points a complaint about it takes away
    industries: tuple[str, ...] = INDUSTRIES


THEMES: tuple[Theme, ...] = (
    Theme(
        "implementation",
        (
            "The implementation went smoothly and was on schedule",
            "Rollout was painless, the project team knew what they were doing",
            "go-live was well planned and we hit our dates",
        ),
        (
            "Implementation took far longer than promised",
            "the rollout dragged on for months and we had to push our go-live twice",
            "Implementation project was chaotic, nobody owned the plan",
            "Deployment was a struggle, integration with our ERP is still not finished",
        ),
        0.6,
        2.0,
        ("SaaS", "Manufacturing", "Fintech", "Logistics"),
    ),
    Theme(
        "onboarding",
        (
            "Onboarding was quick and our team was productive in the first week",
            "great onboarding sessions, very hands-on",
        ),
        (
            "Onboarding new colleagues is painful, there is no proper welcome path",
            "the onboarding was rushed and left us to figure things out alone",
            "Getting new users set up takes way too long",
        ),
        0.5,
        1.3,
        ("SaaS", "Fintech"),
    ),
    Theme(
        "account_management",
        (
            "Our account manager is responsive and really understands our business",
            "{owner_first} is always quick to get back to us",
            "Excellent account management, proactive and on top of things",
        ),
        (
            "Our account manager never answers emails, we wait weeks for a reply",
            "We have had three account managers in a year and none of them knew our setup",
            "Hard to reach anyone on the account side unless we are renewing",
        ),
        0.7,
        1.6,
        ("SaaS", "Fintech", "Marketing"),
    ),
    Theme(
        "support",
        (
            "Support team is fantastic, tickets are solved the same day",
            "the helpdesk is friendly and knows the product inside out",
            "Great customer support whenever we need it",
        ),
        (
            "Support tickets sit for days without an answer",
            "support keeps closing tickets without fixing the problem",
            "The first line support just reads scripts, we always need to escalate",
        ),
        0.8,
        1.8,
    ),
    Theme(
        "product_quality",
        ("Very few bugs, the product is solid", "quality of the releases has improved a lot"),
        (
            "Too many bugs in every release, things that worked break again",
            "The last update broke our reports and it took weeks to get a fix",
            "constant glitches and errors in the export module",
        ),
        0.5,
        1.9,
        ("SaaS", "Fintech", "Manufacturing", "Services"),
    ),
    Theme(
        "ui_ux",
        ("The interface is clean and easy to use", "intuitive UI, our users like working in it"),
        (
            "The user interface is clunky and dated",
            "too many clicks to do simple things, the UX needs work",
            "Navigation is confusing, our users get lost in the menus",
        ),
        0.5,
        1.0,
        ("SaaS", "Fintech"),
    ),
    Theme(
        "reliability",
        ("Rock solid uptime, we never worry about it", "very reliable, no outages this year"),
        (
            "We had several outages during our peak season",
            "the system is slow and goes down at the worst moments",
            "Performance is unreliable, timeouts every Monday morning",
        ),
        0.6,
        2.2,
        ("SaaS", "Services", "Logistics", "Fintech"),
    ),
    Theme(
        "product_value",
        (
            "Great value for what we pay, it saves us hours every week",
            "The product does exactly what we need and our ROI is clear",
        ),
        ("Hard to justify the value we get out of it", "we only use a fraction of what we pay for"),
        0.9,
        1.4,
    ),
    Theme(
        "price_billing",
        ("Pricing is fair and transparent",),
        (
            "Way too expensive for what it is",
            "The price increase at renewal was unacceptable",
            "Invoices are wrong every other month and billing takes ages to correct them",
            "licensing model is confusing and costly",
        ),
        0.3,
        1.2,
    ),
    Theme(
        "communication",
        (
            "Communication is clear and we always know what is coming",
            "they keep us well informed about changes",
        ),
        (
            "Nobody told us about the changes until they were live",
            "communication about incidents is poor, we learn about problems from our own users",
        ),
        0.4,
        1.1,
        ("Services", "Logistics", "Marketing", "SaaS"),
    ),
    Theme(
        "delivery",
        ("Deliveries always arrive on time and complete", "order fulfilment is fast and accurate"),
        (
            "Deliveries are late more often than not",
            "orders arrive incomplete and we have to chase the missing items",
            "lead times keep slipping",
        ),
        0.6,
        1.9,
        ("Manufacturing", "Logistics"),
    ),
    Theme(
        "partnership",
        (
            "They feel like a true partner, not just a vendor",
            "a real partnership, they care about our success",
        ),
        (
            "It feels like we are just a number to them",
            "no interest in our business beyond the next upsell",
        ),
        1.0,
        1.5,
        ("Manufacturing", "Logistics", "Services", "Marketing"),
    ),
    Theme(
        "features_roadmap",
        (
            "Love the new features that came out this year",
            "the roadmap is exciting and they listen to our requests",
        ),
        (
            "We have been asking for basic features for two years",
            "the roadmap ignores what customers actually ask for",
            "missing key functionality such as SSO and audit logs",
        ),
        0.6,
        1.0,
        ("SaaS", "Fintech", "Marketing"),
    ),
    Theme(
        "documentation",
        ("the documentation is thorough and up to date",),
        ("Documentation is outdated and incomplete", "the docs never match the current version"),
        0.3,
        0.6,
        ("SaaS", "Fintech"),
    ),
    Theme(
        "training",
        ("The training sessions were excellent", "good training material for new staff"),
        (
            "We need much better training for our users",
            "training was too generic and did not cover our use case",
        ),
        0.4,
        0.8,
    ),
)

_CONNECTORS = (
    "{a}. {b}.",
    "{a}, but {b_low}.",
    "{a}. Also {b_low}.",
    "{a} - {b_low}.",
    "{a}; {b_low}.",
    "{a}. On the other hand {b_low}.",
)
_EMPTY_LIKE = ("", "", "", "", "n/a", "-", "no comment", "nothing to add", ".")
_PII_SUFFIX = (
    "Feel free to call me on {phone}.",
    "You can reach me at {email} to discuss.",
    "Happy to talk, my direct line is {phone}.",
)


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = rng.integers(0, 3)
    if kind == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def _roughen(text: str, rng: np.random.Generator) -> str:
    """Typos and casing as people type them."""
    words = text.split(" ")
    for _ in range(int(rng.integers(1, 3))):
        j = int(rng.integers(0, len(words)))
        words[j] = _typo(words[j], rng)
    text = " ".join(words)
    if rng.random() < 0.3:
        text = text.lower()
    return text


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


def _low(s: str) -> str:
    return s[:1].lower() + s[1:] if not s[:2].isupper() else s
