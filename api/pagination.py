"""Keyset pagination: opaque cursors, ``limit`` bounds, the ``Link`` header."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query, Request, Response
from pydantic import BaseModel

from api.problems import ApiProblem

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

LimitQuery = Annotated[
    int,
    Query(
        ge=1, le=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."
    ),
]
CursorQuery = Annotated[
    str | None, Query(max_length=512, description="The `next_cursor` of the previous page.")
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(*parts: Any) -> str:
    raw = json.dumps([p.isoformat() if isinstance(p, datetime) else str(p) for p in parts])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_time_id_cursor(cursor: str | None) -> tuple[datetime, UUID] | None:
    """A (timestamp, id) position, or a 422 problem for anything malformed."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, ident = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = datetime.fromisoformat(stamp), UUID(ident)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as exc:
        raise ApiProblem(
            "validation_failed",
            "The cursor is malformed.",
            errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor", "type": "cursor"}],
        ) from exc
    if position[0].tzinfo is None:
        raise ApiProblem("validation_failed", "The cursor is malformed.")
    return position


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'


def keyset_page(
    request: Request,
    response: Response,
    rows: Sequence[R],
    limit: int,
    position: Callable[[R], tuple[Any, ...]] = lambda row: (row.created_at, row.id),  # type: ignore[attr-defined]
) -> tuple[Sequence[R], str | None]:
    """Split ``limit + 1`` fetched rows into the page and the next cursor (and its
    ``Link`` header): the extra row only says that another page exists."""
    next_cursor = encode_cursor(*position(rows[limit - 1])) if len(rows) > limit else None
    link_next(request, response, next_cursor)
    return rows[:limit], next_cursor
