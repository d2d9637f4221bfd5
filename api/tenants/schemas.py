"""Request and response models of tenants: the tenant, its domains, API keys, audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import Field, HttpUrl

from api.kit.schemas import Email, Language, Name, StrictModel, unchanged
from api.licensing.schemas import SubscriptionRead  # the provisioned subscription
from api.members.schemas import InvitationRead
from domain.tenants.model import (
    HOST_LENGTH,
    HOST_RULE,
    TYPOGRAPHY,
    ApiKey,
    AuditEntry,
    CommentPolicy,
    Tenant,
)

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
    """Fields left out are unchanged; ``null`` is no value for any of them (inside
    ``branding`` and ``settings`` a ``null`` leaves that field as it is)."""

    name: Name = unchanged()
    default_language: Language = unchanged()
    branding: BrandingUpdate = unchanged()
    settings: SettingsUpdate = unchanged()


class TenantCreated(StrictModel):
    tenant: TenantRead
    owner_invitation: InvitationRead
    subscription: SubscriptionRead


class DomainCreate(StrictModel):
    host: Annotated[
        str,
        Field(
            min_length=HOST_LENGTH[0],
            max_length=HOST_LENGTH[1],
            pattern=HOST_RULE,
            description="A host name such as blog.example.com (stored in lower case).",
        ),
    ]


class DomainRead(StrictModel):
    id: UUID
    host: str


ScopeName = Literal["billing", "content:read"]


class ApiKeyCreate(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    scopes: Annotated[list[ScopeName], Field(min_length=1, max_length=4)]


class ApiKeyRead(StrictModel):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyRead:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            scopes=[s.value for s in key.scopes],
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyRead):
    secret: str = Field(description="The whole key. Shown this once; only its hash is kept.")


class AuditEntryRead(StrictModel):
    id: UUID
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    action: str
    target_type: str
    target_id: str | None
    details: dict[str, Any]
    request_id: str | None = Field(
        description="The request that did it; null for changes made outside a request "
        "(the command line, the demo data)"
    )
    created_at: datetime
    actor_name: str | None = Field(description="The person's name, or the API key's")
    target_label: str | None = Field(
        description="What it was done to, by name as it is now: a post's or blog's title, "
        "a person's name, an API key's name; for a comment, its post's title"
    )

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        fields = vars(entry).copy()
        fields.pop("tenant_id")
        return cls(**fields)


# --- the public site -------------------------------------------------------------------


class BrandingPublic(StrictModel):
    logo_url: str | None
    primary_color: str
    accent_color: str
    background_color: str
    text_color: str
    typography: str
    footer_text: str
    show_powered_by: bool = Field(
        description="False only when the tenant hides it and its plan includes white label."
    )


class SiteFeatures(StrictModel):
    ratings: bool
    anonymous_comments: bool
    anonymous_ratings: bool
    reader_signup: bool
    comment_policy: str


class SiteRead(StrictModel):
    slug: str
    name: str
    default_language: str
    languages: list[str] = Field(description="The default language and those of its blogs.")
    branding: BrandingPublic
    features: SiteFeatures
    url: str
    feeds: dict[str, str]


class Resolved(StrictModel):
    tenant: str
