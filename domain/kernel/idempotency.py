"""Retry-safe writes: the same ``Idempotency-Key`` and request get the first answer again.

The key is claimed in the same transaction as the effect, so the effect and the stored
answer commit together or not at all. A concurrent duplicate waits on the key's row
and then replays; a failed attempt leaves no claim, so a retry runs again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from uuid import UUID

from domain.kernel.errors import Conflict
from domain.kernel.ports import UnitOfWorkBase


class StoredAnswer(Protocol):
    """The first request's fingerprint and answer (``status`` None while it runs)."""

    @property
    def request_hash(self) -> bytes: ...
    @property
    def status(self) -> int | None: ...
    @property
    def body(self) -> Any: ...


class IdempotencyLedger(Protocol):
    async def claim(self, caller: str, key: str, tenant_id: UUID, request_hash: bytes) -> bool:
        """True when this request now owns the key; False when the key was already used."""
        ...

    async def stored(self, caller: str, key: str, tenant_id: UUID) -> StoredAnswer | None: ...
    async def complete(
        self, caller: str, key: str, tenant_id: UUID, status: int, body: Any
    ) -> None: ...


class IdempotentUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def idempotency(self) -> IdempotencyLedger: ...


async def run_once(
    uow: IdempotentUnitOfWork,
    caller: str,
    key: str,
    tenant_id: UUID,
    request_hash: bytes,
    action: Callable[[], Awaitable[tuple[int, Any]]],
) -> tuple[int, Any, bool]:
    """Returns ``(status, body, replayed)``; commits when it ran the action."""
    if not await uow.idempotency.claim(caller, key, tenant_id, request_hash):
        stored = await uow.idempotency.stored(caller, key, tenant_id)
        if stored is None:  # another tenant holds the key (idempotency_key_elsewhere)
            raise Conflict("This Idempotency-Key was already used for another tenant.")
        if stored.request_hash != request_hash:
            raise Conflict("This Idempotency-Key was already used with a different request.")
        if stored.status is None:
            raise Conflict("A request with this Idempotency-Key is still in progress.")
        return stored.status, stored.body, True
    status, body = await action()
    await uow.idempotency.complete(caller, key, tenant_id, status, body)
    await uow.commit()
    return status, body, False
