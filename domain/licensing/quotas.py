"""Quota and feature checks that every slice calls before it creates something."""

from __future__ import annotations

from uuid import UUID

from domain.kernel.errors import NotFound
from domain.licensing.model import Feature, Plan, Quota, Subscription
from domain.licensing.ports import LicensingUnitOfWork


async def plan_of(
    uow: LicensingUnitOfWork, tenant_id: UUID, *, lock: bool = False
) -> tuple[Subscription, Plan]:
    subscription = await uow.subscriptions.get(tenant_id, lock=lock)
    if subscription is None:
        raise NotFound("This tenant has no subscription.")
    plan = await uow.plans.get(subscription.plan_id)
    assert plan is not None  # the foreign key guarantees it
    return subscription, plan


async def ensure_room(
    uow: LicensingUnitOfWork, tenant_id: UUID, quota: Quota, adding: int = 1
) -> None:
    """Refuse (402) unless the plan leaves room for ``adding`` more.

    The subscription row is locked first, so two requests racing for the last free slot
    are serialised: the second one counts the first one's row and is refused.
    """
    _, plan = await plan_of(uow, tenant_id, lock=True)
    usage = await uow.usage.count(tenant_id)
    plan.check_room(quota, usage[quota.value], adding)


async def ensure_feature(uow: LicensingUnitOfWork, tenant_id: UUID, feature: Feature) -> Plan:
    _, plan = await plan_of(uow, tenant_id)
    plan.require_feature(feature)
    return plan


async def require_site_online(uow: LicensingUnitOfWork, tenant_id: UUID) -> None:
    """A cancelled tenant's public site is offline: it answers as if it did not exist."""
    subscription = await uow.subscriptions.get(tenant_id)
    if subscription is not None and not subscription.site_online:
        raise NotFound("No such site.")
