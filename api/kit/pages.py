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

from api.kit.cursors import MAX_LENGTH, PATTERN, CursorCodec, Keyset

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
    Query(
        max_length=MAX_LENGTH,
        pattern=PATTERN,
        description="The `next_cursor` of the previous page (opaque; only cursors the "
        "server issued for this list and sort are accepted).",
    ),
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
