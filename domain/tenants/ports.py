"""What tenants need from the outside: stored tenants and their domains, API keys, the
audit log, and what the tenant's plan allows (licensing answers that: it sits above
this slice, so it is reached through ``Licence`` only)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.kernel.access import Role, Scope
from domain.kernel.ports import UnitOfWorkBase
from domain.tenants.model import ApiKey, AuditEntry, AuditFilter, Tenant


class TenantRepository(Protocol):
    async def by_slug(self, slug: str) -> Tenant | None: ...
    async def get(self, tenant_id: UUID) -> Tenant | None: ...
    async def add(self, tenant: Tenant) -> bool: ...
    async def update(self, tenant: Tenant) -> None: ...
    async def resolve_host(self, host: str) -> str | None: ...
    async def standing(self, tenant_id: UUID, user_id: UUID | None) -> tuple[Role | None, bool]:
        """In one statement: the user's role in the tenant (None when not a member, or
        no user) and whether the tenant takes changes (False while its subscription is
        suspended or cancelled; True without a subscription)."""
        ...

    async def domains(self, tenant_id: UUID) -> list[tuple[UUID, str]]: ...
    async def add_domain(self, tenant_id: UUID, domain_id: UUID, host: str) -> bool: ...
    async def remove_domain(self, tenant_id: UUID, domain_id: UUID) -> bool: ...


class ApiKeyRepository(Protocol):
    async def add(self, key: ApiKey, secret_hash: bytes, created_by: UUID | None) -> None: ...
    async def all_for(self, tenant_id: UUID | None) -> list[ApiKey]: ...
    async def revoke(self, tenant_id: UUID | None, key_id: UUID, at: datetime) -> bool: ...
    async def find(
        self, prefix: str, secret_hash: bytes
    ) -> tuple[UUID, UUID | None, bytes, list[Scope], datetime | None] | None:
        """The key with this lookup prefix and secret hash, of any tenant or the platform."""
        ...

    async def touch(self, tenant_id: UUID | None, key_id: UUID) -> None: ...


class AuditLog(Protocol):
    async def record(self, entry: AuditEntry) -> None: ...
    async def page(
        self,
        tenant_id: UUID,
        *,
        after: tuple[datetime, UUID] | None,
        limit: int,
        where: AuditFilter | None = None,
    ) -> list[AuditEntry]:
        """Newest first, with each entry's actor and target named, in one statement."""
        ...


class AuditUnitOfWork(UnitOfWorkBase, Protocol):
    """What ``audit()`` needs: every slice that records what it changes includes it."""

    @property
    def audit(self) -> AuditLog: ...


class TenantsUnitOfWork(AuditUnitOfWork, Protocol):
    @property
    def tenants(self) -> TenantRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...


class Licence(Protocol):
    """What the tenant's subscription allows, asked before something is added.

    Each check refuses with the licensing errors (402 over a quota or without the
    feature, 404 for an offline site) and returns nothing when allowed."""

    async def ensure_custom_domain_room(self, tenant_id: UUID) -> None:
        """The plan has custom domains, and room for one more."""
        ...

    async def ensure_member_room(self, tenant_id: UUID) -> None:
        """The plan has room for one more member above reader."""
        ...

    async def ensure_site_online(self, tenant_id: UUID) -> None:
        """The public site is online (a cancelled subscription takes it offline)."""
        ...
