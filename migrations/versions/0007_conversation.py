"""The conversation: comments, reader reports, ratings.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)
COMMENT_STATUSES = "('pending','approved','rejected','spam','deleted')"


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("parent_id", U),
        sa.Column("root_id", U, nullable=False),
        sa.Column("depth", sa.SmallInteger, nullable=False),
        sa.Column("author_user_id", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("author_name", sa.String(80), nullable=False),
        sa.Column("author_email", sa.String(254)),
        sa.Column("author_url", sa.String(300)),
        sa.Column("body_markdown", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("body_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_before", sa.String(20)),
        sa.Column("held_reason", sa.String(20)),
        # A keyed hash (HMAC) of the client address and the tenant: never the address.
        sa.Column("ip_hash", sa.LargeBinary(32)),
        _ts("created_at", False),
        _ts("updated_at", False),
        _ts("edited_at"),
        _ts("deleted_at"),
        _ts("moderated_at"),
        sa.Column("moderated_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "parent_id"], ["comments.tenant_id", "comments.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint(f"status IN {COMMENT_STATUSES}", name="comments_status"),
        sa.CheckConstraint(
            f"status_before IS NULL OR status_before IN {COMMENT_STATUSES}",
            name="comments_status_before",
        ),
        sa.CheckConstraint("depth BETWEEN 0 AND 2", name="comments_depth"),
        sa.CheckConstraint("char_length(body_markdown) <= 5000", name="comments_body_length"),
        sa.CheckConstraint("(parent_id IS NULL) = (depth = 0)", name="comments_parent_depth"),
    )
    # Public threads: top-level comments of a post in order, then replies by thread.
    op.create_index(
        "comments_post_top",
        "comments",
        ["tenant_id", "post_id", "created_at", "id"],
        postgresql_where=sa.text("parent_id IS NULL"),
    )
    op.create_index("comments_root", "comments", ["tenant_id", "root_id", "created_at"])
    # The moderation queue, newest first, by status.
    op.create_index(
        "comments_queue",
        "comments",
        ["tenant_id", "status", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "comments_recent", "comments", ["tenant_id", sa.text("created_at DESC"), sa.text("id DESC")]
    )
    # Repeat detection: the same text, recently.
    op.create_index("comments_body_hash", "comments", ["tenant_id", "body_hash", "created_at"])
    op.create_index("comments_author", "comments", ["tenant_id", "author_user_id", "created_at"])
    enable_tenant_rls("comments")

    op.create_table(
        "comment_reports",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("comment_id", U, primary_key=True),
        sa.Column(
            "reporter_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        _ts("created_at", False),
        _ts("dismissed_at"),
        sa.ForeignKeyConstraint(
            ["tenant_id", "comment_id"], ["comments.tenant_id", "comments.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "reason IN ('spam','abuse','off_topic','other')", name="comment_reports_reason"
        ),
    )
    enable_tenant_rls("comment_reports")

    op.create_table(
        "ratings",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE")),
        # SHA-256 of an anonymous voter's token; the token itself is never stored.
        sa.Column("voter_hash", sa.LargeBinary(32)),
        sa.Column("stars", sa.SmallInteger, nullable=False),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name="ratings_stars"),
        sa.CheckConstraint("(user_id IS NULL) <> (voter_hash IS NULL)", name="ratings_one_voter"),
    )
    op.create_index(
        "ratings_post_user",
        "ratings",
        ["tenant_id", "post_id", "user_id"],
        unique=True,
        postgresql_where=sa.text("user_id IS NOT NULL"),
    )
    op.create_index(
        "ratings_post_voter",
        "ratings",
        ["tenant_id", "post_id", "voter_hash"],
        unique=True,
        postgresql_where=sa.text("voter_hash IS NOT NULL"),
    )
    enable_tenant_rls("ratings")


def downgrade() -> None:
    op.drop_table("ratings")
    op.drop_table("comment_reports")
    op.drop_table("comments")
