"""What mail needs from the outside: the log of messages, reset tokens, and the units of
work that carry them beside accounts, tenants and members."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.members.ports import MembersUnitOfWork


class NotificationPreferences(Protocol):
    async def enabled(self, user_id: UUID, kind: str) -> bool: ...
    async def set(self, tenant_id: UUID, user_id: UUID, kind: str, enabled: bool) -> None: ...
    async def all_for(self, user_id: UUID) -> dict[str, bool]: ...


class EmailChanges(Protocol):
    """Requests to move an account to another address, in the current tenant."""

    async def add(
        self,
        change_id: UUID,
        user_id: UUID,
        new_email: str,
        token_hash: bytes,
        token_version: int,
        now: datetime,
        expires: datetime,
    ) -> None: ...
    async def by_hash(self, token_hash: bytes) -> dict[str, Any] | None:
        """The request's row, locked for this transaction."""
        ...

    async def spend_all(self, user_id: UUID, at: datetime) -> None: ...
    async def recent_count(self, user_id: UUID, since: datetime) -> int: ...
    async def confirm_address(self, user_id: UUID, at: datetime) -> None: ...


class ResetRequests(Protocol):
    async def defer(self, tenant_id: UUID, tenant_slug: str, email: str, page: str) -> None:
        """Hand the request to the worker, in the current transaction."""
        ...


class MailUnitOfWork(MembersUnitOfWork, Protocol):
    """Accounts, tenants and members, with the mail queue, the mailed tokens and the
    notification preferences."""

    @property
    def notification_preferences(self) -> NotificationPreferences: ...
    @property
    def email_changes(self) -> EmailChanges: ...
    @property
    def reset_requests(self) -> ResetRequests: ...
