"""Tenants: the tenant, its branding and settings, its custom domains, its API keys and
its audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.kernel.access import Scope
from domain.kernel.errors import InvalidInput

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# A host name: dot-separated labels of letters, digits and inner hyphens, the last one
# starting with a letter; 4 to 253 characters in all. It may come in either case, with a
# final dot and surrounding spaces: it is stored trimmed, without the dot, in lower case.
# The API's schema declares this very rule, and refuses what it does not match.
HOST_RULE = (
    r"^ *(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]\.? *$"
)
HOST_LENGTH = (4, 253)
HOST_PATTERN = re.compile(HOST_RULE)
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt")
TYPOGRAPHY = ("system", "serif", "sans", "humanist", "mono")


class CommentPolicy(StrEnum):
    OPEN = "open"
    TRUSTED = "trusted"
    PRE = "pre"
    CLOSED = "closed"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


# Path words of the public API that a tenant slug must not shadow.
RESERVED_TENANT_SLUGS = frozenset({"resolve", "api", "www", "admin", "console", "static"})


def check_slug(slug: str, what: str = "slug") -> str:
    """ASCII lower-case, digits and inner hyphens: no look-alike letters can pass."""
    if not SLUG_PATTERN.match(slug) or len(slug) < 2:
        raise InvalidInput(f"The {what} must be 2 to 63 of a-z, 0-9 and inner hyphens.")
    return slug


def check_tenant_slug(slug: str) -> str:
    check_slug(slug, "tenant slug")
    if slug in RESERVED_TENANT_SLUGS:
        raise InvalidInput(f"'{slug}' is reserved; choose another tenant slug.")
    return slug


def check_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if not (HOST_LENGTH[0] <= len(host) <= HOST_LENGTH[1] and HOST_PATTERN.fullmatch(host)):
        raise InvalidInput("The domain must be a plain host name such as blog.example.com.")
    return host


@dataclass
class Branding:
    logo_url: str | None = None
    primary_color: str = "#1f4e79"
    accent_color: str = "#c0392b"
    background_color: str = "#ffffff"
    text_color: str = "#1a1a1a"
    typography: str = "system"
    footer_text: str = ""
    show_powered_by: bool = True

    def __post_init__(self) -> None:
        for name in ("primary_color", "accent_color", "background_color", "text_color"):
            if not COLOR_PATTERN.match(getattr(self, name)):
                raise InvalidInput(f"{name} must be a #RRGGBB colour.")
        if self.typography not in TYPOGRAPHY:
            raise InvalidInput(f"typography must be one of {', '.join(TYPOGRAPHY)}.")
        if self.logo_url is not None and not self.logo_url.startswith(("https://", "http://")):
            raise InvalidInput("logo_url must be an http(s) URL.")


@dataclass
class TenantSettings:
    comment_policy: CommentPolicy = CommentPolicy.TRUSTED
    anonymous_comments: bool = False
    anonymous_ratings: bool = False
    reader_signup: bool = True
    authors_moderate_own_posts: bool = False
    blocked_words: list[str] = field(default_factory=list)


@dataclass
class Tenant:
    id: UUID
    slug: str
    name: str
    status: TenantStatus
    default_language: str
    branding: Branding
    settings: TenantSettings
    created_at: datetime
    updated_at: datetime

    def apply_changes(self, changes: dict[str, Any]) -> None:
        """Apply a validated partial update; nested branding/settings merge field by field."""
        if "name" in changes:
            if not changes["name"]:
                raise InvalidInput("name cannot be empty.")
            self.name = changes["name"]
        if "default_language" in changes:
            if changes["default_language"] not in LANGUAGES:
                raise InvalidInput(f"default_language must be one of {', '.join(LANGUAGES)}.")
            self.default_language = changes["default_language"]
        if changes.get("branding"):
            merged = {**vars(self.branding), **changes["branding"]}
            self.branding = Branding(**merged)
        if changes.get("settings"):
            merged = {**vars(self.settings), **changes["settings"]}
            merged["comment_policy"] = CommentPolicy(merged["comment_policy"])
            self.settings = TenantSettings(**merged)


@dataclass
class ApiKey:
    id: UUID
    tenant_id: UUID | None
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


@dataclass
class AuditEntry:
    id: UUID
    tenant_id: UUID
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    action: str
    target_type: str
    target_id: str | None
    details: dict[str, Any]
    request_id: str | None
    created_at: datetime
    # Resolved when the log is read, never stored: who did it and what it was done to,
    # by name (a person, a key; a post's or blog's title…), as they are named now.
    actor_name: str | None = None
    target_label: str | None = None


@dataclass(frozen=True)
class AuditFilter:
    actor_user_id: UUID | None = None
    action: str | None = None  # exact ("post.published") or a family ("post.")
    target_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # excluded


@dataclass
class NewTenant:
    """A tenant to provision, and the e-mail its first owner is invited at."""

    slug: str
    name: str
    default_language: str
    owner_email: str
