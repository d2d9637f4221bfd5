"""Insights: the tone and first decision of each comment, the hourly aggregates per post,
the people active per hour, and the privacy-friendly read counter.

- ``comments.sentiment`` (positive, neutral, negative) is decided by the application
  when a comment's text is written; existing comments are classified here.
- ``comments.first_moderated_at`` keeps the time of the first moderator decision, so
  the time to moderate survives later decisions.
- ``insight_post_hours``: per post and UTC hour, comments created by their *current*
  status, approved replies and approved comments by tone, votes and their stars, and
  counted reads. Triggers on ``comments`` and ``ratings`` keep it exact in the same
  transaction as the rows they count; the read counter adds to it directly.
- ``insight_presence``: who was active (commented, rated, read) per hour and per blog and
  author, as an opaque key (a user id, a keyed hash of an address, a voter-token hash, a
  daily visitor hash). Distinct counts over a window come from it.
- ``post_read_visitors``: today's visitor keys per post, for the once-a-day rule only.

Every table carries ``tenant_id`` with forced row-level security. ``insight_rollup()``
rebuilds the aggregates of the current tenant from the rows (used below and by the
benchmark's bulk seed, which runs with the triggers off).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)
COUNTERS = (
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

# One comment's contribution to its hour's counters, for a row alias (NEW, OLD or c).
_COMMENT_TERMS = {
    "comments_pending": "({r}.status = 'pending')::int",
    "comments_approved": "({r}.status = 'approved')::int",
    "comments_rejected": "({r}.status = 'rejected')::int",
    "comments_spam": "({r}.status = 'spam')::int",
    "comments_deleted": "({r}.status = 'deleted')::int",
    "replies": "({r}.status = 'approved' AND {r}.parent_id IS NOT NULL)::int",
    "positive": "({r}.status = 'approved' AND {r}.sentiment = 'positive')::int",
    "neutral": "({r}.status = 'approved' AND {r}.sentiment = 'neutral')::int",
    "negative": "({r}.status = 'approved' AND {r}.sentiment = 'negative')::int",
}
_COMMENT_COLUMNS = list(_COMMENT_TERMS)


def _terms(alias: str) -> list[str]:
    return [_COMMENT_TERMS[c].format(r=alias) for c in _COMMENT_COLUMNS]


_HOUR = "date_trunc('hour', {}, 'UTC')"
_ADD_ALL = ", ".join(f"{c} = insight_post_hours.{c} + EXCLUDED.{c}" for c in COUNTERS)
# A member is known by their user id, an anonymous commenter by the keyed hash of the
# address, an anonymous voter by the hash of the voter token.
_PERSON_COMMENT = "coalesce('\\x75'::bytea || uuid_send({r}.author_user_id), {r}.ip_hash)"
_PERSON_RATING = "coalesce('\\x75'::bytea || uuid_send({r}.user_id), {r}.voter_hash)"


def _comment_function() -> str:
    minus = ", ".join(
        f"{c} = {c} - {t}" for c, t in zip(_COMMENT_COLUMNS, _terms("OLD"), strict=True)
    )
    plus = ", ".join(_terms("NEW"))
    return f"""
    CREATE FUNCTION insight_comment_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE insight_post_hours SET {minus}
        WHERE tenant_id = OLD.tenant_id AND post_id = OLD.post_id
          AND hour = {_HOUR.format("OLD.created_at")};
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id,
                                        {", ".join(_COMMENT_COLUMNS)})
        SELECT NEW.tenant_id, NEW.post_id, {_HOUR.format("NEW.created_at")}, p.blog_id,
               p.author_id, {plus}
        FROM posts p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.post_id
        ON CONFLICT (tenant_id, post_id, hour) DO UPDATE SET
          {", ".join(f"{c} = insight_post_hours.{c} + EXCLUDED.{c}" for c in _COMMENT_COLUMNS)};
        IF NEW.status = 'approved' AND (TG_OP = 'INSERT' OR OLD.status <> 'approved')
           AND {_PERSON_COMMENT.format(r="NEW")} IS NOT NULL THEN
          INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
          SELECT NEW.tenant_id, {_HOUR.format("NEW.created_at")}, p.blog_id, p.author_id, 'c',
                 {_PERSON_COMMENT.format(r="NEW")}
          FROM posts p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.post_id
          ON CONFLICT DO NOTHING;
        END IF;
      END IF;
      RETURN NULL;
    END $$
    """


RATING_FUNCTION = f"""
CREATE FUNCTION insight_rating_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE insight_post_hours SET ratings = ratings - 1, rating_sum = rating_sum - OLD.stars
    WHERE tenant_id = OLD.tenant_id AND post_id = OLD.post_id
      AND hour = {_HOUR.format("OLD.created_at")};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id, ratings,
                                    rating_sum)
    SELECT NEW.tenant_id, NEW.post_id, {_HOUR.format("NEW.created_at")}, p.blog_id,
           p.author_id, 1, NEW.stars
    FROM posts p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.post_id
    ON CONFLICT (tenant_id, post_id, hour) DO UPDATE SET
      ratings = insight_post_hours.ratings + 1,
      rating_sum = insight_post_hours.rating_sum + EXCLUDED.rating_sum;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
    SELECT NEW.tenant_id, {_HOUR.format("NEW.created_at")}, p.blog_id, p.author_id, 'r',
           {_PERSON_RATING.format(r="NEW")}
    FROM posts p WHERE p.tenant_id = NEW.tenant_id AND p.id = NEW.post_id
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$
"""


def _rollup_function() -> str:
    comment_sums = ", ".join(f"sum({t})" for t in _terms("c"))
    return f"""
    CREATE FUNCTION insight_rollup() RETURNS void
    LANGUAGE sql SET search_path = public AS $$
      DELETE FROM insight_post_hours WHERE tenant_id = app_current_tenant();
      DELETE FROM insight_presence WHERE tenant_id = app_current_tenant()
        AND kind IN ('c', 'r');
      INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id,
                                      {", ".join(_COMMENT_COLUMNS)})
      SELECT c.tenant_id, c.post_id, {_HOUR.format("c.created_at")}, p.blog_id, p.author_id,
             {comment_sums}
      FROM comments c JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id
      WHERE c.tenant_id = app_current_tenant()
      GROUP BY 1, 2, 3, 4, 5;
      INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id, ratings,
                                      rating_sum)
      SELECT r.tenant_id, r.post_id, {_HOUR.format("r.created_at")}, p.blog_id, p.author_id,
             count(*), sum(r.stars)
      FROM ratings r JOIN posts p ON p.tenant_id = r.tenant_id AND p.id = r.post_id
      WHERE r.tenant_id = app_current_tenant()
      GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant_id, post_id, hour) DO UPDATE SET
        ratings = EXCLUDED.ratings, rating_sum = EXCLUDED.rating_sum;
      INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
      SELECT DISTINCT c.tenant_id, {_HOUR.format("c.created_at")}, p.blog_id, p.author_id,
             'c', {_PERSON_COMMENT.format(r="c")}
      FROM comments c JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id
      WHERE c.tenant_id = app_current_tenant() AND c.status = 'approved'
        AND {_PERSON_COMMENT.format(r="c")} IS NOT NULL
      ON CONFLICT DO NOTHING;
      INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
      SELECT DISTINCT r.tenant_id, {_HOUR.format("r.created_at")}, p.blog_id, p.author_id,
             'r', {_PERSON_RATING.format(r="r")}
      FROM ratings r JOIN posts p ON p.tenant_id = r.tenant_id AND p.id = r.post_id
      WHERE r.tenant_id = app_current_tenant()
      ON CONFLICT DO NOTHING;
    $$
    """


def _backfill_tone(bind: sa.engine.Connection, tenant_id: object) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT id, body_markdown FROM comments WHERE tenant_id = :t AND sentiment IS NULL "
            "AND status <> 'deleted'"
        ),
        {"t": tenant_id},
    ).all()
    if not rows:
        return
    from api.adapters.tone import default_classifier

    classify = default_classifier().classify
    bind.execute(
        sa.text("UPDATE comments SET sentiment = :s WHERE tenant_id = :t AND id = :id"),
        [{"s": classify(r.body_markdown).value, "t": tenant_id, "id": r.id} for r in rows],
    )


def upgrade() -> None:
    op.add_column("comments", sa.Column("sentiment", sa.String(8)))
    op.add_column("comments", sa.Column("first_moderated_at", sa.DateTime(timezone=True)))
    op.create_check_constraint(
        "comments_sentiment",
        "comments",
        "sentiment IS NULL OR sentiment IN ('positive','neutral','negative')",
    )
    op.execute(
        "UPDATE comments SET first_moderated_at = moderated_at WHERE moderated_at IS NOT NULL"
    )
    # Time to moderate, over the comments first decided in a window.
    op.create_index(
        "comments_first_moderated",
        "comments",
        ["tenant_id", "first_moderated_at"],
        postgresql_where=sa.text("first_moderated_at IS NOT NULL"),
    )
    op.create_index("comment_reports_recent", "comment_reports", ["tenant_id", "created_at"])

    op.create_table(
        "insight_post_hours",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("post_id", U, primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("blog_id", U, nullable=False),
        sa.Column("author_id", U, nullable=False),
        *(sa.Column(c, sa.Integer, nullable=False, server_default="0") for c in COUNTERS),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
    )
    # Every insight reads a window of hours of one tenant.
    op.create_index("insight_post_hours_window", "insight_post_hours", ["tenant_id", "hour"])
    enable_tenant_rls("insight_post_hours")

    op.create_table(
        "insight_presence",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("blog_id", U, primary_key=True),
        sa.Column("author_id", U, primary_key=True),
        # c: an approved comment, r: a vote, v: a counted read.
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("person", sa.LargeBinary, primary_key=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_presence_tenant"
        ),
        sa.CheckConstraint("kind IN ('c','r','v')", name="insight_presence_kind"),
    )
    enable_tenant_rls("insight_presence")

    op.create_table(
        "post_read_visitors",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("post_id", U, primary_key=True),
        # HMAC of tenant, address and user agent under the day's salt: never either one.
        sa.Column("visitor", sa.LargeBinary(32), primary_key=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "post_id"], ["posts.tenant_id", "posts.id"], ondelete="CASCADE"
        ),
    )
    enable_tenant_rls("post_read_visitors")

    op.execute(_rollup_function())
    bind = op.get_bind()
    for (tenant_id,) in bind.execute(sa.text("SELECT id FROM tenants")).all():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        _backfill_tone(bind, tenant_id)
        bind.execute(sa.text("SELECT insight_rollup()"))
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))

    op.execute(_comment_function())
    op.execute(RATING_FUNCTION)
    op.execute(
        "CREATE TRIGGER comments_insights AFTER INSERT OR DELETE OR UPDATE OF status, sentiment "
        "ON comments FOR EACH ROW EXECUTE FUNCTION insight_comment_change()"
    )
    op.execute(
        "CREATE TRIGGER ratings_insights AFTER INSERT OR DELETE OR UPDATE OF stars "
        "ON ratings FOR EACH ROW EXECUTE FUNCTION insight_rating_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ratings_insights ON ratings")
    op.execute("DROP TRIGGER IF EXISTS comments_insights ON comments")
    op.execute("DROP FUNCTION IF EXISTS insight_rating_change()")
    op.execute("DROP FUNCTION IF EXISTS insight_comment_change()")
    op.execute("DROP FUNCTION IF EXISTS insight_rollup()")
    op.drop_table("post_read_visitors")
    op.drop_table("insight_presence")
    op.drop_table("insight_post_hours")
    op.drop_index("comment_reports_recent", table_name="comment_reports")
    op.drop_index("comments_first_moderated", table_name="comments")
    op.drop_constraint("comments_sentiment", "comments", type_="check")
    op.drop_column("comments", "first_moderated_at")
    op.drop_column("comments", "sentiment")
