"""Imported HTML through the product's own sanitiser rules (``api/adapters/text.py``):
the same allow-list of tags, attributes and URL schemes as a rendered post, so an
imported body can hold nothing a written one could not (no script, no event handler,
no style, no iframe, no ``javascript:`` URL)."""

from __future__ import annotations

import nh3

from api.adapters.text import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS


class ImportedHtmlCleaner:
    def clean(self, html: str) -> str:
        return nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_SCHEMES,
            link_rel="noopener nofollow ugc",
            strip_comments=True,
        )
