"""Text rules of content: slugs in any language, Markdown rendered to safe HTML,
excerpts and reading time.

Markdown goes through markdown-it-py (CommonMark, with tables and strikethrough), then
nh3 (Rust's ammonia) cleans the HTML against an allow-list: headings, lists, code,
quotes, images, links and tables stay; scripts, event handlers, styles, iframes,
SVG and every ``javascript:`` URL go.
"""

from __future__ import annotations

import html
import math
import re

import nh3
from anyascii import anyascii
from markdown_it import MarkdownIt

WORDS_PER_MINUTE = 220
EXCERPT_LENGTH = 280

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 80, fallback: str = "post") -> str:
    """ASCII, lower case, hyphens: "Café à Paris" -> "cafe-a-paris", "Москва" -> "moskva".

    Text with nothing to keep (only punctuation, say) gives ``fallback``.
    """
    ascii_text = anyascii(text).lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


def render_markdown(markdown: str) -> str:
    raw = _markdown.render(markdown)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener nofollow ugc",
        strip_comments=True,
    )


def plain_text(safe_html: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", safe_html))).strip()


def excerpt_of(text: str, length: int = EXCERPT_LENGTH) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-") + "…"


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))
