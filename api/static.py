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
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

FRONTENDS = Path(__file__).resolve().parent.parent / "frontends"
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
    """Static files whose unknown page addresses fall back to ``index.html``."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            # A missing asset (its name has an extension) stays a 404; a page address
            # belongs to the app's router.
            if exc.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
        if response.status_code in (200, 304):
            if path.startswith("assets/"):
                response.headers["Cache-Control"] = IMMUTABLE
            else:
                response.headers["Cache-Control"] = REVALIDATE
                response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


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
    return SpaMount("/", app=SpaFiles(directory=dist, html=True), name="theme")


def console_mount(dist: Path | None = None) -> ConsoleMount | None:
    """The console's mount, or None when it has not been built."""
    dist = dist or CONSOLE_DIST
    if not (dist / "index.html").is_file():
        return None
    return ConsoleMount(CONSOLE_PREFIX, app=SpaFiles(directory=dist, html=True), name="console")
