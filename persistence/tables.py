"""SQLAlchemy Core tables, mirroring the alembic migrations (which are the source of truth).

We map rows to domain dataclasses by hand in the repositories: no ORM identity map, no
lazy loading, and the hot read paths can return plain rows.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = sa.MetaData()


def _ts(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.String(63), nullable=False),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("default_language", sa.String(8), nullable=False),
    sa.Column("branding", JSONB, nullable=False),
    sa.Column("settings", JSONB, nullable=False),
    _ts("created_at", False),
    _ts("updated_at", False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_operator", sa.Boolean, nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("token_version", sa.Integer, nullable=False),
    _ts("created_at", False),
    _ts("updated_at", False),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("user_id", UUID(as_uuid=True), nullable=False),
    sa.Column("family_id", UUID(as_uuid=True), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("used_at"),
    _ts("revoked_at"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    _ts("created_at", False),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("invited_by", UUID(as_uuid=True)),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("accepted_at"),
    sa.Column("accepted_by", UUID(as_uuid=True)),
    _ts("revoked_at"),
)

tenant_domains = sa.Table(
    "tenant_domains",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("host", sa.String(253), nullable=False),
    _ts("created_at", False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("tenant_id", UUID(as_uuid=True)),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("scopes", ARRAY(sa.String(32)), nullable=False),
    sa.Column("created_by", UUID(as_uuid=True)),
    _ts("created_at", False),
    _ts("last_used_at"),
    _ts("revoked_at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("actor_user_id", UUID(as_uuid=True)),
    sa.Column("actor_key_id", UUID(as_uuid=True)),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_type", sa.String(40), nullable=False),
    sa.Column("target_id", sa.String(80)),
    sa.Column("details", JSONB, nullable=False),
    sa.Column("request_id", sa.String(64)),
    _ts("created_at", False),
)
