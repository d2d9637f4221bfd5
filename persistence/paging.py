"""Keyset pagination: one place that orders by a (timestamp, id) pair and starts after
the last position a client saw, so a deep page costs what the first one does."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa


def keyset(
    query: sa.Select[Any],
    stamp: sa.ColumnElement[Any],
    ident: sa.ColumnElement[Any],
    after: tuple[datetime, UUID] | None,
    limit: int,
    *,
    newest_first: bool,
) -> sa.Select[Any]:
    if after is not None:
        position, bound = sa.tuple_(stamp, ident), sa.tuple_(*after)
        query = query.where(position < bound if newest_first else position > bound)
    order = (stamp.desc(), ident.desc()) if newest_first else (stamp, ident)
    return query.order_by(*order).limit(limit)
