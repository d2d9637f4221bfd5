"""Licences: the plan catalogue, one subscription per tenant, its history, idempotency keys.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# The default catalogue. Operators edit it through the API afterwards; None = unlimited.
DEFAULT_PLANS = [
    {
        "id": "starter",
        "name": "Starter",
        "quotas": {
            "blogs": 3,
            "members": 5,
            "posts_per_blog": 200,
            "custom_domains": 0,
            "api_requests_per_minute": 600,
        },
        "features": {
            "ratings": True,
            "custom_domain": False,
            "insights": "basic",
            "webhooks": False,
            "white_label": False,
        },
    },
    {
        "id": "business",
        "name": "Business",
        "quotas": {
            "blogs": 25,
            "members": 50,
            "posts_per_blog": 5000,
            "custom_domains": 3,
            "api_requests_per_minute": 3000,
        },
        "features": {
            "ratings": True,
            "custom_domain": True,
            "insights": "full",
            "webhooks": True,
            "white_label": False,
        },
    },
    {
        "id": "enterprise",
        "name": "Enterprise",
        "quotas": {
            "blogs": None,
            "members": None,
            "posts_per_blog": None,
            "custom_domains": 20,
            "api_requests_per_minute": 20000,
        },
        "features": {
            "ratings": True,
            "custom_domain": True,
            "insights": "full",
            "webhooks": True,
            "white_label": True,
        },
    },
]


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    plans = op.create_table(
        "plans",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("quotas", JSONB, nullable=False),
        sa.Column("features", JSONB, nullable=False),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.CheckConstraint("id ~ '^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$'", name="plans_id_shape"),
    )
    op.bulk_insert(
        plans,
        [
            {**p, "created_at": datetime.now(UTC), "updated_at": datetime.now(UTC)}
            for p in DEFAULT_PLANS
        ],
    )

    op.create_table(
        "subscriptions",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("plan_id", sa.String(40), sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("current_period_end"),
        sa.Column("external_ref", sa.String(200)),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.CheckConstraint(
            "status IN ('trialing','active','past_due','suspended','cancelled')",
            name="subscriptions_status",
        ),
    )
    op.create_index("subscriptions_plan", "subscriptions", ["plan_id"])
    # Tenants that predate licences start on an active starter plan (before RLS is on).
    op.execute(
        "INSERT INTO subscriptions (tenant_id, plan_id, status, created_at, updated_at) "
        "SELECT id, 'starter', 'active', now(), now() FROM tenants"
    )
    enable_tenant_rls("subscriptions")
    # Operators deleting a plan must know whether any tenant uses it, across tenants.
    op.execute(
        """
        CREATE FUNCTION plan_in_use(p_plan text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT EXISTS (SELECT 1 FROM subscriptions WHERE plan_id = p_plan) $$
        """
    )

    op.create_table(
        "subscription_events",
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("from_plan", sa.String(40)),
        sa.Column("to_plan", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("current_period_end", sa.DateTime(timezone=True)),
        sa.Column("external_ref", sa.String(200)),
        sa.Column("actor_user_id", UUID(as_uuid=True)),
        sa.Column("actor_key_id", UUID(as_uuid=True)),
        sa.Column("request_id", sa.String(64)),
        _ts("created_at", False),
    )
    op.create_index(
        "subscription_events_recent",
        "subscription_events",
        ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    enable_tenant_rls("subscription_events")
    op.execute("REVOKE UPDATE, DELETE ON subscription_events FROM causerie_app")

    # Keys belong to the caller (an API key or a user): the same caller may not reuse one
    # for another request, whichever tenant it targets.
    op.create_table(
        "idempotency_keys",
        sa.Column("caller", sa.String(80), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column(
            "tenant_id",
            UUID(as_uuid=True),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("request_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("response_status", sa.Integer),
        sa.Column("response_body", JSONB),
        _ts("created_at", False),
    )
    enable_tenant_rls("idempotency_keys")


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("subscription_events")
    op.execute("DROP FUNCTION IF EXISTS plan_in_use(text)")
    op.drop_table("subscriptions")
    op.drop_table("plans")
