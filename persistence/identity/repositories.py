"""Identity repositories: rows in, domain dataclasses out.

Tenant-owned tables (memberships, invitations, domains, API keys, audit log) are
filtered by ``tenant_id`` here *and* by row-level security underneath.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.identity.model import (
    ApiKey,
    AuditEntry,
    Branding,
    CommentPolicy,
    Invitation,
    Membership,
    Tenant,
    TenantSettings,
    TenantStatus,
    User,
)
from domain.kernel.access import Role, Scope
from domain.licensing.model import SubscriptionStatus
from persistence import tables as t
from persistence.paging import keyset


def _user(row: Any) -> User:
    return User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        handle=row.handle,
        password_hash=row.password_hash,
        is_operator=row.is_operator,
        is_active=row.is_active,
        token_version=row.token_version,
        created_at=row.created_at,
    )


class SqlUserRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def get(self, user_id: UUID) -> User | None:
        row = (await self.conn.execute(sa.select(t.users).where(t.users.c.id == user_id))).first()
        return _user(row) if row else None

    async def by_email(self, email: str) -> User | None:
        if "\x00" in email:  # PostgreSQL text cannot hold NUL, so no stored e-mail has one
            return None
        query = sa.select(t.users).where(sa.func.lower(t.users.c.email) == email.lower())
        row = (await self.conn.execute(query)).first()
        return _user(row) if row else None

    async def handle_taken(self, handle: str) -> bool:
        query = sa.select(sa.exists().where(t.users.c.handle == handle))
        return bool((await self.conn.execute(query)).scalar_one())

    async def add(self, user: User) -> None:
        values = asdict(user)
        await self.conn.execute(t.users.insert().values(**values, updated_at=user.created_at))

    async def update(self, user: User) -> None:
        await self.conn.execute(
            t.users.update()
            .where(t.users.c.id == user.id)
            .values(
                email=user.email,
                display_name=user.display_name,
                password_hash=user.password_hash,
                is_operator=user.is_operator,
                is_active=user.is_active,
                token_version=user.token_version,
                updated_at=sa.func.now(),
            )
        )


def _tenant(row: Any) -> Tenant:
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

    async def standing(
        self, tenant_id: UUID, user_id: UUID | None
    ) -> tuple[Role | None, SubscriptionStatus | None]:
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
        return (
            Role(row.role) if row.role else None,
            SubscriptionStatus(row.status) if row.status else None,
        )

    async def by_slug(self, slug: str) -> Tenant | None:
        row = (
            await self.conn.execute(sa.select(t.tenants).where(t.tenants.c.slug == slug))
        ).first()
        return _tenant(row) if row else None

    async def get(self, tenant_id: UUID) -> Tenant | None:
        row = (
            await self.conn.execute(sa.select(t.tenants).where(t.tenants.c.id == tenant_id))
        ).first()
        return _tenant(row) if row else None

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
        # Host uniqueness is global; RLS hides other tenants' rows, so rely on the index.
        result = await self.conn.execute(
            pg_insert(t.tenant_domains)
            .values(tenant_id=tenant_id, id=domain_id, host=host, created_at=sa.func.now())
            .on_conflict_do_nothing(index_elements=["host"])
        )
        return bool(result.rowcount)

    async def remove_domain(self, tenant_id: UUID, domain_id: UUID) -> bool:
        result = await self.conn.execute(
            t.tenant_domains.delete().where(
                t.tenant_domains.c.tenant_id == tenant_id, t.tenant_domains.c.id == domain_id
            )
        )
        return bool(result.rowcount)


def _membership(row: Any) -> Membership:
    return Membership(
        tenant_id=row.tenant_id,
        user_id=row.user_id,
        role=Role(row.role),
        created_at=row.created_at,
        email=getattr(row, "email", ""),
        display_name=getattr(row, "display_name", ""),
    )


class SqlMembershipRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def get(self, tenant_id: UUID, user_id: UUID) -> Membership | None:
        row = (
            await self.conn.execute(
                sa.select(t.memberships).where(
                    t.memberships.c.tenant_id == tenant_id, t.memberships.c.user_id == user_id
                )
            )
        ).first()
        return _membership(row) if row else None

    async def for_user(self, user_id: UUID) -> list[tuple[Membership, Tenant]]:
        m = t.memberships
        rows = await self.conn.execute(
            sa.select(t.tenants, m.c.role.label("member_role"), m.c.created_at.label("joined_at"))
            .join(m, m.c.tenant_id == t.tenants.c.id)
            .where(m.c.user_id == user_id)
            .order_by(t.tenants.c.slug)
        )
        return [
            (Membership(r.id, user_id, Role(r.member_role), r.joined_at), _tenant(r)) for r in rows
        ]

    async def page(
        self, tenant_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Membership]:
        m = t.memberships
        query = keyset(
            sa.select(m, t.users.c.email, t.users.c.display_name)
            .join(t.users, t.users.c.id == m.c.user_id)
            .where(m.c.tenant_id == tenant_id),
            m.c.created_at,
            m.c.user_id,
            after,
            limit,
            newest_first=False,
        )
        return [_membership(r) for r in await self.conn.execute(query)]

    async def add(self, membership: Membership) -> None:
        await self.conn.execute(
            pg_insert(t.memberships)
            .values(
                tenant_id=membership.tenant_id,
                user_id=membership.user_id,
                role=membership.role.value,
                created_at=membership.created_at,
            )
            .on_conflict_do_nothing()
        )

    async def set_role(self, tenant_id: UUID, user_id: UUID, role: Role) -> None:
        await self.conn.execute(
            t.memberships.update()
            .where(t.memberships.c.tenant_id == tenant_id, t.memberships.c.user_id == user_id)
            .values(role=role.value)
        )

    async def remove(self, tenant_id: UUID, user_id: UUID) -> None:
        await self.conn.execute(
            t.memberships.delete().where(
                t.memberships.c.tenant_id == tenant_id, t.memberships.c.user_id == user_id
            )
        )

    async def count_owners(self, tenant_id: UUID, *, lock: bool = False) -> int:
        query = sa.select(t.memberships.c.user_id).where(
            t.memberships.c.tenant_id == tenant_id, t.memberships.c.role == Role.OWNER.value
        )
        if lock:  # serialise concurrent demotions of the last owners
            query = query.with_for_update()
        return len((await self.conn.execute(query)).all())


def _invitation(row: Any) -> Invitation:
    return Invitation(
        id=row.id,
        tenant_id=row.tenant_id,
        email=row.email,
        role=Role(row.role),
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        revoked_at=row.revoked_at,
    )


class SqlInvitationRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def add(self, invitation: Invitation, token_hash: bytes) -> None:
        await self.conn.execute(
            t.invitations.insert().values(
                tenant_id=invitation.tenant_id,
                id=invitation.id,
                email=invitation.email,
                role=invitation.role.value,
                token_hash=token_hash,
                invited_by=invitation.invited_by,
                created_at=invitation.created_at,
                expires_at=invitation.expires_at,
            )
        )

    async def by_token_hash(self, token_hash: bytes) -> Invitation | None:
        row = (
            await self.conn.execute(
                sa.select(t.invitations).where(t.invitations.c.token_hash == token_hash)
            )
        ).first()
        return _invitation(row) if row else None

    async def mark_accepted(self, invitation_id: UUID, user_id: UUID, at: datetime) -> bool:
        # The accepted_at guard makes acceptance single-use even under a race.
        result = await self.conn.execute(
            t.invitations.update()
            .where(t.invitations.c.id == invitation_id, t.invitations.c.accepted_at.is_(None))
            .values(accepted_at=at, accepted_by=user_id)
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


class SqlApiKeyRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def add(self, key: ApiKey, secret_hash: bytes, created_by: UUID | None) -> None:
        await self.conn.execute(
            t.api_keys.insert().values(
                id=key.id,
                tenant_id=key.tenant_id,
                name=key.name,
                prefix=key.prefix,
                secret_hash=secret_hash,
                scopes=[s.value for s in key.scopes],
                created_by=created_by,
                created_at=key.created_at,
            )
        )

    async def all_for(self, tenant_id: UUID | None) -> list[ApiKey]:
        column = t.api_keys.c.tenant_id
        condition = column.is_(None) if tenant_id is None else column == tenant_id
        rows = await self.conn.execute(
            sa.select(t.api_keys).where(condition).order_by(t.api_keys.c.created_at)
        )
        return [_api_key(r) for r in rows]

    async def revoke(self, tenant_id: UUID | None, key_id: UUID, at: datetime) -> bool:
        result = await self.conn.execute(
            t.api_keys.update()
            .where(
                t.api_keys.c.tenant_id.is_not_distinct_from(tenant_id),
                t.api_keys.c.id == key_id,
                t.api_keys.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return bool(result.rowcount)

    async def find_by_prefix(
        self, prefix: str
    ) -> tuple[UUID, UUID | None, bytes, list[Scope], datetime | None] | None:
        row = (
            await self.conn.execute(
                sa.text("SELECT * FROM find_api_key(:prefix)"), {"prefix": prefix}
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

    async def touch(self, key_id: UUID) -> None:
        await self.conn.execute(sa.text("SELECT touch_api_key(:id)"), {"id": key_id})


class SqlRefreshTokenRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def add(
        self,
        token_id: UUID,
        user_id: UUID,
        family_id: UUID,
        token_hash: bytes,
        expires_at: datetime,
    ) -> None:
        await self.conn.execute(
            t.refresh_tokens.insert().values(
                id=token_id,
                user_id=user_id,
                family_id=family_id,
                token_hash=token_hash,
                created_at=sa.func.now(),
                expires_at=expires_at,
            )
        )

    async def by_hash(self, token_hash: bytes, *, lock: bool = False) -> dict[str, Any] | None:
        query = sa.select(t.refresh_tokens).where(t.refresh_tokens.c.token_hash == token_hash)
        if lock:  # two concurrent refreshes with one token: the second sees it used
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return dict(row._mapping) if row else None

    async def mark_used(self, token_id: UUID, at: datetime) -> None:
        await self.conn.execute(
            t.refresh_tokens.update().where(t.refresh_tokens.c.id == token_id).values(used_at=at)
        )

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        await self.conn.execute(
            t.refresh_tokens.update()
            .where(
                t.refresh_tokens.c.family_id == family_id, t.refresh_tokens.c.revoked_at.is_(None)
            )
            .values(revoked_at=at)
        )

    async def revoke_user(self, user_id: UUID, at: datetime) -> None:
        await self.conn.execute(
            t.refresh_tokens.update()
            .where(t.refresh_tokens.c.user_id == user_id, t.refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
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
    )


class SqlAuditLog:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def record(self, entry: AuditEntry) -> None:
        await self.conn.execute(t.audit_log.insert().values(**asdict(entry)))

    async def page(
        self, tenant_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[AuditEntry]:
        a = t.audit_log
        query = keyset(
            sa.select(a).where(a.c.tenant_id == tenant_id),
            a.c.created_at,
            a.c.id,
            after,
            limit,
            newest_first=True,
        )
        return [_audit(r) for r in await self.conn.execute(query)]
