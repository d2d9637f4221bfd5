"""What the domain needs from the outside world, as Protocols.

``persistence/`` implements the repositories and the unit of work; ``auth/``
implements the password hasher. Use cases depend on these shapes only.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.accounts.ports import RefreshTokenRepository, UserRepository
from domain.insights.ports import InsightsRepository
from domain.licensing.ports import (
    IdempotencyStore,
    PlanRepository,
    SubscriptionRepository,
    UsageCounter,
)
from domain.members.ports import InvitationRepository, MembershipRepository
from domain.tenants.ports import ApiKeyRepository, AuditLog, TenantRepository


class UnitOfWork(Protocol):
    """One transaction. Nothing is kept unless ``commit()`` is awaited."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def memberships(self) -> MembershipRepository: ...
    @property
    def invitations(self) -> InvitationRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def refresh_tokens(self) -> RefreshTokenRepository: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def plans(self) -> PlanRepository: ...
    @property
    def subscriptions(self) -> SubscriptionRepository: ...
    @property
    def idempotency(self) -> IdempotencyStore: ...
    @property
    def usage(self) -> UsageCounter: ...
    @property
    @property
    def insights(self) -> InsightsRepository: ...
    @property
    def request_id(self) -> str | None: ...

    async def commit(self) -> None: ...
    async def set_tenant(self, tenant_id: UUID | None) -> None:
        """Switch the transaction's tenant context (row-level security follows)."""
        ...
