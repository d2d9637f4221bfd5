"""Pure-ASGI middleware: request ids, the body-size limit, metrics, one log line a request,
and private caching for every answer that declares none (``api/kit/caching.py``).

Written as raw ASGI (not ``BaseHTTPMiddleware``) so that bodies stream through
untouched and a request costs no extra task. Unhandled exceptions are answered here
with a problem+json 500 that carries the request id, and logged with it.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import structlog
from prometheus_client import Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.kit.caching import private_by_default
from api.problems import PROBLEM_MEDIA_TYPE, problem_bytes

access_log = structlog.get_logger("causerie.access")
error_log = logging.getLogger("causerie.errors")

REQUESTS = Counter(
    "causerie_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "causerie_http_request_duration_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class BodyTooLarge(Exception):
    pass


def client_ip(scope: Scope, trusted_proxy_hops: int) -> str:
    """The caller's address: the socket peer, unless trusted proxies sit in front.

    With N trusted hops, the N-th address from the right of X-Forwarded-For is the one
    our outermost trusted proxy saw; anything further left is client-controlled and
    ignored, so a forged header cannot pick a fresh identity for rate limiting.
    """
    peer = scope.get("client")
    socket_ip = peer[0] if peer else "unknown"
    if trusted_proxy_hops <= 0:
        return socket_ip
    forwarded: list[str] = []
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded.extend(p.strip() for p in value.decode("latin-1").split(",") if p.strip())
    if len(forwarded) >= trusted_proxy_hops:
        return forwarded[-trusted_proxy_hops]
    return socket_ip


def _nul_in(scope: Scope) -> str | None:
    """A NUL anywhere in the path or the query string: PostgreSQL text cannot hold one, so
    the request is answered here, before any route passes it to a query."""
    raw_path = scope.get("raw_path") or b""
    if "\x00" in scope.get("path", "") or b"%00" in raw_path or b"\x00" in raw_path:
        return "not_found"
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        return "validation_failed"
    return None


# An import's upload has its own limit, per plan, applied by its route as the body streams
# in (api/imports/routes.py): the general body limit does not apply to it.
_IMPORT_UPLOAD = re.compile(r"^/v1/tenants/[a-z0-9-]{2,63}/imports$")


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, trusted_proxy_hops: int = 0):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.trusted_proxy_hops = trusted_proxy_hops

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        headers = dict(scope.get("headers", []))
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_ip"] = client_ip(scope, self.trusted_proxy_hops)
        status_holder = {"status": 500, "started": False}
        body_too_large = {"hit": False, "answered": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                message.setdefault("headers", [])
                response_headers = MutableHeaders(scope=message)
                response_headers.append("x-request-id", request_id)
                private_by_default(message["status"], response_headers)
            await send(message)

        async def send_or_replace(message: Message) -> None:
            # The framework turns a failed body read into its own 400; we answer 413 instead.
            if body_too_large["hit"]:
                if not body_too_large["answered"]:
                    body_too_large["answered"] = True
                    await self._answer(send_with_id, "payload_too_large", request_id)
                return
            await send_with_id(message)

        declared = headers.get(b"content-length")
        try:
            nul = _nul_in(scope)
            if nul is not None:
                await self._answer(send_with_id, nul, request_id)
            elif scope.get("method") == "POST" and _IMPORT_UPLOAD.match(scope.get("path", "")):
                await self.app(scope, receive, send_with_id)
            elif declared is not None and (
                not declared.isdigit() or int(declared) > self.max_body_bytes
            ):
                await self._answer(send_with_id, "payload_too_large", request_id)
            else:
                await self.app(scope, self._limited(receive, body_too_large), send_or_replace)
        except BodyTooLarge:
            if not status_holder["started"]:
                await self._answer(send_with_id, "payload_too_large", request_id)
        except Exception:
            error_log.exception("unhandled error", extra={"request_id": request_id})
            if not status_holder["started"]:
                await self._answer(send_with_id, "internal_error", request_id)
        finally:
            route = scope.get("route")
            route_name = getattr(route, "path", None) or "unmatched"
            elapsed = time.perf_counter() - started
            status = int(status_holder["status"])
            REQUESTS.labels(scope["method"], route_name, str(status)).inc()
            LATENCY.labels(scope["method"], route_name).observe(elapsed)
            access_log.info(
                "request",
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                route=route_name,
                status=status,
                duration_ms=round(elapsed * 1000, 2),
                client_ip=state["client_ip"],
            )

    def _limited(self, receive: Receive, flag: dict[str, bool]) -> Receive:
        received = 0

        async def wrapped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    flag["hit"] = True
                    raise BodyTooLarge
            return message

        return wrapped

    async def _answer(self, send: Send, code: str, request_id: str) -> None:
        detail = {
            "not_found": "No such resource: a path never contains a NUL character.",
            "validation_failed": "The query string contains a NUL character.",
            "payload_too_large": f"The body is over the limit of {self.max_body_bytes} bytes.",
            "internal_error": "An unexpected error occurred. Quote the request id when reporting it.",
        }[code]
        status, body = problem_bytes(code, detail, request_id)
        response_headers: list[Any] = [
            (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})
