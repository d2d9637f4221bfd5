"""Federation's rows: blog keys, followers, reactions, deliveries, inbox health and
domain blocks. Every query is scoped to the transaction's tenant (and row-level
security stands behind it)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert

from domain.comments.model import Comment, CommentStatus
from domain.federation.model import (
    DeliveryStatus,
    Follower,
    ReactionKind,
    RemoteActor,
    domain_of,
)
from persistence import jobs
from persistence import tables as t
from persistence.comments.repositories import comment_of, comments, with_post
from persistence.database import TenantScoped, Transaction

_k, _f, _r = t.federation_keys, t.federation_followers, t.federation_reactions
_d, _i, _b = t.federation_deliveries, t.federation_inboxes, t.federation_domain_blocks


class SqlFederationStore(TenantScoped):
    # --- keys ---------------------------------------------------------------------

    async def key_of(self, blog_id: UUID) -> tuple[str, bytes] | None:
        row = (
            await self.conn.execute(
                sa.select(_k.c.public_pem, _k.c.private_sealed).where(
                    _k.c.tenant_id == self.tenant_id, _k.c.blog_id == blog_id
                )
            )
        ).first()
        return (row.public_pem, bytes(row.private_sealed)) if row else None

    async def add_key(self, blog_id: UUID, public_pem: str, sealed: bytes, now: datetime) -> None:
        await self.conn.execute(
            insert(_k)
            .values(
                tenant_id=self.tenant_id,
                blog_id=blog_id,
                public_pem=public_pem,
                private_sealed=sealed,
                created_at=now,
            )
            .on_conflict_do_nothing()
        )

    # --- reads for the actor and its collections ---------------------------------

    async def blog_by_slug(self, slug: str) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(
                    t.blogs.c.id, t.blogs.c.slug, t.blogs.c.title, t.blogs.c.description
                ).where(
                    t.blogs.c.tenant_id == self.tenant_id,
                    t.blogs.c.slug == slug,
                    t.blogs.c.status == "active",
                )
            )
        ).first()

    async def first_blog_slug(self) -> str | None:
        return (
            await self.conn.execute(
                sa.select(t.blogs.c.slug)
                .where(t.blogs.c.tenant_id == self.tenant_id, t.blogs.c.status == "active")
                .order_by(t.blogs.c.created_at)
                .limit(1)
            )
        ).scalar_one_or_none()

    async def blog_by_id(self, blog_id: UUID) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(
                    t.blogs.c.id, t.blogs.c.slug, t.blogs.c.title, t.blogs.c.description
                ).where(t.blogs.c.tenant_id == self.tenant_id, t.blogs.c.id == blog_id)
            )
        ).first()

    @staticmethod
    def _visible(now: datetime) -> sa.ColumnElement[bool]:
        p = t.posts.c
        return sa.and_(
            p.status.in_(("published", "scheduled")),
            p.deleted_at.is_(None),
            p.published_at <= now,
        )

    def _articles(self, blog_id: UUID, now: datetime) -> sa.Select[Any]:
        p = t.posts.c
        return (
            sa.select(
                p.id,
                p.slug,
                p.title,
                p.excerpt,
                p.body_html,
                p.published_at,
                p.updated_at,
                p.tag_names,
                p.language,
                t.users.c.display_name,
            )
            .join_from(t.posts, t.users, t.users.c.id == p.author_id)
            .where(p.tenant_id == self.tenant_id, p.blog_id == blog_id, self._visible(now))
        )

    async def public_posts(
        self, blog_id: UUID, now: datetime, *, before: tuple[datetime, UUID] | None, limit: int
    ) -> list[Any]:
        p = t.posts.c
        query = self._articles(blog_id, now)
        if before is not None:
            query = query.where(sa.tuple_(p.published_at, p.id) < sa.tuple_(*before))
        rows = await self.conn.execute(
            query.order_by(p.published_at.desc(), p.id.desc()).limit(limit)
        )
        return list(rows)

    async def public_post(self, blog_id: UUID, post_id: UUID, now: datetime) -> Any | None:
        query = self._articles(blog_id, now).where(t.posts.c.id == post_id)
        return (await self.conn.execute(query)).first()

    async def count_public_posts(self, blog_id: UUID, now: datetime) -> int:
        p = t.posts.c
        query = sa.select(sa.func.count()).where(
            p.tenant_id == self.tenant_id, p.blog_id == blog_id, self._visible(now)
        )
        return int((await self.conn.execute(query)).scalar_one())

    async def follower_count(self, blog_id: UUID) -> int:
        return int(
            (
                await self.conn.execute(
                    sa.select(sa.func.count()).where(
                        _f.c.tenant_id == self.tenant_id, _f.c.blog_id == blog_id
                    )
                )
            ).scalar_one()
        )

    async def followers(self, blog_id: UUID) -> list[Follower]:
        rows = await self.conn.execute(
            sa.select(_f).where(_f.c.tenant_id == self.tenant_id, _f.c.blog_id == blog_id)
        )
        return [
            Follower(
                id=r.id,
                tenant_id=r.tenant_id,
                blog_id=r.blog_id,
                actor_url=r.actor_url,
                inbox=r.inbox,
                shared_inbox=r.shared_inbox,
                domain=r.domain,
                follow_activity=r.follow_activity,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def public_reaction_counts(self, post_id: UUID, now: datetime) -> dict[str, int] | None:
        """The fediverse's likes and boosts of a public post; None if it is not public."""
        p = t.posts.c
        found = await self.conn.execute(
            sa.select(p.id).where(
                p.tenant_id == self.tenant_id, p.id == post_id, self._visible(now)
            )
        )
        if found.first() is None:
            return None
        return await self.reaction_counts(post_id)

    async def reaction_counts(self, post_id: UUID) -> dict[str, int]:
        rows = await self.conn.execute(
            sa.select(_r.c.kind, sa.func.count())
            .where(_r.c.tenant_id == self.tenant_id, _r.c.post_id == post_id)
            .group_by(_r.c.kind)
        )
        counts = {kind.value: 0 for kind in ReactionKind}
        counts.update({row[0]: int(row[1]) for row in rows})
        return counts

    # --- the inbox's store (domain.federation.ports.FederationStore) -------------

    async def blocked_domains(self) -> set[str]:
        rows = await self.conn.execute(
            sa.select(_b.c.domain).where(_b.c.tenant_id == self.tenant_id)
        )
        return {r.domain for r in rows}

    async def add_follower(self, follower: Follower) -> None:
        statement = insert(_f).values(
            tenant_id=self.tenant_id,
            id=follower.id,
            blog_id=follower.blog_id,
            actor_url=follower.actor_url,
            inbox=follower.inbox,
            shared_inbox=follower.shared_inbox,
            domain=follower.domain,
            follow_activity=follower.follow_activity,
            created_at=follower.created_at,
        )
        statement = statement.on_conflict_do_update(
            constraint="federation_followers_one",
            set_={c: statement.excluded[c] for c in ("inbox", "shared_inbox", "follow_activity")},
        )
        await self.conn.execute(statement)

    async def remove_follower(
        self, blog_id: UUID, actor_url: str, follow_activity: str | None = None
    ) -> bool:
        query = _f.delete().where(
            _f.c.tenant_id == self.tenant_id,
            _f.c.blog_id == blog_id,
            _f.c.actor_url == actor_url,
        )
        if follow_activity is not None:
            query = query.where(_f.c.follow_activity == follow_activity)
        result = await self.conn.execute(query)
        return bool(result.rowcount)

    async def add_reaction(
        self, post_id: UUID, kind: ReactionKind, actor: RemoteActor, activity_url: str
    ) -> bool:
        result = await self.conn.execute(
            insert(_r)
            .values(
                tenant_id=self.tenant_id,
                id=uuid4(),
                post_id=post_id,
                kind=kind.value,
                actor_url=actor.id,
                activity_url=activity_url,
                domain=actor.domain,
                created_at=sa.func.now(),
            )
            .on_conflict_do_nothing()
        )
        return bool(result.rowcount)

    async def remove_reaction(self, actor_url: str, activity_url: str) -> UUID | None:
        result = await self.conn.execute(
            _r.delete()
            .where(
                _r.c.tenant_id == self.tenant_id,
                _r.c.actor_url == actor_url,
                _r.c.activity_url == activity_url,
            )
            .returning(_r.c.post_id)
        )
        row = result.first()
        return row[0] if row is not None else None

    async def post_in_blog(self, post_id: UUID, blog_id: UUID) -> bool:
        found = await self.conn.execute(
            sa.select(t.posts.c.id).where(
                t.posts.c.tenant_id == self.tenant_id,
                t.posts.c.id == post_id,
                t.posts.c.blog_id == blog_id,
            )
        )
        return found.first() is not None

    async def remote_comment(self, remote_id: str) -> Comment | None:
        row = (
            await self.conn.execute(
                with_post(language=True).where(
                    comments.c.tenant_id == self.tenant_id, comments.c.remote_id == remote_id
                )
            )
        ).first()
        return comment_of(row) if row else None

    async def remote_author(self, comment_id: UUID) -> str | None:
        return (
            await self.conn.execute(
                sa.select(comments.c.remote_actor).where(
                    comments.c.tenant_id == self.tenant_id, comments.c.id == comment_id
                )
            )
        ).scalar_one_or_none()

    async def mark_remote(
        self, comment_id: UUID, source: str, remote_id: str, actor: RemoteActor
    ) -> None:
        await self.conn.execute(
            comments.update()
            .where(comments.c.tenant_id == self.tenant_id, comments.c.id == comment_id)
            .values(
                source=source,
                remote_id=remote_id,
                remote_actor=actor.id,
                author_handle=actor.handle[:300],
                author_avatar=actor.icon[:2000] if actor.icon else None,
            )
        )

    async def comments_of_actor(self, actor_url: str) -> list[Comment]:
        rows = await self.conn.execute(
            with_post(language=True).where(
                comments.c.tenant_id == self.tenant_id,
                comments.c.remote_actor == actor_url,
                comments.c.status != CommentStatus.DELETED.value,
            )
        )
        return [comment_of(r) for r in rows]

    async def remove_actor(self, actor_url: str) -> int:
        gone = 0
        for table in (_f, _r):
            result = await self.conn.execute(
                table.delete().where(
                    table.c.tenant_id == self.tenant_id, table.c.actor_url == actor_url
                )
            )
            gone += result.rowcount or 0
        return gone

    async def queue_delivery(
        self, blog_id: UUID, inbox: str, activity_type: str, body: dict[str, Any], due: datetime
    ) -> None:
        domain = domain_of(inbox)
        if domain in await self.blocked_domains():
            return
        delivery_id = uuid4()
        await self.conn.execute(
            _d.insert().values(
                tenant_id=self.tenant_id,
                id=delivery_id,
                blog_id=blog_id,
                inbox=inbox,
                domain=domain,
                activity_type=activity_type,
                body=json.dumps(body),
                attempt=1,
                status=DeliveryStatus.PENDING.value,
                due_at=due,
                created_at=due,
            )
        )
        assert self.tenant_id is not None
        await enqueue_delivery(self._tx, self.tenant_id, delivery_id)

    # --- deliveries (the worker) ---------------------------------------------------

    async def claim(self, delivery_id: UUID) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(_d)
                .where(
                    _d.c.tenant_id == self.tenant_id,
                    _d.c.id == delivery_id,
                    _d.c.status == DeliveryStatus.PENDING.value,
                )
                .with_for_update(skip_locked=True)
            )
        ).first()

    async def record_attempt(
        self,
        delivery_id: UUID,
        status: DeliveryStatus,
        at: datetime,
        response_status: int | None,
        error: str | None,
    ) -> None:
        await self.conn.execute(
            _d.update()
            .where(_d.c.tenant_id == self.tenant_id, _d.c.id == delivery_id)
            .values(
                status=status.value,
                attempted_at=at,
                response_status=response_status,
                error=error[:500] if error else None,
            )
        )

    async def retry(self, row: Any, due: datetime) -> None:
        await self.conn.execute(
            _d.insert().values(
                tenant_id=self.tenant_id,
                id=uuid4(),
                blog_id=row.blog_id,
                inbox=row.inbox,
                domain=row.domain,
                activity_type=row.activity_type,
                body=row.body,
                attempt=row.attempt + 1,
                status=DeliveryStatus.PENDING.value,
                due_at=due,
                created_at=due,
            )
        )

    async def inbox_outcome(self, url: str, ok: bool, at: datetime, error: str | None) -> None:
        statement = insert(_i).values(
            tenant_id=self.tenant_id,
            url=url,
            failures=0 if ok else 1,
            failing_since=None if ok else at,
            last_success_at=at if ok else None,
            last_error=None if ok else (error or "")[:500],
        )
        update: dict[str, Any]
        if ok:
            update = {
                "failures": 0,
                "failing_since": None,
                "last_success_at": at,
                "last_error": None,
            }
        else:
            update = {
                "failures": _i.c.failures + 1,
                "failing_since": sa.func.coalesce(_i.c.failing_since, at),
                "last_error": (error or "")[:500],
            }
        await self.conn.execute(
            statement.on_conflict_do_update(index_elements=["tenant_id", "url"], set_=update)
        )

    async def remove_inbox_followers(self, inbox: str) -> int:
        """An inbox that answered 410 Gone: its followers are gone too."""
        result = await self.conn.execute(
            _f.delete().where(
                _f.c.tenant_id == self.tenant_id,
                sa.or_(_f.c.inbox == inbox, _f.c.shared_inbox == inbox),
            )
        )
        return result.rowcount or 0

    async def inbox_health(self, url: str) -> Any | None:
        return (
            await self.conn.execute(
                sa.select(_i).where(_i.c.tenant_id == self.tenant_id, _i.c.url == url)
            )
        ).first()

    async def deliveries(self) -> list[Any]:
        rows = await self.conn.execute(
            sa.select(_d).where(_d.c.tenant_id == self.tenant_id).order_by(_d.c.created_at)
        )
        return list(rows)

    # --- domain blocks -----------------------------------------------------------

    async def block_domain(self, domain: str, now: datetime) -> int:
        """Block an instance: its pending deliveries, follows and reactions go, and its
        authors' comments still waiting for a moderator are marked spam."""
        await self.conn.execute(
            insert(_b)
            .values(tenant_id=self.tenant_id, domain=domain, created_at=now)
            .on_conflict_do_nothing()
        )
        like = f"%.{domain}"
        dropped = 0
        for table in (_f, _r):
            result = await self.conn.execute(
                table.delete().where(
                    table.c.tenant_id == self.tenant_id,
                    sa.or_(table.c.domain == domain, table.c.domain.like(like)),
                )
            )
            dropped += result.rowcount or 0
        result = await self.conn.execute(
            _d.update()
            .where(
                _d.c.tenant_id == self.tenant_id,
                _d.c.status == DeliveryStatus.PENDING.value,
                sa.or_(_d.c.domain == domain, _d.c.domain.like(like)),
            )
            .values(status=DeliveryStatus.CANCELLED.value, error="The domain is blocked.")
        )
        dropped += result.rowcount or 0
        result = await self.conn.execute(
            text(
                "UPDATE comments SET status = 'spam', status_before = status, updated_at = :now "
                "WHERE tenant_id = :tenant AND status = 'pending' AND remote_actor IS NOT NULL "
                "AND (lower(substring(remote_actor from '^[a-zA-Z]+://([^/:?#]+)')) = :domain "
                "OR lower(substring(remote_actor from '^[a-zA-Z]+://([^/:?#]+)')) LIKE :like)"
            ),
            {"tenant": self.tenant_id, "now": now, "domain": domain, "like": like},
        )
        return dropped + (result.rowcount or 0)

    async def unblock_domain(self, domain: str) -> bool:
        result = await self.conn.execute(
            _b.delete().where(_b.c.tenant_id == self.tenant_id, _b.c.domain == domain)
        )
        return bool(result.rowcount)


async def due_deliveries(tx: Transaction, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    rows = await tx.connection.execute(
        text("SELECT tenant_id, delivery_id FROM federation_deliveries_due(:now, :limit)"),
        {"now": now, "limit": limit},
    )
    return [(r.tenant_id, r.delivery_id) for r in rows]


DELIVER = "federation.deliver"


async def enqueue_delivery(tx: Transaction, tenant_id: UUID, delivery_id: UUID) -> None:
    """One waiting job per attempt, on the transaction's own connection: no commit, no
    job. The sweep may ask again: the job is then skipped."""
    raw = (await tx.connection.get_raw_connection()).driver_connection
    await jobs.queries(raw).enqueue(
        DELIVER,
        json.dumps({"tenant_id": str(tenant_id), "delivery_id": str(delivery_id)}).encode(),
        dedupe_key=f"federation:{delivery_id}",
        on_conflict="skip",
    )


async def site_of(tx: Transaction) -> Any | None:
    """The transaction's tenant: slug, branding and its plan's features."""
    return (
        await tx.connection.execute(
            text(
                "SELECT t.slug, t.branding, coalesce(pl.features, '{}'::jsonb) AS features "
                "FROM tenants t LEFT JOIN subscriptions s ON s.tenant_id = t.id "
                "LEFT JOIN plans pl ON pl.id = s.plan_id WHERE t.id = :tenant"
            ),
            {"tenant": tx.tenant_id},
        )
    ).first()
