"""What mail needs from the outside: the log of messages, reset tokens, and the units of
work that carry them beside accounts, tenants and members."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.members.ports import MembersUnitOfWork


class NotificationPreferences(Protocol):
    async def enabled(self, user_id: UUID, kind: str) -> bool: ...
    async def set(self, tenant_id: UUID, user_id: UUID, kind: str, enabled: bool) -> None: ...
    async def all_for(self, user_id: UUID) -> dict[str, bool]: ...


class MailUnitOfWork(MembersUnitOfWork, Protocol):
    """Accounts, tenants and members, with the mail queue, the mailed tokens and the
    notification preferences."""

    @property
    def notification_preferences(self) -> NotificationPreferences: ...
