"""What accounts need from the outside: stored users and refresh tokens, a password
hasher and a session issuer (both implemented in auth/)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.accounts.model import TokenPair, User
from domain.kernel.ports import UnitOfWorkBase


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    async def verify_dummy(self, password: str) -> None:
        """Spend the time a real verification costs (for unknown accounts)."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: UUID) -> User | None: ...
    async def in_session(self, user_id: UUID, session_id: UUID) -> tuple[User, bool] | None:
        """The user, and whether the session (a refresh family) is revoked."""
        ...

    async def by_email(self, email: str) -> User | None: ...
    async def handle_taken(self, handle: str) -> bool: ...
    async def add(self, user: User) -> None: ...
    async def add_unless_handle_taken(self, user: User) -> bool:
        """Insert; ``False`` (and nothing changed) when another user holds the handle."""
        ...

    async def update(self, user: User) -> None: ...


class RefreshTokenRepository(Protocol):
    async def add(
        self,
        token_id: UUID,
        user_id: UUID,
        family_id: UUID,
        token_hash: bytes,
        expires_at: datetime,
    ) -> None: ...
    async def by_hash(self, token_hash: bytes, *, lock: bool = False) -> dict[str, Any] | None: ...
    async def mark_used(self, token_id: UUID, at: datetime) -> None: ...
    async def revoke_family(self, family_id: UUID, at: datetime) -> None: ...
    async def revoke_user(self, user_id: UUID, at: datetime) -> None: ...


class AccountTokenRepository(Protocol):
    """Single-use tokens mailed to a person: ``reset`` or ``verify``."""

    async def add(
        self,
        token_id: UUID,
        user_id: UUID,
        purpose: str,
        token_hash: bytes,
        now: datetime,
        expires: datetime,
    ) -> None: ...
    async def by_hash(self, token_hash: bytes, purpose: str) -> dict[str, Any] | None:
        """The token's row, locked for this transaction."""
        ...

    async def recent_count(self, user_id: UUID, purpose: str, since: datetime) -> int:
        """Tokens issued to the user since then (the hourly cap on mails)."""
        ...

    async def spend_all(self, user_id: UUID, purpose: str, at: datetime) -> None:
        """Every open token of the user for this purpose is used up."""
        ...

    async def mark_email_verified(self, user_id: UUID, at: datetime) -> None: ...


class AccountsUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def users(self) -> UserRepository: ...
    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...
    @property
    def account_tokens(self) -> AccountTokenRepository: ...


UnitsOfWork = Callable[[], AbstractAsyncContextManager[AccountsUnitOfWork]]
"""Opens a fresh unit of work each call: for use cases that must hold no connection
between their steps (password hashing runs in between)."""


class SessionIssuer(Protocol):
    """Issues sign-in sessions: an access token and an opaque refresh token."""

    async def open(
        self, uow: AccountsUnitOfWork, user: User, family_id: UUID | None = None
    ) -> TokenPair:
        """Issue a pair in this transaction (a new family unless one is given); the
        caller commits."""
        ...

    def digest(self, refresh_token: str) -> bytes:
        """What is stored of a refresh token (its hash), to find it again."""
        ...
