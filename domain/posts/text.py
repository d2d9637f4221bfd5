"""Text rules of posts: the body rendered through the ``TextEngine``, excerpts and
reading time (the engine itself is an adapter: ``api/adapters/text.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.kernel.text import TextEngine

WORDS_PER_MINUTE = 220
EXCERPT_LENGTH = 280


def excerpt_of(text: str, length: int = EXCERPT_LENGTH) -> str:
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.-") + "…"


def reading_minutes(text: str) -> int:
    return max(1, math.ceil(len(text.split()) / WORDS_PER_MINUTE))


@dataclass(frozen=True)
class RenderedBody:
    markdown: str
    html: str
    text: str
    excerpt: str
    reading_minutes: int


def render_body(engine: TextEngine, markdown: str, excerpt: str | None) -> RenderedBody:
    """A post's body in every form it is kept in; ``excerpt`` is the hand-written one (a
    blank one counts as none: then it is derived from the body)."""
    safe_html = engine.render_markdown(markdown)
    text = engine.plain_text(safe_html)
    return RenderedBody(
        markdown=markdown,
        html=safe_html,
        text=text,
        excerpt=excerpt.strip() if excerpt and excerpt.strip() else excerpt_of(text),
        reading_minutes=reading_minutes(text),
    )
