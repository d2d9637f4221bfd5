"""The built front-ends, served by the API process: the console at ``/console/``, the
public theme at ``/``.

The theme is a single-page app: a GET for any address that is not a file of the build
(``/s/demo/blogs/x/y``) answers its ``index.html``, and the app's router takes over.
The API's own addresses are never shadowed: the mount declines paths under
``RESERVED`` and every method but GET and HEAD, so unknown API routes keep their
problem+json 404 and a wrong method on a known route keeps its 405.

The console is a second single-page app with its own fallback: any GET under
``/console/`` that is not a file of its build answers the console's ``index.html`` (never
the theme's). It is mounted before the theme, so ``/console`` never reaches the theme.

Hashed build assets are cached for a year; ``index.html`` is revalidated every time,
so a new build is picked up on the next load.

The theme's pages get a head of their own (``api/theme_head.py``): title, description,
canonical URL, Open Graph, Twitter card and JSON-LD written into ``index.html`` by the
server, so crawlers and link previews read them without running the app. Such a page
carries a strong ``ETag`` of its bytes (``If-None-Match`` answers 304).

``/robots.txt`` lets crawlers in everywhere but the console, and on a tenant's custom
domain names that site's sitemap.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from api.access import get_services
from api.theme_head import ThemeHeads, inject, webmention_link


def _frontends_dir() -> Path:
    """Beside the packages in a checkout; in the working directory of an installed image
    (as the migrations are, persistence/migrate.py)."""
    beside = Path(__file__).resolve().parent.parent / "frontends"
    return beside if beside.is_dir() else Path.cwd() / "frontends"


FRONTENDS = _frontends_dir()
THEME_DIST = FRONTENDS / "theme" / "dist"
CONSOLE_DIST = FRONTENDS / "console" / "dist"
CONSOLE_PREFIX = "/console"

RESERVED = (
    "/v1",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
    "/problems",
)

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The demo's cover drawings (public/covers/): stable names, rarely redrawn.
COVERS = "public, max-age=604800"
# Defence in depth behind the theme's own escaping: no inline or foreign script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: http: data:; media-src 'self' https:; connect-src 'self' https:; "
    "font-src 'self' https: data:; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"
)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def is_reserved(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in RESERVED)


class SpaFiles(StaticFiles):
    """Static files whose unknown page addresses fall back to ``index.html``; with
    ``heads``, each page's ``index.html`` gets its own head."""

    def __init__(self, *, directory: Path, heads: ThemeHeads | None = None) -> None:
        super().__init__(directory=directory, html=True)
        self.index = Path(directory) / "index.html"
        self.heads = heads

    async def get_response(self, path: str, scope: Scope) -> Response:
        page = path in ("", ".", "index.html")
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            # A missing asset (its name has an extension) stays a 404; a page address
            # belongs to the app's router.
            if exc.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
            page = True
        if page and self.heads is not None and response.status_code in (200, 304):
            response = await self._with_head(scope) or response
        if response.status_code in (200, 304):
            if path.startswith("assets/"):
                response.headers["Cache-Control"] = IMMUTABLE
            elif path.startswith("covers/"):
                response.headers["Cache-Control"] = COVERS
            else:
                response.headers["Cache-Control"] = REVALIDATE
                response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    async def _with_head(self, scope: Scope) -> Response | None:
        request = Request(scope)
        found = await self.heads.for_request(request) if self.heads else None
        if found is None:
            return None
        head, language = found
        body = inject(self.index.read_text(encoding="utf-8"), head, language).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {"ETag": etag}
        link = webmention_link(head)
        if link:
            headers["Link"] = link
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)


def robots(request: Request) -> PlainTextResponse:
    """Crawlers are welcome on every site; the console is no page to index. On a custom
    domain the site's sitemap is named (the platform's own host serves many sites, each
    of whose pages links its sitemap)."""
    lines = ["User-agent: *", "Allow: /", f"Disallow: {CONSOLE_PREFIX}/"]
    slug = getattr(request.state, "robots_site", None)
    if slug:
        base = get_services(request).settings.base_url.rstrip("/")
        lines.append(f"Sitemap: {base}/v1/sites/{slug}/sitemap.xml")
    # The answer depends on the host asked for, which a shared cache's key may not hold.
    return PlainTextResponse(
        "\n".join(lines) + "\n",
        headers={"Cache-Control": "public, max-age=3600", "Vary": "Host"},
    )


async def robots_txt(request: Request) -> Response:
    host = (request.url.hostname or "").lower().rstrip(".")
    if host and host not in ("localhost", "127.0.0.1", "::1") and not host.endswith(".localhost"):
        request.state.robots_site = await get_services(request).hosts.slug_for(
            request.app.state.db, host
        )
    return robots(request)


def robots_route() -> Route:
    return Route("/robots.txt", robots_txt, methods=["GET", "HEAD"], include_in_schema=False)


class SpaMount(Mount):
    """A mount at ``/`` that only takes GET and HEAD requests outside the API's paths."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] != "http"
            or scope.get("method") not in ("GET", "HEAD")
            or is_reserved(scope["path"])
        ):
            return Match.NONE, {}
        return super().matches(scope)


class ConsoleMount(SpaMount):
    """The console's mount at ``/console``; ``/console`` itself redirects to ``/console/``
    (its assets and router expect the trailing slash)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or not _under(scope["path"], CONSOLE_PREFIX):
            return Match.NONE, {}
        if scope["path"] == CONSOLE_PREFIX and scope.get("method") in ("GET", "HEAD"):
            return Match.FULL, {}
        return super().matches(scope)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == CONSOLE_PREFIX:
            query = scope.get("query_string", b"").decode("latin-1")
            target = CONSOLE_PREFIX + "/" + (f"?{query}" if query else "")
            await RedirectResponse(target, status_code=308)(scope, receive, send)
            return
        await super().handle(scope, receive, send)


def theme_mount(dist: Path | None = None) -> SpaMount | None:
    """The theme's mount, or None when it has not been built (API-only deployments)."""
    dist = dist or THEME_DIST
    if not (dist / "index.html").is_file():
        return None
    return SpaMount("/", app=SpaFiles(directory=dist, heads=ThemeHeads()), name="theme")


def console_mount(dist: Path | None = None) -> ConsoleMount | None:
    """The console's mount, or None when it has not been built."""
    dist = dist or CONSOLE_DIST
    if not (dist / "index.html").is_file():
        return None
    return ConsoleMount(CONSOLE_PREFIX, app=SpaFiles(directory=dist), name="console")
