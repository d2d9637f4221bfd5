"""The public site's feeds and sitemap: Atom 1.0 (site and blog), JSON Feed 1.1 (site)
and a sitemap, built from the same public rows and cached like the rest of the public
site (see ``api/posts/public.py``). URLs are absolute; text goes through the XML serialiser or
JSON, never into markup by hand.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import Request, Response

from api.access import get_services
from api.kit.caching import cacheable
from api.kit.routing import new_router
from api.kit.sites import NOT_FOUND, READ_PROBLEMS, Links, SiteDep, SlugPath
from api.posts.schemas import tag_refs
from api.public_cache import cached
from domain.kernel.errors import NotFound
from persistence.posts.public_reads import public_reader

router = new_router(tags=["sites"])

FEED_SIZE = 50  # entries in each Atom and JSON feed
SITEMAP_SIZE = 50_000  # the sitemap protocol's limit for one file: the newest posts

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


ATOM = "application/atom+xml"
FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: READ_PROBLEMS[304],
    401: READ_PROBLEMS[401],
    **NOT_FOUND,
}


def _xml(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _hubs(request: Request) -> list[str]:
    return list(get_services(request).settings.websub_hubs)


def _websub_links(self_url: str, hubs: Sequence[str]) -> dict[str, str]:
    """WebSub discovery in the HTTP answer too: each hub, and the feed's own URL."""
    if not hubs:
        return {}
    values = [f'<{hub}>; rel="hub"' for hub in hubs] + [f'<{self_url}>; rel="self"']
    return {"Link": ", ".join(values)}


def _atom(
    title: str,
    self_url: str,
    home_url: str,
    feed_id: str,
    rows: Sequence[Any],
    links: Links,
    hubs: Sequence[str] = (),
) -> bytes:
    ET.register_namespace("", ATOM_NS)
    a = f"{{{ATOM_NS}}}"
    feed = ET.Element(f"{a}feed")
    _sub(feed, f"{a}id", feed_id)
    _sub(feed, f"{a}title", title)
    updated = max((r["updated_at"] for r in rows), default=datetime(2000, 1, 1, tzinfo=UTC))
    _sub(feed, f"{a}updated", _iso(updated))
    _sub(feed, f"{a}link", rel="self", href=self_url, type=ATOM)
    for hub in hubs:
        _sub(feed, f"{a}link", rel="hub", href=hub)
    _sub(feed, f"{a}link", rel="alternate", href=home_url, type="text/html")
    _sub(feed, f"{a}generator", "Causerie")
    for row in rows:
        entry = _sub(feed, f"{a}entry")
        _sub(entry, f"{a}id", f"urn:uuid:{row['id']}")
        _sub(entry, f"{a}title", row["title"])
        _sub(entry, f"{a}link", rel="alternate", href=links.post(row["blog_slug"], row["slug"]))
        _sub(entry, f"{a}published", _iso(row["published_at"]))
        _sub(entry, f"{a}updated", _iso(max(row["updated_at"], row["published_at"])))
        author = _sub(entry, f"{a}author")
        _sub(author, f"{a}name", row["display_name"])
        _sub(author, f"{a}uri", links.author(row["handle"]))
        for tag in tag_refs(row):
            _sub(entry, f"{a}category", term=tag["slug"], label=tag["name"])
        _sub(entry, f"{a}summary", row["excerpt"], type="text")
        _sub(entry, f"{a}content", row["body_html"], type="html")
    return _xml(feed)


@router.get(
    "/sites/{tenant}/feed.atom",
    operation_id="sites-feed-atom",
    response_class=Response,
    responses={200: {"content": {ATOM: {}}, "description": "Atom 1.0"}, **FEED_RESPONSES},
)
@cached("site")
async def site_feed_atom(request: Request, site: SiteDep) -> Response:
    """The site's latest public posts as an Atom feed."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.feed(blog=None, limit=FEED_SIZE)
    links = Links(request, site)
    self_url, hubs = links.api("/feed.atom"), _hubs(request)
    body = _atom(
        site.row.name, self_url, links.home(), f"urn:uuid:{site.row.id}", rows, links, hubs
    )
    return cacheable(request, body, ATOM, _websub_links(self_url, hubs))


@router.get(
    "/sites/{tenant}/blogs/{blog}/feed.atom",
    operation_id="sites-blogs-feed-atom",
    response_class=Response,
    responses={200: {"content": {ATOM: {}}, "description": "Atom 1.0"}, **FEED_RESPONSES},
)
@cached("site")
async def blog_feed_atom(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    """One blog's latest public posts as an Atom feed."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        found = await reader.blog(blog, count=False)
        rows = await reader.feed(blog=blog, limit=FEED_SIZE) if found else []
    if found is None:
        raise NotFound("No such blog.")
    links = Links(request, site)
    self_url, hubs = links.api(f"/blogs/{blog}/feed.atom"), _hubs(request)
    body = _atom(
        f"{found['title']} · {site.row.name}",
        self_url,
        links.blog(blog),
        f"{links.blog(blog)}#feed",
        rows,
        links,
        hubs,
    )
    return cacheable(request, body, ATOM, _websub_links(self_url, hubs))


@router.get(
    "/sites/{tenant}/feed.json",
    operation_id="sites-feed-json",
    response_class=Response,
    responses={
        200: {"content": {"application/feed+json": {"schema": {"type": "object"}}}},
        **FEED_RESPONSES,
    },
)
@cached("site")
async def site_feed_json(request: Request, site: SiteDep) -> Response:
    """The site's latest public posts as a JSON Feed 1.1."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.feed(blog=None, limit=FEED_SIZE)
    links = Links(request, site)
    items: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {
            "id": str(row["id"]),
            "url": links.post(row["blog_slug"], row["slug"]),
            "title": row["title"],
            "content_html": row["body_html"],
            "summary": row["excerpt"],
            "date_published": _iso(row["published_at"]),
            "date_modified": _iso(max(row["updated_at"], row["published_at"])),
            "authors": [{"name": row["display_name"], "url": links.author(row["handle"])}],
            "tags": [t["name"] for t in tag_refs(row)],
            "language": row["language"],
        }
        if row["cover_image_url"]:
            item["image"] = row["cover_image_url"]
        items.append(item)
    feed = {
        "version": JSON_FEED_VERSION,
        "title": site.row.name,
        "home_page_url": links.home(),
        "feed_url": links.api("/feed.json"),
        "language": site.row.default_language,
        "items": items,
    }
    body = json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode()
    return cacheable(request, body, "application/feed+json")


@router.get(
    "/sites/{tenant}/sitemap.xml",
    operation_id="sites-sitemap",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {}}, "description": "Sitemap 0.9"},
        **FEED_RESPONSES,
    },
)
@cached("site")
async def sitemap(request: Request, site: SiteDep) -> Response:
    """The home page, every active blog and the newest public posts (at most 50,000)."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        blogs, posts = await reader.sitemap(limit=SITEMAP_SIZE)
    links = Links(request, site)
    ET.register_namespace("", SITEMAP_NS)
    s = f"{{{SITEMAP_NS}}}"
    urlset = ET.Element(f"{s}urlset")
    home = _sub(urlset, f"{s}url")
    _sub(home, f"{s}loc", links.home())
    for blog in blogs:
        node = _sub(urlset, f"{s}url")
        _sub(node, f"{s}loc", links.blog(blog["slug"]))
        _sub(node, f"{s}lastmod", _iso(blog["updated_at"]))
    for post in posts:
        node = _sub(urlset, f"{s}url")
        _sub(node, f"{s}loc", links.post(post["blog_slug"], post["slug"]))
        _sub(node, f"{s}lastmod", _iso(post["modified"]))
    return cacheable(request, _xml(urlset), "application/xml")
