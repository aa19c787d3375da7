"""Sentiment of comments and clauses: VADER with a B2B lexicon, rewrites and sarcasm rules.

Everything runs offline: VADER's lexicon ships inside the vaderSentiment package and is
extended with B2B and non-English words. Polarity is decided per clause, so "great
support but the invoices are always wrong" praises support and complains about billing,
and negation inside a clause flips it ("no problems with support" is praise).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from nps_helpers.text.codebook import normalize

POSITIVE, NEGATIVE = 0.05, -0.05


#: Phrases VADER reads the wrong way round, rewritten before scoring.
REWRITES = (
    # a discourse marker, not praise: VADER scores "hand" +2.2, so "On the other hand the
    # docs are outdated" read as praise
    (re.compile(r"\bon the other hand\b"), " "),
    (
        re.compile(
            r"\b(?:couldnt|could not|cant|can not|cannot) (?:be|have been) "
            r"(?:happier|better|more (?:satisfied|pleased|happy))"
        ),
        " extremely happy ",
    ),
    (re.compile(r"\b(?:cant|can not|cannot) complain\b"), " satisfied "),
    (re.compile(r"\b(?:nothing|little) to complain about\b"), " satisfied "),
    (re.compile(r"\bno complaints?\b"), " satisfied "),
    (
        re.compile(
            r"\bnever (?:had|have|experienced|seen) (?:an? |any )?(?:issue|issues|problem|"
            r"problems|outage|outages|downtime|bug|bugs|complaint|complaints)\b"
        ),
        " reliable good ",
    ),
    # the scope of a negation reaches past VADER's three words: "never had a single
    # payroll error", "not one late truck", "can't remember the last time it was down"
    (
        re.compile(
            r"\b(?:never(?: once| ever)?(?: had| have| seen| got| experienced| found| received)?"
            r"|not (?:once|a single|one)|(?:havent|have not|hasnt|has not) (?:had|seen|got))"
            r" (?:a single |one |a |any |an )?(?:\w+ ){0,3}?(?:issues?|problems?|outages?|"
            r"downtime|bugs?|defects?|errors?|"
            r"mistakes?|complaints?|late|delays?|glitch(?:es)?|crash(?:es)?|short shipments?|"
            r"failures?|surprises?|go(?:es)? down|went down|hiccups?)\b"
        ),
        " flawless ",
    ),
    (
        re.compile(
            r"\b(?:cant|can not|cannot|dont|do not) remember the last time\b"
            r"(?: \w+){0,5}? (?:late|down|wrong|failed|broke|crashed|missed|delayed)\b"
        ),
        " flawless ",
    ),
    (re.compile(r"\bnot (?:cheap|inexpensive|affordable)\b"), " expensive "),
    (re.compile(r"\bno surprises?\b"), " satisfied "),
    (
        re.compile(
            r"\b(?:dont|doesnt|do not|does not|never|rarely|seldom|didnt|did not) "
            r"(?:\w+ )?(?:match|add up|reconcile|tally)\b"
        ),
        " wrong ",
    ),
    (re.compile(r"\bnever (?:waited|waits|wait) (?:more|longer) than\b"), " fast "),
    # the same in the other languages (accents removed)
    (
        re.compile(
            r"\b(?:keine?|keinen) (?:einzige[nr]? )?(?:storung(?:en)?|ausfalle?|fehler|probleme?)|"
            r"\bgeen (?:storingen|storing|fouten|problemen)|\bsin (?:caidas|errores|problemas)|"
            r"\baucune? (?:bug|bugs|panne|pannes|probleme|problemes|souci|erreur)|"
            r"\b(?:quase )?sem (?:quedas|erros|problemas)|\bbez (?:awarii|problemow|bledow)|"
            r"\bnessun (?:problema|errore|guasto)|\bmai un problema\b"
        ),
        " flawless ",
    ),
    (
        re.compile(r"\b(?:takes|took|take|taking) (?:ages|forever|weeks|months|days)\b"),
        " too slow ",
    ),
    (re.compile(r"\bwait(?:ed|ing)? (?:for )?(?:weeks|days|months|ages)\b"), " too slow "),
    (
        re.compile(
            r"\b(?:need|needs|needed|require|requires) (?:much |a lot |far |way |some |a )?"
            r"(?:better|more|improved?|improvement|work)\b"
        ),
        " lacking ",
    ),
    (
        re.compile(
            r"\b(?:could|should|can) be (?:much |a lot |far |way )?(?:better|improved|"
            r"faster|easier|cheaper|clearer)\b"
        ),
        " lacking ",
    ),
    (
        re.compile(
            r"\b(?:price|prices|pricing|cost|costs|fee|fees) (?:increase|increases|hike|"
            r"hikes|went up|go up|goes up|keep going up|keeps going up|rising)\b"
        ),
        " expensive increase ",
    ),
    (
        re.compile(
            r"\b(?:increased|raised|hiked|doubled) (?:the |our |their )?(?:price|prices|"
            r"pricing|fees|costs)\b"
        ),
        " expensive increase ",
    ),
    # problems counted as absent or rare: VADER does not read "zero", "hardly", "fewer"
    # as negations and scores the problem word
    (
        re.compile(
            r"\b(?:zero|hardly any|barely any|very few|fewer|far fewer|no more|rarely any)"
            r" (?:\w+ )?(?:unplanned )?(?:downtime|outages?|bugs?|defects?|issues?|problems?|"
            r"errors?|glitches|incidents?|complaints?|crash(?:es)?|escalations?|tickets?)\b"
        ),
        " flawless ",
    ),
    (
        re.compile(
            r"\b(?:hardly|rarely|seldom|barely) (?:ever )?(?:\w+ ){0,3}?(?:downtime|outages?|"
            r"bugs?|defects?|issues?|problems?|errors?|glitches|crash(?:es)?|breaks|broke)\b"
        ),
        " flawless ",
    ),
    (re.compile(r"\bahead of (?:schedule|plan|time)\b"), " excellent "),
    (re.compile(r"\brevolving door\b"), " constant turnover bad "),
    # the name of a team, not praise
    (re.compile(r"\bcustomer success\b"), " customer team "),
    (
        re.compile(r"\b(?:gone|went|goes) (?:completely )?(?:quiet|silent|dark)\b"),
        " unresponsive ",
    ),
    (
        re.compile(r"\b(?:then |and )?nothing (?:for|since) (?:\w+ )?(?:days|weeks|months)\b"),
        " ignored ",
    ),
    # VADER negates the problem after "without" and reads praise into "without fixing
    # the problem"; the problem is still there
    (
        re.compile(
            r"\bwithout (?:ever |actually |really )?(?:fixing|solving|resolving|addressing|"
            r"sorting|answering|fix|solve|resolve)\b"
        ),
        " unresolved ",
    ),
    (
        re.compile(r"\b(?:just|only) (?:a|another|one more) (?:number|logo|line item)\b"),
        " ignored ",
    ),
    (
        re.compile(
            r"\btoo (?:many|much|long|slow|expensive|complicated|complex|generic|hard|often|"
            r"frequently)\b"
        ),
        " too bad ",
    ),
)
#: A wish or a request at the start of a clause ("Better reporting.", "Faster ticket
#: response", "Give us one contact", "maybe cheaper renewals"): a need, so a complaint.
#: Not a comparison ("better than our last vendor") and not "keep doing what you do".
REQUEST = re.compile(
    r"^\W*(?:\d+\W+)?(?:and |but |maybe |just |please |also |only |so )?(?:"
    r"(?:better|faster|quicker|cheaper|lower|more|earlier|clearer|simpler|"
    r"easier|proper|improved?|bessere[nrs]?|mehr|meer|plus de|mas|lepsz\w*|wiecej|"
    r"migliore|mejor(?:es)?)\b(?! than| then| dan| als| que| di| niz)|"
    r"(?:give|add|fix|stop|update|train|tell|answer|ship|offer|provide|bring|reduce|"
    r"improve|invest|hire|reply|respond|send|hold|publish|listen)\b(?! to us\b)|"
    r"(?:would|id|we\w*) (?:love|like|appreciate|want|need)\b|(?:i |we )?wish\b|"
    r"(?:we |i )?need(?:s)? (?:a|an|more|better|to|someone)\b|to (?:get|earn|reach) (?:a |an )?"
    r"(?:10|ten|9|nine)\b|nos gustaria|wir (?:brauchen|wunschen)|graag|prosimy|"
    r"potrzebujemy|gerne)"
)
#: A praise word in scare quotes ("the 'seamless' migration", "'premium' support") is
#: said with irony; these words are ironic in quotes though VADER scores them neutral.
SCARE_QUOTE = re.compile(r"(?:^|[\s(])['‘\"“]([^'’\"”]{2,30}?)['’\"”](?=[\s.,!?;:)]|$)")
_IRONIC = (
    "seamless quick minor improved premium dedicated courtesy priority partnership "
    "partner upgrade fix fixed solution simple easy smooth known scheduled temporary "
    "exciting enhanced modern intuitive support service urgent"
)
IRONIC_IN_QUOTES = frozenset(_IRONIC.split())
#: Sarcasm that VADER reads as praise: a clause matching one of these is negative.
SARCASM = re.compile(
    r"\b(?:oh|just|yeah|wow|so|how) (?:great|wonderful|fantastic|brilliant|lovely|nice|"
    r"perfect|fun)\b|\bthanks for nothing\b|\byeah,? right\b|\blove (?:waiting|paying|"
    r"chasing|getting|being|it when)\b|\bnothing (?:says|like)\b.*\blike\b|\bgreat,? another\b|"
    r"\bas always,? (?:late|broken|down|wrong)\b|\bsurprise,? surprise\b|\bwhat a joke\b|"
    r"\bclassic\b.*\bagain\b|\bagain\.\.\.|\b(?:love|loving) (?:how|that)\b.*"
    r"\b(?:never|always|again|every time)\b",
)
#: Words the B2B comments use that VADER's lexicon lacks or scores for other contexts,
#: and common praise and complaint words of other languages (accents removed).
LEXICON_UPDATES: dict[str, float] = {
    # neutral here (VADER scores them for everyday English)
    "support": 0.0,
    "help": 0.0,
    "care": 0.0,
    "free": 0.0,
    "value": 0.0,
    "like": 0.0,
    "please": 0.0,
    "pretty": 0.0,
    "kind": 0.0,
    "yes": 0.0,
    "no": 0.0,
    "went well": 1.5,
    "partner": 0.0,
    "trust": 0.0,
    "interest": 0.0,
    "number": 0.0,
    "share": 0.0,
    "credit": 0.0,
    "charges": 0.0,
    "charged": 0.0,
    "increase": 0.0,
    "demand": 0.0,
    "crash": -2.0,
    # B2B complaints
    "slow": -1.6,
    "slower": -1.6,
    "slowness": -1.8,
    "sluggish": -1.6,
    "laggy": -1.6,
    "late": -1.5,
    "delayed": -1.6,
    "delay": -1.4,
    "delays": -1.6,
    "outage": -2.0,
    "outages": -2.2,
    "downtime": -2.0,
    "buggy": -2.0,
    "bug": -1.3,
    "bugs": -1.6,
    "glitch": -1.4,
    "glitches": -1.6,
    "crashes": -2.0,
    "crashing": -2.0,
    "broken": -2.0,
    "breaks": -1.6,
    "broke": -1.6,
    "expensive": -1.5,
    "overpriced": -2.2,
    "pricey": -1.2,
    "costly": -1.5,
    "clunky": -1.6,
    "unintuitive": -1.6,
    "counterintuitive": -1.5,
    "cluttered": -1.3,
    "outdated": -1.4,
    "dated": -1.0,
    "unreliable": -2.0,
    "unstable": -1.8,
    "unresponsive": -2.0,
    "incomplete": -1.2,
    "missing": -1.0,
    "wrong": -1.6,
    "incorrect": -1.6,
    "errors": -1.4,
    "error": -1.2,
    "chasing": -1.2,
    "chase": -1.0,
    "escalate": -0.8,
    "escalated": -1.0,
    "escalating": -1.0,
    "timeouts": -1.6,
    "timeout": -1.4,
    "lacking": -1.4,
    "joke": -1.5,
    "bumpy": -1.0,
    "rough": -1.0,
    "rocky": -1.2,
    "slipped": -1.0,
    "gripe": -1.2,
    "redone": -1.0,
    "bounced": -0.8,
    "turnover": -1.0,
    "flawless": 2.2,
    "reibungslos": 2.0,
    "die": 0.0,  # the German article far more often than the English verb
    "problemlos": 1.8,
    "promised": 0.0,
    "promise": 0.0,
    "promises": 0.0,
    "unresolved": -1.6,
    "lacks": -1.3,
    "lack": -1.2,
    "nightmare": -2.5,
    "mess": -2.0,
    "messy": -1.6,
    "chaotic": -1.8,
    "painful": -2.0,
    "ignored": -1.8,
    "ignore": -1.4,
    "ignores": -1.6,
    "overcharged": -2.2,
    "hidden": -0.8,
    "waiting": -0.8,
    "wait": -0.6,
    "weeks": -0.3,
    "useless": -2.2,
    "unusable": -2.4,
    "confusing": -1.5,
    "cumbersome": -1.6,
    "tedious": -1.5,
    "frustrating": -2.0,
    "inconsistent": -1.2,
    "generic": -0.8,
    "rushed": -1.3,
    "steep": -0.8,
    "hike": -1.0,
    "churn": -1.2,
    "backorder": -1.2,
    "backorders": -1.4,
    "damaged": -1.8,
    # B2B praise
    "reliable": 1.6,
    "stable": 1.2,
    "intuitive": 1.6,
    "responsive": 1.6,
    "proactive": 1.6,
    "seamless": 1.8,
    "smooth": 1.6,
    "smoothly": 1.6,
    "fast": 1.2,
    "quick": 1.2,
    "quickly": 1.2,
    "snappy": 1.4,
    "prompt": 1.2,
    "promptly": 1.4,
    "on-time": 1.4,
    "knowledgeable": 1.8,
    "thorough": 1.4,
    "transparent": 1.4,
    "solid": 1.4,
    "worth": 1.2,
    "worthwhile": 1.6,
    "user-friendly": 1.6,
    "robust": 1.4,
    "painless": 1.6,
    "accurate": 1.4,
    "affordable": 1.4,
    "fair": 1.2,
    "gamechanger": 2.0,
    "lifesaver": 2.0,
    # German
    "super": 2.0,
    "toll": 2.0,
    "gut": 1.6,
    "sehr": 0.3,
    "prima": 1.8,
    "klasse": 1.8,
    "zufrieden": 1.8,
    "hervorragend": 2.4,
    "schnell": 1.2,
    "zuverlassig": 1.6,
    "schlecht": -2.0,
    "langsam": -1.6,
    "teuer": -1.5,
    "falsch": -1.6,
    "fehler": -1.4,
    "fehlerhaft": -1.8,
    "unzufrieden": -2.0,
    "katastrophe": -2.5,
    "katastrophal": -2.5,
    "leider": -1.0,
    "nie": -0.5,
    "spat": -1.4,
    "verspatet": -1.6,
    "kompliziert": -1.4,
    # French
    "excellent": 2.4,
    "genial": 2.0,
    "bien": 1.2,
    "tres": 0.3,
    "rapide": 1.2,
    "satisfait": 1.8,
    "parfait": 2.2,
    "lent": -1.6,
    "lente": -1.6,
    "cher": -1.4,
    "chere": -1.4,
    "mauvais": -2.0,
    "mauvaise": -2.0,
    "nul": -2.2,
    "nulle": -2.2,
    "retard": -1.5,
    "retards": -1.7,
    "probleme": -1.2,
    "problemes": -1.4,
    "decu": -1.8,
    # Spanish and Portuguese
    "bueno": 1.6,
    "buena": 1.6,
    "excelente": 2.4,
    "rapido": 1.2,
    "rapida": 1.2,
    "contento": 1.8,
    "contentos": 1.8,
    "malo": -2.0,
    "mala": -2.0,
    "caro": -1.4,
    "cara": -1.4,
    "tarde": -1.4,
    "lento": -1.6,
    "errores": -1.4,
    "problema": -1.2,
    "problemas": -1.4,
    "nunca": -0.5,
    "pesimo": -2.5,
    "otimo": 2.2,
    "ruim": -2.0,
    "demora": -1.4,
    "atrasado": -1.5,
    "atraso": -1.5,
    "fatal": -2.0,
    # Dutch, Swedish, Italian
    "goed": 1.6,
    "prima!": 1.8,
    "snel": 1.2,
    "tevreden": 1.8,
    "slecht": -2.0,
    "traag": -1.6,
    "duur": -1.4,
    "bra": 1.6,
    "dalig": -2.0,
    "dyr": -1.4,
    "langsamt": -1.6,
    "ottimo": 2.2,
    "buono": 1.6,
    "lento!": -1.6,
    "pessimo": -2.5,
    "costoso": -1.4,
    # more inflected forms, and Polish
    "mangelhaft": -1.8,
    "storung": -1.4,
    "storungen": -1.6,
    "ausfalle": -1.8,
    "sturzt": -1.8,
    "hilfreich": 1.4,
    "praxisnah": 1.4,
    "ubersichtlich": 1.4,
    "korrekt": 1.2,
    "verlassen": 0.0,
    "erreurs": -1.4,
    "pannes": -1.8,
    "inacceptable": -2.2,
    "reactive": 1.6,
    "claire": 1.2,
    "agreable": 1.4,
    "abimes": -1.8,
    "compliques": -1.4,
    "generiques": -0.8,
    "courte": -0.8,
    "tarda": -1.2,
    "caidas": -1.8,
    "amables": 1.2,
    "lentos": -1.6,
    "confusa": -1.4,
    "sencillo": 1.2,
    "profesional": 1.4,
    "onduidelijk": -1.4,
    "rommelig": -1.4,
    "stabiel": 1.4,
    "duidelijk": 1.2,
    "laat": -1.2,
    "ritardo": -1.5,
    "eccellente": 2.4,
    "utile": 1.2,
    "chiara": 1.2,
    "datata": -1.0,
    "caotica": -1.8,
    "sbagliate": -1.6,
    "errori": -1.4,
    "pessima": -2.5,
    "danificadas": -1.8,
    "tranquila": 1.2,
    "estavel": 1.4,
    "spozniaja": -1.6,
    "spoznia": -1.5,
    "opoznienia": -1.6,
    "zawiesza": -1.8,
    "awarie": -1.8,
    "awaria": -1.8,
    "bledy": -1.4,
    "bledne": -1.4,
    "drogo": -1.4,
    "brak": -1.0,
    "brakuje": -1.0,
    "chaotyczne": -1.8,
    "nieaktualna": -1.2,
    "nieaktualne": -1.2,
    "spadla": -1.2,
    "niezadowolony": -2.0,
    "szybko": 1.2,
    "dobry": 1.6,
    "dobra": 1.6,
    "dobre": 1.6,
    "dobrze": 1.6,
    "dobrym": 1.6,
    "przydatne": 1.4,
    "pomocny": 1.4,
    "intuicyjny": 1.4,
    "latwy": 1.2,
    "dostepny": 1.2,
    "mniej": -0.6,
    "zle": -1.8,
    "slabo": -1.6,
    "slaba": -1.6,
    "swietny": 2.0,
    "swietna": 2.0,
    "swietne": 2.0,
    "swietnie": 2.0,
    "spoznily": -1.6,
    "spoznil": -1.6,
    "spoznione": -1.6,
    "opoznione": -1.6,
    "opozniona": -1.6,
    "bledami": -1.4,
    "bledow": -1.4,
    "textbook": 1.2,
    "uplift": -0.8,  # a price uplift
    "productive": 1.4,
}


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(LEXICON_UPDATES)
    return analyzer


def _prepare_for_vader(normalized: pd.Series) -> pd.Series:
    text = normalized
    for pattern, replacement in REWRITES:
        text = text.str.replace(pattern, replacement, regex=True)
    return text


def _requests(normalized: pd.Series) -> np.ndarray:
    """Whether each text is a short wish or request (:data:`REQUEST`): at most ten
    words and no comparison ("better than")."""
    short = normalized.str.count(r"\w+") <= 10
    compares = normalized.str.contains(r"\b(?:than|then|dan|als)\b", regex=True)
    return (normalized.str.contains(REQUEST, regex=True) & short & ~compares).to_numpy()


def _ironic_quotes(texts: pd.Series, lexicon: dict[str, float]) -> np.ndarray:
    """Whether each text puts a praise word in scare quotes ("the 'seamless' migration")."""
    out = np.zeros(len(texts), dtype=bool)
    quoting = np.flatnonzero(texts.str.contains("['‘\"“]", regex=True).to_numpy())
    if not len(quoting):
        return out
    quoted = texts.iloc[quoting].set_axis(quoting).str.lower().str.findall(SCARE_QUOTE)
    phrases = quoted.explode().dropna()
    if not len(phrases):
        return out
    words = normalize(phrases).str.split()
    ironic = words.map(lambda ws: any(w in IRONIC_IN_QUOTES or lexicon.get(w, 0) > 0 for w in ws))
    out[phrases.index[ironic.to_numpy(dtype=bool)].to_numpy(dtype=np.int64)] = True
    return out


def sentiment(texts: pd.Series) -> pd.Series:
    """VADER compound sentiment (-1 to 1) of each text, with the B2B lexicon and
    sarcasm rules; identical texts are scored once."""
    codes, unique = pd.factorize(texts.fillna("").astype(str))
    normalized = normalize(pd.Series(unique, dtype=object))  # each distinct text once
    prepared = _prepare_for_vader(normalized)
    analyzer = _analyzer()
    scores = np.array(
        [analyzer.polarity_scores(t)["compound"] if t.strip() else 0.0 for t in prepared],
        dtype=float,
    )
    sarcastic = normalized.str.contains(SARCASM, regex=True).to_numpy()
    lexicon = getattr(analyzer, "lexicon", LEXICON_UPDATES)
    sarcastic |= _ironic_quotes(pd.Series(unique, dtype=object), lexicon)
    scores[sarcastic] = -np.maximum(np.abs(scores[sarcastic]), 0.4)
    asks = _requests(normalized)
    scores[asks] = -np.maximum(np.abs(scores[asks]), 0.3)
    out = pd.Series(scores[codes], index=texts.index, dtype=float)
    return out.rename("sentiment")
