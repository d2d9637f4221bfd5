"""Mail: the log of every message sent (or being sent), and password-reset tokens.

A ``mail_messages`` row is one message to one recipient: ``pending`` until a worker sends
it (at ``due_at`` by the domain's clock), then ``sent``, or ``failed`` once its attempts
ran out. It keeps what the operator needs (to, template, language, status, attempts, the
last error, the Message-ID) and the template's context. A one-time secret the message
carries (a reset or invitation token) sits in ``secret`` only until the message is sent
or given up, then the column is emptied: the log keeps no secret.

``account_tokens`` holds the hash of each single-use token mailed to a person (never the
token): ``reset`` (a password reset) or ``verify`` (an e-mail address confirmed). Users
are global, so it is not tenant-owned, like ``refresh_tokens``.

``notification_preferences``: the notifications (``reply``…) a person turned off in a
tenant, by a preference or a one-click unsubscribe; no row means on.

``users.email_verified_at``: when the address was confirmed. Accounts that exist already,
and those made by an operator, an invitation's acceptance or the CLI, count as confirmed
(their creation time); a reader signing up on a site starts unconfirmed.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls
from sqlalchemy.dialects.postgresql import JSONB, UUID

from persistence.database import APP_ROLE

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "mail_messages",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("to_name", sa.String(120), nullable=False, server_default=""),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("context", JSONB, nullable=False),
        sa.Column("secret", sa.String(200)),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _ts("due_at", False),
        _ts("sent_at"),
        sa.Column("last_error", sa.String(500)),
        sa.Column("message_id", sa.String(200)),
        _ts("created_at", False),
        sa.CheckConstraint("status IN ('pending','sent','failed')", name="mail_messages_status"),
        sa.CheckConstraint(
            "status = 'pending' OR secret IS NULL", name="mail_messages_secret_until_sent"
        ),
    )
    op.create_index(
        "mail_messages_recent",
        "mail_messages",
        ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "mail_messages_due",
        "mail_messages",
        ["due_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    enable_tenant_rls("mail_messages")

    # The worker's sweep finds due messages before it knows their tenant: ids only.
    op.execute(
        """
        CREATE FUNCTION mail_messages_due(p_now timestamptz, p_limit integer)
        RETURNS TABLE (tenant_id uuid, message_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
        $$ SELECT m.tenant_id, m.id FROM mail_messages m
           WHERE m.status = 'pending' AND m.due_at <= p_now
           ORDER BY m.due_at LIMIT p_limit $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION mail_messages_due(timestamptz, integer) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION mail_messages_due(timestamptz, integer) TO {APP_ROLE}")
    allow_owner_reads("mail_messages")

    op.create_table(
        "account_tokens",
        sa.Column("id", U, primary_key=True),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(12), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
        _ts("created_at", False),
        _ts("expires_at", False),
        _ts("used_at"),
        sa.CheckConstraint("purpose IN ('reset','verify')", name="account_tokens_purpose"),
    )
    op.create_index("account_tokens_user", "account_tokens", ["user_id", "purpose"])

    # Notifications a person turned off, per tenant (no row: on).
    op.create_table(
        "notification_preferences",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _ts("updated_at", False),
    )
    enable_tenant_rls("notification_preferences")

    op.add_column("users", _ts("email_verified_at"))
    op.execute("UPDATE users SET email_verified_at = created_at")


def downgrade() -> None:
    op.drop_column("users", "email_verified_at")
    op.drop_table("notification_preferences")
    op.drop_table("account_tokens")
    op.execute("DROP FUNCTION mail_messages_due(timestamptz, integer)")
    op.drop_table("mail_messages")
