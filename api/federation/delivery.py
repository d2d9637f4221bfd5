"""Delivering a blog's activities to its followers: the worker's part.

- ``plan`` runs in the outbox dispatch's transaction: a ``post.published`` sends a
  ``Create`` of the post's Article, ``post.updated`` an ``Update``, ``post.unpublished``
  and ``post.deleted`` a ``Delete`` (of a Tombstone). One attempt per inbox: followers on
  a server that offers a shared inbox get one delivery there, whatever their number.
  Followers on a blocked domain get nothing.
- ``deliver`` runs one attempt (a ``federation.deliver`` job): the row is locked
  (``FOR UPDATE SKIP LOCKED``), the body signed with the blog's key (RFC 9421 first,
  draft-cavage when the server answers that with 400 or 401, the accepted scheme
  remembered per server: ``Knocks``), sent through the outbound guard, and the outcome recorded with the
  inbox's health (failures in a row, failing since). A failed attempt is tried again
  after ``RETRY_DELAYS`` by the domain's clock (the sweep queues it); 410 Gone drops the
  inbox's followers at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from uuid import UUID

import httpx
import structlog

from api.adapters import http_signatures, outbound_http
from api.adapters.federation_keys import KeyBox, new_key_pair
from api.adapters.http_signatures import Knocks, Signer
from api.federation.actors import article_source, blog_actor, federated
from api.settings import Settings
from domain.federation import model
from domain.federation.model import DeliveryStatus, is_blocked, retry_delay
from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from persistence.database import Database, Transaction
from persistence.federation.repositories import (
    SqlFederationStore,
    due_deliveries,
    enqueue_delivery,
    site_of,
)

log = structlog.get_logger("causerie.federation")

SWEEP_BATCH = 500
_KINDS = {
    EventType.POST_PUBLISHED: "Create",
    EventType.POST_UPDATED: "Update",
    EventType.POST_UNPUBLISHED: "Delete",
    EventType.POST_DELETED: "Delete",
}


async def key_pair(
    store: SqlFederationStore, box: KeyBox, tenant_id: UUID, blog_id: UUID
) -> tuple[str, str]:
    found = await store.key_of(blog_id)
    if found is None:
        public, private = await asyncio.to_thread(new_key_pair)
        await store.add_key(blog_id, public, box.seal(private, tenant_id, blog_id), clock.now())
        found = await store.key_of(blog_id)
        assert found is not None
    return found[0], box.open(found[1], tenant_id, blog_id)


class FederationSender:
    def __init__(self, db: Database, settings: Settings, box: KeyBox):
        self.db, self.settings, self.box = db, settings, box
        self._room = asyncio.Semaphore(max(1, settings.db_pool_size - 2))
        self.knocks = Knocks()

    async def _actor(self, tx: Transaction, store: SqlFederationStore, blog_id: UUID) -> Any:
        site = await site_of(tx)
        blog = await store.blog_by_id(blog_id)
        if site is None or blog is None:
            return None, None
        assert tx.tenant_id is not None
        public, private = await key_pair(store, self.box, tx.tenant_id, blog_id)
        actor = blog_actor(
            base=self.settings.base_url,
            tenant_id=tx.tenant_id,
            tenant_slug=site.slug,
            branding=site.branding,
            blog=blog,
            public_pem=public,
        )
        return actor, (site, private)

    async def plan(self, tx: Transaction, event: DomainEvent) -> None:
        """The event's deliveries to the blog's followers (an outbox consumer)."""
        kind = _KINDS.get(event.type)
        if kind is None:
            return
        store = SqlFederationStore(tx)
        blog_id = UUID(str(event.payload["blog_id"]))
        followers = await store.followers(blog_id)
        if not followers:
            return
        actor, extra = await self._actor(tx, store, blog_id)
        if actor is None or not federated(extra[0].features):
            return
        post_id = UUID(str(event.payload["post_id"]))
        now = clock.now()
        activity: dict[str, Any]
        if kind == "Delete":
            tombstone = {"id": model.article_id(actor, post_id), "type": "Tombstone"}
            activity = model.wrap(
                actor, "Delete", tombstone, f"{tombstone['id']}#delete-{event.id}"
            )
        else:
            row = await store.public_post(blog_id, post_id, now)
            if row is None:
                return
            source = article_source(self.settings.base_url, extra[0].slug, actor.slug, row)
            if kind == "Create":
                activity = model.create_of(actor, source)
            else:
                activity = model.wrap(
                    actor,
                    "Update",
                    model.article(actor, source),
                    f"{model.article_id(actor, post_id)}#update-{event.id}",
                )
        blocked = await store.blocked_domains()
        inboxes = dict.fromkeys(
            f.shared_inbox or f.inbox for f in followers if not is_blocked(f.domain, blocked)
        )
        for inbox in inboxes:
            await store.queue_delivery(blog_id, inbox, kind, activity, now)

    async def sweep(self) -> int:
        """Queue every attempt that is due by the domain's clock (retries, mostly)."""
        async with self.db.transaction() as tx:
            due = await due_deliveries(tx, clock.now(), SWEEP_BATCH)
            for tenant_id, delivery_id in due:
                await enqueue_delivery(tx, tenant_id, delivery_id)
            await tx.commit()
        return len(due)

    async def deliver(self, tenant_id: UUID, delivery_id: UUID) -> DeliveryStatus | None:
        async with self._room:
            return await self._deliver(tenant_id, delivery_id)

    async def _deliver(self, tenant_id: UUID, delivery_id: UUID) -> DeliveryStatus | None:
        async with self.db.transaction(tenant_id=tenant_id) as tx:
            store = SqlFederationStore(tx)
            row = await store.claim(delivery_id)
            now = clock.now()
            if row is None or row.due_at > now:
                return None
            if is_blocked(row.domain, await store.blocked_domains()):
                await store.record_attempt(
                    delivery_id, DeliveryStatus.CANCELLED, now, None, "The domain is blocked."
                )
                await tx.commit()
                return DeliveryStatus.CANCELLED
            actor, extra = await self._actor(tx, store, row.blog_id)
            if actor is None:
                await store.record_attempt(
                    delivery_id, DeliveryStatus.CANCELLED, now, None, "The blog is gone."
                )
                await tx.commit()
                return DeliveryStatus.CANCELLED
            body = row.body.encode()
            status: int | None = None
            error: str | None = None
            signer = Signer(actor.key_id, extra[1])

            async def send(scheme: str) -> tuple[int, None]:
                headers = http_signatures.sign(scheme, signer, "POST", row.inbox, body, clock.now())
                headers["Content-Type"] = model.CONTENT_TYPE
                headers["Accept"] = model.CONTENT_TYPE
                answer = await outbound_http.post(
                    row.inbox, headers=headers, content=body, policy=self.settings.outbound_policy
                )
                return answer.status, None

            scheme: str | None = None
            try:
                knocked = await http_signatures.double_knock(self.knocks, row.inbox, send)
                status, scheme = knocked.status, knocked.scheme
                if not 200 <= status < 300:
                    error = f"The inbox answered {status}."
            except outbound_http.OutboundRefused as refused:
                error = f"{refused.code}: {refused.detail}"
            except TimeoutError:
                error = "timeout: no complete answer in time."
            except (httpx.HTTPError, OSError) as failed:
                error = f"{type(failed).__name__}: {failed}"
            ok = error is None
            outcome = DeliveryStatus.SUCCEEDED if ok else DeliveryStatus.FAILED
            await store.record_attempt(delivery_id, outcome, now, status, error)
            await store.inbox_outcome(row.inbox, ok, now, error)
            if status == 410:
                await store.remove_inbox_followers(row.inbox)
            elif not ok:
                delay = retry_delay(row.attempt)
                if delay is not None:
                    await store.retry(row, now + delay)
            await tx.commit()
        log.info(
            "federation delivery",
            tenant_id=str(tenant_id),
            delivery_id=str(delivery_id),
            inbox=row.inbox,
            status=str(outcome),
            response_status=status,
            attempt=row.attempt,
            signature=scheme,
        )
        return outcome

    async def run_delivery(self, payload: dict[str, Any]) -> None:
        await self.deliver(UUID(payload["tenant_id"]), UUID(payload["delivery_id"]))


def read_payload(raw: bytes | None) -> dict[str, Any]:
    return dict(json.loads(raw or b"{}"))
