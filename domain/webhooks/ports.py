"""What webhooks need from the outside: stored endpoints and deliveries, a box that
seals signing secrets, and the outbound guard's check of a receiver's URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.licensing.ports import LicensingUnitOfWork
from domain.tenants.ports import AuditUnitOfWork
from domain.webhooks.model import Delivery, Endpoint

# Refuses (InvalidInput) a URL the outbound guard would not send to.
UrlCheck = Callable[[str], Awaitable[None]]


class SecretBox(Protocol):
    """Encrypts a signing secret for storage, bound to its tenant and endpoint."""

    def seal(self, secret: str, tenant_id: UUID, endpoint_id: UUID) -> bytes: ...
    def open(self, sealed: bytes, tenant_id: UUID, endpoint_id: UUID) -> str: ...


class WebhookRepository(Protocol):
    async def add_endpoint(self, endpoint: Endpoint, sealed_secret: bytes) -> None: ...
    async def endpoints(self, tenant_id: UUID) -> list[Endpoint]: ...
    async def endpoint(
        self, tenant_id: UUID, endpoint_id: UUID, *, lock: bool = False
    ) -> Endpoint | None: ...
    async def update_endpoint(self, endpoint: Endpoint) -> None: ...
    async def delete_endpoint(self, tenant_id: UUID, endpoint_id: UUID) -> bool: ...
    async def sealed_secrets(
        self, tenant_id: UUID, endpoint_id: UUID
    ) -> tuple[bytes, bytes | None, datetime | None]: ...
    async def set_secrets(
        self,
        tenant_id: UUID,
        endpoint_id: UUID,
        current: bytes,
        previous: bytes | None,
        previous_expires_at: datetime | None,
    ) -> None: ...
    async def add_delivery(self, delivery: Delivery, *, send_now: bool) -> None:
        """Store a pending attempt; ``send_now`` also queues its job in this transaction."""
        ...

    async def deliveries(
        self,
        tenant_id: UUID,
        endpoint_id: UUID,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[Delivery]: ...
    async def delivery(
        self, tenant_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Delivery | None: ...
    async def last_attempt(self, tenant_id: UUID, endpoint_id: UUID, event_id: UUID) -> int: ...


class WebhooksUnitOfWork(LicensingUnitOfWork, AuditUnitOfWork, Protocol):
    @property
    def webhooks(self) -> WebhookRepository: ...
