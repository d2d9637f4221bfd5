"""Plans, subscriptions, idempotency keys and usage counts."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kernel.access import Role
from domain.licensing.model import Plan, Subscription, SubscriptionStatus
from domain.licensing.ports import SubscriptionEvent
from persistence import tables as t
from persistence.paging import keyset


def _plan(row: Any) -> Plan:
    return Plan.restored(
        id=row.id,
        name=row.name,
        quotas=row.quotas,
        features=row.features,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlPlanRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def all(self) -> list[Plan]:
        rows = await self.conn.execute(
            sa.select(t.plans).order_by(t.plans.c.created_at, t.plans.c.id)
        )
        return [_plan(r) for r in rows]

    async def get(self, plan_id: str) -> Plan | None:
        row = (await self.conn.execute(sa.select(t.plans).where(t.plans.c.id == plan_id))).first()
        return _plan(row) if row else None

    async def add(self, plan: Plan) -> bool:
        result = await self.conn.execute(
            pg_insert(t.plans).values(**asdict(plan)).on_conflict_do_nothing(index_elements=["id"])
        )
        return bool(result.rowcount)

    async def update(self, plan: Plan) -> None:
        await self.conn.execute(
            t.plans.update()
            .where(t.plans.c.id == plan.id)
            .values(
                name=plan.name,
                quotas=plan.quotas,
                features=plan.features,
                updated_at=plan.updated_at,
            )
        )

    async def delete(self, plan_id: str) -> None:
        await self.conn.execute(t.plans.delete().where(t.plans.c.id == plan_id))

    async def in_use(self, plan_id: str) -> bool:
        # Subscriptions sit behind RLS; a narrow definer function answers across tenants.
        result = await self.conn.execute(sa.select(sa.func.plan_in_use(plan_id)))
        return bool(result.scalar_one())


def _subscription(row: Any) -> Subscription:
    return Subscription(
        tenant_id=row.tenant_id,
        plan_id=row.plan_id,
        status=SubscriptionStatus(row.status),
        current_period_end=row.current_period_end,
        external_ref=row.external_ref,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_event_at=row.last_event_at,
    )


class SqlSubscriptionRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def get(self, tenant_id: UUID, *, lock: bool = False) -> Subscription | None:
        query = sa.select(t.subscriptions).where(t.subscriptions.c.tenant_id == tenant_id)
        if lock:  # serialises quota checks and status changes of one tenant
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return _subscription(row) if row else None

    async def add(self, subscription: Subscription) -> None:
        values = asdict(subscription)
        values["status"] = subscription.status.value
        await self.conn.execute(t.subscriptions.insert().values(**values))

    async def update(self, subscription: Subscription) -> None:
        await self.conn.execute(
            t.subscriptions.update()
            .where(t.subscriptions.c.tenant_id == subscription.tenant_id)
            .values(
                plan_id=subscription.plan_id,
                status=subscription.status.value,
                current_period_end=subscription.current_period_end,
                external_ref=subscription.external_ref,
                updated_at=subscription.updated_at,
                last_event_at=subscription.last_event_at,
            )
        )

    async def record(self, event: SubscriptionEvent) -> None:
        await self.conn.execute(t.subscription_events.insert().values(**asdict(event)))

    async def history(
        self, tenant_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[SubscriptionEvent]:
        e = t.subscription_events
        query = keyset(
            sa.select(e).where(e.c.tenant_id == tenant_id),
            e.c.created_at,
            e.c.id,
            after,
            limit,
            newest_first=True,
        )
        return [SubscriptionEvent(**dict(r._mapping)) for r in await self.conn.execute(query)]


@dataclass(frozen=True)
class StoredResponse:
    """A claimed key's first request: its fingerprint and answer (``status`` None while
    it runs)."""

    request_hash: bytes
    status: int | None
    body: Any


class SqlIdempotencyStore:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def claim(self, caller: str, key: str, tenant_id: UUID, request_hash: bytes) -> bool:
        # The key is the caller's across tenants, but its primary key is per tenant
        # (Citus): the definer function locks the key until this transaction ends, so a
        # concurrent duplicate waits here until the first one commits (then we see its
        # row) or rolls back (then we own it), and says whether another tenant holds it.
        elsewhere = await self.conn.execute(
            sa.select(sa.func.idempotency_key_elsewhere(tenant_id, caller, key))
        )
        if elsewhere.scalar_one():
            return False
        result = await self.conn.execute(
            pg_insert(t.idempotency_keys)
            .values(
                caller=caller,
                key=key,
                tenant_id=tenant_id,
                request_hash=request_hash,
                created_at=sa.func.now(),
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "caller", "key"])
        )
        return bool(result.rowcount)

    async def stored(self, caller: str, key: str, tenant_id: UUID) -> StoredResponse | None:
        k = t.idempotency_keys
        row = (
            await self.conn.execute(
                sa.select(k.c.request_hash, k.c.response_status, k.c.response_body).where(
                    k.c.tenant_id == tenant_id, k.c.caller == caller, k.c.key == key
                )
            )
        ).first()
        if row is None:
            return None
        return StoredResponse(bytes(row.request_hash), row.response_status, row.response_body)

    async def complete(
        self, caller: str, key: str, tenant_id: UUID, status: int, body: Any
    ) -> None:
        k = t.idempotency_keys
        await self.conn.execute(
            k.update()
            .where(k.c.tenant_id == tenant_id, k.c.caller == caller, k.c.key == key)
            .values(response_status=status, response_body=body)
        )


class SqlUsageCounter:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def count(self, tenant_id: UUID) -> dict[str, int]:
        members = (
            sa.select(sa.func.count())
            .select_from(t.memberships)
            .where(
                t.memberships.c.tenant_id == tenant_id, t.memberships.c.role != Role.READER.value
            )
            .scalar_subquery()
        )
        domains = (
            sa.select(sa.func.count())
            .select_from(t.tenant_domains)
            .where(t.tenant_domains.c.tenant_id == tenant_id)
            .scalar_subquery()
        )
        row = (
            await self.conn.execute(sa.select(members.label("members"), domains.label("domains")))
        ).one()
        usage = {"members": int(row.members), "custom_domains": int(row.domains)}
        usage.update(await self._content(tenant_id))
        return usage

    async def _content(self, tenant_id: UUID) -> dict[str, int]:
        """Blogs, and the live (published or scheduled) posts of the fullest blog."""
        blogs = (
            sa.select(sa.func.count())
            .select_from(t.blogs)
            .where(t.blogs.c.tenant_id == tenant_id)
            .scalar_subquery()
        )
        p = t.posts
        per_blog = (
            sa.select(sa.func.count().label("n"))
            .select_from(p)
            .where(
                p.c.tenant_id == tenant_id,
                p.c.status.in_(["published", "scheduled"]),
                p.c.deleted_at.is_(None),
            )
            .group_by(p.c.blog_id)
            .subquery()
        )
        fullest = sa.select(sa.func.coalesce(sa.func.max(per_blog.c.n), 0)).scalar_subquery()
        row = (
            await self.conn.execute(sa.select(blogs.label("blogs"), fullest.label("posts")))
        ).one()
        return {"blogs": int(row.blogs), "posts_per_blog": int(row.posts)}
