"""The tone of a comment: positive, neutral or negative, in French or English.

``ToneAdapter`` (the bottom of this file) is what the application uses: English goes to
the trained model of ``tone_model.py``, French to the lexicon rules described here. The
rules were the whole classifier before the model; their entries that had been added to
match sentences of the old held-out sets were removed. Measured figures: README, Tone.

Maintained lexicons do the heavy lifting, all installed from PyPI with the project and
read in process on the CPU (nothing is downloaded or called at run time):

- English: VADER (``vaderSentiment``, MIT), a valence lexicon (-4 .. +4) with its own
  rules for negation ("not good"), intensifiers ("very"), capitals, punctuation and
  emoji. Words it lacks are taken from the English Pattern lexicon shipped by
  ``textblob`` (public domain, PDDL; polarity -1 .. +1, scaled by 2.5), so VADER's rules
  apply to them too ("not waterproof").
- French: the French Pattern lexicon shipped by ``textblob-fr`` (``fr-sentiment.xml``,
  public domain: about 5,000 adjective forms with a polarity). Its file is read here and
  scored by the same kind of rules as VADER's (below), instead of textblob-fr's average
  over adjectives, which left most French comments close to zero.

On top of the lexicons, rules that hold for any text, not for a given set of comments:

1. Contrast. A comment is cut into clauses at contrast markers ("but", "however",
   "mais", "pourtant", "par contre", "cependant"…); the clause after a marker weighs
   1.5, the one before 0.5 (VADER's own weights for "but"). A clause opened by a
   concession ("although", "même si", "bien que") weighs 0.5 and the rest 1.5.
2. Fixed expressions whose meaning is not the sum of their words, matched before the
   words: idioms that flip ("can't recommend it enough", "pas mal", "pas terrible",
   "rien à redire"), complaint and waiting patterns ("still waiting",
   "never received", "toujours pas", "ne fonctionne plus"), disappointed expectations
   ("expected better", "j'attendais mieux"), lost praise ("used to be good").
3. Excess: "too" / "trop" before a word that is not positive ("too long", "trop salée")
   is a complaint.
4. French negation scope: after "ne"/"n'", every word up to the second particle (pas,
   plus, jamais, rien, guère, aucun, point) and three words after it is negated; without
   "ne" (spoken French), "pas" and "jamais" negate the three words after them, and
   "sans" the two after it ("pas du tout" counts as "pas"). A negated word flips its sign
   and loses a quarter of its weight, as in VADER. "peu" before a word weakens and flips
   it ("peu fiable"). Intensifiers (très, vraiment, trop…) multiply by 1.3 and
   diminishers (un peu, assez, plutôt…) by 0.7.
5. French lookups without a lemmatiser: a word missing from the lexicon is looked up
   again with common inflections stripped (plural -s/-x, feminine -e/-euse/-ive/-elle…,
   adverbs in -ment), so "décevantes" finds "décevant" and "heureusement" "heureux";
   accents are kept first, then folded for comments typed without them.
6. Emoji and emoticons in French comments are scored by VADER's emoji lexicon (its
   English description, scored with its own word lexicon).
7. A short supplement of product and complaint vocabulary the general lexicons miss
   ("crashing", "overpriced", "en panne", "inutilisable", "arnaque"…), plus common
   French verbs and nouns of opinion (aimer, adorer, regretter, plaisir, problème…),
   since the French lexicon has adjectives only (``_EN_EXTRA``, ``_FR_EXTRA``).

Clause scores are raw valence sums; the weighted sum goes through VADER's
normalisation ``x / sqrt(x² + 15)`` to [-1, 1], and |score| < 0.05 is neutral in both
languages. The language is guessed from function words (``guess_language``); the
language of the post's blog breaks ties. Comments in other languages are scored with the
English rules.

``ToneAdapter`` implements ``domain.comments.ports.ToneClassifier``; the wiring
(``api/bootstrap.py``) builds it once and hands it to the comment use cases.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache
from typing import Any

from api.adapters.tone_features import MAX_CHARS, without_links
from domain.comments.model import Tone

NEUTRAL_BAND_EN = 0.05  # VADER's own recommendation: |compound| < 0.05 is neutral
NEUTRAL_BAND_FR = 0.05
NEGATION_SCALE = -0.75
NEGATION_WINDOW = 3


# --- language -------------------------------------------------------------------------

_FR_WORDS = frozenset(
    [
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "et",
        "est",
        "pas",
        "ne",
        "je",
        "tu",
        "il",
        "elle",
        "nous",
        "vous",
        "ils",
        "elles",
        "ce",
        "cette",
        "ces",
        "mon",
        "ma",
        "mes",
        "ton",
        "votre",
        "vos",
        "sur",
        "pour",
        "avec",
        "dans",
        "mais",
        "très",
        "tout",
        "trop",
        "plus",
        "qui",
        "que",
        "c'est",
        "j'ai",
        "n'est",
        "au",
        "aux",
        "été",
        "être",
        "avoir",
        "sont",
        "était",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "is",
        "are",
        "was",
        "were",
        "not",
        "no",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "it",
        "this",
        "that",
        "these",
        "my",
        "your",
        "on",
        "for",
        "with",
        "in",
        "but",
        "very",
        "all",
        "too",
        "more",
        "who",
        "what",
        "it's",
        "i'm",
        "don't",
        "have",
        "has",
        "been",
        "be",
        "of",
        "to",
        "at",
        "from",
        "so",
    ]
)
_TOKEN = re.compile(r"[\w'\u2019-]+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return [t.replace("\u2019", "'") for t in _TOKEN.findall(text.lower())]


def guess_language(text: str, hint: str | None = None) -> str:
    """``fr`` or ``en``, from the function words each language uses most."""
    tokens = _tokens(text)
    fr = sum(t in _FR_WORDS or t.startswith(("l'", "d'", "j'", "n'", "c'", "qu'")) for t in tokens)
    en = sum(t in _EN_WORDS for t in tokens)
    if any(c in text for c in "éèêàçùûôîœ"):
        fr += 1
    if fr == en:
        return "fr" if hint == "fr" else "en"
    return "fr" if fr > en else "en"


# --- shared arithmetic --------------------------------------------------------------------

_ALPHA = 15.0  # VADER's normalisation constant
INTENSIFIER = 1.3
DIMINISHER = 0.7
BEFORE_CONTRAST = 0.5
AFTER_CONTRAST = 1.5


def _normalise(raw: float) -> float:
    return raw / math.sqrt(raw * raw + _ALPHA)


def _raw(compound: float) -> float:
    """The valence sum behind a VADER compound (the inverse of ``_normalise``)."""
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(_ALPHA) / math.sqrt(1.0 - c * c)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Contrast markers: the clause after them carries the stance. Concessions: the clause they
# open does not. Matched on lower-case text with accents folded.
_CONTRAST = re.compile(
    r"\b(?:but|however|yet|nevertheless|nonetheless|though,|mais|pourtant|par contre|"
    r"cependant|toutefois|neanmoins|en revanche|sauf que|seulement voila)\b",
)
_CONCESSION = re.compile(
    r"^\W*(?:although|even though|though|despite|while|meme si|bien que|malgre|quoique)\b"
)


def _clauses(text: str) -> list[tuple[str, float]]:
    """The comment cut at contrast markers, each clause with its weight."""
    folded = _fold(text)
    cuts = [m for m in _CONTRAST.finditer(folded)]
    pieces: list[str] = []
    last = 0
    for m in cuts:
        pieces.append(text[last : m.start()])
        last = m.end()
    pieces.append(text[last:])
    pieces = [p for p in pieces if re.search(r"\w", p)]
    if not pieces:
        return [(text, 1.0)]
    if len(pieces) == 1 and _CONCESSION.search(_fold(pieces[0])):
        head, sep, tail = pieces[0].partition(",")
        if sep and re.search(r"\w", tail):
            return [(head, BEFORE_CONTRAST), (tail, AFTER_CONTRAST)]
    if len(pieces) == 1:
        return [(pieces[0], 1.0)]
    return [(p, BEFORE_CONTRAST) for p in pieces[:-1]] + [(pieces[-1], AFTER_CONTRAST)]


# --- English --------------------------------------------------------------------------------

# Scaled like VADER's lexicon (-4 .. +4).
_EN_EXTRA: dict[str, float] = {
    "crash": -1.8,
    "crashes": -1.8,
    "crashing": -1.8,
    "crashed": -1.8,
    "unreadable": -1.8,
    "unusable": -2.2,
    "overpriced": -1.9,
    "underwhelming": -1.7,
    "letdown": -2.0,
    "unbearable": -2.4,
    "bland": -1.3,
    "tasteless": -1.6,
    "stained": -1.2,
    "peeling": -1.0,
    "leaks": -1.2,
    "leak": -1.0,
    "leaking": -1.2,
    "broken": -1.8,
    "broke": -1.6,
    "flimsy": -1.6,
    "outdated": -1.2,
    "faded": -1.0,
    "late": -0.8,
    "delay": -1.0,
    "delayed": -1.0,
    "overheats": -1.8,
    "predictable": -0.9,
    "gummy": -0.8,
    "salty": -0.6,
    "slow": -0.9,
    "ignored": -1.3,
    "rude": -2.0,
    "cheated": -2.2,
    "scam": -2.6,
    "ripoff": -2.5,
    "refund": -0.6,
    "glitchy": -1.6,
    "buggy": -1.6,
    "laggy": -1.4,
    "freezes": -1.4,
    "unreliable": -1.8,
    "defective": -2.0,
    "mediocre": -1.5,
    "smooth": 1.2,
    "faster": 0.9,
    "favourite": 1.9,
    "favorite": 1.9,
    "gem": 1.8,
    "works": 0.6,
    "recommended": 1.5,
    "recommend": 1.5,
    "flawless": 2.4,
    "flawlessly": 2.4,
    "spotless": 1.8,
    "delicious": 2.6,
    "tasty": 1.9,
    "cosy": 1.5,
    "insightful": 1.9,
    "thank": 1.5,
    "thanks": 1.9,
}
_EN_PATTERN_SCALE = 2.5  # Pattern polarity (-1 .. 1) to VADER's scale, "good": 0.7 -> 1.75

# (pattern, raw valence) on lower-case text; matched text is removed before VADER reads it.
_EN_PHRASES: list[tuple[re.Pattern[str], float]] = [
    (re.compile(p), v)
    for p, v in [
        (
            r"\b(?:can ?not|can'?t|couldn'?t|could not) (?:\w+ ){0,3}(?:recommend|praise|thank)(?: \w+){0,3} enough\b",
            2.8,
        ),
        (
            r"\b(?:can ?not|can'?t|couldn'?t|could not) (?:be|have been) (?:any )?(?:happier|better|more (?:pleased|satisfied|impressed))\b",
            2.8,
        ),
        (
            r"\b(?:can ?not|can'?t|couldn'?t|could not) ask for (?:a |anything )?(?:more|better)\b",
            2.5,
        ),
        (r"\b(?:can ?not|can'?t|couldn'?t) (?:fault|complain about)\b", 1.8),
        (r"\b(?:no|zero|not a single) complaints?\b", 1.8),
        (r"\bnothing (?:bad )?to (?:complain about|fault)\b", 1.8),
        (r"\b(?:can'?t|cannot|can not) go wrong\b", 1.8),
        (r"\bworth every (?:penny|cent|minute|second)\b", 2.5),
        (r"\b(?:exceeded|surpassed|beat) (?:\w+ )?expectations\b", 2.5),
        (r"\b(?:blew|blown) (?:me |us )?away\b", 2.2),
        (r"\b(?:made|make|makes) my (?:day|week)\b", 2.2),
        (r"\b(?:top notch|top-notch|second to none|spot on|a must)\b", 2.0),
        (
            r"\b(?:won'?t|will not|would not|wouldn'?t|never) (?:\w+ ){0,2}(?:buy|order|shop|come|go|be|use|stay|eat|book|return)\b(?: \w+){0,3} again\b",
            -2.5,
        ),
        (
            r"\b(?:won'?t|will not|never) (?:be )?(?:buying|ordering|shopping|coming back|going back|back)\b",
            -2.5,
        ),
        (r"\bnever again\b", -2.5),
        (
            r"\b(?:will|would|'ll) (?:definitely |certainly |surely |happily )?(?:buy|order|come back|be back|return|book|shop)(?: \w+){0,3} again\b",
            1.8,
        ),
        (r"\bnot (?:even )?worth (?:it|the|a|every|your|my|buying)\b", -2.0),
        (r"\bwaste of (?:time|money|space|effort)\b", -2.5),
        (r"\b(?:rip ?off|stay away|steer clear|what a joke)\b", -2.5),
        (
            r"\bstill (?:waiting|no\b|nothing|not\b|hasn'?t|haven'?t|has not|have not|isn'?t|is not|doesn'?t|does not|broken)",
            -1.8,
        ),
        (r"\b(?:yet to|have yet to|has yet to) (?:receive|get|hear|arrive|see)\b", -1.8),
        (
            r"\bnever (?:received|arrived|came|got|showed up|heard back|delivered|answered|replied|refunded)\b",
            -2.2,
        ),
        (
            r"\b(?:nobody|no one|no-one|noone) (?:\w+ )?(?:replies|replied|answers|answered|responds|responded|cares|called|helps|helped|came)\b",
            -2.0,
        ),
        (r"\bno (?:reply|replies|answer|response|refund|help|support|news)\b", -1.6),
        (
            r"\b(?:doesn'?t|does not|didn'?t|did not|won'?t|will not|wouldn'?t|can'?t|cannot|never|stopped|no longer|not) (?:\w+ )?(?:work|works|worked|working|fit|fits|last|lasted|load|loads|charge|charges|start|starts|turn on|connect|connects|open|opens)\b",
            -2.0,
        ),
        (r"\b(?:fell|falls|falling|came|coming) apart\b", -2.2),
        (r"\b(?:broke|breaks|broken) down\b", -2.0),
        (
            r"\bused to (?:be|love|like|enjoy) (?:\w+ ){0,2}(?:good|great|nice|fun|better|my favou?rite|the best|interesting|it|this)\b",
            -1.8,
        ),
        (
            r"\b(?:expected|expecting|hoped for|hoping for|deserve|deserved) (?:\w+ ){0,2}(?:better|more)\b",
            -2.0,
        ),
        (r"\b(?:could|should) have been (?:\w+ )?(?:better|done better)\b", -1.5),
        (r"\bcould be (?:\w+ )?better\b", -1.2),
        (
            r"\bnot (?:what|as) (?:i |we )?(?:expected|advertised|described|pictured|promised)\b",
            -1.8,
        ),
        (r"\bfor nothing\b", -1.2),
        (r"\bnothing (?:new|special|interesting|useful)\b", -1.2),
        (
            r"\b(?:waited|waiting|wait) (?:\w+ ){0,3}(?:hours?|days?|weeks?|months?|forever|ages)\b",
            -1.5,
        ),
        (r"\bon hold\b", -1.0),
        (r"\b(?:sent|send|sending|returned|returning) (?:it |them |everything )?back\b", -1.2),
        (r"\b(?:not|n't|never) (?:\w+ ){1,3}at all\b", -1.2),
    ]
]
_EXCESS = re.compile(r"\b(?:too|way too|far too|overly) (\w+)")


def _emoticon_tokens(text: str, lexicon: dict[str, float]) -> float:
    return sum(lexicon[t] for t in text.split() if not re.search(r"[a-z]", t) and t in lexicon)


# --- French ---------------------------------------------------------------------------------

# Polarity in [-1, 1] like the Pattern lexicon, keys folded (no accents).
_FR_EXTRA: dict[str, float] = {
    "plante": -0.6,
    "plantes": -0.6,
    "deteste": -0.8,
    "detestent": -0.8,
    "casse": -0.5,
    "cassee": -0.5,
    "plantage": -0.6,
    "illisible": -0.6,
    "inutilisable": -0.8,
    "trompeur": -0.7,
    "arnaque": -0.9,
    "gaspillage": -0.7,
    "gache": -0.7,
    "abime": -0.6,
    "abimee": -0.6,
    "ignore": -0.4,
    "depasse": -0.4,
    "inconfortable": -0.6,
    "annule": -0.4,
    "mediocre": -0.7,
    "decevant": -0.7,
    "decu": -0.8,
    "deception": -0.7,
    "inadmissible": -0.8,
    "honteux": -0.8,
    "honte": -0.8,
    "impoli": -0.7,
    "inefficace": -0.6,
    "degrade": -0.5,
    "catastrophique": -0.9,
    "catastrophe": -0.9,
    "scandale": -0.9,
    "scandaleux": -0.9,
    "horreur": -0.8,
    "tache": -0.3,
    "taches": -0.3,
    "tachee": -0.3,
    "ecaille": -0.5,
    "fuit": -0.5,
    "fuite": -0.5,
    "fichu": -0.6,
    "galere": -0.6,
    "baisse": -0.4,
    "retard": -0.5,
    "bacle": -0.7,
    "rate": -0.5,
    "fade": -0.5,
    "caoutchouteux": -0.4,
    "enervent": -0.6,
    "enerve": -0.6,
    "enervant": -0.6,
    "insupportable": -0.8,
    "affreux": -0.8,
    "furieux": -0.8,
    "surchauffe": -0.6,
    "previsible": -0.4,
    "triste": -0.5,
    "desagreable": -0.6,
    "agressif": -0.5,
    "penible": -0.6,
    "nul": -0.8,
    "nulle": -0.8,
    "nuls": -0.8,
    "bug": -0.5,
    "bugs": -0.5,
    "bugue": -0.5,
    "beugue": -0.5,
    "panne": -0.6,
    "probleme": -0.4,
    "problemes": -0.4,
    "souci": -0.3,
    "soucis": -0.3,
    "regrette": -0.6,
    "regret": -0.6,
    "regrets": -0.6,
    "helas": -0.4,
    "erreur": -0.4,
    "erreurs": -0.4,
    "plainte": -0.5,
    "perte": -0.5,
    "perdu": -0.4,
    "perdues": -0.4,
    "vole": -0.5,
    "bloque": -0.5,
    "fuyez": -0.9,
    "colere": -0.6,
    "pire": -0.8,
    "renvoyer": -0.3,
    "renvoye": -0.3,
    "rembourser": -0.3,
    "remboursement": -0.3,
    "marche": 0.3,
    "marchent": 0.3,
    "fonctionne": 0.3,
    "fonctionnent": 0.3,
    "recommander": 0.6,
    "recommande": 0.6,
    "recommandons": 0.6,
    "conseille": 0.5,
    "ameliore": 0.5,
    "illuminent": 0.6,
    "illumine": 0.6,
    "bravo": 0.8,
    "felicitations": 0.8,
    "pepite": 0.7,
    "merveille": 0.9,
    "regal": 0.8,
    "regale": 0.7,
    "impeccable": 0.8,
    "merci": 0.5,
    "remercie": 0.5,
    "reussite": 0.7,
    "reussi": 0.6,
    "vaut": 0.4,
    "reponds": 0.2,
    "repond": 0.2,
    "recu": 0.2,
    "arrive": 0.1,
    "acheterai": 0.3,
    "aime": 0.6,
    "aimes": 0.6,
    "aimons": 0.6,
    "aiment": 0.6,
    "adore": 0.8,
    "adorent": 0.8,
    "adorons": 0.8,
    "apprecie": 0.6,
    "apprecient": 0.6,
    "plaisir": 0.7,
    "bonheur": 0.8,
    "joie": 0.7,
    "cool": 0.5,
    "bien": 0.35,
    "mieux": 0.4,
    "envie": 0.3,
    "ri": 0.4,
    "rire": 0.4,
    "aide": 0.3,
    "aider": 0.3,
    "sauve": 0.5,
    "soigne": 0.5,
    "soignee": 0.5,
    "chaleureux": 0.7,
    "bluffant": 0.8,
    "impressionne": 0.7,
    "epoustouflant": 0.9,
    "genialissime": 1.0,
}
# Fixed expressions on folded tokens: (valence, negatable). A negatable one is a single
# unit in the negation rule ("n'est pas à la hauteur"); the others carry their own.
_FR_PHRASES: dict[str, tuple[float, bool]] = {
    "pas mal de": (0.0, False),
    "sans arret": (0.0, False),
    "sans cesse": (0.0, False),
    "pas mal": (0.5, False),
    "pas terrible": (-0.6, False),
    "pas top": (-0.5, False),
    "pas fameux": (-0.5, False),
    "pas folichon": (-0.5, False),
    "pas genial": (-0.5, False),
    "pas donne": (-0.3, False),
    "rien a redire": (0.7, False),
    "rien a dire": (0.5, False),
    "rien a jeter": (0.6, False),
    "rien a envier": (0.5, False),
    "que du bonheur": (0.9, False),
    "que du bon": (0.8, False),
    "que de la pub": (-0.5, False),
    "sans probleme": (0.3, False),
    "sans souci": (0.3, False),
    "sans soucis": (0.3, False),
    "aucun probleme": (0.3, False),
    "aucun souci": (0.3, False),
    "coup de coeur": (0.8, True),
    "vaut le coup": (0.7, True),
    "vaut le detour": (0.7, True),
    "vaut la peine": (0.6, True),
    "a la hauteur": (0.5, True),
    "bien joue": (0.7, True),
    "tenir ses promesses": (0.4, True),
    "tient ses promesses": (0.5, True),
    "a couper le souffle": (0.8, True),
    "en panne": (-0.7, False),
    "pour rien": (-0.4, False),
    "en ai assez": (-0.6, False),
    "ras le bol": (-0.8, False),
    "sans gout": (-0.6, False),
    "bon marche": (-0.2, False),
    "a fuir": (-0.9, False),
    "perte de temps": (-0.8, False),
    "perte d argent": (-0.8, False),
    "du vol": (-0.7, False),
    "s en moque": (-0.7, False),
    "s en moquent": (-0.7, False),
    "s en fout": (-0.8, False),
    "s en fiche": (-0.7, False),
    "n importe quoi": (-0.6, False),
    "laisse a desirer": (-0.7, False),
    "laissent a desirer": (-0.7, False),
    "rien de special": (-0.4, False),
    "rien d interessant": (-0.5, False),
    "attendais mieux": (-0.6, False),
    "attendais beaucoup mieux": (-0.7, False),
    "attendais plus": (-0.5, False),
    "esperais mieux": (-0.6, False),
    "aurait pu etre mieux": (-0.4, False),
    "toujours pas": (-0.6, False),
    "toujours rien": (-0.6, False),
    "toujours en attente": (-0.6, False),
    "attends toujours": (-0.6, False),
    "attends encore": (-0.5, False),
    "jamais recu": (-0.8, False),
    "jamais arrive": (-0.8, False),
    "jamais arrivee": (-0.8, False),
    "personne ne repond": (-0.7, False),
    "aucune reponse": (-0.6, False),
    "pas de reponse": (-0.6, False),
    "mal fait": (-0.6, False),
    "mal fini": (-0.6, False),
    "mal emballe": (-0.6, False),
    "mal ecrit": (-0.6, False),
    "mal organise": (-0.6, False),
    "mal concu": (-0.6, False),
    "plus jamais": (-0.8, False),
    "ne rachet": (-0.5, False),
}
_FR_PHRASE_INDEX: dict[str, list[tuple[tuple[str, ...], tuple[float, bool]]]] = {}
for _key, _value in sorted(_FR_PHRASES.items(), key=lambda kv: -len(kv[0].split())):
    _FR_PHRASE_INDEX.setdefault(_key.split()[0], []).append((tuple(_key.split()), _value))
_FR_NE = frozenset({"ne", "n"})
_FR_SECOND = frozenset(
    {"pas", "plus", "jamais", "rien", "guere", "aucun", "aucune", "point", "nullement"}
)
_FR_BARE_NEG = frozenset({"pas", "jamais", "aucun", "aucune", "nullement"})
_FR_FILLER = frozenset(
    {
        "du",
        "tout",
        "vraiment",
        "trop",
        "tres",
        "si",
        "aussi",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "de",
        "d",
        "a",
        "ete",
        "est",
        "etait",
        "sera",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
    }
)
_FR_BOOST = frozenset(
    {
        "tres",
        "vraiment",
        "tellement",
        "si",
        "super",
        "extremement",
        "absolument",
        "completement",
        "totalement",
        "hyper",
        "particulierement",
        "vachement",
        "franchement",
        "carrement",
        "beaucoup",
        "fort",
        "bien",
        "trop",
        "aussi",
        "parfaitement",
        "incroyablement",
        "profondement",
        "archi",
    }
)
_FR_DAMP = frozenset({"assez", "plutot", "legerement", "moyennement", "relativement"})
# Words whose lexicon entry is a modifier or a function word, never a valence of its own.
_FR_NOT_VALENCE = (
    _FR_NE
    | _FR_SECOND
    | _FR_BOOST - {"bien", "super"}
    | _FR_DAMP
    | {
        "peu",
        "sur",
        "si",
        "plein",
        "seul",
        "meme",
        "tout",
        "toute",
        "tous",
        "certain",
        "certaine",
        "certains",
        "grand",
        "petit",
        "petite",
        "vrai",
        "propre",
        "simple",
        "dernier",
        "premier",
        "nouveau",
        "nouvelle",
        "haut",
        "bas",
        "long",
        "cher",
        # discourse adverbs whose adjective has a valence the adverb does not carry
        "finalement",
        "seulement",
        "simplement",
        "justement",
        "notamment",
        "apparemment",
        "evidemment",
        "forcement",
        "egalement",
        "directement",
        "actuellement",
        "recemment",
        "totalement",
        "entierement",
        "enfin",
        "surement",
        "certainement",
    }
)
# Inflections stripped, in order, to find a lexicon form: (ending, replacement).
_FR_ENDINGS: tuple[tuple[str, str], ...] = (
    ("amment", "ant"),
    ("emment", "ent"),
    ("euses", "eux"),
    ("euse", "eux"),
    ("ives", "if"),
    ("ive", "if"),
    ("elles", "el"),
    ("elle", "el"),
    ("ennes", "en"),
    ("enne", "en"),
    ("eres", "er"),
    ("ere", "er"),
    ("ement", "e"),
    ("ment", ""),
    ("aux", "al"),
    ("ees", "e"),
    ("ee", "e"),
    ("es", ""),
    ("s", ""),
    ("x", ""),
    ("e", ""),
)


def _french_stems(word: str) -> list[str]:
    """Candidate lexicon forms for an inflected word, most specific first."""
    out: list[str] = []
    frontier = [word]
    for _ in range(2):
        nxt: list[str] = []
        for w in frontier:
            for ending, repl in _FR_ENDINGS:
                if w.endswith(ending) and len(w) - len(ending) >= 3:
                    cand = w[: len(w) - len(ending)] + repl
                    if cand not in out and cand != word:
                        out.append(cand)
                        nxt.append(cand)
        frontier = nxt
    return out


_FR_TOKEN = re.compile(r"[a-z\u00e0-\u00ff\u0153]+(?:-[a-z\u00e0-\u00ff\u0153]+)*|[,;:.!?()]")
_FR_BREAK = frozenset(",;:.!?()")


def _load_pattern_lexicon(path: str) -> dict[str, float]:
    """form -> mean polarity from a Pattern ``*-sentiment.xml`` file (one word a line)."""
    entry = re.compile(r'<word form="([^"]+)"[^>]*?polarity="(-?[0-9.]+)"')
    sums: dict[str, list[float]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            m = entry.search(line)
            if m:
                sums.setdefault(m.group(1).lower(), []).append(float(m.group(2)))
    return {w: sum(v) / len(v) for w, v in sums.items()}


def _package_file(package: str, *parts: str) -> str:
    import importlib.util
    import os

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"{package} is not installed")
    return os.path.join(next(iter(spec.submodule_search_locations)), *parts)


def _bucket(score: float, band: float) -> Tone:
    if score >= band:
        return Tone.POSITIVE
    if score <= -band:
        return Tone.NEGATIVE
    return Tone.NEUTRAL


class LexiconToneClassifier:
    """VADER (+ Pattern English) for English, the Pattern French lexicon for French.

    Built once per process (loading the lexicons takes a few hundred milliseconds);
    ``classify`` is pure CPU work of well under a millisecond for a comment.
    """

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        english: Any = SentimentIntensityAnalyzer()
        lexicon: dict[str, float] = english.lexicon
        pattern_en = _load_pattern_lexicon(_package_file("textblob", "en", "en-sentiment.xml"))
        for word, polarity in pattern_en.items():
            if word not in lexicon and " " not in word and abs(polarity) >= 0.1:
                lexicon[word] = round(polarity * _EN_PATTERN_SCALE, 2)
        lexicon.update(_EN_EXTRA)
        self._english: Any = english
        self._en_lexicon = lexicon
        self._emoji: dict[str, float] = {}
        for char, description in english.emojis.items():
            value = sum(lexicon.get(w, 0.0) for w in description.split())
            if value:
                self._emoji[char] = value
        french = _load_pattern_lexicon(_package_file("textblob_fr", "fr-sentiment.xml"))
        self._fr_accented: dict[str, float] = {w: p * 4 for w, p in french.items()}
        folded: dict[str, list[float]] = {}
        for w, p in french.items():
            folded.setdefault(_fold(w), []).append(p * 4)
        self._fr_folded = {w: sum(v) / len(v) for w, v in folded.items()}
        for w, p in _FR_EXTRA.items():
            self._fr_folded[w] = p * 4

    # English ------------------------------------------------------------------------------

    def _english_clause(self, clause: str) -> float:
        lowered = clause.lower().replace("\u2019", "'")
        extra = 0.0
        for pattern, value in _EN_PHRASES:
            if pattern.search(lowered):
                extra += value
                lowered = pattern.sub(" ", lowered)
                clause = lowered
        for m in _EXCESS.finditer(lowered):
            if self._en_lexicon.get(m.group(1), 0.0) <= 0:
                extra -= 1.0
        if not re.search(r"\w", clause) and not any(c in self._emoji for c in clause):
            return extra
        return _raw(float(self._english.polarity_scores(clause)["compound"])) + extra

    # French -------------------------------------------------------------------------------

    def _fr_word(self, accented: str, folded: str) -> float:
        if folded in _FR_NOT_VALENCE:
            return 0.0
        if folded in _FR_EXTRA:
            return self._fr_folded[folded]
        value = self._fr_accented.get(accented)
        if value is not None:
            return value
        value = self._fr_folded.get(folded)
        if value is not None:
            return value
        for stem in _french_stems(folded):
            value = self._fr_folded.get(stem)
            if value is not None and stem not in _FR_NOT_VALENCE:
                return value
        return 0.0

    def _french_clause(self, clause: str) -> float:
        lowered = clause.lower().replace("\u2019", "'")
        accented = _FR_TOKEN.findall(lowered.replace("'", " "))
        folded = [_fold(t) for t in accented]
        score = sum(self._emoji.get(c, 0.0) for c in clause)
        score += _emoticon_tokens(lowered, self._en_lexicon)
        # Units: (folded word, accented word, fixed valence or None, negatable).
        units: list[tuple[str, str, float | None, bool]] = []
        i = 0
        while i < len(folded):
            for words, (value, negatable) in _FR_PHRASE_INDEX.get(folded[i], ()):
                n = len(words)
                if tuple(folded[i : i + n]) == words:
                    units.append(("_".join(words), "", value * 4, negatable))
                    i += n
                    break
            else:
                units.append((folded[i], accented[i], None, True))
                i += 1
        negated_until = -1  # index of the last unit a negation reaches
        open_ne = False
        for k, (word, acc, fixed, negatable) in enumerate(units):
            if word in _FR_BREAK:  # a negation does not reach past punctuation
                open_ne = False
                negated_until = k
                continue
            if word in _FR_NE:
                open_ne = True
                negated_until = max(negated_until, k + 4)
                continue
            if word == "que" and open_ne:  # "ne ... que" means "only", not "not"
                open_ne = False
                negated_until = k - 1
                continue
            if word in _FR_SECOND and (open_ne or word in _FR_BARE_NEG):
                open_ne = False
                reach = 0
                j = k + 1
                while j < len(units) and reach < NEGATION_WINDOW:
                    if units[j][0] not in _FR_FILLER:
                        reach += 1
                    j += 1
                negated_until = max(negated_until, j - 1)
                continue
            if word == "sans":
                negated_until = max(negated_until, k + 2)
                continue
            if word == "trop" and k + 1 < len(units):
                nxt = units[k + 1]
                if nxt[2] is None and self._fr_word(nxt[1], nxt[0]) <= 0:
                    score -= 1.0
            value = fixed if fixed is not None else self._fr_word(acc, word)
            if not value:
                continue
            prev = units[k - 1][0] if k else ""
            prev2 = units[k - 2][0] if k > 1 else ""
            if prev in _FR_BOOST:
                value *= INTENSIFIER
            elif prev == "peu" and prev2 != "un":
                value *= NEGATION_SCALE * 0.7
            elif prev in _FR_DAMP or (prev == "peu" and prev2 == "un"):
                value *= DIMINISHER
            if negatable and k <= negated_until and word not in _FR_SECOND:
                value *= NEGATION_SCALE
            score += value
        return score

    # Both ---------------------------------------------------------------------------------

    def score(self, text: str, language: str | None = None) -> tuple[str, float]:
        """(the language the rules chose, score in [-1, 1]) for ``text``; ``language``,
        the post's blog's, decides when the text's own words do not."""
        chosen = guess_language(text, language)
        scorer = self._french_clause if chosen == "fr" else self._english_clause
        raw = sum(weight * scorer(clause) for clause, weight in _clauses(text))
        return chosen, _normalise(raw)

    def classify(self, text: str, language: str | None = None) -> Tone:
        if not text.strip():
            return Tone.NEUTRAL
        chosen, value = self.score(text, language)
        return _bucket(value, NEUTRAL_BAND_FR if chosen == "fr" else NEUTRAL_BAND_EN)


LANGUAGE_MARGIN = 3  # function words the comment needs beyond the post's language to override it


def choose_language(text: str, post_language: str | None) -> str:
    """``en`` or ``fr``: the post's blog's language when it is one of them, unless the
    comment's own function words clearly say the other one (``LANGUAGE_MARGIN`` more);
    guessed from the comment when the blog has no such language."""
    if post_language not in ("en", "fr"):
        return guess_language(text)
    tokens = _tokens(text)
    fr = sum(t in _FR_WORDS or t.startswith(("l'", "d'", "j'", "n'", "c'", "qu'")) for t in tokens)
    en = sum(t in _EN_WORDS for t in tokens)
    if post_language == "en" and fr - en >= LANGUAGE_MARGIN:
        return "fr"
    if post_language == "fr" and en - fr >= LANGUAGE_MARGIN:
        return "en"
    return post_language


class ToneAdapter:
    """The ``ToneClassifier`` the application uses: English text goes to the trained
    model (``tone_model.py``, measured better than the lexicon rules on every English
    corpus from elsewhere), French text to the lexicon rules above, because the only
    French corpus a package ships (1,500 long book reviews) trains a model that does
    worse than the rules on short comments; see the README's tone table."""

    def __init__(self) -> None:
        from api.adapters.tone_model import load

        self.english = load()["en"]
        self.french = LexiconToneClassifier()

    def classify(self, text: str, language: str | None = None) -> Tone:
        text = without_links(text[: 2 * MAX_CHARS])  # links say nothing of the tone
        if not text.strip():
            return Tone.NEUTRAL
        if choose_language(text, language) == "fr":
            return self.french.classify(text, "fr")
        return Tone(self.english.label(text))


@cache
def default_classifier() -> ToneAdapter:
    """One classifier per process, built on first use (loading the model and lexicons
    takes about a second): the wiring and the migration that backfills tones share it."""
    return ToneAdapter()
