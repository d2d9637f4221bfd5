"""Sending webhooks: the worker's part.

- ``plan`` runs in the outbox dispatch's transaction: one pending attempt per enabled
  endpoint subscribed to the event, and its job, committed with the event's dispatch.
- ``deliver`` runs one attempt (a ``webhooks.deliver`` job): it locks the attempt's row
  (``FOR UPDATE SKIP LOCKED``: two workers never send one attempt), signs the body with a
  fresh timestamp, sends it through the outbound guard and records the outcome in the
  same transaction. A worker that dies mid-send leaves the row pending and unlocked, and
  its job is claimed again after the lease: at least once.
- A failed automatic attempt schedules the next one by the domain's clock
  (``RETRY_DELAYS``, with jitter); the sweep queues it when it is due. 410 disables the
  endpoint at once; an endpoint with no success for ``FAILING_WINDOW`` whose delivery has
  used up its retries is disabled, with a ``webhook.endpoint_disabled`` audit entry.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from uuid import UUID, uuid4

import httpx
import structlog

from api.adapters import outbound_http
from api.adapters.webhook_secrets import AesGcmSecretBox
from api.settings import Settings
from domain.kernel import clock
from domain.kernel.events import DomainEvent
from domain.tenants.model import AuditEntry
from domain.webhooks import signing
from domain.webhooks.model import (
    FAILING_WINDOW,
    MAX_RESPONSE_CHARS,
    DeliveryStatus,
    Endpoint,
    is_success,
    retry_delay,
)
from domain.webhooks.use_cases import envelope, first_attempt
from persistence import jobs
from persistence.database import Database, Transaction
from persistence.tenants.repositories import SqlAuditLog
from persistence.webhooks.repositories import SqlWebhookRepository, due_deliveries

log = structlog.get_logger("causerie.webhooks")

SWEEP_BATCH = 500


# Told, in the disabling transaction, that an endpoint was disabled: (tx, tenant, URL,
# reason). The worker wires the managers' mail here (the mail slice sits above this one).
OnDisabled = Callable[[Transaction, UUID, str, str], Awaitable[None]]


async def _nobody(_tx: Transaction, _tenant: UUID, _url: str, _reason: str) -> None:
    return None


class WebhookSender:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        box: AesGcmSecretBox,
        on_disabled: OnDisabled = _nobody,
    ):
        self.db, self.settings, self.box = db, settings, box
        self.on_disabled = on_disabled
        self.jitter = random.random
        # An attempt holds a pooled connection for its exchange: leave two for the
        # dispatches and the sweep, so a burst of slow receivers never drains the pool.
        self._room = asyncio.Semaphore(max(1, settings.db_pool_size - 2))

    async def plan(self, tx: Transaction, event: DomainEvent) -> None:
        """The event's first attempt to each subscribed endpoint (the outbox consumer)."""
        repo = SqlWebhookRepository(tx)
        endpoints = await repo.subscribed(event.tenant_id, str(event.type))
        if not endpoints:
            return
        body = envelope(
            event.id,
            str(event.type),
            event.tenant_id,
            event.occurred_at,
            event.version,
            dict(event.payload),
        )
        for endpoint in endpoints:
            await repo.add_delivery(
                first_attempt(endpoint, event.id, str(event.type), body), send_now=True
            )

    async def sweep(self) -> int:
        """Queue every attempt that is due by the domain's clock (retries, mostly)."""
        async with self.db.transaction() as tx:
            due = await due_deliveries(tx, clock.now(), SWEEP_BATCH)
            raw = (await tx.connection.get_raw_connection()).driver_connection
            for tenant_id, delivery_id in due:
                await jobs.enqueue_delivery(raw, tenant_id, delivery_id)
            await tx.commit()
        return len(due)

    async def deliver(self, tenant_id: UUID, delivery_id: UUID) -> DeliveryStatus | None:
        """Send one pending attempt; its outcome, or None when there was nothing to do
        (sent already, held by another worker, or not due yet)."""
        async with self._room:
            return await self._deliver(tenant_id, delivery_id)

    async def _deliver(self, tenant_id: UUID, delivery_id: UUID) -> DeliveryStatus | None:
        async with self.db.transaction(tenant_id=tenant_id) as tx:
            repo = SqlWebhookRepository(tx)
            delivery = await repo.claim(delivery_id)
            now = clock.now()
            if delivery is None or delivery.due_at > now:
                return None
            # Not locked for the exchange: attempts to one endpoint go out side by side.
            endpoint = await repo.endpoint(tenant_id, delivery.endpoint_id)
            assert endpoint is not None  # deleting an endpoint deletes its deliveries
            if not endpoint.enabled and not delivery.manual:
                delivery.status = DeliveryStatus.CANCELLED
                await repo.record_attempt(delivery)
                await tx.commit()
                return delivery.status

            secrets = await self._secrets(repo, endpoint, now)
            # The receiver checks the timestamp against its own clock: the real time.
            stamp = int(time.time())
            body = delivery.body.encode()
            headers = signing.headers(secrets, str(delivery.event_id), stamp, body)
            started = time.perf_counter()
            status: int | None = None
            answer = ""
            error: str | None = None
            try:
                response = await outbound_http.post(
                    endpoint.url,
                    headers=headers,
                    content=body,
                    policy=self.settings.outbound_policy,
                )
                status = response.status
                answer = response.body[:MAX_RESPONSE_CHARS].decode("utf-8", "replace")
                if not is_success(status):
                    error = f"The receiver answered {status}."
            except outbound_http.OutboundRefused as refused:
                error = f"{refused.code}: {refused.detail}"
            except TimeoutError:
                error = (
                    f"timeout: no complete answer within "
                    f"{self.settings.outbound_timeout_seconds:g} s."
                )
            except httpx.HTTPError as failed:
                error = f"{type(failed).__name__}: {failed}"
            except OSError as failed:
                error = f"connection_failed: {failed}"

            delivery.attempted_at = now
            delivery.duration_ms = round((time.perf_counter() - started) * 1000)
            delivery.response_status = status
            delivery.response_body = answer or None
            delivery.error = error
            shown = {k: v for k, v in headers.items() if k != "webhook-signature"}
            shown["webhook-signature"] = f"({len(secrets)} signature(s), not kept)"
            delivery.request_headers = json.dumps(shown)
            # The endpoint as it is now, locked for the rest of this short tail.
            endpoint = await repo.endpoint(tenant_id, delivery.endpoint_id, lock=True) or endpoint
            if is_success(status):
                delivery.status = DeliveryStatus.SUCCEEDED
                if endpoint.failing_since is not None:
                    endpoint.failing_since = None
                    await repo.update_endpoint(endpoint)
            else:
                delivery.status = DeliveryStatus.FAILED
                await self._failed(tx, repo, endpoint, delivery, now)
            await repo.record_attempt(delivery)
            await tx.commit()
        log.info(
            "webhook attempt",
            tenant_id=str(tenant_id),
            delivery_id=str(delivery_id),
            status=str(delivery.status),
            response_status=status,
            attempt=delivery.attempt,
        )
        return delivery.status

    async def _secrets(
        self, repo: SqlWebhookRepository, endpoint: Endpoint, now: object
    ) -> list[str]:
        current, previous, expires = await repo.sealed_secrets(endpoint.tenant_id, endpoint.id)
        found = [self.box.open(current, endpoint.tenant_id, endpoint.id)]
        if previous is not None and expires is not None and expires > now:  # type: ignore[operator]
            found.append(self.box.open(previous, endpoint.tenant_id, endpoint.id))
        return found

    async def _failed(self, tx, repo, endpoint, delivery, now) -> None:  # type: ignore[no-untyped-def]
        if delivery.response_status == 410:
            await self._disable(tx, repo, endpoint, "The receiver answered 410 Gone.", now)
            return
        if endpoint.failing_since is None:
            endpoint.failing_since = now
            await repo.update_endpoint(endpoint)
        if delivery.manual:
            return  # a resend or a test is not retried
        delay = retry_delay(delivery.attempt, self.jitter())
        if delay is not None:
            delivery.next_attempt_at = now + delay
            retry = first_attempt(endpoint, delivery.event_id, delivery.event_type, delivery.body)
            retry.attempt = delivery.attempt + 1
            retry.due_at = delivery.next_attempt_at
            await repo.add_delivery(retry, send_now=False)
        elif endpoint.failing_since <= now - FAILING_WINDOW:
            await self._disable(
                tx,
                repo,
                endpoint,
                "No delivery succeeded for three days and the retries ran out.",
                now,
            )

    async def _disable(self, tx, repo, endpoint, reason, now) -> None:  # type: ignore[no-untyped-def]
        endpoint.enabled = False
        endpoint.disabled_reason = reason[:200]
        endpoint.updated_at = now
        await repo.update_endpoint(endpoint)
        await repo.cancel_pending(endpoint.tenant_id, endpoint.id)
        await SqlAuditLog(tx.connection).record(
            AuditEntry(
                id=uuid4(),
                tenant_id=endpoint.tenant_id,
                actor_user_id=None,
                actor_key_id=None,
                action="webhook.endpoint_disabled",
                target_type="webhook",
                target_id=str(endpoint.id),
                details={"reason": reason, "url": endpoint.url},
                request_id=None,
                created_at=now,
            )
        )
        await self.on_disabled(tx, endpoint.tenant_id, endpoint.url, reason)
