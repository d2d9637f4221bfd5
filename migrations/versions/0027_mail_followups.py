"""Mail, continued: e-mail change, the moderators' digest, the replies held back.

E-mail change: a signed-in person asks, on a site, to move their account to another
address; the link mailed to that address confirms it.

``email_changes`` holds one row per request: the new address and the hash of the link's
token (never the token), its expiry and when it was used, and the account's
``token_version`` when it was asked: a password reset or change since (which bumps it)
voids the request, so resetting a stolen password also stops a pending move. It is tenant-owned (row-level
security): a request belongs to the site it was asked on, whose brand its mails carry,
and its link works on that site only.

``tenants_with_pending_comments()``: the worker's sweep finds which tenants have comments
waiting in the moderation queue (ids only, before it knows any tenant) to plan the
moderators' hourly digest in each tenant's context.

``reply_overflow``: the replies that found their recipient's hourly cap full, held back
from mail; an hour after the first of them the worker mails them together in one digest
and marks them ``digested_at``. ``tenants_with_reply_overflow(before)`` names the tenants
with such replies older than ``before``.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB, UUID

from persistence.database import APP_ROLE

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

    op.execute(
        """
        CREATE FUNCTION tenants_with_pending_comments()
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT DISTINCT c.tenant_id FROM comments c
           WHERE c.status = 'pending' AND c.deleted_at IS NULL $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION tenants_with_pending_comments() FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION tenants_with_pending_comments() TO {APP_ROLE}")
    allow_owner_reads("comments")

    op.create_table(
        "reply_overflow",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("context", JSONB, nullable=False),
        _ts("created_at", False),
        _ts("digested_at"),
    )
    op.create_index(
        "reply_overflow_waiting",
        "reply_overflow",
        ["tenant_id", "user_id", "created_at"],
        postgresql_where=sa.text("digested_at IS NULL"),
    )
    enable_tenant_rls("reply_overflow")
    op.execute(
        """
        CREATE FUNCTION tenants_with_reply_overflow(p_before timestamptz)
        RETURNS TABLE (tenant_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT DISTINCT r.tenant_id FROM reply_overflow r
           WHERE r.digested_at IS NULL AND r.created_at <= p_before $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION tenants_with_reply_overflow(timestamptz) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION tenants_with_reply_overflow(timestamptz) TO {APP_ROLE}")
    allow_owner_reads("reply_overflow")


def downgrade() -> None:
    op.execute("DROP FUNCTION tenants_with_reply_overflow(timestamptz)")
    op.drop_table("reply_overflow")
    op.execute("DROP POLICY IF EXISTS comments_owner_read ON comments")
    op.execute("DROP FUNCTION tenants_with_pending_comments()")
    op.drop_table("email_changes")
