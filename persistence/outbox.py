"""The outbox: domain events written in the transaction of the change that made them."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from domain.kernel.events import DomainEvent, EventType
from persistence.database import Transaction
from persistence.jobs import enqueue_dispatch
from persistence.tables import outbox

# One statement for every event of a transaction. An event whose coalesce key is still
# pending replaces it (newest payload, time and id), so receivers get one event for a
# burst; the post row's lock, taken before, orders the racing writers.
_PENDING_KEY = text("dispatched_at IS NULL AND coalesce_key IS NOT NULL")


async def write_events(tx: Transaction, events: list[DomainEvent]) -> None:
    """Insert the events, each under its own tenant's context (row-level security checks
    every row); the transaction's own context is put back afterwards."""
    if not events:
        return
    home = tx.tenant_id
    for tenant_id, group in groupby(events, key=lambda e: e.tenant_id):
        if tenant_id != tx.tenant_id:
            await tx.set_context(tenant_id, tx.user_id)
        await _insert(tx, tenant_id, list(group))
    if tx.tenant_id != home:
        await tx.set_context(home, tx.user_id)
    # A dispatch job for each tenant with an event to send now, on this transaction's own
    # connection: no commit, no job. Events due later (a scheduled post) wait for the
    # worker's sweep of due events.
    due_now = {
        e.tenant_id for e in events if e.available_at is None or e.available_at <= e.occurred_at
    }
    if due_now:
        raw = (await tx.connection.get_raw_connection()).driver_connection
        for tenant_id in sorted(due_now):
            await enqueue_dispatch(raw, tenant_id)


async def _insert(tx: Transaction, tenant_id: UUID, events: list[DomainEvent]) -> None:
    rows = [
        {
            "tenant_id": tenant_id,
            "id": e.id,
            "type": str(e.type),
            "version": e.version,
            "occurred_at": e.occurred_at,
            "available_at": e.available_at or e.occurred_at,
            "payload": dict(e.payload),
            "coalesce_key": e.coalesce_key,
        }
        for e in events
    ]
    statement = insert(outbox).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant_id", "coalesce_key"],
        index_where=_PENDING_KEY,
        set_={
            column: statement.excluded[column]
            for column in ("id", "version", "occurred_at", "available_at", "payload", "type")
        },
    )
    await tx.connection.execute(statement)


async def take_due(tx: Transaction, now: datetime, limit: int) -> list[DomainEvent]:
    """The tenant's oldest due events, locked for this transaction; another worker's
    dispatch of the same tenant skips them (``SKIP LOCKED``) instead of waiting."""
    rows = await tx.connection.execute(
        sa.select(outbox)
        .where(outbox.c.dispatched_at.is_(None), outbox.c.available_at <= now)
        .order_by(outbox.c.available_at, outbox.c.occurred_at, outbox.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [
        DomainEvent(
            type=EventType(row.type),
            tenant_id=row.tenant_id,
            payload=row.payload,
            id=row.id,
            occurred_at=row.occurred_at,
            version=row.version,
            available_at=row.available_at,
            coalesce_key=row.coalesce_key,
        )
        for row in rows
    ]


async def mark_dispatched(tx: Transaction, ids: list[UUID], now: datetime) -> None:
    await tx.connection.execute(
        sa.update(outbox).where(outbox.c.id.in_(ids)).values(dispatched_at=now)
    )


async def tenants_with_due_events(tx: Transaction, now: datetime) -> list[UUID]:
    result = await tx.connection.execute(
        text("SELECT tenant_id FROM tenants_with_due_events(:now)"), {"now": now}
    )
    return [row.tenant_id for row in result]


async def backlog(tx: Transaction, now: datetime) -> tuple[int, float, int, float]:
    """(due events waiting, age of the oldest in seconds, jobs queued, age of the oldest
    queued job in seconds): what /metrics shows of the worker's backlog."""
    events = (
        await tx.connection.execute(
            text("SELECT pending, oldest_due_seconds FROM outbox_backlog(:now)"), {"now": now}
        )
    ).one()
    queued = (
        await tx.connection.execute(
            text(
                "SELECT count(*) AS queued, "
                "extract(epoch FROM now() - min(created)) AS oldest FROM jobs.pgqueuer "
                "WHERE status = 'queued' AND execute_after <= now()"
            )
        )
    ).one()
    return (
        int(events.pending),
        float(events.oldest_due_seconds or 0.0),
        int(queued.queued),
        float(queued.oldest or 0.0),
    )
