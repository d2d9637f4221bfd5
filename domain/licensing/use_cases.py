"""Licensing use cases: the catalogue, provisioning, subscriptions, quotas and usage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from domain.kernel import clock
from domain.kernel.access import Action, Actor, Principal, require, require_platform
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.licensing.model import (
    Plan,
    Quota,
    Subscription,
    SubscriptionStatus,
)
from domain.licensing.ports import SubscriptionEvent
from domain.licensing.quotas import plan_of
from domain.members.model import InvitationIssued
from domain.members.use_cases import create_tenant_with_owner
from domain.ports import UnitOfWork
from domain.tenants.model import NewTenant, Tenant
from domain.tenants.use_cases import audit

# --- the catalogue --------------------------------------------------------------------


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise Forbidden("Only platform operators edit the plan catalogue.")


async def create_plan(uow: UnitOfWork, principal: Principal, fields: dict[str, Any]) -> Plan:
    _require_operator(principal)
    now = clock.now()
    plan = Plan(created_at=now, updated_at=now, **fields)
    if not await uow.plans.add(plan):
        raise Conflict(f"A plan '{plan.id}' exists already.")
    await uow.commit()
    return plan


async def update_plan(
    uow: UnitOfWork, principal: Principal, plan_id: str, changes: dict[str, Any]
) -> Plan:
    """Quotas and features merge key by key; an upgrade takes effect on the next request."""
    _require_operator(principal)
    plan = await uow.plans.get(plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    updated = Plan(
        id=plan.id,
        name=changes.get("name") or plan.name,
        quotas={**plan.quotas, **changes.get("quotas", {})},
        features={**plan.features, **changes.get("features", {})},
        created_at=plan.created_at,
        updated_at=clock.now(),
    )
    await uow.plans.update(updated)
    await uow.commit()
    return updated


async def delete_plan(uow: UnitOfWork, principal: Principal, plan_id: str) -> None:
    _require_operator(principal)
    if await uow.plans.get(plan_id) is None:
        raise NotFound("No such plan.")
    if await uow.plans.in_use(plan_id):
        raise Conflict("Tenants are subscribed to this plan: move them first.")
    await uow.plans.delete(plan_id)
    await uow.commit()


# --- provisioning and subscriptions -----------------------------------------------------


@dataclass
class SubscriptionChange:
    plan_id: str
    status: SubscriptionStatus
    current_period_end: datetime | None = None
    external_ref: str | None = None


async def provision_tenant(
    uow: UnitOfWork,
    principal: Principal,
    spec: NewTenant,
    change: SubscriptionChange,
    owner_token: str,
    owner_token_hash: bytes,
    invitation_ttl: timedelta,
) -> tuple[Tenant, InvitationIssued, Subscription]:
    """Tenant, owner invitation and subscription: all three or none."""
    require_platform(principal, Action.SET_SUBSCRIPTION)
    if change.status not in (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE):
        raise InvalidInput("A new tenant starts as trialing or active.")
    if await uow.plans.get(change.plan_id) is None:
        raise InvalidInput(f"Unknown plan '{change.plan_id}'.")
    tenant, issued = await create_tenant_with_owner(
        uow, principal, spec, owner_token, owner_token_hash, invitation_ttl
    )
    now = clock.now()
    subscription = Subscription(
        tenant_id=tenant.id,
        plan_id=change.plan_id,
        status=change.status,
        current_period_end=change.current_period_end,
        external_ref=change.external_ref,
        created_at=now,
        updated_at=now,
    )
    await uow.subscriptions.add(subscription)
    await _record(uow, principal, subscription, None)
    await uow.commit()
    return tenant, issued, subscription


async def set_subscription(
    uow: UnitOfWork, actor: Actor, change: SubscriptionChange
) -> Subscription:
    """Move a tenant to a plan and status. Nothing is ever deleted by a change.

    Does not commit: the caller stores the idempotent answer in the same transaction.
    """
    require(actor, Action.SET_SUBSCRIPTION)
    subscription = await uow.subscriptions.get(actor.tenant_id, lock=True)
    if subscription is None:
        raise NotFound("This tenant has no subscription.")
    if await uow.plans.get(change.plan_id) is None:
        raise InvalidInput(f"Unknown plan '{change.plan_id}'.")
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
    await uow.subscriptions.update(subscription)
    await _record(uow, actor.principal, subscription, before)
    await audit(
        uow,
        actor,
        "subscription.changed",
        "subscription",
        actor.tenant_id,
        plan=[before.plan_id, subscription.plan_id],
        status=[before.status.value, subscription.status.value],
    )
    return subscription


async def _record(
    uow: UnitOfWork, principal: Principal, after: Subscription, before: Subscription | None
) -> None:
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


async def usage(uow: UnitOfWork, actor: Actor) -> tuple[Subscription, Plan, list[QuotaUsage]]:
    require(actor, Action.READ_SUBSCRIPTION)
    subscription, plan = await plan_of(uow, actor.tenant_id)
    counts = await uow.usage.count(actor.tenant_id)
    rows = [
        QuotaUsage(q, plan.limit(q), counts.get(q.value, 0))
        for q in Quota
        if q is not Quota.API_REQUESTS_PER_MINUTE
    ]
    return subscription, plan, rows
