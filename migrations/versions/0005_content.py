"""Content: blogs, their authors, posts, slugs history, tags, revisions, full-text search.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, UUID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # Language-aware search that ignores accents: French and English stemmers behind
    # unaccent, and a "simple" configuration for every other language.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, stemmer in (
        ("causerie_fr", "french_stem"),
        ("causerie_en", "english_stem"),
        ("causerie_simple", "simple"),
    ):
        base = {"causerie_fr": "french", "causerie_en": "english"}.get(name, "simple")
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {base})")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR "
            f"hword, hword_part, word WITH unaccent, {stemmer}"
        )
    op.execute(
        """
        CREATE FUNCTION causerie_search_config(lang text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
        $$ SELECT CASE lang WHEN 'fr' THEN 'causerie_fr'::regconfig
                            WHEN 'en' THEN 'causerie_en'::regconfig
                            ELSE 'causerie_simple'::regconfig END $$
        """
    )

    op.create_table(
        "blogs",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("id", U, primary_key=True),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False, server_default=""),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("comment_policy", sa.String(20)),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.UniqueConstraint("tenant_id", "slug", name="blogs_tenant_slug"),
        sa.CheckConstraint("status IN ('active','archived')", name="blogs_status"),
    )
    enable_tenant_rls("blogs")

    op.create_table(
        "blog_authors",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("blog_id", U, primary_key=True),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
        ),
        sa.CheckConstraint("role IN ('owner','contributor')", name="blog_authors_role"),
    )
    op.create_index("blog_authors_user", "blog_authors", ["tenant_id", "user_id"])
    enable_tenant_rls("blog_authors")

    op.create_table(
        "posts",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("id", U, primary_key=True),
        sa.Column("blog_id", U, nullable=False),
        sa.Column("author_id", U, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("excerpt", sa.String(1000), nullable=False),
        sa.Column("body_markdown", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("cover_image_url", sa.String(2000)),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("published_at"),
        _ts("deleted_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("reading_minutes", sa.Integer, nullable=False),
        sa.Column("tag_names", ARRAY(sa.String(60)), nullable=False, server_default="{}"),
        # Denormalised counters kept by the conversation slice, read by the public path.
        sa.Column("comment_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rating_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rating_sum", sa.Integer, nullable=False, server_default="0"),
        sa.Column(
            "rating_histogram", ARRAY(sa.Integer), nullable=False, server_default="{0,0,0,0,0}"
        ),
        _ts("created_at", False),
        _ts("updated_at", False),
        sa.Column(
            "search",
            TSVECTOR,
            sa.Computed(
                "setweight(to_tsvector(causerie_search_config(language), title), 'A') || "
                "setweight(to_tsvector(causerie_search_config(language), excerpt), 'B') || "
                "setweight(to_tsvector(causerie_search_config(language), body_text), 'C')",
                persisted=True,
            ),
        ),
        sa.UniqueConstraint("tenant_id", "blog_id", "slug", name="posts_blog_slug"),
        sa.ForeignKeyConstraint(["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"]),
        sa.CheckConstraint(
            "status IN ('draft','scheduled','published','archived')", name="posts_status"
        ),
    )
    # The public lists: visible posts, newest first, per tenant and per blog (keyset order).
    visible = sa.text("status IN ('published','scheduled') AND deleted_at IS NULL")
    op.create_index(
        "posts_public_recent",
        "posts",
        ["tenant_id", sa.text("published_at DESC"), sa.text("id DESC")],
        postgresql_where=visible,
    )
    op.create_index(
        "posts_public_blog_recent",
        "posts",
        ["tenant_id", "blog_id", sa.text("published_at DESC"), sa.text("id DESC")],
        postgresql_where=visible,
    )
    op.create_index(
        "posts_public_author_recent",
        "posts",
        ["tenant_id", "author_id", sa.text("published_at DESC"), sa.text("id DESC")],
        postgresql_where=visible,
    )
    op.create_index("posts_tags", "posts", ["tag_names"], postgresql_using="gin")
    op.create_index("posts_search", "posts", ["search"], postgresql_using="gin")
    op.create_index(
        "posts_console", "posts", ["tenant_id", sa.text("updated_at DESC"), sa.text("id DESC")]
    )
    enable_tenant_rls("posts")

    # Old slugs keep answering (with a redirect) after a slug change.
    op.create_table(
        "post_slugs",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("blog_id", U, primary_key=True),
        sa.Column("slug", sa.String(120), primary_key=True),
        sa.Column("post_id", U, nullable=False),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
    )
    enable_tenant_rls("post_slugs")

    op.create_table(
        "tags",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("slug", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(60), nullable=False),
        _ts("created_at", False),
    )
    enable_tenant_rls("tags")

    op.create_table(
        "post_revisions",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("id", U, primary_key=True),
        sa.Column("post_id", U, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("excerpt", sa.String(1000), nullable=False),
        sa.Column("body_markdown", sa.Text, nullable=False),
        sa.Column("cover_image_url", sa.String(2000)),
        sa.Column("tag_names", ARRAY(sa.String(60)), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("published_at"),
        sa.Column("saved_by", U),
        _ts("created_at", False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
    )
    op.create_index(
        "post_revisions_post", "post_revisions", ["tenant_id", "post_id", sa.text("version DESC")]
    )
    enable_tenant_rls("post_revisions")


def downgrade() -> None:
    op.drop_table("post_revisions")
    op.drop_table("tags")
    op.drop_table("post_slugs")
    op.drop_table("posts")
    op.drop_table("blog_authors")
    op.drop_table("blogs")
    op.execute("DROP FUNCTION IF EXISTS causerie_search_config(text)")
    for name in ("causerie_fr", "causerie_en", "causerie_simple"):
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
