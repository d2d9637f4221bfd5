"""SQLAlchemy Core tables, mirroring the alembic migrations (which are the source of truth).

We map rows to domain dataclasses by hand in the repositories: no ORM identity map, no
lazy loading, and the hot read paths can return plain rows.

Keys, indexes, unique constraints and server defaults are declared as the migrations
create them, so that tests/test_schema_truth.py can compare the two: a difference fails
it. Check constraints, row-level security, functions and triggers live in the
migrations only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR, UUID

metadata = sa.MetaData()
U = UUID(as_uuid=True)
# Public posts (migrations 0005 and 0006): the predicate of the posts_public_* indexes.
VISIBLE = sa.text("status IN ('published','scheduled') AND deleted_at IS NULL")
# The Bayesian average behind "top rated" (migration 0006, persistence/posts/public_reads.py).
SCORE = "((15.0 + rating_sum)::float8 / (5 + rating_count))"


def _ts(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


tenants = sa.Table(
    "tenants",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.String(63), nullable=False, unique=True),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    sa.Column("default_language", sa.String(8), nullable=False, server_default="en"),
    sa.Column("branding", JSONB, nullable=False, server_default="{}"),
    sa.Column("settings", JSONB, nullable=False, server_default="{}"),
    _ts("created_at", False),
    _ts("updated_at", False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("handle", sa.String(40), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_operator", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("token_version", sa.Integer, nullable=False, server_default="1"),
    _ts("created_at", False),
    _ts("updated_at", False),
    _ts("email_verified_at"),
    sa.UniqueConstraint("handle", name="users_handle"),
    sa.Index("users_email_key", sa.text("lower(email)"), unique=True),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("family_id", UUID(as_uuid=True), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("used_at"),
    _ts("revoked_at"),
    sa.Index("refresh_tokens_family", "family_id"),
    sa.Index("refresh_tokens_user", "user_id"),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("role", sa.String(20), nullable=False),
    _ts("created_at", False),
    sa.Index("memberships_user", "user_id"),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("invited_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("accepted_at"),
    sa.Column("accepted_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("revoked_at"),
    sa.UniqueConstraint("tenant_id", "token_hash", name="invitations_tenant_token"),
)

tenant_domains = sa.Table(
    "tenant_domains",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("host", sa.String(253), nullable=False),
    _ts("created_at", False),
    sa.UniqueConstraint("tenant_id", "host", name="tenant_domains_tenant_host"),
    sa.Index("tenant_domains_host", "host"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("scopes", ARRAY(sa.String(32)), nullable=False),
    sa.Column("created_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("created_at", False),
    _ts("last_used_at"),
    _ts("revoked_at"),
    sa.UniqueConstraint("tenant_id", "prefix", name="api_keys_tenant_prefix"),
    sa.Index("api_keys_prefix", "prefix"),
)

# The platform's own keys (the billing system's): they belong to no tenant.
platform_api_keys = sa.Table(
    "platform_api_keys",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False, unique=True),
    sa.Column("secret_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("scopes", ARRAY(sa.String(32)), nullable=False),
    sa.Column("created_by", UUID(as_uuid=True), sa.ForeignKey("users.id", ondelete="SET NULL")),
    _ts("created_at", False),
    _ts("last_used_at"),
    _ts("revoked_at"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("actor_user_id", UUID(as_uuid=True)),
    sa.Column("actor_key_id", UUID(as_uuid=True)),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_type", sa.String(40), nullable=False),
    sa.Column("target_id", sa.String(80)),
    sa.Column("details", JSONB, nullable=False, server_default="{}"),
    sa.Column("request_id", sa.String(64)),
    _ts("created_at", False),
    sa.Index("audit_log_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("quotas", JSONB, nullable=False),
    sa.Column("features", JSONB, nullable=False),
    _ts("created_at", False),
    _ts("updated_at", False),
)

subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("plan_id", sa.String(40), sa.ForeignKey("plans.id"), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    _ts("current_period_end"),
    sa.Column("external_ref", sa.String(200)),
    _ts("created_at", False),
    _ts("updated_at", False),
    # The billing system's time of the newest change applied (migration 0011).
    _ts("last_event_at"),
    sa.Index("subscriptions_plan", "plan_id"),
)

subscription_events = sa.Table(
    "subscription_events",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("from_plan", sa.String(40)),
    sa.Column("to_plan", sa.String(40), nullable=False),
    sa.Column("from_status", sa.String(20)),
    sa.Column("to_status", sa.String(20), nullable=False),
    _ts("current_period_end"),
    sa.Column("external_ref", sa.String(200)),
    sa.Column("actor_user_id", UUID(as_uuid=True)),
    sa.Column("actor_key_id", UUID(as_uuid=True)),
    sa.Column("request_id", sa.String(64)),
    _ts("created_at", False),
    sa.Index(
        "subscription_events_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")
    ),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("caller", sa.String(80), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("request_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("response_status", sa.Integer),
    sa.Column("response_body", JSONB),
    _ts("created_at", False),
    sa.Index("idempotency_keys_caller_key", "caller", "key"),
)

blogs = sa.Table(
    "blogs",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.String(80), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.String(2000), nullable=False, server_default=""),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("comment_policy", sa.String(20)),
    sa.Column("status", sa.String(20), nullable=False, server_default="active"),
    _ts("created_at", False),
    _ts("updated_at", False),
    sa.UniqueConstraint("tenant_id", "slug", name="blogs_tenant_slug"),
)

blog_authors = sa.Table(
    "blog_authors",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("blog_id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("role", sa.String(20), nullable=False),
    _ts("created_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
    ),
    sa.Index("blog_authors_user", "tenant_id", "user_id"),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("blog_id", UUID(as_uuid=True), nullable=False),
    sa.Column("author_id", UUID(as_uuid=True), sa.ForeignKey("users.id"), nullable=False),
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
    sa.Column("rating_histogram", ARRAY(sa.Integer), nullable=False, server_default="{0,0,0,0,0}"),
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
    sa.Index(
        "posts_public_recent",
        "tenant_id",
        sa.text("published_at DESC"),
        sa.text("id DESC"),
        postgresql_where=VISIBLE,
    ),
    sa.Index(
        "posts_public_blog_recent",
        "tenant_id",
        "blog_id",
        sa.text("published_at DESC"),
        sa.text("id DESC"),
        postgresql_where=VISIBLE,
    ),
    sa.Index(
        "posts_public_author_recent",
        "tenant_id",
        "author_id",
        sa.text("published_at DESC"),
        sa.text("id DESC"),
        postgresql_where=VISIBLE,
    ),
    sa.Index(
        "posts_public_top_rated",
        "tenant_id",
        sa.text(f"{SCORE} DESC"),
        sa.text("id DESC"),
        postgresql_where=VISIBLE,
    ),
    sa.Index(
        "posts_public_discussed",
        "tenant_id",
        sa.text("comment_count DESC"),
        sa.text("id DESC"),
        postgresql_where=VISIBLE,
    ),
    sa.Index(
        "posts_scheduled",
        "tenant_id",
        "blog_id",
        "published_at",
        postgresql_where=sa.text("status = 'scheduled' AND deleted_at IS NULL"),
    ),
    sa.Index("posts_tags", "tag_names", postgresql_using="gin"),
    sa.Index("posts_search", "search", postgresql_using="gin"),
    sa.Index("posts_console", "tenant_id", sa.text("updated_at DESC"), sa.text("id DESC")),
)

post_slugs = sa.Table(
    "post_slugs",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("blog_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("slug", sa.String(120), primary_key=True),
    sa.Column("post_id", UUID(as_uuid=True), nullable=False),
    _ts("created_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
)

# Live posts per blog, per tag and per author, kept by a trigger on posts (migration
# 0013); the public counts read these rows instead of the posts.
public_post_counts = sa.Table(
    "public_post_counts",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("blog_id", UUID(as_uuid=True), primary_key=True),
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

tags = sa.Table(
    "tags",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("slug", sa.String(60), primary_key=True),
    sa.Column("name", sa.String(60), nullable=False),
    _ts("created_at", False),
)

post_revisions = sa.Table(
    "post_revisions",
    metadata,
    sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("post_id", UUID(as_uuid=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("excerpt", sa.String(1000), nullable=False),
    sa.Column("body_markdown", sa.Text, nullable=False),
    sa.Column("cover_image_url", sa.String(2000)),
    sa.Column("tag_names", ARRAY(sa.String(60)), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    _ts("published_at"),
    sa.Column("saved_by", UUID(as_uuid=True)),
    _ts("created_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
    sa.Index("post_revisions_post", "tenant_id", "post_id", sa.text("version DESC")),
)

# The comments slice (persistence/comments/repositories.py) adds comments and
# comment_reports to this MetaData, the ratings slice (persistence/ratings/) ratings.

# Insights (migrations 0009 and 0010): hourly aggregates kept by triggers, their coarser
# roll-ups, who was active per hour, and today's read visitors. persistence/insights/
# reads them in SQL text; they are declared here so the schema comparison covers them.
INSIGHT_COUNTERS = (
    "comments_pending",
    "comments_approved",
    "comments_rejected",
    "comments_spam",
    "comments_deleted",
    "replies",
    "positive",
    "neutral",
    "negative",
    "ratings",
    "rating_sum",
    "reads",
)


def _counters() -> list[sa.Column[int]]:
    return [sa.Column(c, sa.Integer, nullable=False, server_default="0") for c in INSIGHT_COUNTERS]


insight_post_hours = sa.Table(
    "insight_post_hours",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("post_id", U, primary_key=True),
    sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("blog_id", U, nullable=False),
    sa.Column("author_id", U, nullable=False),
    *_counters(),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
    sa.Index("insight_post_hours_window", "tenant_id", "hour"),
)

insight_presence = sa.Table(
    "insight_presence",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("blog_id", U, primary_key=True),
    sa.Column("author_id", U, primary_key=True),
    sa.Column("kind", sa.String(1), primary_key=True),
    sa.Column("person", sa.LargeBinary, primary_key=True),
    sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_presence_tenant"
    ),
    sa.Index("insight_presence_person", "tenant_id", "person", "hour"),
)

# Distinct people from per-day keys (migration 0032): each person once, each person's
# days per scope with the previous one, and how many per scope, day and previous day.
insight_people = sa.Table(
    "insight_people",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("person", sa.LargeBinary, primary_key=True),
    sa.Column("first_comment", sa.DateTime(timezone=True)),
    sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_people_tenant"
    ),
    sa.Index(
        "insight_people_first_comment",
        "tenant_id",
        "first_comment",
        postgresql_where=sa.text("first_comment IS NOT NULL"),
    ),
)

insight_person_days = sa.Table(
    "insight_person_days",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("scope", sa.String(1), primary_key=True),
    sa.Column("scope_id", U, primary_key=True),
    sa.Column("person", sa.LargeBinary, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("first_hour", sa.SmallInteger, nullable=False),
    sa.Column("last_hour", sa.SmallInteger, nullable=False),
    sa.Column("prev_day", sa.Date, nullable=False),
    sa.Column("prev_last", sa.SmallInteger, nullable=False),
    sa.Column("next_day", sa.Date, nullable=False),
    sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_person_days_tenant"
    ),
    sa.CheckConstraint("scope IN ('t','b','a','c')", name="insight_person_days_scope"),
    sa.Index(
        "insight_person_days_day",
        "tenant_id",
        "scope",
        "scope_id",
        "day",
        postgresql_include=["first_hour", "last_hour", "prev_day", "prev_last", "next_day"],
    ),
)

insight_people_days = sa.Table(
    "insight_people_days",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("scope", sa.String(1), primary_key=True),
    sa.Column("scope_id", U, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("prev_day", sa.Date, primary_key=True),
    sa.Column("people", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_people_days_tenant"
    ),
    sa.CheckConstraint("scope IN ('t','b','a','c')", name="insight_people_days_scope"),
)

post_read_visitors = sa.Table(
    "post_read_visitors",
    metadata,
    sa.Column("tenant_id", U, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("post_id", U, primary_key=True),
    sa.Column("visitor", sa.LargeBinary(32), primary_key=True),
    sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    ),
)


def _rollup(name: str, *columns: sa.Column[Any] | sa.Index) -> sa.Table:
    """A coarser roll-up of insight_post_hours: key columns, counters, tied to the tenant."""
    return sa.Table(
        name,
        metadata,
        sa.Column("tenant_id", U, primary_key=True),
        *columns,
        *_counters(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name=f"{name}_tenant"
        ),
    )


def _key(name: str, type_: sa.types.TypeEngine[Any]) -> sa.Column[Any]:
    return sa.Column(name, type_, primary_key=True)


_HOUR = sa.DateTime(timezone=True)
insight_tenant_hours = _rollup("insight_tenant_hours", _key("hour", _HOUR))
insight_blog_hours = _rollup(
    "insight_blog_hours",
    _key("blog_id", U),
    _key("hour", _HOUR),
    sa.Index("insight_blog_hours_window", "tenant_id", "hour"),
)
insight_author_hours = _rollup("insight_author_hours", _key("author_id", U), _key("hour", _HOUR))
insight_blog_days = _rollup("insight_blog_days", _key("day", sa.Date()), _key("blog_id", U))
insight_author_days = _rollup("insight_author_days", _key("day", sa.Date()), _key("author_id", U))
insight_post_days = _rollup(
    "insight_post_days",
    _key("day", sa.Date()),
    _key("post_id", U),
    sa.Column("blog_id", U, nullable=False),
    sa.Column("author_id", U, nullable=False),
    sa.Index("insight_post_days_post", "tenant_id", "post_id", "day"),
)
insight_post_weeks = _rollup(
    "insight_post_weeks",
    _key("week", sa.Date()),
    _key("post_id", U),
    sa.Column("blog_id", U, nullable=False),
    sa.Column("author_id", U, nullable=False),
    sa.Index("insight_post_weeks_post", "tenant_id", "post_id", "week"),
)
# Per post and 64-day block starting every 32 days (migration 0034): top posts' bound.
insight_post_blocks = _rollup(
    "insight_post_blocks",
    _key("block", sa.Date()),
    _key("post_id", U),
    sa.Column("blog_id", U, nullable=False),
    sa.Column("author_id", U, nullable=False),
)
for _name, *_columns in (
    ("comments", "comments_approved", "replies"),
    ("negative", "negative", "comments_approved"),
    ("rating", "rating_sum"),
    ("reads", "reads"),
):
    sa.Index(
        f"insight_post_blocks_{_name}",
        insight_post_blocks.c.tenant_id,
        insight_post_blocks.c.block,
        *(insight_post_blocks.c[c].desc() for c in _columns),
        insight_post_blocks.c.post_id,
    )

# --- what is said (migration 0020) ----------------------------------------------------------

insight_topic_days = sa.Table(
    "insight_topic_days",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("term", sa.Text, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("comments", sa.Integer, nullable=False, server_default="0"),
    sa.Column("positive", sa.Integer, nullable=False, server_default="0"),
    sa.Column("neutral", sa.Integer, nullable=False, server_default="0"),
    sa.Column("negative", sa.Integer, nullable=False, server_default="0"),
    sa.Column("examples", ARRAY(U), nullable=False, server_default="{}"),
    sa.Column("negative_examples", ARRAY(U), nullable=False, server_default="{}"),
    sa.Index("insight_topic_days_term", "tenant_id", "term", "day"),
)

ambassadors = sa.Table(
    "ambassadors",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("marked_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

briefs = sa.Table(
    "briefs",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("body", sa.String(2000), nullable=False, server_default=""),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(10), nullable=False, server_default="open"),
    sa.Column("created_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("claimed_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("claimed_at", sa.DateTime(timezone=True)),
    sa.Column("post_id", U),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("briefs_due", "tenant_id", "due_on", "id"),
)

# --- events (migration 0014) --------------------------------------------------------------

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    _ts("occurred_at", False),
    _ts("available_at", False),
    sa.Column("payload", JSONB, nullable=False),
    sa.Column("coalesce_key", sa.String(120)),
    _ts("dispatched_at"),
    sa.Index("outbox_pending", "available_at", postgresql_where=sa.text("dispatched_at IS NULL")),
    sa.Index(
        "outbox_pending_coalesce",
        "tenant_id",
        "coalesce_key",
        unique=True,
        postgresql_where=sa.text("dispatched_at IS NULL AND coalesce_key IS NOT NULL"),
    ),
)

# --- webhooks (migration 0016) ------------------------------------------------------------

webhook_endpoints = sa.Table(
    "webhook_endpoints",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("description", sa.String(500), nullable=False, server_default=""),
    sa.Column("event_types", ARRAY(sa.String(64)), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("disabled_reason", sa.String(200)),
    sa.Column("secret", sa.LargeBinary(), nullable=False),
    sa.Column("previous_secret", sa.LargeBinary()),
    _ts("previous_expires_at"),
    _ts("failing_since"),
    _ts("created_at", False),
    _ts("updated_at", False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("endpoint_id", U, nullable=False),
    sa.Column("event_id", U, nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(12), nullable=False),
    _ts("due_at", False),
    _ts("attempted_at"),
    sa.Column("response_status", sa.Integer()),
    sa.Column("duration_ms", sa.Integer()),
    sa.Column("error", sa.String(500)),
    sa.Column("request_headers", sa.Text()),
    sa.Column("response_body", sa.Text()),
    _ts("next_attempt_at"),
    _ts("created_at", False),
    sa.ForeignKeyConstraint(
        ["tenant_id", "endpoint_id"],
        ["webhook_endpoints.tenant_id", "webhook_endpoints.id"],
        ondelete="CASCADE",
        name="webhook_deliveries_endpoint",
    ),
    sa.Index(
        "webhook_deliveries_recent",
        "tenant_id",
        "endpoint_id",
        sa.text("created_at DESC"),
        sa.text("id DESC"),
    ),
    sa.Index("webhook_deliveries_due", "due_at", postgresql_where=sa.text("status = 'pending'")),
)

# --- portability (migration 0023) ---------------------------------------------------------

tenant_exports = sa.Table(
    "tenant_exports",
    metadata,
    sa.Column("tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("id", U, primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("requested_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("format_version", sa.Integer(), nullable=False),
    sa.Column("items_done", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("items_total", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("size_bytes", sa.BigInteger()),
    sa.Column("sha256", sa.String(64)),
    sa.Column("archive", sa.LargeBinary()),
    sa.Column("error", sa.String(500)),
    _ts("created_at", False),
    _ts("started_at"),
    _ts("finished_at"),
    _ts("expires_at"),
    sa.Index(
        "tenant_exports_one_active",
        "tenant_id",
        unique=True,
        postgresql_where=sa.text("status IN ('queued','running')"),
    ),
    sa.Index("tenant_exports_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")),
)


# --- mail (migration 0025) ------------------------------------------------------------------

mail_messages = sa.Table(
    "mail_messages",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
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
    sa.Index("mail_messages_recent", "tenant_id", sa.text("created_at DESC"), sa.text("id DESC")),
    sa.Index("mail_messages_due", "due_at", postgresql_where=sa.text("status = 'pending'")),
)

account_tokens = sa.Table(
    "account_tokens",
    metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("purpose", sa.String(12), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False, unique=True),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("used_at"),
    sa.Index("account_tokens_user", "user_id", "purpose"),
)

notification_preferences = sa.Table(
    "notification_preferences",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    _ts("updated_at", False),
)


# --- e-mail change (migration 0027) ---------------------------------------------------

email_changes = sa.Table(
    "email_changes",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("new_email", sa.String(254), nullable=False),
    sa.Column("token_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("token_version", sa.Integer, nullable=False),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("used_at"),
    sa.UniqueConstraint("tenant_id", "token_hash", name="email_changes_token"),
    sa.Index("email_changes_user", "tenant_id", "user_id", "created_at"),
)

reply_overflow = sa.Table(
    "reply_overflow",
    metadata,
    sa.Column(
        "tenant_id",
        UUID(as_uuid=True),
        sa.ForeignKey("tenants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column(
        "user_id",
        UUID(as_uuid=True),
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("context", JSONB, nullable=False),
    _ts("created_at", False),
    _ts("digested_at"),
    sa.Index(
        "reply_overflow_waiting",
        "tenant_id",
        "user_id",
        "created_at",
        postgresql_where=sa.text("digested_at IS NULL"),
    ),
)

# --- federation (migration 0026) ----------------------------------------------------


def _fed_tenant() -> sa.Column[Any]:
    return sa.Column(
        "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )


def _blog_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "blog_id"], ["blogs.tenant_id", "blogs.id"], ondelete="CASCADE"
    )


federation_keys = sa.Table(
    "federation_keys",
    metadata,
    _fed_tenant(),
    sa.Column("blog_id", U, primary_key=True),
    sa.Column("public_pem", sa.Text(), nullable=False),
    sa.Column("private_sealed", sa.LargeBinary(), nullable=False),
    _ts("created_at", False),
    _blog_fk(),
)

federation_followers = sa.Table(
    "federation_followers",
    metadata,
    _fed_tenant(),
    sa.Column("id", U, primary_key=True),
    sa.Column("blog_id", U, nullable=False),
    sa.Column("actor_url", sa.String(2000), nullable=False),
    sa.Column("inbox", sa.String(2000), nullable=False),
    sa.Column("shared_inbox", sa.String(2000)),
    sa.Column("domain", sa.String(253), nullable=False),
    sa.Column("follow_activity", sa.String(2000), nullable=False),
    _ts("created_at", False),
    _blog_fk(),
    sa.UniqueConstraint("tenant_id", "blog_id", "actor_url", name="federation_followers_one"),
    sa.Index("federation_followers_domain", "tenant_id", "domain"),
)

federation_reactions = sa.Table(
    "federation_reactions",
    metadata,
    _fed_tenant(),
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
    sa.Index("federation_reactions_activity", "tenant_id", "activity_url"),
    sa.Index(
        "federation_reactions_time",
        "tenant_id",
        "created_at",
        postgresql_include=["kind", "post_id"],
    ),
)

federation_deliveries = sa.Table(
    "federation_deliveries",
    metadata,
    _fed_tenant(),
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
    _blog_fk(),
    sa.Index("federation_deliveries_due", "due_at", postgresql_where=sa.text("status = 'pending'")),
)

federation_inboxes = sa.Table(
    "federation_inboxes",
    metadata,
    _fed_tenant(),
    sa.Column("url", sa.String(2000), primary_key=True),
    sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
    _ts("failing_since"),
    _ts("last_success_at"),
    sa.Column("last_error", sa.String(500)),
)

federation_domain_blocks = sa.Table(
    "federation_domain_blocks",
    metadata,
    _fed_tenant(),
    sa.Column("domain", sa.String(253), primary_key=True),
    _ts("created_at", False),
)

# --- webmention and websub (migration 0030) -------------------------------------------


def _post_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
    )


webmentions = sa.Table(
    "webmentions",
    metadata,
    _fed_tenant(),
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

web_pings = sa.Table(
    "web_pings",
    metadata,
    _fed_tenant(),
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
    sa.Index("web_pings_due", "due_at", postgresql_where=sa.text("status = 'pending'")),
)
