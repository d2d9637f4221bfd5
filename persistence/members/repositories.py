"""Members' repositories: memberships and invitations, filtered by ``tenant_id`` here
*and* by row-level security underneath."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kernel.access import Role
from domain.members.model import Invitation, Membership
from domain.tenants.model import Tenant
from persistence import tables as t
from persistence.paging import keyset
from persistence.tenants.repositories import tenant_of


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
            (Membership(r.id, user_id, Role(r.member_role), r.joined_at), tenant_of(r))
            for r in rows
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

    async def by_token_hash(self, tenant_id: UUID, token_hash: bytes) -> Invitation | None:
        i = t.invitations
        row = (
            await self.conn.execute(
                sa.select(i).where(i.c.tenant_id == tenant_id, i.c.token_hash == token_hash)
            )
        ).first()
        return _invitation(row) if row else None

    async def mark_accepted(
        self, tenant_id: UUID, invitation_id: UUID, user_id: UUID, at: datetime
    ) -> bool:
        # The accepted_at guard makes acceptance single-use even under a race.
        result = await self.conn.execute(
            t.invitations.update()
            .where(
                t.invitations.c.tenant_id == tenant_id,
                t.invitations.c.id == invitation_id,
                t.invitations.c.accepted_at.is_(None),
            )
            .values(accepted_at=at, accepted_by=user_id)
        )
        return bool(result.rowcount)
