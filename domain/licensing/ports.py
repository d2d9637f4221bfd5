"""What licensing needs from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.kernel.ports import UnitOfWorkBase
from domain.licensing.model import Plan, Subscription


@dataclass(frozen=True)
class SubscriptionEvent:
    id: UUID
    tenant_id: UUID
    from_plan: str | None
    to_plan: str
    from_status: str | None
    to_status: str
    current_period_end: datetime | None
    external_ref: str | None
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    request_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    status: int | None
    body: Any


class PlanRepository(Protocol):
    async def all(self) -> list[Plan]: ...
    async def get(self, plan_id: str) -> Plan | None: ...
    async def add(self, plan: Plan) -> bool: ...
    async def update(self, plan: Plan) -> None: ...
    async def delete(self, plan_id: str) -> None: ...
    async def in_use(self, plan_id: str) -> bool: ...


class SubscriptionRepository(Protocol):
    async def get(self, tenant_id: UUID, *, lock: bool = False) -> Subscription | None: ...
    async def add(self, subscription: Subscription) -> None: ...
    async def update(self, subscription: Subscription) -> None: ...
    async def record(self, event: SubscriptionEvent) -> None: ...
    async def history(
        self, tenant_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[SubscriptionEvent]: ...


class IdempotencyStore(Protocol):
    async def claim(self, caller: str, key: str, tenant_id: UUID, request_hash: bytes) -> bool:
        """True when this request now owns the key; False when the key was already used."""
        ...

    async def stored(self, caller: str, key: str) -> StoredResponse | None: ...
    async def complete(self, caller: str, key: str, status: int, body: Any) -> None: ...


class UsageCounter(Protocol):
    async def count(self, tenant_id: UUID) -> dict[str, int]:
        """Current usage of every counted quota (the posts figure is the fullest blog)."""
        ...


class LicensingUnitOfWork(UnitOfWorkBase, Protocol):
    """What the quota and feature checks read: the plan, the subscription, the usage."""

    @property
    def plans(self) -> PlanRepository: ...
    @property
    def subscriptions(self) -> SubscriptionRepository: ...
    @property
    def usage(self) -> UsageCounter: ...
