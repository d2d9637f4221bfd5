"""Sending mail: the worker's part.

``deliver`` runs one attempt (a ``mail.send`` job): it locks the message's row
(``FOR UPDATE SKIP LOCKED``: two workers never send one message, and a message that was
sent is never claimed again), builds the MIME message, hands it to the SMTP server and
records the outcome in the same transaction. A refused, timed-out or dropped exchange
schedules the next attempt by the domain's clock (``RETRY_DELAYS``, with jitter); the
sweep queues it when it is due. A worker that dies mid-send leaves the row pending and
unlocked, and its job is claimed again after the lease: at least once, never again after
a recorded success.
"""

from __future__ import annotations

import asyncio
import random
from uuid import UUID

import structlog

from api.adapters import smtp
from api.mail.compose import Site, Unsendable, compose, site_url
from api.settings import Settings
from domain.kernel import clock
from domain.mail.model import MailStatus
from persistence import jobs
from persistence.database import Database
from persistence.mail.repositories import SqlMailLog, due_messages
from persistence.tenants.repositories import SqlTenantRepository

log = structlog.get_logger("causerie.mail")

SWEEP_BATCH = 500


class MailSender:
    def __init__(self, db: Database, settings: Settings, key: bytes = b""):
        self.db, self.settings, self.key = db, settings, key
        self.jitter = random.random
        self._room = asyncio.Semaphore(max(1, settings.db_pool_size - 2))

    async def sweep(self) -> int:
        """Queue every message that is due by the domain's clock (retries, mostly)."""
        async with self.db.transaction() as tx:
            due = await due_messages(tx, clock.now(), SWEEP_BATCH)
            raw = (await tx.connection.get_raw_connection()).driver_connection
            for tenant_id, message_id in due:
                await jobs.enqueue_mail(raw, tenant_id, message_id)
            await tx.commit()
        return len(due)

    async def deliver(self, tenant_id: UUID, message_id: UUID) -> MailStatus | None:
        """Send one pending message; its status after the attempt, or None when there
        was nothing to do (sent already, held by another worker, or not due yet)."""
        async with self._room:
            return await self._deliver(tenant_id, message_id)

    async def _deliver(self, tenant_id: UUID, message_id: UUID) -> MailStatus | None:
        async with self.db.transaction(tenant_id=tenant_id) as tx:
            mail_log = SqlMailLog(tx)
            message = await mail_log.claim(message_id)
            now = clock.now()
            if message is None or message.due_at > now:
                return None
            tenants = SqlTenantRepository(tx.connection)
            tenant = await tenants.get(tenant_id)
            assert tenant is not None  # deleting a tenant deletes its messages
            hosts = [host for _, host in await tenants.domains(tenant_id)]
            site = Site(tenant, site_url(self.settings, tenant, hosts))
            try:
                mime = compose(self.settings, site, message, self.key)
            except Unsendable as refused:
                message.failed(f"unsendable: {refused}", now, self.jitter())
                message.status, message.secret = MailStatus.FAILED, None  # never retried
            else:
                try:
                    await smtp.send(mime, self.settings)
                except smtp.NoMailServer as missing:
                    message.failed(f"no_server: {missing}", now, self.jitter())
                except smtp.SEND_ERRORS as failed:
                    message.failed(f"{type(failed).__name__}: {failed}", now, self.jitter())
                else:
                    message.sent(str(mime["Message-ID"]), now)
            await mail_log.record(message)
            await tx.commit()
        log.info(
            "mail attempt",
            tenant_id=str(tenant_id),
            message_id=str(message_id),
            template=message.template,
            status=str(message.status),
            attempts=message.attempts,
        )
        return message.status
