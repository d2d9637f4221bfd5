"""The tone of a comment: positive, neutral or negative, in French or English.

Two maintained lexicons do the heavy lifting, both installed from PyPI and run in
process on the CPU (nothing is downloaded or called at run time):

- English: VADER (``vaderSentiment``), a valence lexicon with its own rules for
  negation ("not good"), intensifiers ("very"), capitals and punctuation. Its
  ``compound`` score is in [-1, 1].
- French: the French Pattern lexicon shipped by ``textblob-fr`` (adjectives with a
  polarity, modifiers and negation of the word just before). Its polarity is in [-1, 1].

Both are general-purpose. Brand and product comments complain with words those
lexicons do not score ("crashing", "overpriced", "en panne", "inutilisable"), so each
language gets a short supplement of such words, written by us (``_EN_EXTRA``,
``_FR_EXTRA``). English words go into VADER's own lexicon, so its negation and
intensifier rules apply to them. French ones are scored here with one rule: a word
within three tokens after a negation (ne, n', pas, plus, jamais, sans, aucun, rien)
flips its sign and loses a quarter of its weight, as VADER does. A few fixed French
expressions whose meaning is not the sum of their words ("pas terrible", "en panne")
are matched first.

The language is guessed from function words (``guess_language``); the post's language
breaks ties. Comments in other languages are scored with the English rules.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any, Protocol

NEUTRAL_BAND_EN = 0.05  # VADER's own recommendation: |compound| < 0.05 is neutral
NEUTRAL_BAND_FR = 0.1
NEGATION_SCALE = -0.75
NEGATION_WINDOW = 3


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class ToneClassifier(Protocol):
    """The port the insights slice depends on; ``LexiconToneClassifier`` implements it."""

    def classify(self, text: str, language_hint: str | None = None) -> Tone: ...


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


# --- our supplements --------------------------------------------------------------------

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
    "smooth": 1.2,
    "faster": 0.9,
    "favourite": 1.9,
    "favorite": 1.9,
    "gem": 1.8,
    "works": 0.6,
    "recommended": 1.5,
    "recommend": 1.5,
}

# Polarity in [-1, 1], keys without accents (text is folded the same way).
_FR_EXTRA: dict[str, float] = {
    "plante": -0.6,
    "deteste": -0.8,
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
    "decevante": -0.7,
    "decu": -0.7,
    "decue": -0.7,
    "deception": -0.7,
    "inadmissible": -0.8,
    "honteux": -0.8,
    "impoli": -0.7,
    "inefficace": -0.6,
    "degrade": -0.5,
    "catastrophique": -0.9,
    "tache": -0.3,
    "taches": -0.3,
    "tachees": -0.3,
    "ecaille": -0.5,
    "fuit": -0.5,
    "fichu": -0.6,
    "galere": -0.6,
    "baisse": -0.4,
    "retard": -0.5,
    "bacle": -0.7,
    "ratee": -0.6,
    "rate": -0.5,
    "fade": -0.5,
    "caoutchouteuse": -0.4,
    "enervent": -0.6,
    "enerve": -0.6,
    "insupportable": -0.8,
    "affreux": -0.8,
    "furieux": -0.8,
    "surchauffe": -0.6,
    "plats": -0.3,
    "previsible": -0.4,
    "triste": -0.5,
    "disparu": -0.3,
    "desagreables": -0.6,
    "desagreable": -0.6,
    "agressifs": -0.5,
    "penible": -0.6,
    "marche": 0.3,
    "marchent": 0.3,
    "fonctionne": 0.3,
    "recommander": 0.6,
    "recommande": 0.6,
    "ameliore": 0.5,
    "illuminent": 0.6,
    "illumine": 0.6,
    "bravo": 0.7,
    "pepite": 0.7,
    "impeccable": 0.8,
    "impeccables": 0.8,
    "merci": 0.4,
    "reussite": 0.7,
    "vaut": 0.4,
    "reponds": 0.2,
    "repond": 0.2,
    "recu": 0.2,
    "acheterai": 0.3,
}
# Fixed expressions, matched on the folded text before the word rules.
_FR_PHRASES: dict[str, float] = {
    "pas terrible": -0.6,
    "pas top": -0.5,
    "en panne": -0.7,
    "pour rien": -0.4,
    "en ai assez": -0.6,
    "ras le bol": -0.8,
    "que de la pub": -0.5,
    "tenir ses promesses": 0.4,
    "a couper le souffle": 0.8,
    "pas mal": 0.5,
    "bon marche": -0.3,
    "sans gout": -0.6,
}
_FR_NEGATORS = frozenset({"ne", "n", "pas", "plus", "jamais", "sans", "aucun", "aucune", "rien"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _french_supplement(text: str) -> float:
    folded = " " + " ".join(re.findall(r"\w+", _fold(text))) + " "
    score = 0.0
    for phrase, value in _FR_PHRASES.items():
        marker = f" {phrase} "
        while marker in folded:
            score += value
            folded = folded.replace(marker, " ", 1)
    words = folded.split()
    for i, word in enumerate(words):
        weight = _FR_EXTRA.get(word, 0.0)
        if not weight:
            continue
        window = words[max(0, i - NEGATION_WINDOW) : i]
        if any(w in _FR_NEGATORS for w in window):
            weight *= NEGATION_SCALE
        score += weight
    return score


def _bucket(score: float, band: float) -> Tone:
    if score >= band:
        return Tone.POSITIVE
    if score <= -band:
        return Tone.NEGATIVE
    return Tone.NEUTRAL


class LexiconToneClassifier:
    """VADER for English, the Pattern French lexicon for French, each with our supplement.

    Built once per process (loading both lexicons takes a few hundred milliseconds);
    ``classify`` is pure CPU work of well under a millisecond for a comment.
    """

    def __init__(self) -> None:
        from textblob_fr.fr import sentiment as french
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._english: Any = SentimentIntensityAnalyzer()
        self._english.lexicon.update(_EN_EXTRA)
        self._french: Any = french

    def score(self, text: str, language_hint: str | None = None) -> tuple[str, float]:
        """(language, score in [-1, 1]) for ``text``."""
        language = guess_language(text, language_hint)
        if language == "fr":
            polarity = float(self._french(text)[0])
            return language, max(-1.0, min(1.0, polarity + _french_supplement(text)))
        return language, float(self._english.polarity_scores(text)["compound"])

    def classify(self, text: str, language_hint: str | None = None) -> Tone:
        if not text.strip():
            return Tone.NEUTRAL
        language, value = self.score(text, language_hint)
        return _bucket(value, NEUTRAL_BAND_FR if language == "fr" else NEUTRAL_BAND_EN)


_shared: LexiconToneClassifier | None = None


def default_classifier() -> LexiconToneClassifier:
    """One classifier per process, built on first use."""
    global _shared
    if _shared is None:
        _shared = LexiconToneClassifier()
    return _shared
