"""What members need from the outside: stored memberships and invitations, on top of
the accounts and tenants they join."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.accounts.ports import AccountsUnitOfWork
from domain.kernel.access import Role
from domain.kernel.mail import MailQueue
from domain.licensing.ports import LicensingUnitOfWork
from domain.members.model import Invitation, Membership
from domain.tenants.model import Tenant
from domain.tenants.ports import TenantsUnitOfWork


class MembershipRepository(Protocol):
    async def get(self, tenant_id: UUID, user_id: UUID) -> Membership | None: ...
    async def for_user(self, user_id: UUID) -> list[tuple[Membership, Tenant]]:
        """Every membership of a user, with its tenant, by tenant slug."""
        ...

    async def page(
        self, tenant_id: UUID, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Membership]: ...
    async def add(self, membership: Membership) -> None: ...
    async def set_role(self, tenant_id: UUID, user_id: UUID, role: Role) -> None: ...
    async def remove(self, tenant_id: UUID, user_id: UUID) -> None: ...
    async def count_owners(self, tenant_id: UUID, *, lock: bool = False) -> int: ...


class InvitationRepository(Protocol):
    async def add(self, invitation: Invitation, token_hash: bytes) -> None: ...
    async def by_token_hash(self, tenant_id: UUID, token_hash: bytes) -> Invitation | None: ...
    async def mark_accepted(
        self, tenant_id: UUID, invitation_id: UUID, user_id: UUID, at: datetime
    ) -> bool: ...


class MembersUnitOfWork(AccountsUnitOfWork, TenantsUnitOfWork, Protocol):
    @property
    def memberships(self) -> MembershipRepository: ...
    @property
    def invitations(self) -> InvitationRepository: ...
    @property
    def mail(self) -> MailQueue: ...


class ProvisioningUnitOfWork(MembersUnitOfWork, LicensingUnitOfWork, Protocol):
    """A new tenant, its owner's invitation and its subscription, in one transaction."""
