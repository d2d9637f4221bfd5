"""Reading the outbox as the app role, in a tenant's context."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import text

from persistence.database import Database


async def outbox_rows(db: Database, tenant_id: UUID) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        result = await tx.connection.execute(
            text(
                "SELECT id, type, tenant_id, version, occurred_at, available_at, payload, "
                "coalesce_key, dispatched_at FROM outbox ORDER BY occurred_at, type"
            )
        )
        return list(result)


async def outbox_types(db: Database, tenant_id: UUID) -> list[str]:
    return [row.type for row in await outbox_rows(db, tenant_id)]
