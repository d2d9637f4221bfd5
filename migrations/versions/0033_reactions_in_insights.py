"""Insights: likes and boosts per bucket, read from ``federation_reactions``.

An index on (tenant_id, created_at), carrying the kind and the post, lets the engagement
series count a window's likes and boosts from the index alone (an index-only scan of the
window's entries; the posts are probed by primary key only when a blog or an author
narrows it). Nothing else changes: an ``Undo`` (or a web like withdrawn) deletes its row,
so the figures are exact by construction, with no trigger to keep.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "federation_reactions_time",
        "federation_reactions",
        ["tenant_id", "created_at"],
        postgresql_include=["kind", "post_id"],
    )


def downgrade() -> None:
    op.drop_index("federation_reactions_time", table_name="federation_reactions")
