"""The public-read cache: each API process keeps the serialised answers (bytes, ETag,
headers) of anonymous public reads, and forgets them exactly when a committed write
changes what they show, whichever process made the write.

How a process learns of a write: the writing unit of work sends a ``pg_notify`` in its
own transaction (``persistence/public_changes.py``), which PostgreSQL delivers to every
listening process at COMMIT and never for a rollback; the writing process applies the
change to its own cache right after its commit, before it answers. Each process keeps one
connection that ``LISTEN``s. While that connection is down (a restart of the server, a
network cut), the cache is off and everything is forgotten: reads go to the database
until the connection is back, then start from empty, since notifications sent meanwhile
are lost.

What an answer depends on, and so what forgets it (``Scope``):
- ``site``: the tenant's state only — site config, blogs, one blog with its count, tags,
  author pages, feeds, sitemap. Any write of the tenant other than votes and comments
  (posts, blogs, the tenant's settings, its subscription) forgets them;
- ``list``: the same, and the activity of any of its posts (votes and comments move the
  counts and the order of the post lists);
- ``post``: the same as ``site``, and the activity of that one post (a post shows its
  rating summary and comment count; the comment thread is its comments).
A vote or a comment therefore forgets that post, its comment threads and the tenant's post
lists; nothing of other posts, and no tags, blogs or author pages.

Time is data too: a scheduled post shows from its ``published_at`` with no write. Each
tenant's state knows the earliest scheduled post still ahead (by the database's clock,
read together with the process's own so the two are compared without skew); from that
instant every answer of the tenant is forgotten, as after a write.

What is never kept: a request with an ``Authorization`` header (it is answered as before,
and may be credentialed), any answer that is not ``Cache-Control: public`` (a signed-in
reader's comment threads, held comments), errors, redirects. The key is the tenant's id,
the path and the query string; nothing else the request carries changes the bytes of a
public answer (compression and CORS headers are added outside, per request).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gzip
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, ParamSpec
from uuid import UUID

import asyncpg
from fastapi import Request, Response
from prometheus_client import Counter
from sqlalchemy import text

from api.kit.caching import answer_bytes
from persistence import public_changes
from persistence.database import Database, reads_own_writes
from persistence.posts import public_reads
from persistence.public_changes import CHANNEL, ORIGIN, PublicChange
from persistence.uow import SqlUnitOfWork

log = logging.getLogger("causerie.public_cache")

READS = Counter(
    "causerie_public_cache_reads_total",
    "Anonymous public reads, by whether the public-read cache answered them",
    ["result"],
)
HIT, MISS, BYPASS = (READS.labels(result) for result in ("hit", "miss", "bypass"))

Scope = Literal["site", "list", "post"]
MAX_ENTRIES = 20_000
# Answers smaller than this go out as they are: gzip would save a packet at most (the
# gzip middleware of api/app.py uses the same threshold).
COMPRESS_FROM_BYTES = 512
MAX_BODY_BYTES = 2 * 1024 * 1024
# The bodies kept per process, all entries together; past it, all are dropped at once.
MAX_KEPT_BYTES = 128 * 1024 * 1024
RECONNECT_SECONDS = 1.0
_FAR = datetime.max.replace(tzinfo=UTC)

_NEXT_SCHEDULED = (
    "SELECT statement_timestamp() AS db_now, ("
    "SELECT min(published_at) FROM posts WHERE tenant_id = $1 AND status = 'scheduled' "
    "AND deleted_at IS NULL AND published_at > coalesce($2::timestamptz, statement_timestamp())"
    ") AS next_at"
)

_NEXT_SCHEDULED_SQL = text(
    _NEXT_SCHEDULED.replace("$1", "CAST(:tenant AS uuid)").replace(
        "$2", "CAST(:now AS timestamptz)"
    )
)


@dataclass
class _Tenant:
    """One tenant's current generation; replaced (not edited) by a change of everything."""

    activity: int = 0
    posts: dict[UUID, int] = field(default_factory=dict)
    horizon: datetime | None = None  # the next scheduled post's time; None: not known yet
    skew: timedelta = timedelta(0)  # the database's clock minus this process's


@dataclass
class _Entry:
    tenant: _Tenant
    activity: int | None  # the tenant's activity generation (lists), or None
    post: UUID | None
    post_generation: int
    status: int
    body: bytes
    media_type: str
    headers: dict[str, str]
    gzipped: bytes | None = None  # compressed once, at its first hit that accepts gzip

    def answer(self, request: Request) -> Response:
        """The kept answer: a 304, the gzipped bytes (compressed once, not per hit as the
        gzip middleware would), or the bytes as they are."""
        if (
            len(self.body) < COMPRESS_FROM_BYTES
            or "gzip" not in request.headers.get("accept-encoding", "")
            or "if-none-match" in request.headers
        ):
            return answer_bytes(request, self.body, self.media_type, self.headers)
        if self.gzipped is None:
            self.gzipped = gzip.compress(self.body, compresslevel=9, mtime=0)
        vary = self.headers.get("Vary")
        headers = {
            **self.headers,
            "Content-Encoding": "gzip",
            "Vary": f"{vary}, Accept-Encoding" if vary else "Accept-Encoding",
        }
        return Response(self.gzipped, media_type=self.media_type, headers=headers)


@dataclass(frozen=True)
class _Snapshot:
    tenant: _Tenant
    activity: int


class PublicCache:
    def __init__(
        self,
        db: Database,
        *,
        dsn: str | None,
        forget_site: Callable[[UUID | None], None],
        max_entries: int = MAX_ENTRIES,
    ) -> None:
        """``dsn``: where to LISTEN (None: this process is the only writer, as in tests)."""
        self._db, self._dsn = db, dsn
        self._forget_site = forget_site
        self._max = max_entries
        self._entries: dict[tuple[UUID, str, str], _Entry] = {}
        self._kept_bytes = 0
        self._tenants: dict[UUID, _Tenant] = {}
        self._listener: asyncpg.Connection | None = None
        self._keeper: asyncio.Task[None] | None = None
        self._stopping = False
        self.live = False
        self.hits = self.misses = 0

    # --- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        public_changes.subscribe(self.apply)
        if self._dsn is None:
            self.live = True
        else:
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                await self._listen()
            if not self.live:
                self._keeper = asyncio.create_task(self._reconnect())

    async def stop(self) -> None:
        self._stopping = True
        public_changes.unsubscribe(self.apply)
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close()
        self.live = False

    async def _listen(self) -> None:
        assert self._dsn is not None
        conn = await asyncpg.connect(self._dsn)
        conn.add_termination_listener(self._lost)
        await conn.add_listener(CHANNEL, self._notified)
        self._listener = conn
        self._drop_everything()  # whatever was missed while not listening
        self.live = True

    def _lost(self, _conn: object) -> None:
        self.live = False
        self._drop_everything()
        if not self._stopping and (self._keeper is None or self._keeper.done()):
            self._keeper = asyncio.create_task(self._reconnect())

    async def _reconnect(self) -> None:
        while not self._stopping and not self.live:
            await asyncio.sleep(RECONNECT_SECONDS)
            try:
                await self._listen()
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("public cache: cannot listen yet (%s); serving uncached", exc)

    def _notified(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        origin, change = PublicChange.parse(payload)
        if origin != ORIGIN:  # our own changes were applied at commit
            self.apply(change)

    # --- invalidation -------------------------------------------------------------------

    def _drop_everything(self) -> None:
        if self._db.replica is not None:
            self._db.replica.note_change(None)
        self._entries.clear()
        self._kept_bytes = 0
        self._tenants.clear()
        self._forget_site(None)

    def apply(self, change: PublicChange) -> None:
        if self._db.replica is not None:
            # What is cached next for this tenant is read from the primary for a while:
            # the replica may not have replayed this change yet.
            self._db.replica.note_change(change.tenant_id)
        if change.tenant_id is None:
            self._drop_everything()
            return
        if change.posts is None:
            self._tenants.pop(change.tenant_id, None)  # its entries all point to the old one
            self._forget_site(change.tenant_id)
            return
        tenant = self._tenants.get(change.tenant_id)
        if tenant is None:
            return  # nothing kept for it
        tenant.activity += 1
        for post in change.posts:
            tenant.posts[post] = tenant.posts.get(post, 0) + 1

    # --- reads --------------------------------------------------------------------------

    @staticmethod
    def _now(tenant: _Tenant) -> datetime:
        injected = public_reads.clock()
        return injected if injected is not None else datetime.now(UTC) + tenant.skew

    def _current(self, tenant_id: UUID) -> _Tenant | None:
        """The tenant's state if still current by the clock (else it is dropped)."""
        tenant = self._tenants.get(tenant_id)
        if tenant is None or tenant.horizon is None:
            return tenant
        if self._now(tenant) >= tenant.horizon:
            self._tenants.pop(tenant_id, None)
            return None
        return tenant

    def lookup(self, tenant_id: UUID, path: str, query: str) -> _Entry | None:
        entry = self._entries.get((tenant_id, path, query))
        if entry is None:
            return None
        tenant = self._current(tenant_id)
        if (
            tenant is not entry.tenant
            or (entry.activity is not None and entry.activity != tenant.activity)
            or (entry.post is not None and tenant.posts.get(entry.post, 0) != entry.post_generation)
        ):
            self._forget((tenant_id, path, query))
            return None
        return entry

    def _forget(self, key: tuple[UUID, str, str]) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._kept_bytes -= len(entry.body)

    async def snapshot(self, tenant_id: UUID, uow: SqlUnitOfWork | None = None) -> _Snapshot | None:
        """The tenant's generation before a read runs; None when it cannot be kept.
        ``uow``: the read's own transaction, if it has one open already."""
        tenant = self._current(tenant_id)
        if tenant is None:
            tenant = _Tenant()
            self._tenants[tenant_id] = tenant
        if tenant.horizon is None:
            injected = public_reads.clock()
            row: Any
            if uow is not None:
                result = await uow.connection.execute(
                    _NEXT_SCHEDULED_SQL, {"tenant": tenant_id, "now": injected}
                )
                row = result.mappings().one()
            else:
                async with self._db.driver_reads(tenant_id) as conn:
                    row = await conn.fetchrow(_NEXT_SCHEDULED, tenant_id, injected)
            assert row is not None
            if self._tenants.get(tenant_id) is not tenant:
                return None  # changed while we asked
            tenant.skew = row["db_now"] - datetime.now(UTC)
            tenant.horizon = row["next_at"] or _FAR
        return _Snapshot(tenant, tenant.activity)

    def store(
        self,
        tenant_id: UUID,
        path: str,
        query: str,
        snapshot: _Snapshot,
        scope: Scope,
        post: UUID | None,
        answer: tuple[int, bytes, str, dict[str, str]],
    ) -> None:
        tenant = snapshot.tenant
        if self._tenants.get(tenant_id) is not tenant:
            return  # something changed while the read ran: its answer may be either side
        if scope != "site" and tenant.activity != snapshot.activity:
            return  # votes or comments came in meanwhile (perhaps on this very post)
        status, body, media_type, headers = answer
        if len(body) > MAX_BODY_BYTES:
            return
        key = (tenant_id, path, query)
        self._forget(key)
        if len(self._entries) >= self._max or self._kept_bytes + len(body) > MAX_KEPT_BYTES:
            self._entries.clear()
            self._kept_bytes = 0
        self._kept_bytes += len(body)
        self._entries[key] = _Entry(
            tenant=tenant,
            activity=snapshot.activity if scope == "list" else None,
            post=post if scope == "post" else None,
            post_generation=tenant.posts.get(post, 0) if post is not None else 0,
            status=status,
            body=body,
            media_type=media_type,
            headers=headers,
        )


P = ParamSpec("P")


def _site_id(kwargs: dict[str, Any]) -> UUID | None:
    site = kwargs.get("site")
    if site is None and kwargs.get("reader") is not None:
        site = kwargs["reader"].site
    return site.row.id if site is not None else None


def cached(
    scope: Scope,
) -> Callable[[Callable[P, Awaitable[Response]]], Callable[P, Awaitable[Response]]]:
    """A public read answered from the cache when it can be; its handler needs ``request``
    and ``site`` (or ``reader``) as keyword parameters, and a ``post`` scope either a
    ``post_id`` parameter or ``request.state.public_post_id`` set by the handler."""

    def decorate(handler: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
        @functools.wraps(handler)
        async def read(*args: P.args, **kwargs: P.kwargs) -> Response:
            request = kwargs["request"]
            assert isinstance(request, Request)
            cache: PublicCache | None = getattr(request.app.state, "public_cache", None)
            if (
                cache is None
                or not cache.live
                or "authorization" in request.headers
                or reads_own_writes()  # the caller's own write may be newer
            ):
                BYPASS.inc()
                return await handler(*args, **kwargs)
            tenant_id = _site_id(kwargs)
            if tenant_id is None:
                return await handler(*args, **kwargs)
            path, query = request.url.path, request.url.query
            entry = cache.lookup(tenant_id, path, query)
            if entry is not None:
                cache.hits += 1
                HIT.inc()
                return entry.answer(request)
            cache.misses += 1
            MISS.inc()
            reader = kwargs.get("reader")
            snapshot = await cache.snapshot(tenant_id, getattr(reader, "uow", None))
            response = await handler(*args, **kwargs)
            answer = getattr(request.state, "public_answer", None)
            if snapshot is not None and answer is not None and cache.live:
                post = kwargs.get("post_id") or getattr(request.state, "public_post_id", None)
                post_id = post if isinstance(post, UUID) else None
                if scope != "post" or post_id is not None:
                    cache.store(tenant_id, path, query, snapshot, scope, post_id, answer)
            return response

        return read

    return decorate
