"""Comment bodies as the rules see them: cleaned, folded, fingerprinted, their links
counted and their blocked words found. Plain Python; rendering them to safe HTML is the
``CommentRenderer`` port's job (``domain/comments/ports.py``)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_SPACES = re.compile(r"\s+")
_WORD_BOUNDARY = r"(?<![\w]){}(?![\w])"


def clean_body(body: str) -> str:
    """Unicode NFC, Windows line ends folded, trailing spaces and NULs gone."""
    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\x00", "").strip()


def fold(text: str) -> str:
    """Lower case without accents, for comparisons that should not care about either."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def body_fingerprint(body: str) -> bytes:
    """Same words, same fingerprint: case, accents and spacing do not make a new text."""
    return hashlib.sha256(_SPACES.sub(" ", fold(body)).strip().encode()).digest()


def count_links(body: str) -> int:
    return len(_URL.findall(body))


def blocked_words_in(body: str, blocked: list[str]) -> list[str]:
    folded = fold(body)
    found = []
    for word in blocked:
        needle = fold(word.strip())
        if needle and re.search(_WORD_BOUNDARY.format(re.escape(needle)), folded):
            found.append(word)
    return found
