"""Webhook endpoints and their delivery attempts, in the tenant's context."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import text

from domain.webhooks.model import Delivery, DeliveryStatus, Endpoint
from persistence.database import Transaction
from persistence.jobs import enqueue_delivery
from persistence.tables import webhook_deliveries as wd
from persistence.tables import webhook_endpoints as we

_ENDPOINT_COLUMNS = [c for c in we.c if c.name not in ("secret", "previous_secret")]


def _endpoint(row: Any) -> Endpoint:
    return Endpoint(
        id=row.id,
        tenant_id=row.tenant_id,
        url=row.url,
        description=row.description,
        event_types=list(row.event_types),
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        failing_since=row.failing_since,
        previous_expires_at=row.previous_expires_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        tenant_id=row.tenant_id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        body=row.body,
        attempt=row.attempt,
        manual=row.manual,
        status=DeliveryStatus(row.status),
        due_at=row.due_at,
        created_at=row.created_at,
        attempted_at=row.attempted_at,
        response_status=row.response_status,
        duration_ms=row.duration_ms,
        error=row.error,
        request_headers=row.request_headers,
        response_body=row.response_body,
        next_attempt_at=row.next_attempt_at,
    )


class SqlWebhookRepository:
    def __init__(self, tx: Transaction):
        self.tx = tx
        self.conn = tx.connection

    # --- endpoints --------------------------------------------------------------------

    async def add_endpoint(self, endpoint: Endpoint, sealed_secret: bytes) -> None:
        await self.conn.execute(
            we.insert().values(
                tenant_id=endpoint.tenant_id,
                id=endpoint.id,
                url=endpoint.url,
                description=endpoint.description,
                event_types=endpoint.event_types,
                enabled=endpoint.enabled,
                disabled_reason=endpoint.disabled_reason,
                secret=sealed_secret,
                created_at=endpoint.created_at,
                updated_at=endpoint.updated_at,
            )
        )

    async def endpoints(self, tenant_id: UUID) -> list[Endpoint]:
        rows = await self.conn.execute(
            sa.select(*_ENDPOINT_COLUMNS)
            .where(we.c.tenant_id == tenant_id)
            .order_by(we.c.created_at, we.c.id)
        )
        return [_endpoint(r) for r in rows]

    async def subscribed(self, tenant_id: UUID, event_type: str) -> list[Endpoint]:
        rows = await self.conn.execute(
            sa.select(*_ENDPOINT_COLUMNS)
            .where(
                we.c.tenant_id == tenant_id,
                we.c.enabled.is_(True),
                we.c.event_types.any_() == event_type,
            )
            .order_by(we.c.created_at, we.c.id)
        )
        return [_endpoint(r) for r in rows]

    async def endpoint(
        self, tenant_id: UUID, endpoint_id: UUID, *, lock: bool = False
    ) -> Endpoint | None:
        query = sa.select(*_ENDPOINT_COLUMNS).where(
            we.c.tenant_id == tenant_id, we.c.id == endpoint_id
        )
        if lock:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return _endpoint(row) if row else None

    async def update_endpoint(self, endpoint: Endpoint) -> None:
        await self.conn.execute(
            we.update()
            .where(we.c.tenant_id == endpoint.tenant_id, we.c.id == endpoint.id)
            .values(
                url=endpoint.url,
                description=endpoint.description,
                event_types=endpoint.event_types,
                enabled=endpoint.enabled,
                disabled_reason=endpoint.disabled_reason,
                failing_since=endpoint.failing_since,
                previous_expires_at=endpoint.previous_expires_at,
                updated_at=endpoint.updated_at,
            )
        )

    async def delete_endpoint(self, tenant_id: UUID, endpoint_id: UUID) -> bool:
        result = await self.conn.execute(
            we.delete().where(we.c.tenant_id == tenant_id, we.c.id == endpoint_id)
        )
        return bool(result.rowcount)

    async def sealed_secrets(
        self, tenant_id: UUID, endpoint_id: UUID
    ) -> tuple[bytes, bytes | None, datetime | None]:
        row = (
            await self.conn.execute(
                sa.select(we.c.secret, we.c.previous_secret, we.c.previous_expires_at).where(
                    we.c.tenant_id == tenant_id, we.c.id == endpoint_id
                )
            )
        ).one()
        return row.secret, row.previous_secret, row.previous_expires_at

    async def set_secrets(
        self,
        tenant_id: UUID,
        endpoint_id: UUID,
        current: bytes,
        previous: bytes | None,
        previous_expires_at: datetime | None,
    ) -> None:
        await self.conn.execute(
            we.update()
            .where(we.c.tenant_id == tenant_id, we.c.id == endpoint_id)
            .values(
                secret=current, previous_secret=previous, previous_expires_at=previous_expires_at
            )
        )

    # --- deliveries -------------------------------------------------------------------

    async def add_delivery(self, delivery: Delivery, *, send_now: bool) -> None:
        await self.conn.execute(
            wd.insert().values(
                tenant_id=delivery.tenant_id,
                id=delivery.id,
                endpoint_id=delivery.endpoint_id,
                event_id=delivery.event_id,
                event_type=delivery.event_type,
                body=delivery.body,
                attempt=delivery.attempt,
                manual=delivery.manual,
                status=str(delivery.status),
                due_at=delivery.due_at,
                created_at=delivery.created_at,
            )
        )
        if send_now:
            raw = (await self.conn.get_raw_connection()).driver_connection
            await enqueue_delivery(raw, delivery.tenant_id, delivery.id)

    async def deliveries(
        self,
        tenant_id: UUID,
        endpoint_id: UUID,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[Delivery]:
        query = sa.select(wd).where(wd.c.tenant_id == tenant_id, wd.c.endpoint_id == endpoint_id)
        if after is not None:
            query = query.where(sa.tuple_(wd.c.created_at, wd.c.id) < sa.tuple_(*after))
        rows = await self.conn.execute(
            query.order_by(wd.c.created_at.desc(), wd.c.id.desc()).limit(limit)
        )
        return [_delivery(r) for r in rows]

    async def delivery(
        self, tenant_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Delivery | None:
        row = (
            await self.conn.execute(
                sa.select(wd).where(
                    wd.c.tenant_id == tenant_id,
                    wd.c.endpoint_id == endpoint_id,
                    wd.c.id == delivery_id,
                )
            )
        ).first()
        return _delivery(row) if row else None

    async def last_attempt(self, tenant_id: UUID, endpoint_id: UUID, event_id: UUID) -> int:
        found = await self.conn.scalar(
            sa.select(sa.func.max(wd.c.attempt)).where(
                wd.c.tenant_id == tenant_id,
                wd.c.endpoint_id == endpoint_id,
                wd.c.event_id == event_id,
            )
        )
        return int(found or 0)

    # --- the worker's side ------------------------------------------------------------

    async def claim(self, delivery_id: UUID) -> Delivery | None:
        """The pending attempt, locked for this transaction; None when another worker
        holds it (``SKIP LOCKED``) or it was sent already."""
        row = (
            await self.conn.execute(
                sa.select(wd)
                .where(wd.c.id == delivery_id, wd.c.status == str(DeliveryStatus.PENDING))
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _delivery(row) if row else None

    async def record_attempt(self, delivery: Delivery) -> None:
        await self.conn.execute(
            wd.update()
            .where(wd.c.tenant_id == delivery.tenant_id, wd.c.id == delivery.id)
            .values(
                status=str(delivery.status),
                attempted_at=delivery.attempted_at,
                response_status=delivery.response_status,
                duration_ms=delivery.duration_ms,
                error=delivery.error[:500] if delivery.error else None,
                request_headers=delivery.request_headers,
                response_body=delivery.response_body,
                next_attempt_at=delivery.next_attempt_at,
            )
        )

    async def cancel_pending(self, tenant_id: UUID, endpoint_id: UUID) -> None:
        await self.conn.execute(
            wd.update()
            .where(
                wd.c.tenant_id == tenant_id,
                wd.c.endpoint_id == endpoint_id,
                wd.c.status == str(DeliveryStatus.PENDING),
            )
            .values(status=str(DeliveryStatus.CANCELLED))
        )


async def due_deliveries(tx: Transaction, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    """(tenant, delivery) of attempts due by ``now``, over every tenant (ids only)."""
    rows = await tx.connection.execute(
        text("SELECT tenant_id, delivery_id FROM webhook_deliveries_due(:now, :limit)"),
        {"now": now, "limit": limit},
    )
    return [(r.tenant_id, r.delivery_id) for r in rows]


async def outcomes(tx: Transaction) -> dict[str, int]:
    rows = await tx.connection.execute(
        text("SELECT status, attempts FROM webhook_delivery_outcomes()")
    )
    return {r.status: int(r.attempts) for r in rows}
