"""A tenant's exports: one row per requested archive, made by a worker job.

The archive (a zip) is kept in the row itself (``archive``) until ``expires_at``, then
cleared: the API and every worker reach it without shared storage. At most one export
per tenant is queued or running at a time (a partial unique index), so two requests
racing for an export cannot start two jobs.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "tenant_exports",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("requested_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("items_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("size_bytes", sa.BigInteger()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("archive", sa.LargeBinary()),
        sa.Column("error", sa.String(500)),
        _ts("created_at", False),
        _ts("started_at"),
        _ts("finished_at"),
        _ts("expires_at"),
        sa.CheckConstraint(
            "status IN ('queued','running','ready','failed','expired')",
            name="tenant_exports_status",
        ),
    )
    op.create_index(
        "tenant_exports_one_active",
        "tenant_exports",
        ["tenant_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('queued','running')"),
    )
    op.create_index(
        "tenant_exports_recent",
        "tenant_exports",
        ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    enable_tenant_rls("tenant_exports")


def downgrade() -> None:
    op.drop_table("tenant_exports")
