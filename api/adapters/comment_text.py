"""Comment bodies rendered to a small safe HTML, with markdown-it and nh3.

Only emphasis, strong, inline code, links and line breaks are rendered. Raw HTML in a
comment is shown as text (markdown-it runs with ``html`` off), and nh3 then cleans
the output against a short allow-list, so nothing else can reach a reader's page.
Links accept http and https only and carry ``rel="nofollow ugc noopener"``.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "a"}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # "*": no generic ones
ALLOWED_SCHEMES = {"http", "https"}
LINK_REL = "nofollow ugc noopener"


class MarkdownCommentRenderer:
    """Implements ``domain.comments.ports.CommentRenderer``."""

    def __init__(self) -> None:
        self._markdown = MarkdownIt("zero", {"html": False, "linkify": False, "breaks": True})
        self._markdown.enable(
            ["emphasis", "link", "backticks", "escape", "newline", "paragraph", "text"]
        )

    def render(self, body: str) -> str:
        raw = self._markdown.render(body)
        return nh3.clean(
            raw,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_SCHEMES,
            link_rel=LINK_REL,
            strip_comments=True,
        ).strip()
