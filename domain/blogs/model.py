"""Blogs and the people who write for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.tenants.model import CommentPolicy


class BlogStatus(StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class BlogRole(StrEnum):
    OWNER = "owner"
    CONTRIBUTOR = "contributor"


@dataclass
class Blog:
    id: UUID
    tenant_id: UUID
    slug: str
    title: str
    description: str
    language: str
    comment_policy: CommentPolicy | None
    status: BlogStatus
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class BlogAuthor:
    user_id: UUID
    role: BlogRole
    display_name: str
    added_at: datetime
