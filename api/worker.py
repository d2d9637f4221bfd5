"""The worker: takes the outbox's events to their consumers, off the request path.

Jobs live in pgqueuer's queue (``persistence/jobs.py``). A commit with events enqueues
one ``events.dispatch`` job per tenant in its own transaction; the worker's sweep, every
``worker_poll_seconds``, enqueues one for each tenant whose events became due since (a
post scheduled for 10:00 is announced at the first sweep after 10:00 by the domain's
clock). A dispatch runs as the app role in its tenant's context, so row-level security
holds for the worker as for a request.

The queue's listening connection is one asyncpg connection. When the server goes away
(a restart, a failover) that connection is dead for good: ``serve`` notices (its
termination, an error out of the queue manager, or the manager's listener health check),
stops the manager, and starts again on a new connection once the server answers. Jobs
claimed when the connection died are taken again after their lease.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
import structlog
from pgqueuer.domain.types import QueueExecutionMode
from pgqueuer.models import Job
from pgqueuer.qm import QueueManager

from api.bootstrap import Services, federation_box, mail_key, webhook_box
from api.federation.delivery import FederationSender
from api.federation.delivery import read_payload as federation_payload
from api.imports import runner as imports
from api.mail import notifications
from api.mail.digest import ModerationDigest
from api.mail.sending import MailSender
from api.portability.worker import ExportRunner
from api.settings import Settings
from api.webhooks.delivery import WebhookSender
from api.webmention.receiving import MentionVerifier
from api.webmention.sending import PingSender
from auth.secrets import new_token, token_hash
from domain.kernel import clock
from domain.kernel.errors import NotFound
from domain.kernel.events import DomainEvent, EventType
from domain.mail import use_cases as mail_use_cases
from domain.mail.model import ResetPage
from persistence import jobs, outbox
from persistence.database import Database, Transaction
from persistence.federation.repositories import DELIVER as FEDERATION_DELIVER
from persistence.posts.repositories import SqlPostRepository
from persistence.uow import SqlUnitOfWork
from persistence.webmention.repositories import PING as WEB_PING
from persistence.webmention.repositories import RECEIVE as WEBMENTION_RECEIVE

log = structlog.get_logger("causerie.worker")

# What is done with each dispatched event, in the dispatch's transaction. Webhooks plan
# their deliveries there (always); tests add consumers of their own.
Consumer = Callable[[Transaction, DomainEvent], Awaitable[None]]

BATCH = 100

# What a lost queue connection raises, from the socket up: InternalClientError is the
# protocol finding the connection mid-operation after a restart cut it ("cannot switch
# to state 12; another operation (2) is in progress").
CONNECTION_TROUBLE = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)


class Worker:
    def __init__(
        self, db: Database, settings: Settings, consumers: Sequence[Consumer] = ()
    ) -> None:
        self.db, self.settings = db, settings
        self.webhooks = WebhookSender(
            db, settings, webhook_box(settings), on_disabled=notifications.webhook_disabled
        )
        self.federation = FederationSender(db, settings, federation_box(settings))
        self.mail = MailSender(db, settings, mail_key(settings))
        self.mentions = MentionVerifier(db, settings)
        self.pings = PingSender(db, settings)
        self.digests = ModerationDigest(db)
        self.consumers: list[Consumer] = [
            self.webhooks.plan,
            notifications.plan,
            self.federation.plan,
            self.pings.plan,
            *consumers,
        ]
        self.exports = ExportRunner(db, settings)
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The adapters an import needs (built on first use: most workers never import)."""
        if self._services is None:
            self._services = Services.from_settings(self.settings)
        return self._services

    async def dispatch(self, tenant_id: UUID) -> int:
        """Hand the tenant's due events to the consumers; how many were taken."""
        taken = 0
        while True:
            async with self.db.transaction(tenant_id=tenant_id) as tx:
                now = clock.now()
                events = await outbox.take_due(tx, now, BATCH)
                for event in events:
                    if await still_due(tx, event, now):
                        for consume in self.consumers:
                            await consume(tx, event)
                await outbox.mark_dispatched(tx, [e.id for e in events], now)
                await tx.commit()
            taken += len(events)
            if len(events) < BATCH:
                return taken

    async def sweep(self) -> int:
        """Enqueue a dispatch for every tenant with events due by the domain's clock,
        and a job for every webhook attempt and mail message that became due (retries);
        plan the moderators' digests that are due."""
        async with self.db.transaction() as tx:
            tenants = await outbox.tenants_with_due_events(tx, clock.now())
            raw = (await tx.connection.get_raw_connection()).driver_connection
            for tenant_id in tenants:
                await jobs.enqueue_dispatch(raw, tenant_id)
            await tx.commit()
        return (
            len(tenants)
            + await self.webhooks.sweep()
            + await self.mail.sweep()
            + await self.federation.sweep()
            + await self.pings.sweep()
            + await self.digests.sweep()
        )

    async def run_job(self, job: Job) -> None:
        tenant_id = UUID(jobs.read_payload(job.payload)["tenant_id"])
        taken = await self.dispatch(tenant_id)
        log.info("dispatched", tenant_id=str(tenant_id), events=taken, job_id=job.id)

    async def run_delivery(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.webhooks.deliver(UUID(payload["tenant_id"]), UUID(payload["delivery_id"]))

    async def run_export(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.exports.run(UUID(payload["tenant_id"]), UUID(payload["export_id"]))

    async def run_import(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        done = await imports.run(
            self.db,
            self.services,
            UUID(payload["tenant_id"]),
            UUID(payload["import_id"]),
        )
        log.info("imported", tenant_id=payload["tenant_id"], state=done.state.value)

    async def run_mail(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.mail.deliver(UUID(payload["tenant_id"]), UUID(payload["message_id"]))

    async def run_reset(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.prepare_reset(payload)

    async def prepare_reset(self, payload: dict[str, Any]) -> None:
        """A reset request taken off the request path: look the address up and, if it has
        an account on the site, mint the token and queue the mail."""
        token = new_token()
        try:
            async with SqlUnitOfWork(self.db) as uow:
                await mail_use_cases.request_password_reset(
                    uow,
                    str(payload["tenant"]),
                    str(payload["email"]),
                    token,
                    token_hash(token),
                    timedelta(seconds=self.settings.password_reset_ttl_seconds),
                    self.settings.password_resets_per_address_per_hour,
                    # A job queued before the page was recorded leads to the site's page.
                    ResetPage(payload.get("page", ResetPage.SITE)),
                )
        except NotFound:
            log.info("reset for a site that is gone", tenant_id=payload.get("tenant_id"))

    async def run_federation_delivery(self, job: Job) -> None:
        await self.federation.run_delivery(federation_payload(job.payload))

    async def run_webmention(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.mentions.verify(UUID(payload["tenant_id"]), UUID(payload["mention_id"]))

    async def run_web_ping(self, job: Job) -> None:
        payload = jobs.read_payload(job.payload)
        await self.pings.ping(UUID(payload["tenant_id"]), UUID(payload["ping_id"]))

    def queue_manager(self, connection: asyncpg.Connection) -> QueueManager:
        manager = QueueManager(jobs.queries(connection))
        manager.entrypoint(jobs.DISPATCH)(self.run_job)
        manager.entrypoint(jobs.DELIVER)(self.run_delivery)
        manager.entrypoint(jobs.EXPORT)(self.run_export)
        manager.entrypoint(jobs.IMPORT)(self.run_import)
        manager.entrypoint(jobs.MAIL)(self.run_mail)
        manager.entrypoint(jobs.RESET)(self.run_reset)
        manager.entrypoint(FEDERATION_DELIVER)(self.run_federation_delivery)
        manager.entrypoint(WEBMENTION_RECEIVE)(self.run_webmention)
        manager.entrypoint(WEB_PING)(self.run_web_ping)
        return manager

    async def run(self, connection: asyncpg.Connection, *, drain: bool = False) -> None:
        """Work until cancelled (or, with ``drain``, until the queue is empty)."""
        manager = self.queue_manager(connection)
        sweeping = asyncio.create_task(self._sweep_forever()) if not drain else None
        try:
            await manager.run(
                dequeue_timeout=timedelta(seconds=self.settings.worker_poll_seconds),
                batch_size=self.settings.worker_concurrency,
                mode=QueueExecutionMode.drain if drain else QueueExecutionMode.continuous,
                heartbeat_timeout=timedelta(seconds=self.settings.worker_lease_seconds),
            )
        finally:
            if sweeping is not None:
                sweeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeping

    async def serve(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Work until cancelled, on a new queue connection each time one is lost."""
        sweeping = asyncio.create_task(self._sweep_forever())
        try:
            while True:
                try:
                    connection = await connect()
                except CONNECTION_TROUBLE:
                    log.warning("queue connection refused: retrying")
                    await sleep(self.settings.worker_poll_seconds)
                    continue
                try:
                    await self._work_on(connection)
                except CONNECTION_TROUBLE:
                    log.warning("queue connection lost: reconnecting", exc_info=True)
                finally:
                    connection.terminate()  # already dead, or to be replaced: no goodbye
                await sleep(self.settings.worker_poll_seconds)
        finally:
            sweeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeping

    async def _work_on(self, connection: asyncpg.Connection) -> None:
        """Run the queue manager on ``connection`` until that connection is lost."""
        manager = self.queue_manager(connection)
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        stopping = asyncio.create_task(_when(lost, manager.shutdown.set))
        try:
            await manager.run(
                dequeue_timeout=timedelta(seconds=self.settings.worker_poll_seconds),
                batch_size=self.settings.worker_concurrency,
                heartbeat_timeout=timedelta(seconds=self.settings.worker_lease_seconds),
                shutdown_on_listener_failure=True,
            )
        finally:
            stopping.cancel()
        if lost.is_set() or connection.is_closed():
            raise asyncpg.InterfaceError("the queue connection was lost")

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # a database restart: try again at the next tick
                log.exception("sweep failed")
            await asyncio.sleep(self.settings.worker_poll_seconds)


async def _when(event: asyncio.Event, then: Callable[[], object]) -> None:
    await event.wait()
    then()


async def still_due(tx: Transaction, event: DomainEvent, now: object) -> bool:
    """A scheduled post's ``post.published`` goes out only if the post is still public
    when its time comes (it may have been unpublished or deleted meanwhile)."""
    if event.type is not EventType.POST_PUBLISHED:
        return True
    post = await SqlPostRepository(tx).get(UUID(str(event.payload["post_id"])))
    return post is not None and post.is_public(clock.now())
