"""Reading other sites' pages for Webmention: the links a page holds, the Webmention
endpoint it advertises, and its microformats2 (parsed by ``mf2py``).

HTML is parsed with the standard library's tolerant parser for links (no script runs,
nothing is fetched); ``mf2py`` is handed the document itself, so it fetches nothing
either. Both run off the event loop: a page may be up to the outbound size cap.
"""

from __future__ import annotations

import asyncio
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import mf2py

_LINK_ATTRS = {
    "a": "href",
    "link": "href",
    "img": "src",
    "area": "href",
    "q": "cite",
    "blockquote": "cite",
    "video": "src",
    "audio": "src",
    "source": "src",
}
_LINK_VALUE = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.I)


class _Links(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.urls: list[str] = []
        self.endpoint: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v for k, v in attrs if v is not None}
        if tag == "base" and "href" in values and self.base and not self.urls:
            self.base = urljoin(self.base, values["href"])
        name = _LINK_ATTRS.get(tag)
        if name and name in values:
            self.urls.append(urljoin(self.base, values[name].strip()))
        if (
            self.endpoint is None
            and tag in ("link", "a")
            and "href" in values
            and "webmention" in (values.get("rel") or "").lower().split()
        ):
            self.endpoint = urljoin(self.base, values["href"].strip())


def _scan(html: str, base: str) -> _Links:
    parser = _Links(base)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # a page too broken to read further
        pass
    return parser


def links_in(html: str, base: str) -> list[str]:
    """Every URL the page links to or embeds, absolute, in document order."""
    return _scan(html, base).urls


def endpoint_in_header(link_header: str, base: str) -> str | None:
    """The first ``rel="webmention"`` of a Link header, made absolute."""
    for match in _LINK_VALUE.finditer(link_header or ""):
        url, params = match.group(1), match.group(2)
        for rel in _REL.finditer(params):
            value = rel.group(1) if rel.group(1) is not None else rel.group(2)
            if "webmention" in value.lower().split():
                return str(urljoin(base, url.strip()))
    return None


def discover_endpoint(headers: dict[str, str], html: str | None, base: str) -> str | None:
    """The page's Webmention endpoint, as the spec orders the places: the HTTP Link
    header first, then the first ``<link>`` or ``<a>`` with ``rel="webmention"``."""
    lowered = {k.lower(): v for k, v in headers.items()}
    found: str | None = endpoint_in_header(lowered.get("link", ""), base)
    if found is None and html is not None:
        found = _scan(html, base).endpoint
    return found


def _parse(html: str, url: str) -> dict[str, Any]:
    return dict(mf2py.parse(doc=html, url=url, metaformats=False))


async def read_page(html: str, url: str) -> tuple[list[str], dict[str, Any]]:
    """The page's links and its microformats2 document."""

    def both() -> tuple[list[str], dict[str, Any]]:
        return links_in(html, url), _parse(html, url)

    return await asyncio.to_thread(both)


def decode(body: bytes, content_type: str) -> str:
    match = re.search(r"charset=([\w.:-]+)", content_type or "", re.I)
    try:
        return body.decode(match.group(1) if match else "utf-8", "replace")
    except LookupError:
        return body.decode("utf-8", "replace")
