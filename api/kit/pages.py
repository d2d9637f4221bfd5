"""One way to page a list: ``?limit=`` and an opaque ``?cursor=`` in, ``{items,
next_cursor}`` and a ``Link: <…>; rel="next"`` header out.

A route declares ``paging: PageQuery``, asks ``paging.after(KEYSET)`` for the position to
start after, fetches ``paging.fetch`` rows (one more than the page, which only says that
another page exists) and answers ``page_of(request, response, paging, KEYSET, rows,
shape)``. Every list is keyset-paged: a deep page costs what the first one does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel

from api.kit.cursors import CursorCodec, Keyset

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
    str | None,
    Query(max_length=512, description="The `next_cursor` of the previous page (opaque)."),
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: str | None
    codec: CursorCodec

    @property
    def fetch(self) -> int:
        """How many rows to read: the page and one more."""
        return self.limit + 1

    def after(self, keyset: Keyset) -> tuple[Any, ...] | None:
        """The position to start after (``None`` on the first page), or a 422 problem."""
        return self.codec.decode(keyset, self.cursor)

    def split(self, keyset: Keyset, rows: Sequence[R]) -> tuple[Sequence[R], str | None]:
        """The page's rows and the cursor of the next page (``None`` on the last one)."""
        if len(rows) <= self.limit:
            return rows, None
        return rows[: self.limit], self.codec.encode(keyset, keyset.position(rows[self.limit - 1]))


async def page_request(
    request: Request, limit: LimitQuery = DEFAULT_LIMIT, cursor: CursorQuery = None
) -> PageRequest:
    return PageRequest(limit, cursor, request.app.state.services.cursors)


PageQuery = Annotated[PageRequest, Depends(page_request)]


def link_header(request: Request, next_cursor: str | None) -> dict[str, str]:
    if not next_cursor:
        return {}
    return {"Link": f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'}


def page_of(
    request: Request,
    response: Response,
    paging: PageRequest,
    keyset: Keyset,
    rows: Sequence[R],
    shape: Callable[[R], T],
) -> Page[T]:
    """The answer of a list route: the page's items shaped, the next cursor, the Link."""
    page, next_cursor = paging.split(keyset, rows)
    response.headers.update(link_header(request, next_cursor))
    return Page[T](items=[shape(row) for row in page], next_cursor=next_cursor)


# --- the unsigned format being replaced: removed once no list uses it -----------------
import base64  # noqa: E402
import binascii  # noqa: E402
import json  # noqa: E402
from datetime import datetime  # noqa: E402
from uuid import UUID  # noqa: E402

from api.problems import ApiProblem  # noqa: E402


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
