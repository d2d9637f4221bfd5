"""Pinned comments and staff replies.

``comments.pinned_at``: set while a moderator keeps the comment first on its post; a
partial unique index allows one pinned comment per post. ``comments.staff``: the
comment was written by the tenant's staff from the console (a staff reply), which the
public answers mark. The table already has row-level security forced.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("comments", sa.Column("pinned_at", sa.DateTime(timezone=True)))
    op.add_column("comments", sa.Column("pinned_by", UUID(as_uuid=True)))
    op.add_column(
        "comments", sa.Column("staff", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.create_foreign_key(
        "comments_pinned_by_fkey", "comments", "users", ["pinned_by"], ["id"], ondelete="SET NULL"
    )
    op.create_index(
        "comments_pinned_one",
        "comments",
        ["tenant_id", "post_id"],
        unique=True,
        postgresql_where=sa.text("pinned_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("comments_pinned_one", table_name="comments")
    op.drop_constraint("comments_pinned_by_fkey", "comments", type_="foreignkey")
    op.drop_column("comments", "staff")
    op.drop_column("comments", "pinned_by")
    op.drop_column("comments", "pinned_at")
