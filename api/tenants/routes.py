"""Tenants: provisioning, settings and branding, custom domains, API keys (the tenant's
and the platform's), and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, Response

from api.access import (
    Caller,
    Platform,
    Requires,
    ServicesDep,
    SignedInCaller,
    TenantActor,
    TenantSlug,
)
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from api.licensing.schemas import SubscriptionRead  # the provisioned subscription
from api.members.schemas import InvitationRead
from api.tenants.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    AuditEntryRead,
    DomainCreate,
    DomainRead,
    TenantCreate,
    TenantCreated,
    TenantRead,
    TenantUpdate,
)
from auth.secrets import new_api_key, new_token, token_hash
from domain.kernel.access import Action, Scope
from domain.licensing import use_cases as licensing
from domain.licensing.limits import PlanLicence
from domain.licensing.model import SubscriptionStatus
from domain.members.provisioning import provision_tenant
from domain.tenants import use_cases
from domain.tenants.model import ApiKey, AuditFilter, NewTenant

router = new_router()

AUDIT_LOG = time_id("audit-log")

Admin = Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]


# Routes with a path parameter after the tenant name the tenant first too, so that the
# parameters keep their order in the OpenAPI document (and the generated client).


# --- provisioning and the tenant ------------------------------------------------------


@router.post(
    "/tenants",
    operation_id="tenants-create",
    status_code=201,
    response_model=TenantCreated,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Slug taken"}},
    tags=["tenants"],
)
async def create_tenant(
    body: TenantCreate,
    caller: Annotated[Caller, Platform(Action.SET_SUBSCRIPTION)],
    services: ServicesDep,
) -> TenantCreated:
    """Provision a tenant, invite its owner and start its subscription, in one transaction
    (operators, or the billing system's key)."""
    token = new_token()
    spec = NewTenant(body.slug, body.name, body.default_language, str(body.owner_email))
    change = licensing.SubscriptionChange(
        plan_id=body.plan,
        status=SubscriptionStatus(body.status),
        current_period_end=body.current_period_end,
        external_ref=body.external_ref,
    )
    tenant, issued, subscription = await provision_tenant(
        caller.work,
        caller.principal,
        spec,
        change,
        token,
        token_hash(token),
        timedelta(seconds=services.settings.invitation_ttl_seconds),
    )
    return TenantCreated(
        tenant=TenantRead.of(tenant),
        owner_invitation=InvitationRead.of(issued, services.settings.base_url, tenant.slug),
        subscription=SubscriptionRead.of(tenant.slug, subscription),
    )


@router.get(
    "/tenants/{tenant}",
    operation_id="tenants-get",
    response_model=TenantRead,
    responses=ADMIN_PROBLEMS,
    tags=["tenants"],
)
async def get_tenant(ctx: Admin) -> TenantRead:
    """The tenant's settings and branding, for its owners and managers."""
    return TenantRead.of(ctx.tenant)  # the gate has read it


@router.patch(
    "/tenants/{tenant}",
    operation_id="tenants-update",
    response_model=TenantRead,
    responses=ADMIN_PROBLEMS,
    tags=["tenants"],
)
async def update_tenant(body: TenantUpdate, ctx: Manager, services: ServicesDep) -> TenantRead:
    """Change the name, language, branding or settings; nested objects merge field by field."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    for nested in ("branding", "settings"):
        if nested in changes and changes[nested] is not None:
            changes[nested] = {
                k: v for k, v in changes[nested].items() if v is not None or k == "logo_url"
            }
    updated = await use_cases.update_tenant(ctx.uow, ctx.tenant, ctx.actor, changes)
    services.sites.forget(updated.slug)  # the public site shows the change at once
    return TenantRead.of(updated)


# --- custom domains ---------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/domains",
    operation_id="domains-list",
    response_model=list[DomainRead],
    responses=ADMIN_PROBLEMS,
    tags=["tenants"],
)
async def list_domains(ctx: Admin) -> list[DomainRead]:
    return [DomainRead(id=i, host=h) for i, h in await use_cases.list_domains(ctx.uow, ctx.actor)]


@router.post(
    "/tenants/{tenant}/domains",
    operation_id="domains-add",
    status_code=201,
    response_model=DomainRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Domain in use"}},
    tags=["tenants"],
)
async def add_domain(body: DomainCreate, ctx: Manager, services: ServicesDep) -> DomainRead:
    """Serve the public site on a custom domain (the host must be free across the platform)."""
    domain_id, host = await use_cases.add_domain(
        ctx.uow, ctx.actor, body.host, PlanLicence(ctx.uow)
    )
    services.hosts.forget(host)  # it may be remembered as nobody's
    return DomainRead(id=domain_id, host=host)


@router.delete(
    "/tenants/{tenant}/domains/{domain_id}",
    operation_id="domains-remove",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
    tags=["tenants"],
)
async def remove_domain(
    tenant: TenantSlug, domain_id: UUID, ctx: Manager, services: ServicesDep
) -> Response:
    await use_cases.remove_domain(ctx.uow, ctx.actor, domain_id)
    services.hosts.clear()  # only the id is known here; domains change rarely
    return Response(status_code=204)


# --- API keys ---------------------------------------------------------------------------


def _created(key: ApiKey, secret: str) -> ApiKeyCreated:
    return ApiKeyCreated(**ApiKeyRead.of(key).model_dump(), secret=secret)


@router.get(
    "/tenants/{tenant}/api-keys",
    operation_id="api-keys-list",
    response_model=list[ApiKeyRead],
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def list_keys(ctx: Manager) -> list[ApiKeyRead]:
    return [ApiKeyRead.of(k) for k in await use_cases.list_api_keys(ctx.uow, ctx.actor)]


@router.post(
    "/tenants/{tenant}/api-keys",
    operation_id="api-keys-create",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def create_key(body: ApiKeyCreate, ctx: Manager) -> ApiKeyCreated:
    """A key for the tenant's own front-ends or integrations (scope ``content:read``)."""
    secret, prefix = new_api_key()
    key = await use_cases.create_api_key(
        ctx.uow, ctx.actor, body.name, [Scope(s) for s in body.scopes], prefix, token_hash(secret)
    )
    return _created(key, secret)


@router.delete(
    "/tenants/{tenant}/api-keys/{key_id}",
    operation_id="api-keys-revoke",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def revoke_key(tenant: TenantSlug, key_id: UUID, ctx: Manager) -> Response:
    await use_cases.revoke_api_key(ctx.uow, ctx.actor, key_id)
    return Response(status_code=204)


# Platform keys: signed-in platform operators only (the use cases refuse other people
# with a 403; API keys, even the billing one, are not signed in: 401).


@router.get(
    "/api-keys",
    operation_id="platform-api-keys-list",
    response_model=list[ApiKeyRead],
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def list_platform_keys(caller: SignedInCaller) -> list[ApiKeyRead]:
    keys = await use_cases.list_platform_keys(caller.work, caller.principal)
    return [ApiKeyRead.of(k) for k in keys]


@router.post(
    "/api-keys",
    operation_id="platform-api-keys-create",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def create_platform_key(body: ApiKeyCreate, caller: SignedInCaller) -> ApiKeyCreated:
    """A platform key, for example the billing system's (scope ``billing``)."""
    secret, prefix = new_api_key()
    key = await use_cases.create_platform_key(
        caller.work,
        caller.principal,
        body.name,
        [Scope(s) for s in body.scopes],
        prefix,
        token_hash(secret),
    )
    return _created(key, secret)


@router.delete(
    "/api-keys/{key_id}",
    operation_id="platform-api-keys-revoke",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
    tags=["api-keys"],
)
async def revoke_platform_key(key_id: UUID, caller: SignedInCaller) -> Response:
    await use_cases.revoke_platform_key(caller.work, caller.principal, key_id)
    return Response(status_code=204)


# --- the audit log ----------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/audit-log",
    operation_id="audit-log-list",
    response_model=Page[AuditEntryRead],
    responses=ADMIN_PROBLEMS,
    tags=["audit"],
)
async def list_audit(
    request: Request,
    response: Response,
    ctx: Admin,
    paging: PageQuery,
    actor: Annotated[UUID | None, Query(description="Only what this person did")] = None,
    action: Annotated[
        str | None,
        Query(
            max_length=60,
            pattern=r"^[a-z_]+\.([a-z_]+)?$",
            description='An action ("post.published") or a family of them ("post.")',
        ),
    ] = None,
    target_type: Annotated[
        str | None,
        Query(max_length=30, pattern=r"^[a-z_]+$", description="post, blog, user, comment…"),
    ] = None,
    since: Annotated[
        date | None, Query(alias="from", description="First day (UTC), included")
    ] = None,
    until: Annotated[date | None, Query(alias="to", description="Last day (UTC), included")] = None,
) -> Page[AuditEntryRead]:
    """Newest first, each entry with its actor and target named (one statement a page)."""
    where = AuditFilter(
        actor_user_id=actor,
        action=action,
        target_type=target_type,
        since=datetime.combine(since, time(), UTC) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), UTC) if until else None,
    )
    rows = await use_cases.audit_page(
        ctx.uow, ctx.actor, paging.after(AUDIT_LOG), paging.fetch, where
    )
    return page_of(request, response, paging, AUDIT_LOG, rows, AuditEntryRead.of)
