"""The domain's ``TextEngine`` on markdown-it-py, nh3 and anyascii.

Markdown goes through markdown-it-py (CommonMark, with tables and strikethrough), then
nh3 (Rust's ammonia) cleans the HTML against an allow-list: headings, lists, code,
quotes, images, links and tables stay; scripts, event handlers, styles, iframes,
SVG and every ``javascript:`` URL go.
"""

from __future__ import annotations

import html
import re

import nh3
from anyascii import anyascii
from markdown_it import MarkdownIt

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
# Plain text keeps the structure a reader needs: list items apart ("; "), blocks apart
# (a space), and inline elements (code, emphasis, links) glued to their words, so
# "Error <code>42</code>." reads "Error 42." and not "Error 42 .".
_BETWEEN_ITEMS = re.compile(r"</li>\s*(?=<li[\s>])")
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|thead|tbody|tr|td|th|div|figure)>|<br\s*/?>|<hr\s*/?>"
)


class MarkdownTextEngine:
    """Built once per app (``Services.text``): the parser is made here, not per call."""

    def __init__(self) -> None:
        self._markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
            ["table", "strikethrough"]
        )

    def render_markdown(self, markdown: str) -> str:
        raw = self._markdown.render(markdown)
        return nh3.clean(
            raw,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_SCHEMES,
            link_rel="noopener nofollow ugc",
            strip_comments=True,
        )

    def plain_text(self, safe_html: str) -> str:
        text = _BLOCK_END.sub(" ", _BETWEEN_ITEMS.sub("; ", safe_html))
        return _SPACES.sub(" ", html.unescape(_TAGS.sub("", text))).strip()

    def to_ascii(self, text: str) -> str:
        return str(anyascii(text))
