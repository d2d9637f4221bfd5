"""Telling other servers about a post: Webmentions to the pages it links to, and WebSub
publish pings to the configured hubs. The worker's part, like federation's deliveries.

- ``plan`` runs in the outbox dispatch's transaction: ``post.published`` and
  ``post.updated`` of a public post queue, on a site whose plan has the ``federation``
  feature, one ``webmention`` ping per distinct http(s) page the post's body links to
  (at most ``MAX_TARGETS``, our own host left out), with the post's page as the source;
  and, on every site, one ``websub`` ping per hub in ``websub_hubs`` for each Atom feed
  the post is in (the site's and its blog's).
- ``ping`` runs one attempt (a ``web.ping`` job), the row locked ``FOR UPDATE SKIP
  LOCKED``. A Webmention first discovers the page's endpoint (its ``Link`` header, else
  the first ``<link>`` or ``<a>`` with ``rel="webmention"``, relative URLs resolved
  against the page), then POSTs ``source`` and ``target`` form-encoded to it; a page
  without an endpoint is ``no_endpoint``, final. A WebSub ping POSTs ``hub.mode=publish``
  and ``hub.url`` (and ``hub.topic``) to the hub. Every request goes through the
  outbound guard. A 2xx is ``succeeded``; anything else ``failed``, tried again after
  1 min, 5 min, 30 min, 2 h and 12 h by the domain's clock (the sweep queues due
  attempts), except a 4xx other than 408 and 429, which will not get better.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from uuid import UUID

import httpx
import structlog

from api.adapters import outbound_http, webmention_html
from api.federation.actors import federated
from api.settings import Settings
from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from domain.webmention.model import (
    MAX_TARGETS,
    PingKind,
    PingStatus,
    host_of,
    retry_delay,
)
from persistence.database import Database, Transaction
from persistence.federation.repositories import site_of
from persistence.webmention.repositories import SqlWebmentionStore, due_pings, enqueue_ping

log = structlog.get_logger("causerie.webmention")

SWEEP_BATCH = 500
USER_AGENT = "Causerie-Webmention/1.0"
FORM = "application/x-www-form-urlencoded"


def post_page(base: str, tenant: str, blog: str, slug: str) -> str:
    return f"{base.rstrip('/')}/sites/{tenant}/blogs/{quote(blog)}/{quote(slug)}"


def feeds_of(base: str, tenant: str, blog: str) -> list[str]:
    api = f"{base.rstrip('/')}/v1/sites/{tenant}"
    return [f"{api}/feed.atom", f"{api}/blogs/{quote(blog)}/feed.atom"]


def _origin(url: str) -> str:
    """Scheme-less ``host[:port]`` as compared (our own pages are no one else's)."""
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return ""


def targets_of(body_html: str, source: str, base: str) -> list[str]:
    found: list[str] = []
    ours = _origin(base)
    for url in webmention_html.links_in(body_html or "", source):
        clean = url.split("#", 1)[0]
        host = host_of(clean)
        if not clean.startswith(("http://", "https://")) or not host or _origin(clean) == ours:
            continue
        if clean not in found:
            found.append(clean)
    return found[:MAX_TARGETS]


class PingSender:
    def __init__(self, db: Database, settings: Settings):
        self.db, self.settings = db, settings
        self._room = asyncio.Semaphore(max(1, settings.db_pool_size - 2))

    async def plan(self, tx: Transaction, event: DomainEvent) -> None:
        """The event's pings (an outbox consumer)."""
        if event.type not in (EventType.POST_PUBLISHED, EventType.POST_UPDATED):
            return
        site = await site_of(tx)
        if site is None:
            return
        store = SqlWebmentionStore(tx)
        now = clock.now()
        post = await store.public_post(UUID(str(event.payload["post_id"])), now)
        if post is None:
            return
        base = self.settings.base_url
        source = post_page(base, site.slug, post.blog_slug, post.slug)
        if federated(site.features):
            for target in targets_of(post.body_html, source, base):
                await store.queue_ping(post.id, PingKind.WEBMENTION, target, source, now)
        for hub in self.settings.websub_hubs:
            for feed in feeds_of(base, site.slug, post.blog_slug):
                await store.queue_ping(post.id, PingKind.WEBSUB, hub, feed, now)

    async def sweep(self) -> int:
        async with self.db.transaction() as tx:
            due = await due_pings(tx, clock.now(), SWEEP_BATCH)
            for tenant_id, ping_id in due:
                await enqueue_ping(tx, tenant_id, ping_id)
            await tx.commit()
        return len(due)

    async def ping(self, tenant_id: UUID, ping_id: UUID) -> PingStatus | None:
        async with self._room:
            return await self._ping(tenant_id, ping_id)

    async def _ping(self, tenant_id: UUID, ping_id: UUID) -> PingStatus | None:
        async with self.db.transaction(tenant_id=tenant_id) as tx:
            store = SqlWebmentionStore(tx)
            row = await store.claim_ping(ping_id)
            now = clock.now()
            if row is None or row.due_at > now:
                return None
            if row.kind == PingKind.WEBMENTION.value:
                outcome, status, error, endpoint = await self._webmention(row.target, row.topic)
            else:
                outcome, status, error, endpoint = await self._websub(row.target, row.topic)
            await store.record_ping(ping_id, outcome, now, status, error, endpoint)
            if outcome is PingStatus.FAILED and _worth_retrying(status):
                delay = retry_delay(row.attempt)
                if delay is not None:
                    await store.retry_ping(row, now + delay, now)
            await tx.commit()
        log.info(
            "web ping",
            tenant_id=str(tenant_id),
            kind=row.kind,
            target=row.target,
            status=str(outcome),
            response_status=status,
            attempt=row.attempt,
        )
        return outcome

    async def _send(self, method: str, url: str, form: dict[str, str] | None) -> Any:
        policy = self.settings.outbound_policy
        headers = {"User-Agent": USER_AGENT}
        if form is None:
            headers["Accept"] = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
            return await outbound_http.get(url, headers=headers, policy=policy)
        headers["Content-Type"] = FORM
        return await outbound_http.post(
            url, headers=headers, content=urlencode(form).encode(), policy=policy
        )

    async def _guarded(
        self, method: str, url: str, form: dict[str, str] | None
    ) -> tuple[Any, str | None]:
        try:
            return await self._send(method, url, form), None
        except outbound_http.OutboundRefused as refused:
            return None, f"{refused.code}: {refused.detail}"
        except TimeoutError:
            return None, "timeout: no complete answer in time."
        except (httpx.HTTPError, OSError) as failed:
            return None, f"{type(failed).__name__}: {failed}"

    async def _webmention(
        self, target: str, source: str
    ) -> tuple[PingStatus, int | None, str | None, str | None]:
        page, error = await self._guarded("GET", target, None)
        if page is None:
            return PingStatus.FAILED, None, f"discovery: {error}", None
        if not 200 <= page.status < 300:
            return (
                PingStatus.FAILED,
                page.status,
                f"discovery: the page answered {page.status}.",
                None,
            )
        html = None
        if "html" in page.headers.get("content-type", "text/html"):
            html = webmention_html.decode(page.body, page.headers.get("content-type", ""))
        endpoint = webmention_html.discover_endpoint(page.headers, html, target)
        if endpoint is None:
            return PingStatus.NO_ENDPOINT, page.status, None, None
        answer, error = await self._guarded("POST", endpoint, {"source": source, "target": target})
        if answer is None:
            return PingStatus.FAILED, None, error, endpoint
        if 200 <= answer.status < 300:
            return PingStatus.SUCCEEDED, answer.status, None, endpoint
        return PingStatus.FAILED, answer.status, f"The endpoint answered {answer.status}.", endpoint

    async def _websub(
        self, hub: str, topic: str
    ) -> tuple[PingStatus, int | None, str | None, str | None]:
        form = {"hub.mode": "publish", "hub.url": topic, "hub.topic": topic}
        answer, error = await self._guarded("POST", hub, form)
        if answer is None:
            return PingStatus.FAILED, None, error, hub
        if 200 <= answer.status < 300:
            return PingStatus.SUCCEEDED, answer.status, None, hub
        return PingStatus.FAILED, answer.status, f"The hub answered {answer.status}.", hub


def _worth_retrying(status: int | None) -> bool:
    return status is None or status >= 500 or status in (408, 429)
