"""Public answers a shared cache may keep: serialised once, a strong ``ETag`` that hashes
those exact bytes, a bodiless 304 for a current ``If-None-Match``, and ``Cache-Control``
that lets browsers and CDNs keep an answer 30 s and serve it stale for two more minutes
while they revalidate."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from pydantic_core import to_json

CACHE_SECONDS = 30
STALE_SECONDS = 120
CACHE_CONTROL = f"public, max-age={CACHE_SECONDS}, stale-while-revalidate={STALE_SECONDS}"


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
    request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None
) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    all_headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, **(headers or {})}
    if _etag_matches(request.headers.get("if-none-match"), etag):
        all_headers.pop("Link", None)
        return Response(status_code=304, headers=all_headers)
    return Response(body, media_type=media_type, headers=all_headers)


def json_answer(
    request: Request, model: BaseModel, headers: dict[str, str] | None = None
) -> Response:
    return cacheable(
        request, model.__pydantic_serializer__.to_json(model), "application/json", headers
    )


def raw_json_answer(
    request: Request, data: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    """Plain data already shaped as the declared response model, serialised once."""
    return cacheable(request, to_json(data), "application/json", headers)
