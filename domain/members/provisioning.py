"""Provisioning a tenant: the tenant, its owner's invitation and its subscription, in
one transaction.

It reaches into tenants (the tenant), members (the owner's invitation) and licensing (the
subscription and its history): members is the highest of the three, so it lives here.
"""

from __future__ import annotations

from datetime import timedelta

from domain.kernel import clock
from domain.kernel.access import Action, Principal, require_platform
from domain.kernel.errors import InvalidInput, NotFound
from domain.licensing.model import Subscription, SubscriptionStatus
from domain.licensing.use_cases import SubscriptionChange, record_change
from domain.members.model import InvitationIssued
from domain.members.ports import ProvisioningUnitOfWork
from domain.members.use_cases import create_tenant_with_owner
from domain.tenants.model import NewTenant, Tenant


async def provision_tenant(
    uow: ProvisioningUnitOfWork,
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
        # A reference to what does not exist, like an unknown id in a path: 404.
        raise NotFound(f"No plan '{change.plan_id}' in the catalogue.")
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
    await record_change(uow, principal, subscription, None)
    await uow.commit()
    return tenant, issued, subscription
