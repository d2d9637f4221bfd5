"""Text the domain shapes, and the engine it needs for it.

The domain states what it wants from text (``TextEngine``: Markdown made safe, the plain
text of safe HTML, a Latin transliteration); ``api/adapters/text.py`` implements it with
third-party libraries, and the wiring hands that one engine to the use cases. The rules
built on top of it (slug shaping here; excerpts and reading time in ``domain/posts``)
stay plain Python.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Protocol


class TextEngine(Protocol):
    def render_markdown(self, markdown: str) -> str:
        """Markdown rendered to HTML that is safe to show: an allow-list of tags,
        attributes and URL schemes, nothing executable."""
        ...

    def plain_text(self, safe_html: str) -> str:
        """The words of safe HTML, entities decoded, whitespace collapsed."""
        ...

    def to_ascii(self, text: str) -> str:
        """A transliteration into ASCII: "Москва" -> "Moskva", "Café" -> "Cafe"."""
        ...


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, engine: TextEngine, max_length: int = 80, fallback: str = "post") -> str:
    """ASCII, lower case, hyphens: "Café à Paris" -> "cafe-a-paris", "Москва" -> "moskva".

    Text with nothing to keep (only punctuation, say) gives ``fallback``.
    """
    ascii_text = engine.to_ascii(text).lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or fallback


async def unique_slug(base: str, taken: Callable[[str], Awaitable[bool]], max_length: int) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first one not taken, never longer than
    ``max_length`` (the column's width)."""
    candidate, n = base[:max_length], 1
    while await taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
