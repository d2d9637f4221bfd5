"""Identity: tenants, users, memberships, invitations, refresh tokens, API keys, audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # Tenants are the roots of isolation, looked up by slug before any tenant context
    # exists, so the table itself carries no RLS (a tenant's slug and name are public).
    op.create_table(
        "tenants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("slug", sa.String(63), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("default_language", sa.String(8), nullable=False, server_default="en"),
        sa.Column("branding", JSONB, nullable=False, server_default="{}"),
        sa.Column("settings", JSONB, nullable=False, server_default="{}"),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.CheckConstraint(
            "slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'", name="tenants_slug_shape"
        ),
    )
    # Users are global: one e-mail, one password, a role in each tenant they belong to.
    op.create_table(
        "users",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_operator", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("token_version", sa.Integer, nullable=False, server_default="1"),
        _ts("created_at", False),
        _ts("updated_at", False),
    )
    op.create_index("users_email_key", "users", [sa.text("lower(email)")], unique=True)

    op.create_table(
        "refresh_tokens",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "user_id",
            UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("family_id", UUID(as_uuid=True), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        _ts("created_at", False),
        _ts("expires_at", False),
        _ts("used_at"),
        _ts("revoked_at"),
    )
    op.create_index("refresh_tokens_family", "refresh_tokens", ["family_id"])
    op.create_index("refresh_tokens_user", "refresh_tokens", ["user_id"])

    op.create_table(
        "memberships",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            UUID(as_uuid=True),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(20), nullable=False),
        _ts("created_at", False),
        sa.CheckConstraint(
            "role IN ('owner','manager','moderator','author','reader')", name="memberships_role"
        ),
    )
    op.create_index("memberships_user", "memberships", ["user_id"])
    # A user may read their own memberships in every tenant ("my tenants").
    enable_tenant_rls("memberships", extra_using="user_id = app_current_user()")

    op.create_table(
        "invitations",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("invited_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        _ts("created_at", False),
        _ts("expires_at", False),
        _ts("accepted_at"),
        sa.Column(
            "accepted_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")
        ),
        _ts("revoked_at"),
    )
    enable_tenant_rls("invitations")

    op.create_table(
        "tenant_domains",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("host", sa.String(253), nullable=False, unique=True),
        _ts("created_at", False),
    )
    enable_tenant_rls("tenant_domains")
    # Resolving a host happens before any tenant context: a narrow definer function
    # answers host -> slug and nothing else.
    op.execute(
        """
        CREATE FUNCTION resolve_tenant_host(p_host text) RETURNS text
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT t.slug FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id
           WHERE d.host = lower(p_host) $$
        """
    )

    op.create_table(
        "api_keys",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id", ondelete="CASCADE")),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("scopes", ARRAY(sa.String(32)), nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
        _ts("created_at", False),
        _ts("last_used_at"),
        _ts("revoked_at"),
        sa.UniqueConstraint("tenant_id", "id", name="api_keys_tenant_id_id"),
    )
    # Tenant keys are seen in their tenant only; platform keys (no tenant) only outside any.
    op.execute("ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE api_keys FORCE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY api_keys_tenant ON api_keys FOR ALL "
        "USING (tenant_id IS NOT DISTINCT FROM app_current_tenant()) "
        "WITH CHECK (tenant_id IS NOT DISTINCT FROM app_current_tenant())"
    )
    # Authenticating a key happens before the tenant is known: look it up by prefix only.
    op.execute(
        """
        CREATE FUNCTION find_api_key(p_prefix text)
        RETURNS TABLE (id uuid, tenant_id uuid, secret_hash bytea, scopes varchar[], revoked_at timestamptz)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT id, tenant_id, secret_hash, scopes, revoked_at FROM api_keys WHERE prefix = p_prefix $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION touch_api_key(p_id uuid) RETURNS void
        LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS
        $$ UPDATE api_keys SET last_used_at = now()
           WHERE id = p_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') $$
        """
    )

    op.create_table(
        "audit_log",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("actor_user_id", UUID(as_uuid=True)),
        sa.Column("actor_key_id", UUID(as_uuid=True)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(40), nullable=False),
        sa.Column("target_id", sa.String(80)),
        sa.Column("details", JSONB, nullable=False, server_default="{}"),
        sa.Column("request_id", sa.String(64)),
        _ts("created_at", False),
    )
    op.create_index(
        "audit_log_recent",
        "audit_log",
        ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    enable_tenant_rls("audit_log")
    # The audit trail is append-only for the application.
    op.execute("REVOKE UPDATE, DELETE ON audit_log FROM causerie_app")


def downgrade() -> None:
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS touch_api_key(uuid)")
    op.execute("DROP FUNCTION IF EXISTS find_api_key(text)")
    op.drop_table("api_keys")
    op.execute("DROP FUNCTION IF EXISTS resolve_tenant_host(text)")
    op.drop_table("tenant_domains")
    op.drop_table("invitations")
    op.drop_table("memberships")
    op.drop_table("refresh_tokens")
    op.drop_table("users")
    op.drop_table("tenants")
