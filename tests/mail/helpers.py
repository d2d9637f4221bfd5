from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from sqlalchemy import text

from api.worker import Worker
from persistence.database import Database


async def messages(db: Database, tenant_id: UUID) -> list:
    async with db.transaction(tenant_id=tenant_id) as tx:
        rows = await tx.connection.execute(
            text("SELECT * FROM mail_messages ORDER BY created_at, id")
        )
        return list(rows)


async def run_resets(worker: Worker) -> int:
    """Run the queued reset requests (``mail.password_reset`` jobs) the test made, as the
    worker would, on the test's connection; how many."""
    async with worker.db.transaction() as tx:
        rows = list(
            await tx.connection.execute(
                text(
                    "DELETE FROM jobs.pgqueuer WHERE entrypoint = 'mail.password_reset' "
                    "AND status = 'queued' RETURNING id, payload"
                )
            )
        )
        await tx.commit()
    for row in sorted(rows, key=lambda r: r.id):
        await worker.prepare_reset(json.loads(row.payload))
    return len(rows)


async def send_due(worker: Worker, tenant_id: UUID) -> list[str]:
    """Run the queued reset requests, then the worker's ``mail.send`` for every pending
    message of the tenant, as their jobs would, on the test's connection."""
    await run_resets(worker)
    outcomes = []
    for row in await messages(worker.db, tenant_id):
        if row.status == "pending":
            outcomes.append(str(await worker.mail.deliver(tenant_id, row.id)))
    return outcomes


LINK = re.compile(r"https?://\S+")


def link_in(text_part: str, marker: str) -> str:
    [found] = [m for m in LINK.findall(text_part) if marker in m]
    return found


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


async def prefer(db: Database, world, role: str, kind: str, enabled: bool) -> None:
    """Set one member's notification preference, as the preferences route would."""
    from persistence.mail.repositories import SqlNotificationPreferences

    async with db.transaction(tenant_id=world.tenant.id) as tx:
        await SqlNotificationPreferences(tx).set(
            world.tenant.id, world.users[role].id, kind, enabled
        )
        await tx.commit()
