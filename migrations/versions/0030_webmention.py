"""Webmention and WebSub: mentions received from other sites, pings sent to them.

- ``webmentions``: one row per (post, source page) a Webmention named; the worker
  fetches the source, checks it links to the post and reads its microformats. A verified
  reply or mention points at the comment it became; a like or repost is counted in
  ``federation_reactions`` (kinds ``like`` and ``announce``, the source as its activity).
- ``web_pings``: one row per attempt to tell another server about a post: a Webmention
  to a page the post links to (``webmention``), or a WebSub publish ping to a hub for
  one of the feeds the post is in (``websub``). Failures are tried again.

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

from persistence.database import APP_ROLE

revision = "0030"
down_revision = "0028"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _tenant() -> sa.Column:
    return sa.Column(
        "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )


def _post_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "webmentions",
        _tenant(),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(10)),
        sa.Column("comment_id", U),
        sa.Column("author_name", sa.String(80)),
        sa.Column("author_url", sa.String(2000)),
        sa.Column("author_photo", sa.String(2000)),
        sa.Column("error", sa.String(500)),
        _ts("received_at", False),
        _ts("verified_at"),
        _post_fk(),
        sa.UniqueConstraint("tenant_id", "post_id", "source", name="webmentions_one"),
        sa.CheckConstraint(
            "state IN ('pending','verified','rejected','deleted')", name="webmentions_state"
        ),
        sa.CheckConstraint(
            "kind IS NULL OR kind IN ('reply','mention','like','repost')", name="webmentions_kind"
        ),
    )
    enable_tenant_rls("webmentions")

    op.create_table(
        "web_pings",
        _tenant(),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("topic", sa.String(2000), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("endpoint", sa.String(2000)),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("due_at", False),
        _ts("attempted_at"),
        sa.Column("response_status", sa.Integer()),
        sa.Column("error", sa.String(500)),
        _ts("created_at", False),
        _post_fk(),
        sa.CheckConstraint("kind IN ('webmention','websub')", name="web_pings_kind"),
        sa.CheckConstraint(
            "status IN ('pending','succeeded','failed','cancelled','no_endpoint')",
            name="web_pings_status",
        ),
    )
    op.create_index(
        "web_pings_due", "web_pings", ["due_at"], postgresql_where=sa.text("status = 'pending'")
    )
    enable_tenant_rls("web_pings")

    # The worker's sweep finds due pings before it knows their tenant: ids only.
    op.execute(
        """
        CREATE FUNCTION web_pings_due(p_now timestamptz, p_limit integer)
        RETURNS TABLE (tenant_id uuid, ping_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS
        $$ SELECT p.tenant_id, p.id FROM web_pings p
           WHERE p.status = 'pending' AND p.due_at <= p_now
           ORDER BY p.due_at LIMIT p_limit $$
        """
    )
    signature = "web_pings_due(timestamptz, integer)"
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    allow_owner_reads("web_pings")


def downgrade() -> None:
    op.execute("DROP FUNCTION web_pings_due(timestamptz, integer)")
    op.drop_table("web_pings")
    op.drop_table("webmentions")
