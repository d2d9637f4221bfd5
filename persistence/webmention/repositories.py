"""Webmention's and WebSub's rows: mentions received (``webmentions``), pings sent
(``web_pings``), and what they touch (comments, the per-post reaction counts). Every
query is scoped to the transaction's tenant (and row-level security stands behind it)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from domain.webmention.model import MentionState, PingKind, PingStatus, host_of
from persistence import jobs
from persistence import tables as t
from persistence.comments.repositories import comments as _c
from persistence.database import TenantScoped, Transaction

_m, _p, _r = t.webmentions, t.web_pings, t.federation_reactions

RECEIVE = "webmention.receive"
PING = "web.ping"


class SqlWebmentionStore(TenantScoped):
    def __init__(self, tx: Transaction) -> None:
        super().__init__(tx)
        self.tx = tx

    # --- received ---------------------------------------------------------------------

    async def receive(self, post_id: UUID, source: str, target: str, now: datetime) -> UUID:
        """The mention's row, new or sent again (then checked again from the start)."""
        statement = insert(_m).values(
            tenant_id=self.tenant_id,
            id=uuid4(),
            post_id=post_id,
            source=source,
            target=target,
            domain=host_of(source)[:253],
            state=MentionState.PENDING.value,
            received_at=now,
        )
        upsert = statement.on_conflict_do_update(
            constraint="webmentions_one",
            set_={
                "target": statement.excluded.target,
                "state": MentionState.PENDING.value,
                "received_at": now,
                "error": None,
            },
        ).returning(_m.c.id)
        return UUID(str((await self.conn.execute(upsert)).scalar_one()))

    async def claim(self, mention_id: UUID) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(_m)
                .where(_m.c.tenant_id == self.tenant_id, _m.c.id == mention_id)
                .with_for_update(skip_locked=True)
            )
        ).first()

    async def settle(
        self, mention_id: UUID, state: MentionState, now: datetime, **values: Any
    ) -> None:
        if values.get("error"):
            values["error"] = str(values["error"])[:500]
        await self.conn.execute(
            _m.update()
            .where(_m.c.tenant_id == self.tenant_id, _m.c.id == mention_id)
            .values(state=state.value, verified_at=now, **values)
        )

    async def blocked_domains(self) -> set[str]:
        b = t.federation_domain_blocks
        rows = await self.conn.execute(sa.select(b.c.domain).where(b.c.tenant_id == self.tenant_id))
        return {r.domain for r in rows}

    async def react(self, post_id: UUID, kind: str, actor_url: str, source: str) -> None:
        """Count a like (``like``) or repost (``announce``) whose activity is the source."""
        await self.unreact(source)
        await self.conn.execute(
            insert(_r)
            .values(
                tenant_id=self.tenant_id,
                id=uuid4(),
                post_id=post_id,
                kind=kind,
                actor_url=actor_url[:2000],
                activity_url=source[:2000],
                domain=host_of(source)[:253],
                created_at=sa.func.now(),
            )
            .on_conflict_do_nothing()
        )

    async def unreact(self, source: str) -> int:
        result = await self.conn.execute(
            _r.delete().where(_r.c.tenant_id == self.tenant_id, _r.c.activity_url == source[:2000])
        )
        return int(result.rowcount or 0)

    async def mark_comment(
        self, comment_id: UUID, source: str, handle: str | None, avatar: str | None
    ) -> None:
        """The comment is a Webmention's: its channel, and the source page as its remote
        origin (a domain block of the source's host then covers it)."""
        c = _c
        await self.conn.execute(
            c.update()
            .where(c.c.tenant_id == self.tenant_id, c.c.id == comment_id)
            .values(
                source="webmention",
                remote_actor=source[:2000],
                author_handle=handle[:300] if handle else None,
                author_avatar=avatar[:2000] if avatar else None,
            )
        )

    # --- sent -------------------------------------------------------------------------

    async def public_post(self, post_id: UUID, now: datetime) -> Any | None:
        p, b = t.posts.c, t.blogs.c
        return (
            await self.conn.execute(
                sa.select(p.id, p.slug, p.body_html, p.blog_id, b.slug.label("blog_slug"))
                .join_from(t.posts, t.blogs, sa.and_(b.tenant_id == p.tenant_id, b.id == p.blog_id))
                .where(
                    p.tenant_id == self.tenant_id,
                    p.id == post_id,
                    p.status.in_(("published", "scheduled")),
                    p.deleted_at.is_(None),
                    p.published_at <= now,
                )
            )
        ).first()

    async def queue_ping(
        self, post_id: UUID, kind: PingKind, target: str, topic: str, now: datetime
    ) -> UUID:
        ping_id = uuid4()
        await self.conn.execute(
            _p.insert().values(
                tenant_id=self.tenant_id,
                id=ping_id,
                post_id=post_id,
                kind=kind.value,
                target=target[:2000],
                topic=topic[:2000],
                domain=host_of(target)[:253],
                attempt=1,
                status=PingStatus.PENDING.value,
                due_at=now,
                created_at=now,
            )
        )
        assert self.tenant_id is not None
        await enqueue_ping(self.tx, self.tenant_id, ping_id)
        return ping_id

    async def claim_ping(self, ping_id: UUID) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(_p)
                .where(
                    _p.c.tenant_id == self.tenant_id,
                    _p.c.id == ping_id,
                    _p.c.status == PingStatus.PENDING.value,
                )
                .with_for_update(skip_locked=True)
            )
        ).first()

    async def record_ping(
        self,
        ping_id: UUID,
        status: PingStatus,
        now: datetime,
        response_status: int | None,
        error: str | None,
        endpoint: str | None,
    ) -> None:
        await self.conn.execute(
            _p.update()
            .where(_p.c.tenant_id == self.tenant_id, _p.c.id == ping_id)
            .values(
                status=status.value,
                attempted_at=now,
                response_status=response_status,
                error=error[:500] if error else None,
                endpoint=endpoint[:2000] if endpoint else None,
            )
        )

    async def retry_ping(self, row: Any, due_at: datetime, now: datetime) -> None:
        await self.conn.execute(
            _p.insert().values(
                tenant_id=self.tenant_id,
                id=uuid4(),
                post_id=row.post_id,
                kind=row.kind,
                target=row.target,
                topic=row.topic,
                domain=row.domain,
                attempt=row.attempt + 1,
                status=PingStatus.PENDING.value,
                due_at=due_at,
                created_at=now,
            )
        )


async def due_pings(tx: Transaction, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    rows = await tx.connection.execute(
        text("SELECT tenant_id, ping_id FROM web_pings_due(:now, :limit)"),
        {"now": now, "limit": limit},
    )
    return [(r.tenant_id, r.ping_id) for r in rows]


async def _enqueue(tx: Transaction, entrypoint: str, payload: dict[str, str], key: str) -> None:
    raw = (await tx.connection.get_raw_connection()).driver_connection
    await jobs.queries(raw).enqueue(
        entrypoint, json.dumps(payload).encode(), dedupe_key=key, on_conflict="skip"
    )


async def enqueue_ping(tx: Transaction, tenant_id: UUID, ping_id: UUID) -> None:
    """One waiting job per attempt, in the caller's transaction: no commit, no job."""
    await _enqueue(
        tx, PING, {"tenant_id": str(tenant_id), "ping_id": str(ping_id)}, f"ping:{ping_id}"
    )


async def enqueue_mention(tx: Transaction, tenant_id: UUID, mention_id: UUID) -> None:
    await _enqueue(
        tx,
        RECEIVE,
        {"tenant_id": str(tenant_id), "mention_id": str(mention_id)},
        f"webmention:{mention_id}",
    )
