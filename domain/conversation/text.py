"""Comment bodies: plain text with light Markdown, rendered to a small safe HTML.

Only emphasis, strong, inline code, links and line breaks are rendered. Raw HTML in a
comment is shown as text (markdown-it runs with ``html`` off), and nh3 then cleans
the output against a short allow-list, so nothing else can reach a reader's page.
Links accept http and https only and carry ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True}).enable(
    ["emphasis", "link", "backticks", "escape", "newline", "paragraph", "text"]
)

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "a"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # "*": no generic ones
ALLOWED_SCHEMES = {"http", "https"}
LINK_REL = "nofollow ugc noopener"

_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_SPACES = re.compile(r"\s+")
_WORD_BOUNDARY = r"(?<![\w]){}(?![\w])"


def render_comment(body: str) -> str:
    raw = _markdown.render(body)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    ).strip()


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
