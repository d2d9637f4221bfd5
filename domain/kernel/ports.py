"""What every slice's unit of work offers, whatever repositories it carries, and the store
behind retry-safe writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID


class UnitOfWorkBase(Protocol):
    """One transaction. Nothing is kept unless ``commit()`` is awaited."""

    @property
    def request_id(self) -> str | None: ...

    async def commit(self) -> None: ...
    async def set_tenant(self, tenant_id: UUID | None) -> None:
        """Switch the transaction's tenant context (row-level security follows)."""
        ...


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    status: int | None
    body: Any


class IdempotencyStore(Protocol):
    async def claim(self, caller: str, key: str, tenant_id: UUID, request_hash: bytes) -> bool:
        """True when this request now owns the key; False when the key was already used."""
        ...

    async def stored(self, caller: str, key: str) -> StoredResponse | None: ...
    async def complete(self, caller: str, key: str, status: int, body: Any) -> None: ...


class IdempotentUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def idempotency(self) -> IdempotencyStore: ...
