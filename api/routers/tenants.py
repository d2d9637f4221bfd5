"""Tenants: provisioning, settings and branding, custom domains, host resolution."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Response
from pydantic import Field, HttpUrl

from api.access import PrincipalDep, ServicesDep, TenantSlug, UowDep
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, Email, Language, Name, StrictModel
from api.licensing.schemas import SubscriptionRead
from auth.secrets import new_token, token_hash
from domain.identity import use_cases
from domain.identity.model import TYPOGRAPHY, CommentPolicy, Tenant
from domain.kernel.access import Action, require
from domain.licensing import use_cases as licensing
from domain.licensing.model import SubscriptionStatus
from domain.licensing.provisioning import provision_tenant

router = new_router(tags=["tenants"])

Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")]
Typography = Literal["system", "serif", "sans", "humanist", "mono"]
assert set(Typography.__args__) == set(TYPOGRAPHY)  # type: ignore[attr-defined]
BlockedWord = Annotated[str, Field(min_length=1, max_length=60)]


class BrandingRead(StrictModel):
    logo_url: str | None
    primary_color: str
    accent_color: str
    background_color: str
    text_color: str
    typography: str
    footer_text: str
    show_powered_by: bool


class BrandingUpdate(StrictModel):
    logo_url: HttpUrl | None = None
    primary_color: Color | None = None
    accent_color: Color | None = None
    background_color: Color | None = None
    text_color: Color | None = None
    typography: Typography | None = None
    footer_text: Annotated[str, Field(max_length=500)] | None = None
    show_powered_by: bool | None = None


class SettingsRead(StrictModel):
    comment_policy: CommentPolicy
    anonymous_comments: bool
    anonymous_ratings: bool
    reader_signup: bool
    authors_moderate_own_posts: bool
    blocked_words: list[str]


class SettingsUpdate(StrictModel):
    comment_policy: CommentPolicy | None = None
    anonymous_comments: bool | None = None
    anonymous_ratings: bool | None = None
    reader_signup: bool | None = None
    authors_moderate_own_posts: bool | None = None
    blocked_words: Annotated[list[BlockedWord], Field(max_length=500)] | None = None


class TenantRead(StrictModel):
    id: UUID
    slug: str
    name: str
    status: str
    default_language: str
    branding: BrandingRead
    settings: SettingsRead
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, tenant: Tenant) -> TenantRead:
        return cls(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            status=tenant.status.value,
            default_language=tenant.default_language,
            branding=BrandingRead(**vars(tenant.branding)),
            settings=SettingsRead(**vars(tenant.settings)),
            created_at=tenant.created_at,
            updated_at=tenant.updated_at,
        )


class TenantCreate(StrictModel):
    slug: Annotated[
        str, Field(min_length=2, max_length=63, pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
    ]
    name: Name
    default_language: Language = "en"
    owner_email: Email
    plan: Annotated[str, Field(min_length=2, max_length=40)] = "starter"
    status: Literal["trialing", "active"] = "trialing"
    current_period_end: datetime | None = None
    external_ref: Annotated[str, Field(max_length=200)] | None = None


class TenantUpdate(StrictModel):
    name: Name | None = None
    default_language: Language | None = None
    branding: BrandingUpdate | None = None
    settings: SettingsUpdate | None = None


class InvitationRead(StrictModel):
    id: UUID
    email: str
    role: str
    expires_at: datetime
    token: str = Field(description="Shown once: hand it (or accept_url) to the invitee.")
    accept_url: str


class TenantCreated(StrictModel):
    tenant: TenantRead
    owner_invitation: InvitationRead
    subscription: SubscriptionRead


class DomainCreate(StrictModel):
    host: Annotated[str, Field(min_length=4, max_length=253)]


class DomainRead(StrictModel):
    id: UUID
    host: str


def invitation_read(issued: use_cases.InvitationIssued, base_url: str, slug: str) -> InvitationRead:
    inv = issued.invitation
    return InvitationRead(
        id=inv.id,
        email=inv.email,
        role=inv.role.value,
        expires_at=inv.expires_at,
        token=issued.token,
        accept_url=f"{base_url}/console/accept-invitation?tenant={slug}&token={issued.token}",
    )


@router.post(
    "/tenants",
    operation_id="tenants-create",
    status_code=201,
    response_model=TenantCreated,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Slug taken"}},
)
async def create_tenant(
    body: TenantCreate, principal: PrincipalDep, services: ServicesDep, uow: UowDep
) -> TenantCreated:
    """Provision a tenant, invite its owner and start its subscription, in one transaction
    (operators, or the billing system's key)."""
    token = new_token()
    spec = use_cases.NewTenant(body.slug, body.name, body.default_language, str(body.owner_email))
    change = licensing.SubscriptionChange(
        plan_id=body.plan,
        status=SubscriptionStatus(body.status),
        current_period_end=body.current_period_end,
        external_ref=body.external_ref,
    )
    async with uow:
        tenant, issued, subscription = await provision_tenant(
            uow,
            principal,
            spec,
            change,
            token,
            token_hash(token),
            timedelta(seconds=services.settings.invitation_ttl_seconds),
        )
    return TenantCreated(
        tenant=TenantRead.of(tenant),
        owner_invitation=invitation_read(issued, services.settings.base_url, tenant.slug),
        subscription=SubscriptionRead.of(tenant.slug, subscription),
    )


@router.get(
    "/tenants/{tenant}",
    operation_id="tenants-get",
    response_model=TenantRead,
    responses=ADMIN_PROBLEMS,
)
async def get_tenant(tenant: TenantSlug, principal: PrincipalDep, uow: UowDep) -> TenantRead:
    """The tenant's settings and branding, for its owners and managers."""
    async with uow:
        found, actor = await use_cases.actor_in(uow, principal, tenant)
        require(actor, Action.READ_TENANT_ADMIN)
    return TenantRead.of(found)


@router.patch(
    "/tenants/{tenant}",
    operation_id="tenants-update",
    response_model=TenantRead,
    responses=ADMIN_PROBLEMS,
)
async def update_tenant(
    tenant: TenantSlug,
    body: TenantUpdate,
    principal: PrincipalDep,
    uow: UowDep,
    services: ServicesDep,
) -> TenantRead:
    """Change the name, language, branding or settings; nested objects merge field by field."""
    changes = body.model_dump(exclude_unset=True, mode="json")
    for nested in ("branding", "settings"):
        if nested in changes and changes[nested] is not None:
            changes[nested] = {
                k: v for k, v in changes[nested].items() if v is not None or k == "logo_url"
            }
    async with uow:
        found, actor = await use_cases.actor_in(uow, principal, tenant)
        updated = await use_cases.update_tenant(uow, found, actor, changes)
    services.sites.forget(tenant)  # the public site shows the change at once
    return TenantRead.of(updated)


@router.get(
    "/tenants/{tenant}/domains",
    operation_id="domains-list",
    response_model=list[DomainRead],
    responses=ADMIN_PROBLEMS,
)
async def list_domains(
    tenant: TenantSlug, principal: PrincipalDep, uow: UowDep
) -> list[DomainRead]:
    async with uow:
        found, actor = await use_cases.actor_in(uow, principal, tenant)
        require(actor, Action.READ_TENANT_ADMIN)
        return [DomainRead(id=i, host=h) for i, h in await uow.tenants.domains(found.id)]


@router.post(
    "/tenants/{tenant}/domains",
    operation_id="domains-add",
    status_code=201,
    response_model=DomainRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Domain in use"}},
)
async def add_domain(
    tenant: TenantSlug,
    body: DomainCreate,
    principal: PrincipalDep,
    uow: UowDep,
    services: ServicesDep,
) -> DomainRead:
    """Serve the public site on a custom domain (the host must be free across the platform)."""
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        domain_id, host = await use_cases.add_domain(uow, actor, body.host)
    services.hosts.forget(host)  # it may be remembered as nobody's
    return DomainRead(id=domain_id, host=host)


@router.delete(
    "/tenants/{tenant}/domains/{domain_id}",
    operation_id="domains-remove",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
)
async def remove_domain(
    tenant: TenantSlug,
    domain_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    services: ServicesDep,
) -> Response:
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        await use_cases.remove_domain(uow, actor, domain_id)
    services.hosts.clear()  # only the id is known here; domains change rarely
    return Response(status_code=204)
