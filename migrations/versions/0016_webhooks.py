"""Webhooks: each tenant's endpoints and the log of every delivery attempt.

An endpoint's signing secret is stored encrypted (AES-GCM under the server's webhook key,
bound to its tenant and endpoint), never in the clear: Standard Webhooks signatures are
HMACs, so the server must be able to compute them again at each attempt. During a
rotation the previous secret is kept, encrypted as well, until ``previous_expires_at``.

A delivery row is one attempt: ``pending`` until a worker sends it (at ``due_at`` by the
domain's clock), then ``succeeded`` or ``failed``; a failed attempt that will be retried
names the time of the next one (``next_attempt_at``) and a new pending row is made for it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from persistence.database import APP_ROLE

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(500), nullable=False, server_default=""),
        sa.Column("event_types", ARRAY(sa.String(64)), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(200)),
        sa.Column("secret", sa.LargeBinary(), nullable=False),
        sa.Column("previous_secret", sa.LargeBinary()),
        _ts("previous_expires_at"),
        _ts("failing_since"),
        _ts("created_at", False),
        _ts("updated_at", False),
    )
    enable_tenant_rls("webhook_endpoints")

    op.create_table(
        "webhook_deliveries",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("endpoint_id", U, nullable=False),
        sa.Column("event_id", U, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("due_at", False),
        _ts("attempted_at"),
        sa.Column("response_status", sa.Integer()),
        sa.Column("duration_ms", sa.Integer()),
        sa.Column("error", sa.String(500)),
        sa.Column("request_headers", sa.Text()),
        sa.Column("response_body", sa.Text()),
        _ts("next_attempt_at"),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "endpoint_id"],
            ["webhook_endpoints.tenant_id", "webhook_endpoints.id"],
            ondelete="CASCADE",
            name="webhook_deliveries_endpoint",
        ),
        sa.CheckConstraint(
            "status IN ('pending','succeeded','failed','cancelled')",
            name="webhook_deliveries_status",
        ),
    )
    op.create_index(
        "webhook_deliveries_recent",
        "webhook_deliveries",
        ["tenant_id", "endpoint_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "webhook_deliveries_due",
        "webhook_deliveries",
        ["due_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    enable_tenant_rls("webhook_deliveries")

    # The worker's sweep finds due attempts before it knows their tenant: ids only.
    op.execute(
        """
        CREATE FUNCTION webhook_deliveries_due(p_now timestamptz, p_limit integer)
        RETURNS TABLE (tenant_id uuid, delivery_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT d.tenant_id, d.id FROM webhook_deliveries d
           WHERE d.status = 'pending' AND d.due_at <= p_now
           ORDER BY d.due_at LIMIT p_limit $$
        """
    )
    # For /metrics: attempts by outcome over every tenant, without showing any row.
    op.execute(
        """
        CREATE FUNCTION webhook_delivery_outcomes()
        RETURNS TABLE (status text, attempts bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT d.status::text, count(*) FROM webhook_deliveries d GROUP BY d.status $$
        """
    )
    for signature in (
        "webhook_deliveries_due(timestamptz, integer)",
        "webhook_delivery_outcomes()",
    ):
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    # The definer functions run as the owner, whom FORCE ROW LEVEL SECURITY holds too.
    allow_owner_reads("webhook_deliveries")


def downgrade() -> None:
    op.execute("DROP FUNCTION webhook_deliveries_due(timestamptz, integer)")
    op.execute("DROP FUNCTION webhook_delivery_outcomes()")
    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_endpoints")
