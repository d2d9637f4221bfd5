"""Tenants: entering one, its settings and branding, its custom domains, its API keys
and its audit log. Each use case takes its unit of work; writes commit, reads return."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.kernel import clock
from domain.kernel.access import Action, Actor, Principal, Scope, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.tenants.model import (
    LANGUAGES,
    ApiKey,
    AuditEntry,
    AuditFilter,
    Branding,
    NewTenant,
    Tenant,
    TenantSettings,
    TenantStatus,
    check_host,
    check_tenant_slug,
)
from domain.tenants.ports import AuditUnitOfWork, Licence, TenantsUnitOfWork


async def audit(
    uow: AuditUnitOfWork,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    **details: Any,
) -> None:
    await uow.audit.record(
        AuditEntry(
            id=uuid4(),
            tenant_id=actor.tenant_id,
            actor_user_id=actor.principal.user_id,
            actor_key_id=actor.principal.key_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            details=details,
            request_id=uow.request_id,
            created_at=clock.now(),
        )
    )


# --- entering a tenant ------------------------------------------------------------------


async def enter_tenant(
    uow: TenantsUnitOfWork, principal: Principal, tenant_slug: str
) -> tuple[Tenant, Actor]:
    """Find the tenant by slug, enter its context, and learn the caller's role there and
    whether the tenant takes changes (its subscription's standing)."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such tenant.")
    await uow.set_tenant(tenant.id)
    role, writable = await uow.tenants.standing(tenant.id, principal.user_id)
    return tenant, Actor(principal=principal, tenant_id=tenant.id, role=role, writable=writable)


async def resolve_host(uow: TenantsUnitOfWork, host: str) -> str | None:
    """The slug of the tenant serving its public site on ``host`` (normalised)."""
    return await uow.tenants.resolve_host(host)


# --- the tenant -----------------------------------------------------------------------


async def create_tenant(uow: TenantsUnitOfWork, principal: Principal, spec: NewTenant) -> Tenant:
    """A new tenant, its context entered (the caller invites its owner and commits)."""
    check_tenant_slug(spec.slug)
    if spec.default_language not in LANGUAGES:
        raise InvalidInput(f"default_language must be one of {', '.join(LANGUAGES)}.")
    if await uow.tenants.by_slug(spec.slug):
        raise Conflict("That tenant slug is taken.")
    now = clock.now()
    tenant = Tenant(
        id=uuid4(),
        slug=spec.slug,
        name=spec.name,
        status=TenantStatus.ACTIVE,
        default_language=spec.default_language,
        branding=Branding(),
        settings=TenantSettings(),
        created_at=now,
        updated_at=now,
    )
    if not await uow.tenants.add(tenant):
        raise Conflict("That tenant slug is taken.")
    await uow.set_tenant(tenant.id)
    actor = Actor(principal=principal, tenant_id=tenant.id, role=None)
    await audit(uow, actor, "tenant.created", "tenant", tenant.id, slug=tenant.slug)
    return tenant


async def update_tenant(
    uow: TenantsUnitOfWork, tenant: Tenant, actor: Actor, changes: dict[str, Any]
) -> Tenant:
    require(actor, Action.MANAGE_TENANT)
    tenant.apply_changes(changes)
    tenant.updated_at = clock.now()
    await uow.tenants.update(tenant)
    await audit(uow, actor, "tenant.updated", "tenant", tenant.id, fields=sorted(changes))
    await uow.commit()
    return tenant


# --- custom domains ---------------------------------------------------------------------


async def list_domains(uow: TenantsUnitOfWork, actor: Actor) -> list[tuple[UUID, str]]:
    require(actor, Action.READ_TENANT_ADMIN)
    return await uow.tenants.domains(actor.tenant_id)


async def add_domain(
    uow: TenantsUnitOfWork, actor: Actor, host: str, licence: Licence
) -> tuple[UUID, str]:
    require(actor, Action.MANAGE_TENANT)
    host = check_host(host)
    await licence.ensure_custom_domain_room(actor.tenant_id)
    domain_id = uuid4()
    if not await uow.tenants.add_domain(actor.tenant_id, domain_id, host):
        raise Conflict("That domain is already in use.")
    await audit(uow, actor, "domain.added", "domain", domain_id, host=host)
    await uow.commit()
    return domain_id, host


async def remove_domain(uow: TenantsUnitOfWork, actor: Actor, domain_id: UUID) -> None:
    require(actor, Action.MANAGE_TENANT)
    if not await uow.tenants.remove_domain(actor.tenant_id, domain_id):
        raise NotFound("No such domain.")
    await audit(uow, actor, "domain.removed", "domain", domain_id)
    await uow.commit()


# --- API keys: the tenant's, and the platform's (operators only) ------------------------


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise Forbidden("Only platform operators manage platform keys.")


def _new_key(tenant_id: UUID | None, name: str, scopes: list[Scope], prefix: str) -> ApiKey:
    if not scopes:
        raise InvalidInput("Give the key at least one scope.")
    return ApiKey(
        id=uuid4(),
        tenant_id=tenant_id,
        name=name,
        prefix=prefix,
        scopes=sorted(set(scopes)),
        created_at=clock.now(),
    )


async def list_api_keys(uow: TenantsUnitOfWork, actor: Actor) -> list[ApiKey]:
    require(actor, Action.MANAGE_TENANT)
    return await uow.api_keys.all_for(actor.tenant_id)


async def create_api_key(
    uow: TenantsUnitOfWork,
    actor: Actor,
    name: str,
    scopes: list[Scope],
    prefix: str,
    secret_hash: bytes,
) -> ApiKey:
    """A key of the tenant's own (never with the platform's billing scope)."""
    require(actor, Action.MANAGE_TENANT)
    if Scope.BILLING in scopes:
        raise Forbidden("The billing scope is for platform keys only.")
    key = _new_key(actor.tenant_id, name, scopes, prefix)
    await uow.api_keys.add(key, secret_hash, actor.user_id)
    await audit(
        uow,
        actor,
        "api_key.created",
        "api_key",
        key.id,
        name=name,
        scopes=[s.value for s in key.scopes],
    )
    await uow.commit()
    return key


async def revoke_api_key(uow: TenantsUnitOfWork, actor: Actor, key_id: UUID) -> None:
    require(actor, Action.MANAGE_TENANT)
    if not await uow.api_keys.revoke(actor.tenant_id, key_id, clock.now()):
        raise NotFound("No such API key.")
    await audit(uow, actor, "api_key.revoked", "api_key", key_id)
    await uow.commit()


async def list_platform_keys(uow: TenantsUnitOfWork, principal: Principal) -> list[ApiKey]:
    _require_operator(principal)
    return await uow.api_keys.all_for(None)


async def create_platform_key(
    uow: TenantsUnitOfWork,
    principal: Principal,
    name: str,
    scopes: list[Scope],
    prefix: str,
    secret_hash: bytes,
) -> ApiKey:
    """A platform key, for example the billing system's."""
    _require_operator(principal)
    key = _new_key(None, name, scopes, prefix)
    await uow.api_keys.add(key, secret_hash, principal.user_id)
    await uow.commit()
    return key


async def revoke_platform_key(uow: TenantsUnitOfWork, principal: Principal, key_id: UUID) -> None:
    _require_operator(principal)
    if not await uow.api_keys.revoke(None, key_id, clock.now()):
        raise NotFound("No such API key.")
    await uow.commit()


# --- the audit log ----------------------------------------------------------------------


async def audit_page(
    uow: TenantsUnitOfWork,
    actor: Actor,
    after: tuple[datetime, UUID] | None,
    limit: int,
    where: AuditFilter | None = None,
) -> list[AuditEntry]:
    """Newest first."""
    require(actor, Action.READ_TENANT_ADMIN)
    if where and where.since and where.until and where.since >= where.until:
        raise InvalidInput("The start of the period must come before its end.")
    return await uow.audit.page(actor.tenant_id, after=after, limit=limit, where=where)
