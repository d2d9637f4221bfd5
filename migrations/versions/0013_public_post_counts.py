"""Public post counts kept by the writes, so a blog page, the tag list and an author page
read a few counter rows instead of every public post.

``public_post_counts`` holds, per blog, how many live posts (published or scheduled, not
deleted) the blog has (facet ``blog``), carry each tag (facet ``tag``, key = tag slug)
and each author wrote (facet ``author``, key = the author's id). A row trigger on
``posts`` moves them in the same transaction as the write, and only when a column that
decides them changes: the comment and rating counters on ``posts`` never touch them.

A scheduled post is counted from its write; the reads subtract the scheduled posts whose
``published_at`` is still ahead (few rows, through the partial index ``posts_scheduled``),
so the counts stay exact as time passes without a job. Counts are kept per
blog so that an archived blog's posts drop out by joining the active blogs.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)
LIVE = "status IN ('published','scheduled') AND deleted_at IS NULL"

# The facets one post counts in (plpgsql: the post's author and tags are arguments).
_FACETS = """
    SELECT 'blog'::varchar AS facet, ''::text AS facet_key
    UNION ALL SELECT 'author', p_author::text
    UNION ALL SELECT DISTINCT 'tag', tag FROM unnest(p_tags) AS tag
"""


def upgrade() -> None:
    op.create_table(
        "public_post_counts",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("blog_id", U, primary_key=True),
        sa.Column("facet", sa.String(8), primary_key=True),
        sa.Column("facet_key", sa.Text, primary_key=True),
        sa.Column("posts", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "blog_id"],
            ["blogs.tenant_id", "blogs.id"],
            ondelete="CASCADE",
            name="public_post_counts_blog",
        ),
        sa.CheckConstraint("facet IN ('blog','tag','author')", name="public_post_counts_facet"),
    )
    enable_tenant_rls("public_post_counts")
    # The scheduled posts the reads subtract until their time comes.
    op.create_index(
        "posts_scheduled",
        "posts",
        ["tenant_id", "blog_id", "published_at"],
        postgresql_where=sa.text("status = 'scheduled' AND deleted_at IS NULL"),
    )
    op.execute(
        f"""
        CREATE FUNCTION public_post_counts_move(
          p_tenant uuid, p_blog uuid, p_author uuid, p_tags varchar[], sign integer
        ) RETURNS void
        LANGUAGE plpgsql AS $$
        BEGIN
          -- Keys in a fixed order, so two writers lock shared rows in the same order.
          INSERT INTO public_post_counts AS c (tenant_id, blog_id, facet, facet_key, posts)
          SELECT p_tenant, p_blog, f.facet, f.facet_key, sign
          FROM ({_FACETS}) f ORDER BY f.facet, f.facet_key
          ON CONFLICT (tenant_id, blog_id, facet, facet_key)
          DO UPDATE SET posts = c.posts + EXCLUDED.posts;
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION public_post_counts_follow() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' AND OLD.status IN ('published','scheduled')
             AND OLD.deleted_at IS NULL THEN
            PERFORM public_post_counts_move(
              OLD.tenant_id, OLD.blog_id, OLD.author_id, OLD.tag_names, -1);
          END IF;
          IF TG_OP <> 'DELETE' AND NEW.status IN ('published','scheduled')
             AND NEW.deleted_at IS NULL THEN
            PERFORM public_post_counts_move(
              NEW.tenant_id, NEW.blog_id, NEW.author_id, NEW.tag_names, 1);
          END IF;
          RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER public_post_counts_on_insert AFTER INSERT ON posts "
        "FOR EACH ROW EXECUTE FUNCTION public_post_counts_follow()"
    )
    op.execute(
        "CREATE TRIGGER public_post_counts_on_update AFTER UPDATE ON posts FOR EACH ROW "
        "WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at "
        "OR OLD.blog_id IS DISTINCT FROM NEW.blog_id "
        "OR OLD.author_id IS DISTINCT FROM NEW.author_id "
        "OR OLD.tag_names IS DISTINCT FROM NEW.tag_names) "
        "EXECUTE FUNCTION public_post_counts_follow()"
    )
    op.execute(
        "CREATE TRIGGER public_post_counts_on_delete AFTER DELETE ON posts "
        "FOR EACH ROW EXECUTE FUNCTION public_post_counts_follow()"
    )
    # Backfill from the posts already there (the migration runs as the owner, for whom
    # row-level security is forced too: count each tenant in its own context).
    op.execute(
        f"""
        DO $$
        DECLARE t uuid;
        BEGIN
          FOR t IN SELECT id FROM tenants LOOP
            PERFORM set_config('app.tenant_id', t::text, true);
            INSERT INTO public_post_counts (tenant_id, blog_id, facet, facet_key, posts)
            SELECT p.tenant_id, p.blog_id, f.facet, f.facet_key, count(*)
            FROM posts p CROSS JOIN LATERAL (
              SELECT 'blog'::varchar AS facet, ''::text AS facet_key
              UNION ALL SELECT 'author', p.author_id::text
              UNION ALL SELECT DISTINCT 'tag', tag FROM unnest(p.tag_names) AS tag
            ) f
            WHERE p.tenant_id = t AND p.{LIVE.replace(" AND ", " AND p.")}
            GROUP BY 1, 2, 3, 4;
          END LOOP;
          PERFORM set_config('app.tenant_id', '', true);
        END $$
        """
    )


def downgrade() -> None:
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS public_post_counts_on_{name} ON posts")
    op.execute("DROP FUNCTION IF EXISTS public_post_counts_follow()")
    op.execute(
        "DROP FUNCTION IF EXISTS public_post_counts_move(uuid, uuid, uuid, varchar[], integer)"
    )
    op.drop_index("posts_scheduled", table_name="posts")
    op.drop_table("public_post_counts")
