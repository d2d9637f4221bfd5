"""What mail needs from the outside: the log of messages, reset tokens, and the units of
work that carry them beside accounts, tenants and members."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.members.ports import MembersUnitOfWork


class PasswordResetRepository(Protocol):
    async def add(
        self, reset_id: UUID, user_id: UUID, token_hash: bytes, now: datetime, expires: datetime
    ) -> None: ...
    async def by_hash(self, token_hash: bytes) -> dict[str, Any] | None:
        """The token's row, locked for this transaction."""
        ...

    async def recent_count(self, user_id: UUID, since: datetime) -> int:
        """Tokens issued to the user since then (the hourly cap on reset mails)."""
        ...

    async def spend_all(self, user_id: UUID, at: datetime) -> None:
        """Every open token of the user is used up (a reset went through)."""
        ...


class MailUnitOfWork(MembersUnitOfWork, Protocol):
    @property
    def password_resets(self) -> PasswordResetRepository: ...
