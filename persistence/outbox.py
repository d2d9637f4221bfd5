"""The outbox: domain events written in the transaction of the change that made them."""

from __future__ import annotations

from itertools import groupby
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from domain.kernel.events import DomainEvent
from persistence.database import Transaction
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
