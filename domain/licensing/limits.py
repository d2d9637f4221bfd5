"""The tenants and members slices' ``Licence``, answered from the tenant's plan and
subscription (those slices sit below licensing and ask through the Protocol only)."""

from __future__ import annotations

from uuid import UUID

from domain.licensing.model import Feature, Quota
from domain.licensing.ports import LicensingUnitOfWork
from domain.licensing.quotas import ensure_feature, ensure_room, require_site_online


class PlanLicence:
    """Checks in the caller's unit of work (so the quota's lock holds until it commits)."""

    def __init__(self, uow: LicensingUnitOfWork):
        self.uow = uow

    async def ensure_custom_domain_room(self, tenant_id: UUID) -> None:
        await ensure_feature(self.uow, tenant_id, Feature.CUSTOM_DOMAIN)
        await ensure_room(self.uow, tenant_id, Quota.CUSTOM_DOMAINS)

    async def ensure_member_room(self, tenant_id: UUID) -> None:
        await ensure_room(self.uow, tenant_id, Quota.MEMBERS)

    async def ensure_site_online(self, tenant_id: UUID) -> None:
        await require_site_online(self.uow, tenant_id)
