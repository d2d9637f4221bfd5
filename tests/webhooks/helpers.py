"""Webhook tests' helpers: settings that let the guard reach a loopback receiver, an
endpoint made over HTTP, and the worker's steps run one by one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from standardwebhooks.webhooks import Webhook

from api.worker import Worker
from domain.kernel import clock
from persistence.database import Database
from tests.receiver import Received

# A public address written as a literal: saved without any DNS look-up.
PUBLIC_URL = "https://93.184.215.14/hook"
LOCAL = {"outbound_allow_loopback": True, "outbound_timeout_seconds": 2.0}


def hooks_url(world: Any, *rest: object) -> str:
    return "/".join([f"/v1/tenants/{world.slug}/webhooks", *(str(r) for r in rest)])


async def create(
    client: Any,
    world: Any,
    url: str = PUBLIC_URL,
    types: tuple[str, ...] = ("comment.created", "post.published"),
    who: str = "owner",
    **extra: object,
) -> dict[str, Any]:
    answer = await client.post(
        hooks_url(world),
        json={"url": url, "event_types": list(types), **extra},
        headers=world.headers[who],
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def pending(db: Database, tenant_id: UUID, *, due_by: datetime | None = None) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        rows = await tx.connection.execute(
            text(
                "SELECT id, endpoint_id, event_type, attempt, due_at FROM webhook_deliveries "
                "WHERE status = 'pending' AND due_at <= :now ORDER BY created_at, id"
            ),
            {"now": due_by or clock.now()},
        )
        return list(rows)


async def attempts(db: Database, tenant_id: UUID) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        rows = await tx.connection.execute(
            text("SELECT * FROM webhook_deliveries ORDER BY created_at, attempt, id")
        )
        return list(rows)


async def run_worker(worker: Worker, tenant_id: UUID) -> list[str]:
    """Dispatch the tenant's events, then send every attempt that is due: what a worker
    does with its jobs, step by step on the test's connection."""
    await worker.dispatch(tenant_id)
    outcomes = []
    for row in await pending(worker.db, tenant_id):
        outcome = await worker.webhooks.deliver(tenant_id, row.id)
        outcomes.append(str(outcome))
    return outcomes


def verified(secret: str, got: Received) -> dict[str, Any]:
    """The reference library's check of what the receiver got (it raises otherwise)."""
    return dict(Webhook(secret).verify(got.body, got.headers))
