"""Commenters' standing in a tenant: trusted (their comments skip pre-moderation) or
banned (their comments are held for a moderator), and the moderators' note on them.

One row per tenant and person, written by moderators and read by the comment policy
when that person writes. Row-level security like every tenant table.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def upgrade() -> None:
    op.create_table(
        "commenter_standings",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("standing", sa.String(10)),
        sa.Column("note", sa.String(1000), nullable=False, server_default=""),
        sa.Column("updated_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "standing IS NULL OR standing IN ('trusted','banned')",
            name="commenter_standings_standing",
        ),
    )
    enable_tenant_rls("commenter_standings")


def downgrade() -> None:
    op.drop_table("commenter_standings")
