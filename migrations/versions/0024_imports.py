"""Imports from WordPress and Ghost: the jobs, the keys of what each imported, and the
redirect table that keeps a site's old addresses answering.

``imports`` rows are jobs (one queued or running per tenant: a partial unique index);
``import_keys`` maps each item of a source (``post:123`` of ``https://old.example``) to
the row it became, which makes a re-import skip it; ``redirects`` maps an old path to a
post, answered with a 301 by the public API.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("options", JSONB, nullable=False),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_size", sa.BigInteger, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("report", JSONB, nullable=False, server_default="{}"),
        sa.Column("warnings", JSONB, nullable=False, server_default="[]"),
        sa.Column("error", JSONB),
        sa.Column("created_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        _ts("created_at", False),
        _ts("finished_at"),
        sa.CheckConstraint(
            "state IN ('queued','running','succeeded','failed')", name="imports_state"
        ),
    )
    op.create_index(
        "imports_one_active",
        "imports",
        ["tenant_id"],
        unique=True,
        postgresql_where=sa.text("state IN ('queued','running')"),
    )
    op.create_index(
        "imports_recent", "imports", ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")]
    )
    enable_tenant_rls("imports")

    op.create_table(
        "import_keys",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("source", sa.String(2000), primary_key=True),
        sa.Column("item_key", sa.String(300), primary_key=True),
        sa.Column("target_id", U, nullable=False),
        _ts("created_at", False),
    )
    enable_tenant_rls("import_keys")

    op.create_table(
        "redirects",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("path", sa.String(2000), primary_key=True),
        sa.Column("post_id", U, nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
    )
    enable_tenant_rls("redirects")


def downgrade() -> None:
    op.drop_table("redirects")
    op.drop_table("import_keys")
    op.drop_index("imports_recent", table_name="imports")
    op.drop_index("imports_one_active", table_name="imports")
    op.drop_table("imports")
