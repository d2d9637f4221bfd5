"""What every slice's unit of work offers, whatever repositories it carries."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.kernel.events import DomainEvent


class UnitOfWorkBase(Protocol):
    """One transaction. Nothing is kept unless ``commit()`` is awaited."""

    @property
    def request_id(self) -> str | None: ...

    async def commit(self) -> None:
        """Write the recorded events to the outbox, then commit, in one transaction."""
        ...

    def record(self, event: DomainEvent) -> None:
        """Keep an event for the outbox; it is written only if the transaction commits."""
        ...

    def public_change_limited_to(self, *post_ids: UUID) -> None:
        """This transaction changes at most the activity (votes, comments) of these posts,
        so what the public side keeps of the rest of the tenant stays valid."""
        ...

    async def set_tenant(self, tenant_id: UUID | None) -> None:
        """Switch the transaction's tenant context (row-level security follows)."""
        ...
