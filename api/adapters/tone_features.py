"""The features the tone model reads from a text, shared by the script that trains it
(``bench/tone_model/build.py``) and by the classifier that applies it (``tone.py``), so
both see exactly the same strings.

Features are word unigrams and bigrams (``w:``) and character 2- to 5-grams inside each
word padded by spaces (``c:``), all on lower-cased text with accents kept. A word that
follows a negation ("not", "never", "pas", "jamais", "n'"…) up to the next punctuation
also yields a ``n:`` feature, so "not good" and "good" are told apart without the
model having to learn it from bigrams alone. URLs and e-mail addresses become one
token each (they say nothing about tone), and only the first ``MAX_CHARS`` characters
are read, which bounds the cost of any comment.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000
CHAR_NGRAMS = (2, 5)

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Anchored on the "@" so a long run of symbols without one costs one pass, not n².
_EMAIL = re.compile(r"[^\s@]{0,64}@[^\s@]+\.\w+")
# Words (letters, digits, inner apostrophes and hyphens), runs of punctuation that carry
# tone ("!!", "?!", ":)"), and any other single symbol such as an emoji.
_TOKEN = re.compile(
    r"[^\W_]+(?:['\u2019\-][^\W_]+)*|[!?]+|[:;]-?[()dDpP]|\S",
    re.UNICODE,
)
_CLAUSE_END = frozenset('.,;:!?()[]"«»…')
_NEGATIONS = frozenset(
    [
        # English
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "neither",
        "nor",
        "without",
        "cannot",
        "dont",
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "aren't",
        "weren't",
        "won't",
        "wouldn't",
        "can't",
        "couldn't",
        "shouldn't",
        "hardly",
        # French
        "ne",
        "n'",
        "pas",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "sans",
        "ni",
        "personne",
        "guère",
    ]
)


def without_links(text: str) -> str:
    """``text`` with its URLs and e-mail addresses blanked out."""
    text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    return text


def tokens(text: str) -> list[str]:
    """Lower-cased tokens of ``text``'s first ``MAX_CHARS`` characters; French elisions
    are split off ("n'est" -> "n'", "est")."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]).lower().replace("\u2019", "'")
    text = without_links(text)
    out: list[str] = []
    for token in _TOKEN.findall(text):
        head, sep, rest = token.partition("'")
        if (
            sep
            and len(head) <= 2
            and rest
            and head in {"n", "l", "d", "j", "m", "t", "s", "c", "qu"}
        ):
            out.append(head + "'")
            out.append(rest)
        else:
            out.append(token)
    return out


def features(text: str) -> list[str]:
    """The feature strings of ``text`` (repeats included; the model counts each once)."""
    words = tokens(text)
    out: list[str] = []
    negated = False
    previous: str | None = None
    for word in words:
        if word in _CLAUSE_END or (len(word) > 1 and word[0] in "!?"):
            negated = False
            previous = None
            out.append("w:" + word)
            continue
        out.append("w:" + word)
        if previous is not None:
            out.append("b:" + previous + " " + word)
        if negated:
            out.append("n:" + word)
        if word in _NEGATIONS:
            negated = True
        previous = word
        padded = " " + word + " "
        low, high = CHAR_NGRAMS
        for size in range(low, high + 1):
            for start in range(0, len(padded) - size + 1):
                out.append("c:" + padded[start : start + size])
    return out
