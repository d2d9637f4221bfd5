"""CORS: the console's origin everywhere, and each tenant's own domains on its public API.

An ``Origin`` is echoed back exactly only when it is allowed:
- the configured console origin, on every path;
- ``https://<host>`` (or ``http://``) where ``<host>`` is one of the tenant's custom
  domains, on that tenant's public paths (``/v1/sites/<slug>…`` and ``/v1/sites/resolve``).
Anything else gets no CORS headers at all, so the browser refuses the response.

Every answer carries ``Vary: Origin``, requests without an ``Origin`` included: a shared
cache must never hand the copy it stored for a same-origin caller (no CORS header) to a
browser on a custom domain, nor one domain's copy to another.

Host look-ups go through the process's host cache (``api/site_cache.HostCache``): a
domain added or removed takes effect at once in the worker that changed it, and within
a minute on the others.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE"
ALLOW_HEADERS = (
    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id"
)
EXPOSE_HEADERS = "ETag, Link, Location, Retry-After, X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"

HostResolver = Callable[[Scope, str], Awaitable[str | None]]


class TenantCors:
    def __init__(self, app: ASGIApp, *, console_origin: str | None, resolve_host: HostResolver):
        self.app = app
        self.console_origin = console_origin.rstrip("/") if console_origin else None
        self.resolve_host = resolve_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, _varying_by_origin(send))
            return
        allowed = await self._allowed(scope, origin)
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        if preflight:
            response = Response(status_code=204, headers={"Vary": "Origin"})
            if allowed:
                response.headers.update(
                    {
                        "Access-Control-Allow-Origin": origin,
                        "Access-Control-Allow-Methods": ALLOW_METHODS,
                        "Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "Access-Control-Max-Age": "600",
                    }
                )
            await response(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers.add_vary_header("Origin")
                if allowed:
                    response_headers["Access-Control-Allow-Origin"] = origin
                    response_headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _allowed(self, scope: Scope, origin: str) -> bool:
        if self.console_origin and origin == self.console_origin:
            return True
        path: str = scope["path"]
        if not path.startswith("/v1/sites/"):
            return False
        parts = urlsplit(origin)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.path:
            return False
        if origin != f"{parts.scheme}://{parts.netloc}" or parts.port is not None:
            return False
        slug = await self.resolve_host(scope, parts.hostname)
        if slug is None:
            return False
        return (
            path == "/v1/sites/resolve"
            or path == f"/v1/sites/{slug}"
            or path.startswith(f"/v1/sites/{slug}/")
        )


def _varying_by_origin(send: Send) -> Send:
    async def send_with_vary(message: Message) -> None:
        if message["type"] == "http.response.start":
            message.setdefault("headers", [])
            MutableHeaders(scope=message).add_vary_header("Origin")
        await send(message)

    return send_with_vary
