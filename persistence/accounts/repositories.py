"""Accounts' repositories: users and their refresh tokens (platform-wide, no tenant)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.accounts.model import User
from persistence import tables as t
from persistence.errors import unique_violation

HANDLE_KEY = "users_handle"


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
        email_verified_at=row.email_verified_at,
    )


class SqlUserRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def get(self, user_id: UUID) -> User | None:
        row = (await self.conn.execute(sa.select(t.users).where(t.users.c.id == user_id))).first()
        return _user(row) if row else None

    async def in_session(self, user_id: UUID, session_id: UUID) -> tuple[User, bool] | None:
        """The user and whether the session (refresh family) was revoked, in the one
        statement that an authenticated request spends on its credentials."""
        revoked = (
            sa.select(sa.literal(1))
            .where(
                t.refresh_tokens.c.family_id == session_id,
                t.refresh_tokens.c.revoked_at.is_not(None),
            )
            .exists()
        )
        query = sa.select(t.users, revoked.label("session_revoked")).where(t.users.c.id == user_id)
        row = (await self.conn.execute(query)).first()
        return (_user(row), bool(row.session_revoked)) if row else None

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

    async def add_unless_handle_taken(self, user: User) -> bool:
        """In a savepoint, so that losing the race for a handle spoils nothing else."""
        savepoint = await self.conn.begin_nested()
        try:
            await self.add(user)
        except sa_exc.IntegrityError as exc:
            await savepoint.rollback()
            if unique_violation(exc) == HANDLE_KEY:
                return False
            raise
        await savepoint.commit()
        return True

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
