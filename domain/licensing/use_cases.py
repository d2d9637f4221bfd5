"""Licensing use cases: the catalogue, subscriptions, their history, and usage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.kernel import clock
from domain.kernel.access import Action, Actor, Principal, require, require_platform
from domain.kernel.errors import Conflict, InvalidInput, NotFound
from domain.kernel.events import DomainEvent, EventType
from domain.kernel.idempotency import run_once
from domain.licensing.model import (
    Plan,
    Quota,
    Subscription,
    SubscriptionStatus,
)
from domain.licensing.ports import (
    LicensingUnitOfWork,
    PlansUnitOfWork,
    SubscriptionEvent,
    SubscriptionsUnitOfWork,
)
from domain.licensing.quotas import plan_of
from domain.tenants.use_cases import audit

# --- the catalogue --------------------------------------------------------------------


async def list_plans(uow: PlansUnitOfWork) -> list[Plan]:
    """The catalogue, oldest plan first: public."""
    return await uow.plans.all()


async def get_plan(uow: PlansUnitOfWork, plan_id: str) -> Plan:
    plan = await uow.plans.get(plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    return plan


async def create_plan(uow: PlansUnitOfWork, principal: Principal, fields: dict[str, Any]) -> Plan:
    require_platform(principal, Action.MANAGE_PLANS)
    now = clock.now()
    plan = Plan(created_at=now, updated_at=now, **fields)
    if not await uow.plans.add(plan):
        raise Conflict(f"A plan '{plan.id}' exists already.")
    await uow.commit()
    return plan


async def update_plan(
    uow: PlansUnitOfWork, principal: Principal, plan_id: str, changes: dict[str, Any]
) -> Plan:
    """Quotas and features merge key by key; an upgrade takes effect on the next request."""
    require_platform(principal, Action.MANAGE_PLANS)
    plan = await get_plan(uow, plan_id)
    updated = Plan(
        id=plan.id,
        name=changes.get("name", plan.name),
        # A quota sent as null becomes unlimited; the plan's own checks refuse the rest.
        quotas={**plan.quotas, **changes.get("quotas", {})},
        features={**plan.features, **changes.get("features", {})},
        created_at=plan.created_at,
        updated_at=clock.now(),
    )
    await uow.plans.update(updated)
    await uow.commit()
    return updated


async def delete_plan(uow: PlansUnitOfWork, principal: Principal, plan_id: str) -> None:
    require_platform(principal, Action.MANAGE_PLANS)
    await get_plan(uow, plan_id)
    if await uow.plans.in_use(plan_id):
        raise Conflict("Tenants are subscribed to this plan: move them first.")
    await uow.plans.delete(plan_id)
    await uow.commit()


# --- subscriptions ----------------------------------------------------------------------


@dataclass
class SubscriptionChange:
    plan_id: str
    status: SubscriptionStatus
    current_period_end: datetime | None = None
    external_ref: str | None = None
    # When the billing system made the change; None (older clients): applied as it comes.
    event_at: datetime | None = None


async def get_subscription(uow: LicensingUnitOfWork, actor: Actor) -> Subscription:
    require(actor, Action.READ_SUBSCRIPTION)
    subscription, _ = await plan_of(uow, actor.tenant_id)
    return subscription


async def subscription_history(
    uow: LicensingUnitOfWork, actor: Actor, *, after: tuple[datetime, UUID] | None, limit: int
) -> list[SubscriptionEvent]:
    """Every change of plan or status, newest first."""
    require(actor, Action.READ_SUBSCRIPTION)
    return await uow.subscriptions.history(actor.tenant_id, after=after, limit=limit)


@dataclass(frozen=True)
class Retry:
    """What makes a request retry-safe: the caller's key and a hash of the request."""

    key: str
    request_hash: bytes


def caller_of(principal: Principal) -> str:
    """Whose idempotency keys these are: keys of one caller never meet another's."""
    if principal.key_id is not None:
        return f"key:{principal.key_id}"
    return f"user:{principal.user_id}"


async def set_subscription(
    uow: SubscriptionsUnitOfWork,
    actor: Actor,
    change: SubscriptionChange,
    retry: Retry,
    answer: Callable[[Subscription, bool], Any],
) -> tuple[int, Any, bool]:
    """Move a tenant to a plan and status, once per idempotency key: the first request
    changes and stores ``answer(subscription, applied)``; a retry gets that stored answer
    again. Returns ``(status, body, replayed)``; commits. Nothing is ever deleted by a
    change.

    A change whose ``event_at`` is older than the last applied change's arrived out of
    order: it is acknowledged and ignored (``applied`` False), before any other check,
    since it may name a move that is no longer valid from where the newer one led."""
    require(actor, Action.SET_SUBSCRIPTION)

    async def apply() -> tuple[int, Any]:
        return 200, answer(*await _change(uow, actor, change))

    return await run_once(
        uow, caller_of(actor.principal), retry.key, actor.tenant_id, retry.request_hash, apply
    )


async def _change(
    uow: SubscriptionsUnitOfWork, actor: Actor, change: SubscriptionChange
) -> tuple[Subscription, bool]:
    subscription = await uow.subscriptions.get(actor.tenant_id, lock=True)
    if subscription is None:
        raise NotFound("This tenant has no subscription.")
    if subscription.is_stale(change.event_at):
        return subscription, False
    if await uow.plans.get(change.plan_id) is None:
        raise NotFound(f"No plan '{change.plan_id}' in the catalogue.")
    if not subscription.can_move_to(change.status):
        raise InvalidInput(
            f"A subscription cannot go from {subscription.status.value} to {change.status.value}.",
            extra={"from": subscription.status.value, "to": change.status.value},
        )
    before = Subscription(**vars(subscription))
    subscription.plan_id = change.plan_id
    subscription.status = change.status
    subscription.current_period_end = change.current_period_end
    subscription.external_ref = change.external_ref
    subscription.updated_at = clock.now()
    if change.event_at is not None:
        subscription.last_event_at = change.event_at
    await uow.subscriptions.update(subscription)
    await record_change(uow, actor.principal, subscription, before)
    await audit(
        uow,
        actor,
        "subscription.changed",
        "subscription",
        actor.tenant_id,
        plan=[before.plan_id, subscription.plan_id],
        status=[before.status.value, subscription.status.value],
    )
    uow.record(
        DomainEvent(
            EventType.SUBSCRIPTION_CHANGED,
            actor.tenant_id,
            {
                "plan": subscription.plan_id,
                "status": subscription.status.value,
                "previous_plan": before.plan_id,
                "previous_status": before.status.value,
                "current_period_end": subscription.current_period_end.isoformat()
                if subscription.current_period_end
                else None,
            },
        )
    )
    if subscription.status is SubscriptionStatus.SUSPENDED and before.status is not (
        SubscriptionStatus.SUSPENDED
    ):
        uow.record(
            DomainEvent(EventType.TENANT_SUSPENDED, actor.tenant_id, {"plan": subscription.plan_id})
        )
    return subscription, True


async def record_change(
    uow: LicensingUnitOfWork,
    principal: Principal,
    after: Subscription,
    before: Subscription | None,
) -> None:
    """One line of the subscription's history (``before`` is None for a new one)."""
    await uow.subscriptions.record(
        SubscriptionEvent(
            id=uuid4(),
            tenant_id=after.tenant_id,
            from_plan=before.plan_id if before else None,
            to_plan=after.plan_id,
            from_status=before.status.value if before else None,
            to_status=after.status.value,
            current_period_end=after.current_period_end,
            external_ref=after.external_ref,
            actor_user_id=principal.user_id,
            actor_key_id=principal.key_id,
            request_id=uow.request_id,
            created_at=clock.now(),
        )
    )


# --- usage -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaUsage:
    quota: Quota
    limit: int | None
    used: int


async def usage(
    uow: LicensingUnitOfWork, actor: Actor
) -> tuple[Subscription, Plan, list[QuotaUsage]]:
    require(actor, Action.READ_SUBSCRIPTION)
    subscription, plan = await plan_of(uow, actor.tenant_id)
    counts = await uow.usage.count(actor.tenant_id)
    rows = [
        QuotaUsage(q, plan.limit(q), counts.get(q.value, 0))
        for q in Quota
        if q is not Quota.API_REQUESTS_PER_MINUTE
    ]
    return subscription, plan, rows
