"""What a cache may keep, and for how long.

Public answers (a site's reads, its feeds, the plan catalogue) are serialised once, with a
strong ``ETag`` that hashes those exact bytes, a bodiless 304 for a current
``If-None-Match``, and a ``public`` ``Cache-Control`` (``cacheable``).

Everything else is private by default: ``private_by_default`` runs on every answer the
app sends (``api/middleware.py``) and gives ``Cache-Control: private, no-store`` to any
answer that declares no caching of its own, and to every error. A new console route is
therefore never stored by a shared cache, whatever that cache's fallback for answers
without ``Cache-Control`` (nginx's ``proxy_cache_valid``, say) would be.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from pydantic_core import to_json
from starlette.datastructures import MutableHeaders

CACHE_SECONDS = 30
STALE_SECONDS = 120
CACHE_CONTROL = f"public, max-age={CACHE_SECONDS}, stale-while-revalidate={STALE_SECONDS}"
# The plan catalogue changes when an operator edits it, rarely: a browser keeps it five
# minutes, a shared cache (which serves many callers and revalidates with a cheap 304)
# one minute, so a price change reaches every visitor within six.
PLANS_CACHE_CONTROL = f"public, max-age=300, s-maxage=60, stale-while-revalidate={STALE_SECONDS}"
PRIVATE = "private, no-store"


def private_by_default(status: int, headers: MutableHeaders) -> None:
    """No ``Cache-Control`` means private; an error is never stored, public route or not."""
    if status >= 400 or "cache-control" not in headers:
        headers["Cache-Control"] = PRIVATE


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate.startswith("W/"):  # If-None-Match compares weakly (RFC 9110 13.1.2)
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


def cacheable(
    request: Request,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
    cache_control: str = CACHE_CONTROL,
) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    all_headers = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    if cache_control.startswith("public"):
        # What the public-read cache (``api/public_cache.py``) may keep of this answer.
        request.state.public_answer = (200, body, media_type, all_headers)
    return answer_bytes(request, body, media_type, all_headers)


def answer_bytes(
    request: Request, body: bytes, media_type: str, headers: dict[str, str]
) -> Response:
    """A serialised answer whose headers (``ETag`` among them) are ready: the body, or a
    bodiless 304 when ``If-None-Match`` holds that ETag."""
    if _etag_matches(request.headers.get("if-none-match"), headers["ETag"]):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Link"})
    return Response(body, media_type=media_type, headers=dict(headers))


def json_answer(
    request: Request,
    model: BaseModel,
    headers: dict[str, str] | None = None,
    cache_control: str = CACHE_CONTROL,
) -> Response:
    body = model.__pydantic_serializer__.to_json(model)
    return cacheable(request, body, "application/json", headers, cache_control)


def raw_json_answer(
    request: Request,
    data: dict[str, Any] | list[Any],
    headers: dict[str, str] | None = None,
    cache_control: str = CACHE_CONTROL,
) -> Response:
    """Plain data already shaped as the declared response model, serialised once."""
    return cacheable(request, to_json(data), "application/json", headers, cache_control)
