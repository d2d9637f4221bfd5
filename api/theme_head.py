"""Per-page ``<head>`` for the theme's HTML: what a crawler or a link preview reads
without running JavaScript.

The theme is a single-page app, so every address answers the same ``index.html``. For
an address of a site (``/s/{slug}/…``, ``/sites/{slug}/…``, or any path on a tenant's
custom domain) the server writes into that page's head, before sending it: the
``<title>``, the meta description, the canonical URL (the ``/sites/{slug}/…`` form the
API's ``url`` fields use), Open Graph and Twitter card tags (title, excerpt, cover),
JSON-LD (``BlogPosting`` and ``BreadcrumbList`` on a post; ``Blog`` and its breadcrumb on
the home page and a blog), the feeds and ``<html lang>``.

The facts come from the public reads the API answers with (the site cache, then
``public_reader``: the same visibility rule, the same row-level security), and each
page's head is kept ``TTL_SECONDS`` per worker, like the API's ``max-age``. An unknown
or offline site, an unknown post and any other address get the page as built: the app
then says "not found" itself.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request

from api.access import get_services
from api.site_cache import ExpiringCache, Site
from domain.webmention.model import endpoint_url
from persistence.posts.public_reads import public_reader

TTL_SECONDS = 30.0
DESCRIPTION_CHARS = 200
SITE_PATH = re.compile(r"^/(s|sites)/([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(/.*)?$")
SLUG = re.compile(r"^[a-z0-9-]{1,120}$")
# Between a page's head and its post's h-entry in what ``Head.render`` gives: the entry
# goes into the app's root element, which the app replaces when it starts.
ENTRY_MARK = "<!--causerie:entry-->"


@dataclass
class Head:
    """What goes into one page's head; ``render`` writes it as escaped HTML."""

    title: str
    description: str
    canonical: str
    site_name: str
    language: str
    kind: str = "website"  # og:type
    image: str | None = None
    feeds: list[tuple[str, str, str]] = field(default_factory=list)  # (type, title, href)
    sitemap: str | None = None
    json_ld: list[dict[str, Any]] = field(default_factory=list)
    article: dict[str, str] = field(default_factory=dict)  # article:published_time …
    webmention: str | None = None  # the site's Webmention endpoint, on a post's page
    entry: str | None = None  # the post as an h-entry, shown until the app takes over

    def render(self) -> str:
        def meta(attr: str, key: str, value: str) -> str:
            return f'<meta {attr}="{key}" content="{html.escape(value, quote=True)}" data-head>'

        locale = {"fr": "fr_FR", "en": "en_GB"}.get(self.language[:2], self.language)
        parts = [
            f"<title>{html.escape(self.title)}</title>",
            meta("name", "description", self.description),
            f'<link rel="canonical" href="{html.escape(self.canonical, quote=True)}" data-head>',
            meta("property", "og:type", self.kind),
            meta("property", "og:site_name", self.site_name),
            meta("property", "og:title", self.title),
            meta("property", "og:description", self.description),
            meta("property", "og:url", self.canonical),
            meta("property", "og:locale", locale),
            meta("name", "twitter:card", "summary_large_image" if self.image else "summary"),
            meta("name", "twitter:title", self.title),
            meta("name", "twitter:description", self.description),
        ]
        if self.image:
            parts += [
                meta("property", "og:image", self.image),
                meta("name", "twitter:image", self.image),
            ]
        parts += [meta("property", k, v) for k, v in self.article.items()]
        for kind, title, href in self.feeds:
            parts.append(
                f'<link rel="alternate" type="{kind}" title="{html.escape(title, quote=True)}" '
                f'href="{html.escape(href, quote=True)}" data-head>'
            )
        if self.webmention:
            parts.append(
                f'<link rel="webmention" href="{html.escape(self.webmention, quote=True)}" '
                "data-head>"
            )
        if self.sitemap:
            parts.append(
                f'<link rel="sitemap" type="application/xml" '
                f'href="{html.escape(self.sitemap, quote=True)}" data-head>'
            )
        for data in self.json_ld:
            # A data block, never executed (the CSP forbids inline script anyway); "<"
            # is escaped so no text in it can close the element.
            text = json.dumps(data, ensure_ascii=False, default=str).replace("<", "\\u003c")
            parts.append(f'<script type="application/ld+json" data-head>{text}</script>')
        if self.entry:
            parts += [ENTRY_MARK, self.entry]
        return "".join(parts)


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    clean = " ".join(text.split())
    if len(clean) <= limit:
        return clean
    cut = clean[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:.") + "…"


def absolute(base: str, url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith(("http://", "https://")):
        return url
    return base + ("" if url.startswith("/") else "/") + url


class ThemeHeads:
    """Each page's head, built from the public reads and kept a short while per worker."""

    def __init__(self) -> None:
        self._cache = ExpiringCache[str](ttl=TTL_SECONDS, miss_ttl=TTL_SECONDS)

    async def for_request(self, request: Request) -> tuple[str, str] | None:
        """(the head's HTML, the page's language), or None to serve the page as built."""
        located = await self._locate(request)
        if located is None:
            return None
        site, rest = located
        key = f"{site.row.slug}\n{rest}"
        cached = await self._cache.get(key, lambda: self._build(request, site, rest))
        if cached is None:
            return None
        return cached, site.row.default_language

    async def _locate(self, request: Request) -> tuple[Site, str] | None:
        services = get_services(request)
        db = request.app.state.db
        match = SITE_PATH.match(request.url.path)
        if match:
            slug, rest = match.group(2), match.group(3) or "/"
        else:
            host = (request.url.hostname or "").lower().rstrip(".")
            if not host or host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost"):
                return None
            found = await services.hosts.slug_for(db, host)
            if found is None:
                return None
            slug, rest = found, request.url.path
        site = await services.sites.get(db, slug)
        if site is None or not site.online:
            return None
        return site, rest

    async def _build(self, request: Request, site: Site, rest: str) -> str | None:
        services = get_services(request)
        base = services.settings.base_url.rstrip("/")
        row = site.row
        home = f"{base}/sites/{row.slug}/"
        api = f"{base}/v1/sites/{row.slug}"
        branding = row.branding or {}
        site_description = shorten(str(branding.get("footer_text") or "")) or row.name
        feeds = [
            ("application/atom+xml", f"{row.name} — Atom", f"{api}/feed.atom"),
            ("application/feed+json", f"{row.name} — JSON Feed", f"{api}/feed.json"),
        ]
        site_crumb = {"@type": "ListItem", "position": 1, "name": row.name, "item": home}
        head = Head(
            title=row.name,
            description=site_description,
            canonical=home,
            site_name=row.name,
            language=row.default_language,
            feeds=feeds,
            sitemap=f"{api}/sitemap.xml",
            image=absolute(base, branding.get("logo_url")),
        )
        parts = [p for p in rest.split("/") if p]
        if not parts:
            head.json_ld = [
                {
                    "@context": "https://schema.org",
                    "@type": "Blog",
                    "name": row.name,
                    "description": site_description,
                    "url": home,
                    "inLanguage": row.default_language,
                },
                {
                    "@context": "https://schema.org",
                    "@type": "BreadcrumbList",
                    "itemListElement": [site_crumb],
                },
            ]
            return head.render()
        if parts[0] != "blogs" or len(parts) > 3 or not all(SLUG.match(p) for p in parts[1:]):
            return None  # other pages keep the built head; the app titles them
        async with public_reader(request.app.state.db, row.id) as reader:
            if len(parts) == 2:
                blog = await reader.blog(parts[1])
                if blog is None:
                    return None
                url = f"{home}blogs/{quote(blog['slug'])}/"
                head.title = f"{blog['title']} — {row.name}"
                head.description = shorten(blog["description"] or "") or head.description
                head.canonical = url
                head.feeds = [
                    (
                        "application/atom+xml",
                        f"{blog['title']} — Atom",
                        f"{api}/blogs/{quote(blog['slug'])}/feed.atom",
                    )
                ]
                head.json_ld = [
                    {
                        "@context": "https://schema.org",
                        "@type": "Blog",
                        "name": blog["title"],
                        "description": head.description,
                        "url": url,
                        "inLanguage": blog["language"],
                    },
                    _breadcrumb([site_crumb], [(blog["title"], url)]),
                ]
                return head.render()
            post = await reader.post(parts[1], parts[2]) if len(parts) == 3 else None
        if post is None or post["slug"] != parts[2]:
            return None
        blog_url = f"{home}blogs/{quote(post['blog_slug'])}/"
        url = f"{blog_url}{quote(post['slug'])}"
        author_url = f"{home}authors/{quote(post['handle'])}"
        image = absolute(base, post["cover_image_url"])
        if row.features.get("federation") is True:
            head.webmention = endpoint_url(base, row.slug)
        head.title = f"{post['title']} — {row.name}"
        head.description = shorten(post["excerpt"] or "") or head.description
        head.canonical = url
        head.kind = "article"
        head.language = post["language"] or row.default_language
        head.image = image or head.image
        head.article = {
            "article:published_time": post["published_at"].isoformat(),
            "article:modified_time": post["updated_at"].isoformat(),
            "article:author": post["display_name"],
        }
        posting: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": post["title"][:110],
            "description": head.description,
            "url": url,
            "mainEntityOfPage": url,
            "inLanguage": head.language,
            "datePublished": post["published_at"].isoformat(),
            "dateModified": post["updated_at"].isoformat(),
            "author": {"@type": "Person", "name": post["display_name"], "url": author_url},
            "publisher": {"@type": "Organization", "name": row.name, "url": home},
            "isPartOf": {"@type": "Blog", "name": post["blog_title"], "url": blog_url},
            "commentCount": post["comment_count"],
        }
        if image:
            posting["image"] = [image]
        if post["rating_count"]:
            posting["aggregateRating"] = {
                "@type": "AggregateRating",
                "ratingValue": round(post["rating_sum"] / post["rating_count"], 2),
                "ratingCount": post["rating_count"],
                "bestRating": 5,
                "worstRating": 1,
            }
        head.entry = _h_entry(post, url, author_url)
        head.json_ld = [
            posting,
            _breadcrumb([site_crumb], [(post["blog_title"], blog_url), (post["title"], url)]),
        ]
        return head.render()


def _h_entry(post: Any, url: str, author_url: str) -> str:
    """The post in microformats2, for readers without JavaScript and for the sites that
    check our Webmentions (the page must show the link it mentions): the title, the
    author's h-card, the date and the body (the post's sanitised HTML)."""
    e = html.escape
    published = post["published_at"].isoformat()
    return (
        '<article class="h-entry">'
        f'<h1 class="p-name">{e(post["title"])}</h1>'
        f'<p><a class="p-author h-card" href="{e(author_url, quote=True)}">'
        f"{e(post['display_name'])}</a> · "
        f'<a class="u-url" href="{e(url, quote=True)}">'
        f'<time class="dt-published" datetime="{e(published, quote=True)}">'
        f"{e(published[:10])}</time></a></p>"
        f'<div class="e-content">{post["body_html"] or ""}</div>'
        "</article>"
    )


def _breadcrumb(first: list[dict[str, Any]], rest: list[tuple[str, str]]) -> dict[str, Any]:
    items = first + [
        {"@type": "ListItem", "position": i, "name": name, "item": url}
        for i, (name, url) in enumerate(rest, start=len(first) + 1)
    ]
    return {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}


_WEBMENTION = re.compile(r'<link rel="webmention" href="([^"]*)"')


def webmention_link(head: str) -> str | None:
    """The HTTP ``Link`` header a page with this head carries (Webmention discovery
    reads the header before the markup)."""
    found = _WEBMENTION.search(head.partition(ENTRY_MARK)[0])
    return f'<{html.unescape(found.group(1))}>; rel="webmention"' if found else None


_BUILT_HEAD = re.compile(r"<title>.*?</title>|<meta name=\"description\"[^>]*>", re.S)


def inject(index_html: str, head: str, language: str) -> str:
    """The built page with its placeholder title and description replaced by ``head``
    (and, on a post's page, the post's h-entry in the app's root element)."""
    head, _, entry = head.partition(ENTRY_MARK)
    page = _BUILT_HEAD.sub("", index_html)
    if entry:
        page = page.replace('<div id="root"></div>', f'<div id="root">{entry}</div>', 1)
    page = re.sub(
        r'<html lang="[^"]*"', f'<html lang="{html.escape(language, quote=True)}"', page, count=1
    )
    return page.replace("</head>", head + "</head>", 1)
