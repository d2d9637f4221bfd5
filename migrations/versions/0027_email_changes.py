"""E-mail change: a signed-in person asks, on a site, to move their account to another
address; the link mailed to that address confirms it.

``email_changes`` holds one row per request: the new address and the hash of the link's
token (never the token), its expiry and when it was used, and the account's
``token_version`` when it was asked: a password reset or change since (which bumps it)
voids the request, so resetting a stolen password also stops a pending move. It is tenant-owned (row-level
security): a request belongs to the site it was asked on, whose brand its mails carry,
and its link works on that site only.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "email_changes",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("new_email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        _ts("created_at", False),
        _ts("expires_at", False),
        _ts("used_at"),
        sa.UniqueConstraint("tenant_id", "token_hash", name="email_changes_token"),
    )
    op.create_index("email_changes_user", "email_changes", ["tenant_id", "user_id", "created_at"])
    enable_tenant_rls("email_changes")


def downgrade() -> None:
    op.drop_table("email_changes")
