"""What licensing needs from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.kernel.idempotency import IdempotentUnitOfWork
from domain.kernel.ports import UnitOfWorkBase
from domain.licensing.model import Plan, Subscription
from domain.tenants.ports import AuditUnitOfWork


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


class UsageCounter(Protocol):
    async def count(self, tenant_id: UUID) -> dict[str, int]:
        """Current usage of every counted quota (the posts figure is the fullest blog)."""
        ...


# --- the units of work, from the narrowest ---------------------------------------------------


class PlansUnitOfWork(UnitOfWorkBase, Protocol):
    """The plan catalogue."""

    @property
    def plans(self) -> PlanRepository: ...


class LicensingUnitOfWork(PlansUnitOfWork, Protocol):
    """A tenant's subscription, its plan and its usage: what the quota and feature checks
    of every slice need (their own units of work include this one)."""

    @property
    def subscriptions(self) -> SubscriptionRepository: ...
    @property
    def usage(self) -> UsageCounter: ...


class SubscriptionsUnitOfWork(LicensingUnitOfWork, IdempotentUnitOfWork, AuditUnitOfWork, Protocol):
    """Changing a subscription: retry-safe, and written to the tenant's audit log."""
