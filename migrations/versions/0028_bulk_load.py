"""Bulk loads: the row triggers an import would fire once per row are skipped for the
rows it writes, and their effect is applied once per batch.

An import writes its posts and comments in batches; each comment row ran the insights'
two deferred triggers at commit (``comments_insights``: the post's hour and presence;
``comments_topics``: the terms of the day, one call of ``insight_comment_terms`` per
comment) and each post row moved ``public_post_counts``. Here:

- the three triggers get a ``WHEN`` clause: they are not fired for a row written while
  the transaction-local setting ``causerie.bulk_load`` is ``on``. For a constraint
  trigger the condition is evaluated when the row is written, not at commit, so the
  setting covers exactly the statements run between turning it on and off again (the
  import turns it off right after its own writes, in the same transaction). Nothing is
  disabled on the table (``ALTER TABLE … DISABLE TRIGGER`` would take a strong lock and
  hold for every tenant); another session, and so another tenant, never sees the setting;
- ``insight_bulk_comments(…)`` adds given comments to the post hours (whose statement
  triggers carry them on to the coarser roll-ups), presence and term days, with the same
  figures the row triggers would have given: one grouped statement per table, each
  distinct text read once by ``insight_comment_terms``;
- ``public_post_counts_bulk(…)`` adds given new posts to the public counts, as the insert
  trigger would have.

Both take the values the caller has just written, as parallel arrays, rather than reading
the rows back: a table that grew from empty in this run has no statistics yet (or none
until autovacuum analyses it), and a look-up by id then risked a plan that scans the
tenant's rows once per id. Both run as the caller (row-level security applies) and
without JIT, like the triggers.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

BULK = "current_setting('causerie.bulk_load', true) IS DISTINCT FROM 'on'"

# (trigger, table, events, constraint trigger?, function)
TRIGGERS = (
    (
        "comments_insights",
        "comments",
        "INSERT OR DELETE OR UPDATE OF status, sentiment",
        True,
        "insight_comment_change",
    ),
    (
        "comments_topics",
        "comments",
        "INSERT OR DELETE OR UPDATE OF status, sentiment, body_markdown, created_at",
        True,
        "insight_topic_change",
    ),
    ("public_post_counts_on_insert", "posts", "INSERT", False, "public_post_counts_follow"),
)

_INSIGHT_COUNTS = """
    sum((c.status = 'pending')::int), sum((c.status = 'approved')::int),
    sum((c.status = 'rejected')::int), sum((c.status = 'spam')::int),
    sum((c.status = 'deleted')::int),
    sum((c.status = 'approved' AND c.reply)::int),
    sum((c.status = 'approved' AND c.sentiment = 'positive')::int),
    sum((c.status = 'approved' AND c.sentiment = 'neutral')::int),
    sum((c.status = 'approved' AND c.sentiment = 'negative')::int)"""
_HOUR_COLUMNS = (
    "comments_pending, comments_approved, comments_rejected, comments_spam, "
    "comments_deleted, replies, positive, neutral, negative"
)

# The batch's comments, given as parallel arrays of the values the row triggers read
# (the caller has them in hand): nothing is read back from ``comments``, so no plan
# depends on statistics that a table growing from empty does not have yet.
_ROWS = """unnest(ids, post_ids, blog_ids, author_ids, created, statuses, replies, sentiments,
              bodies, persons)
    AS c(id, post_id, blog_id, author_id, created_at, status, reply, sentiment,
         body_markdown, person)"""

INSIGHT_BULK = f"""
CREATE FUNCTION insight_bulk_comments(
  ids uuid[], post_ids uuid[], blog_ids uuid[], author_ids uuid[], created timestamptz[],
  statuses text[], replies boolean[], sentiments text[], bodies text[],
  persons bytea[]) RETURNS void
LANGUAGE sql SET search_path = public SET jit = off AS $$
  INSERT INTO insight_post_hours AS h (tenant_id, post_id, hour, blog_id, author_id,
                                       {_HOUR_COLUMNS})
  SELECT app_current_tenant(), c.post_id, date_trunc('hour', c.created_at, 'UTC'),
         c.blog_id, c.author_id, {_INSIGHT_COUNTS}
  FROM {_ROWS}
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, post_id, hour) DO UPDATE SET
    {", ".join(f"{c} = h.{c} + EXCLUDED.{c}" for c in _HOUR_COLUMNS.split(", "))};

  INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person)
  SELECT DISTINCT app_current_tenant(), date_trunc('hour', c.created_at, 'UTC'), c.blog_id,
         c.author_id, 'c', c.person
  FROM {_ROWS}
  WHERE c.status = 'approved' AND c.person IS NOT NULL
  ON CONFLICT DO NOTHING;

  WITH approved AS MATERIALIZED (
    -- The terms are read in the language of the post's blog, as the row trigger does.
    SELECT c.*, b.language FROM {_ROWS}
    JOIN blogs b ON b.tenant_id = app_current_tenant() AND b.id = c.blog_id
    WHERE c.status = 'approved'),
  texts AS MATERIALIZED (
    SELECT t.body_markdown, t.language, x.term, x.label
    FROM (SELECT DISTINCT body_markdown, language FROM approved) t
    CROSS JOIN LATERAL insight_comment_terms(t.body_markdown, t.language) x)
  INSERT INTO insight_topic_days AS d (tenant_id, day, term, label, comments, positive,
                                       neutral, negative, examples, negative_examples)
  SELECT app_current_tenant(), (c.created_at AT TIME ZONE 'UTC')::date, x.term,
         left(min(x.label), 200), count(*),
         count(*) FILTER (WHERE c.sentiment = 'positive'),
         count(*) FILTER (WHERE c.sentiment = 'neutral'),
         count(*) FILTER (WHERE c.sentiment = 'negative'),
         (array_agg(c.id ORDER BY c.created_at, c.id))[1:3],
         coalesce((array_agg(c.id ORDER BY c.created_at, c.id)
                   FILTER (WHERE c.sentiment = 'negative'))[1:3], '{{}}'::uuid[])
  FROM approved c
  JOIN texts x ON x.body_markdown = c.body_markdown AND x.language = c.language
  GROUP BY 1, 2, 3
  ORDER BY 2, 3
  ON CONFLICT (tenant_id, day, term) DO UPDATE SET
    comments = d.comments + EXCLUDED.comments,
    positive = d.positive + EXCLUDED.positive,
    neutral = d.neutral + EXCLUDED.neutral,
    negative = d.negative + EXCLUDED.negative,
    examples = (d.examples || EXCLUDED.examples)[1:3],
    negative_examples = (d.negative_examples || EXCLUDED.negative_examples)[1:3];
$$
"""

COUNTS_BULK = """
CREATE FUNCTION public_post_counts_bulk(
  blog_ids uuid[], author_ids uuid[], statuses text[], tag_lists text[]) RETURNS void
LANGUAGE sql SET search_path = public SET jit = off AS $$
  INSERT INTO public_post_counts AS c (tenant_id, blog_id, facet, facet_key, posts)
  SELECT app_current_tenant(), p.blog_id, f.facet, f.facet_key, count(*)
  FROM unnest(blog_ids, author_ids, statuses, tag_lists) AS p(blog_id, author_id, status, tags)
  CROSS JOIN LATERAL (
    SELECT 'blog'::varchar AS facet, ''::text AS facet_key
    UNION ALL SELECT 'author', p.author_id::text
    UNION ALL SELECT DISTINCT 'tag', tag FROM jsonb_array_elements_text(p.tags::jsonb) AS tag
  ) f
  WHERE p.status IN ('published', 'scheduled')
  GROUP BY 1, 2, 3, 4
  ORDER BY 3, 4
  ON CONFLICT (tenant_id, blog_id, facet, facet_key)
  DO UPDATE SET posts = c.posts + EXCLUDED.posts;
$$
"""


def _create(name: str, table: str, events: str, constraint: bool, function: str, when: bool):
    kind = "CONSTRAINT TRIGGER" if constraint else "TRIGGER"
    deferred = " DEFERRABLE INITIALLY DEFERRED" if constraint else ""
    condition = f" WHEN ({BULK})" if when else ""
    op.execute(f"DROP TRIGGER {name} ON {table}")
    op.execute(
        f"CREATE {kind} {name} AFTER {events} ON {table}{deferred} "
        f"FOR EACH ROW{condition} EXECUTE FUNCTION {function}()"
    )


def upgrade() -> None:
    for trigger in TRIGGERS:
        _create(*trigger, when=True)
    op.execute(INSIGHT_BULK)
    op.execute(COUNTS_BULK)


def downgrade() -> None:
    op.execute("DROP FUNCTION public_post_counts_bulk")
    op.execute("DROP FUNCTION insight_bulk_comments")
    for trigger in TRIGGERS:
        _create(*trigger, when=False)
