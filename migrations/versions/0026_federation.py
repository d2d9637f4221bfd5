"""Federation: each blog is an ActivityPub actor.

- ``federation_keys``: one RSA key pair per blog; the private half sealed (AES-GCM under
  the server's key, bound to its tenant and blog), never stored in the clear.
- ``federation_followers``: remote actors following a blog, with their inbox and, when
  they offer one, their server's shared inbox.
- ``federation_reactions``: Likes and Announces of a post, one per remote actor and
  kind; an ``Undo`` removes the row.
- ``federation_deliveries``: one row per attempt to deliver an activity to one inbox;
  ``federation_inboxes`` tracks each inbox's failures.
- ``federation_domain_blocks``: instances a tenant refuses to hear from or deliver to.
- ``comments`` gain a ``source`` (``web``, ``activitypub``, ``webmention``) and the
  remote object's id, author handle, avatar and profile, for replies from the fediverse.
- Plans gain the ``federation`` feature: on for business and enterprise.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from helpers import allow_owner_reads, enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

from persistence.database import APP_ROLE

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _tenant() -> sa.Column:
    return sa.Column(
        "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )


def upgrade() -> None:
    op.create_table(
        "federation_keys",
        _tenant(),
        sa.Column("blog_id", U, primary_key=True),
        sa.Column("public_pem", sa.Text(), nullable=False),
        sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
        ),
    )
    enable_tenant_rls("federation_keys")

    op.create_table(
        "federation_followers",
        _tenant(),
        sa.Column("id", U, primary_key=True),
        sa.Column("blog_id", U, nullable=False),
        sa.Column("actor_url", sa.String(2000), nullable=False),
        sa.Column("inbox", sa.String(2000), nullable=False),
        sa.Column("shared_inbox", sa.String(2000)),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("follow_activity", sa.String(2000), nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
        ),
        sa.UniqueConstraint("tenant_id", "blog_id", "actor_url", name="federation_followers_one"),
    )
    op.create_index("federation_followers_domain", "federation_followers", ["tenant_id", "domain"])
    enable_tenant_rls("federation_followers")

    op.create_table(
        "federation_reactions",
        _tenant(),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("actor_url", sa.String(2000), nullable=False),
        sa.Column("activity_url", sa.String(2000), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "tenant_id", "post_id", "kind", "actor_url", name="federation_reactions_one"
        ),
        sa.CheckConstraint("kind IN ('like','announce')", name="federation_reactions_kind"),
    )
    op.create_index(
        "federation_reactions_activity", "federation_reactions", ["tenant_id", "activity_url"]
    )
    enable_tenant_rls("federation_reactions")

    op.create_table(
        "federation_deliveries",
        _tenant(),
        sa.Column("id", U, primary_key=True),
        sa.Column("blog_id", U, nullable=False),
        sa.Column("inbox", sa.String(2000), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("activity_type", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        _ts("due_at", False),
        _ts("attempted_at"),
        sa.Column("response_status", sa.Integer()),
        sa.Column("error", sa.String(500)),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "status IN ('pending','succeeded','failed','cancelled')",
            name="federation_deliveries_status",
        ),
    )
    op.create_index(
        "federation_deliveries_due",
        "federation_deliveries",
        ["due_at"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    enable_tenant_rls("federation_deliveries")

    op.create_table(
        "federation_inboxes",
        _tenant(),
        sa.Column("url", sa.String(2000), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        _ts("failing_since"),
        _ts("last_success_at"),
        sa.Column("last_error", sa.String(500)),
    )
    enable_tenant_rls("federation_inboxes")

    op.create_table(
        "federation_domain_blocks",
        _tenant(),
        sa.Column("domain", sa.String(253), primary_key=True),
        _ts("created_at", False),
    )
    enable_tenant_rls("federation_domain_blocks")

    op.add_column(
        "comments", sa.Column("source", sa.String(20), nullable=False, server_default="web")
    )
    op.add_column("comments", sa.Column("remote_id", sa.String(2000)))
    op.add_column("comments", sa.Column("remote_actor", sa.String(2000)))
    op.add_column("comments", sa.Column("author_handle", sa.String(300)))
    op.add_column("comments", sa.Column("author_avatar", sa.String(2000)))
    op.create_check_constraint(
        "comments_source", "comments", "source IN ('web','activitypub','webmention')"
    )
    op.create_index(
        "comments_remote_id",
        "comments",
        ["tenant_id", "remote_id"],
        unique=True,
        postgresql_where=sa.text("remote_id IS NOT NULL"),
    )
    op.create_index(
        "comments_remote_actor",
        "comments",
        ["tenant_id", "remote_actor"],
        postgresql_where=sa.text("remote_actor IS NOT NULL"),
    )

    # The worker's sweep finds due attempts before it knows their tenant: ids only.
    op.execute(
        """
        CREATE FUNCTION federation_deliveries_due(p_now timestamptz, p_limit integer)
        RETURNS TABLE (tenant_id uuid, delivery_id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS
        $$ SELECT d.tenant_id, d.id FROM federation_deliveries d
           WHERE d.status = 'pending' AND d.due_at <= p_now
           ORDER BY d.due_at LIMIT p_limit $$
        """
    )
    signature = "federation_deliveries_due(timestamptz, integer)"
    op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {APP_ROLE}")
    allow_owner_reads("federation_deliveries")

    op.execute(
        "UPDATE plans SET features = features || jsonb_build_object('federation', "
        "id IN ('business', 'enterprise'))"
    )


def downgrade() -> None:
    op.execute("UPDATE plans SET features = features - 'federation'")
    op.execute("DROP FUNCTION federation_deliveries_due(timestamptz, integer)")
    op.drop_index("comments_remote_actor", table_name="comments")
    op.drop_index("comments_remote_id", table_name="comments")
    op.drop_constraint("comments_source", "comments", type_="check")
    for column in ("author_avatar", "author_handle", "remote_actor", "remote_id", "source"):
        op.drop_column("comments", column)
    for table in (
        "federation_domain_blocks",
        "federation_inboxes",
        "federation_deliveries",
        "federation_reactions",
        "federation_followers",
        "federation_keys",
    ):
        op.drop_table(table)
