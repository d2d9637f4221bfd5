"""Tenants' repositories: rows in, domain dataclasses out.

Tenant-owned tables (domains, API keys, audit log) are filtered by ``tenant_id`` here
*and* by row-level security underneath.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID as PgUUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kernel.access import Role, Scope
from domain.licensing.model import WRITABLE, SubscriptionStatus
from domain.tenants.model import (
    ApiKey,
    AuditEntry,
    AuditFilter,
    Branding,
    CommentPolicy,
    Tenant,
    TenantSettings,
    TenantStatus,
)
from persistence import tables as t
from persistence.paging import keyset


def tenant_of(row: Any) -> Tenant:
    settings = dict(row.settings)
    if "comment_policy" in settings:
        settings["comment_policy"] = CommentPolicy(settings["comment_policy"])
    return Tenant(
        id=row.id,
        slug=row.slug,
        name=row.name,
        status=TenantStatus(row.status),
        default_language=row.default_language,
        branding=Branding(**row.branding),
        settings=TenantSettings(**settings),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlTenantRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def standing(self, tenant_id: UUID, user_id: UUID | None) -> tuple[Role | None, bool]:
        role = (
            sa.select(t.memberships.c.role)
            .where(t.memberships.c.tenant_id == tenant_id, t.memberships.c.user_id == user_id)
            .scalar_subquery()
        )
        status = (
            sa.select(t.subscriptions.c.status)
            .where(t.subscriptions.c.tenant_id == tenant_id)
            .scalar_subquery()
        )
        row = (await self.conn.execute(sa.select(role.label("role"), status.label("status")))).one()
        # The subscription's standing is licensing's rule (WRITABLE); without one, writable.
        writable = SubscriptionStatus(row.status) in WRITABLE if row.status else True
        return Role(row.role) if row.role else None, writable

    async def by_slug(self, slug: str) -> Tenant | None:
        row = (
            await self.conn.execute(sa.select(t.tenants).where(t.tenants.c.slug == slug))
        ).first()
        return tenant_of(row) if row else None

    async def get(self, tenant_id: UUID) -> Tenant | None:
        row = (
            await self.conn.execute(sa.select(t.tenants).where(t.tenants.c.id == tenant_id))
        ).first()
        return tenant_of(row) if row else None

    async def add(self, tenant: Tenant) -> bool:
        """False when the slug is taken (also by a concurrent insert)."""
        result = await self.conn.execute(
            pg_insert(t.tenants)
            .values(**self._values(tenant))
            .on_conflict_do_nothing(index_elements=["slug"])
        )
        return bool(result.rowcount)

    async def update(self, tenant: Tenant) -> None:
        values = self._values(tenant)
        values.pop("id")
        values.pop("created_at")
        await self.conn.execute(
            t.tenants.update().where(t.tenants.c.id == tenant.id).values(**values)
        )

    @staticmethod
    def _values(tenant: Tenant) -> dict[str, Any]:
        return {
            "id": tenant.id,
            "slug": tenant.slug,
            "name": tenant.name,
            "status": tenant.status.value,
            "default_language": tenant.default_language,
            "branding": asdict(tenant.branding),
            "settings": asdict(tenant.settings),
            "created_at": tenant.created_at,
            "updated_at": tenant.updated_at,
        }

    async def resolve_host(self, host: str) -> str | None:
        result = await self.conn.execute(sa.select(sa.func.resolve_tenant_host(host)))
        slug = result.scalar_one_or_none()
        return str(slug) if slug else None

    async def domains(self, tenant_id: UUID) -> list[tuple[UUID, str]]:
        rows = await self.conn.execute(
            sa.select(t.tenant_domains.c.id, t.tenant_domains.c.host)
            .where(t.tenant_domains.c.tenant_id == tenant_id)
            .order_by(t.tenant_domains.c.host)
        )
        return [(r.id, r.host) for r in rows]

    async def add_domain(self, tenant_id: UUID, domain_id: UUID, host: str) -> bool:
        # A host is unique across tenants, but the index holds it per tenant (Citus): the
        # definer function locks the host until this transaction ends and looks across.
        taken = await self.conn.execute(sa.select(sa.func.tenant_host_taken(host)))
        if taken.scalar_one():
            return False
        result = await self.conn.execute(
            pg_insert(t.tenant_domains)
            .values(tenant_id=tenant_id, id=domain_id, host=host, created_at=sa.func.now())
            .on_conflict_do_nothing(index_elements=["tenant_id", "host"])
        )
        return bool(result.rowcount)

    async def remove_domain(self, tenant_id: UUID, domain_id: UUID) -> bool:
        result = await self.conn.execute(
            t.tenant_domains.delete().where(
                t.tenant_domains.c.tenant_id == tenant_id, t.tenant_domains.c.id == domain_id
            )
        )
        return bool(result.rowcount)


def _api_key(row: Any) -> ApiKey:
    return ApiKey(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        prefix=row.prefix,
        scopes=[Scope(s) for s in row.scopes],
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _keys_of(tenant_id: UUID | None) -> sa.Table:
    """A tenant's keys, or the platform's (``tenant_id`` None)."""
    return t.platform_api_keys if tenant_id is None else t.api_keys


class SqlApiKeyRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def add(self, key: ApiKey, secret_hash: bytes, created_by: UUID | None) -> None:
        values: dict[str, Any] = {
            "id": key.id,
            "name": key.name,
            "prefix": key.prefix,
            "secret_hash": secret_hash,
            "scopes": [s.value for s in key.scopes],
            "created_by": created_by,
            "created_at": key.created_at,
        }
        if key.tenant_id is not None:
            values["tenant_id"] = key.tenant_id
        await self.conn.execute(_keys_of(key.tenant_id).insert().values(**values))

    async def all_for(self, tenant_id: UUID | None) -> list[ApiKey]:
        keys = _keys_of(tenant_id)
        query = sa.select(*keys.c, sa.null().label("tenant_id"))
        if tenant_id is not None:
            query = sa.select(keys).where(keys.c.tenant_id == tenant_id)
        rows = await self.conn.execute(query.order_by(keys.c.created_at))
        return [_api_key(r) for r in rows]

    async def revoke(self, tenant_id: UUID | None, key_id: UUID, at: datetime) -> bool:
        keys = _keys_of(tenant_id)
        query = keys.update().where(keys.c.id == key_id, keys.c.revoked_at.is_(None))
        if tenant_id is not None:
            query = query.where(keys.c.tenant_id == tenant_id)
        result = await self.conn.execute(query.values(revoked_at=at))
        return bool(result.rowcount)

    async def find(
        self, prefix: str, secret_hash: bytes
    ) -> tuple[UUID, UUID | None, bytes, list[Scope], datetime | None] | None:
        # Prefixes are unique per tenant only: the secret's hash picks the key.
        row = (
            await self.conn.execute(
                sa.text("SELECT * FROM find_api_key(:prefix, :hash)"),
                {"prefix": prefix, "hash": secret_hash},
            )
        ).first()
        if row is None:
            return None
        return (
            row.id,
            row.tenant_id,
            bytes(row.secret_hash),
            [Scope(s) for s in row.scopes],
            row.revoked_at,
        )

    async def touch(self, tenant_id: UUID | None, key_id: UUID) -> None:
        await self.conn.execute(
            sa.text("SELECT touch_api_key(:tenant_id, :id)"), {"tenant_id": tenant_id, "id": key_id}
        )


def _audit(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        tenant_id=row.tenant_id,
        actor_user_id=row.actor_user_id,
        actor_key_id=row.actor_key_id,
        action=row.action,
        target_type=row.target_type,
        target_id=row.target_id,
        details=row.details,
        request_id=row.request_id,
        created_at=row.created_at,
        actor_name=getattr(row, "actor_name", None),
        target_label=getattr(row, "target_label", None),
    )


# The comments table belongs to a slice above this one: named here by its columns only.
_comments = sa.table("comments", sa.column("tenant_id"), sa.column("id"), sa.column("post_id"))


_UUID_TEXT = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _target_uuid(a: sa.Table) -> Any:
    """The target's id as a uuid (so each look-up uses its key), when it is one."""
    return sa.case(
        (a.c.target_id.op("~")(_UUID_TEXT), sa.cast(a.c.target_id, PgUUID(as_uuid=True))),
        else_=sa.null(),
    )


def _actor_name(a: sa.Table) -> Any:
    """The person's display name, or the API key's name."""
    person = sa.select(t.users.c.display_name).where(t.users.c.id == a.c.actor_user_id)
    key = sa.select(t.api_keys.c.name).where(
        t.api_keys.c.tenant_id == a.c.tenant_id, t.api_keys.c.id == a.c.actor_key_id
    )
    return sa.func.coalesce(person.scalar_subquery(), key.scalar_subquery())


def _target_label(a: sa.Table) -> Any:
    """What the entry was done to, by name: scalar look-ups folded into the page's one
    statement (each reads one row by its key), so a page costs one round trip."""
    posts, blogs, users, keys = t.posts, t.blogs, t.users, t.api_keys
    same_tenant, target = a.c.tenant_id, _target_uuid(a)
    post = sa.select(posts.c.title).where(posts.c.tenant_id == same_tenant, posts.c.id == target)
    comment_post = (
        sa.select(posts.c.title)
        .select_from(
            _comments.join(
                posts,
                sa.and_(
                    posts.c.tenant_id == _comments.c.tenant_id, posts.c.id == _comments.c.post_id
                ),
            )
        )
        .where(_comments.c.tenant_id == same_tenant, _comments.c.id == target)
    )
    blog = sa.select(blogs.c.title).where(blogs.c.tenant_id == same_tenant, blogs.c.id == target)
    user = sa.select(users.c.display_name).where(users.c.id == target)
    key = sa.select(keys.c.name).where(keys.c.tenant_id == same_tenant, keys.c.id == target)
    return sa.case(
        (a.c.target_type == "post", post.scalar_subquery()),
        (a.c.target_type == "comment", comment_post.scalar_subquery()),
        (a.c.target_type == "blog", blog.scalar_subquery()),
        (a.c.target_type == "user", user.scalar_subquery()),
        (a.c.target_type == "api_key", key.scalar_subquery()),
        else_=sa.null(),
    )


class SqlAuditLog:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def record(self, entry: AuditEntry) -> None:
        row = asdict(entry)
        for resolved in ("actor_name", "target_label"):
            row.pop(resolved)
        await self.conn.execute(t.audit_log.insert().values(**row))

    async def page(
        self,
        tenant_id: UUID,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
        where: AuditFilter | None = None,
    ) -> list[AuditEntry]:
        a = t.audit_log
        query = sa.select(
            a, _actor_name(a).label("actor_name"), _target_label(a).label("target_label")
        )
        query = query.where(a.c.tenant_id == tenant_id)
        if where is not None:
            if where.actor_user_id is not None:
                query = query.where(a.c.actor_user_id == where.actor_user_id)
            if where.action:
                family = where.action.endswith(".")
                query = query.where(
                    a.c.action.startswith(where.action, autoescape=True)
                    if family
                    else a.c.action == where.action
                )
            if where.target_type:
                query = query.where(a.c.target_type == where.target_type)
            if where.since is not None:
                query = query.where(a.c.created_at >= where.since)
            if where.until is not None:
                query = query.where(a.c.created_at < where.until)
        query = keyset(
            query,
            a.c.created_at,
            a.c.id,
            after,
            limit,
            newest_first=True,
        )
        return [_audit(r) for r in await self.conn.execute(query)]
