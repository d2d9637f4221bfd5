"""The definitions of ``insight_topics_rollup()``, shared by the revisions that create it.

``SET_BASED`` (migration 0031, and 0020 for a database that has not reached it yet, so
its fill of the comments already there is fast too) rebuilds the current tenant's
``insight_topic_days`` in three set-based steps, each into a temporary table the
planner can count:

1. ``topic_groups``: the approved comments grouped by UTC day of creation, text and
   blog language, with their counts by tone and the first few comments of each group
   (any tone, and negative ones) as candidates for the examples. A million comments
   that repeat a few thousand texts become a few thousand rows here.
2. ``topic_terms``: the terms of each distinct text, computed once
   (``insight_comment_terms``, three text-search passes per text).
3. the table's rows: groups joined to their texts' terms, summed per day and term, and
   the first ``EXAMPLES`` candidates of each day and term by creation time.

The result is what the trigger keeps and what ``ROW_JOIN`` gave: per day and term, the
approved comments carrying it, by tone, the first label (the smallest, as before), and
the first approved comments by ``(created_at, id)`` as examples.

``ROW_JOIN`` is migration 0020's first definition (one row per comment and term joined
and sorted), kept for 0031's downgrade.
"""

EXAMPLES = 3  # example comment ids kept per day and term

_DAY = "({r}.created_at AT TIME ZONE 'UTC')::date"

SET_BASED = f"""
CREATE OR REPLACE FUNCTION insight_topics_rollup() RETURNS void
LANGUAGE plpgsql SET search_path = public SET jit = off AS $$
BEGIN
  DELETE FROM insight_topic_days WHERE tenant_id = app_current_tenant();
  DROP TABLE IF EXISTS pg_temp.topic_groups, pg_temp.topic_terms;
  CREATE TEMPORARY TABLE topic_groups ON COMMIT DROP AS
  SELECT {_DAY.format(r="c")} AS day, c.body_markdown AS body, b.language,
         count(*)::int AS comments,
         count(*) FILTER (WHERE c.sentiment = 'positive')::int AS positive,
         count(*) FILTER (WHERE c.sentiment = 'neutral')::int AS neutral,
         count(*) FILTER (WHERE c.sentiment = 'negative')::int AS negative,
         (array_agg(c.created_at ORDER BY c.created_at, c.id))[1:{EXAMPLES}] AS first_at,
         (array_agg(c.id ORDER BY c.created_at, c.id))[1:{EXAMPLES}] AS first_ids,
         (array_agg(c.created_at ORDER BY c.created_at, c.id)
            FILTER (WHERE c.sentiment = 'negative'))[1:{EXAMPLES}] AS negative_at,
         (array_agg(c.id ORDER BY c.created_at, c.id)
            FILTER (WHERE c.sentiment = 'negative'))[1:{EXAMPLES}] AS negative_ids
  FROM comments c
  JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id
  JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id
  WHERE c.tenant_id = app_current_tenant() AND c.status = 'approved'
  GROUP BY 1, 2, 3;
  ANALYZE topic_groups;
  CREATE TEMPORARY TABLE topic_terms ON COMMIT DROP AS
  SELECT t.body, t.language, x.term, x.label
  FROM (SELECT DISTINCT body, language FROM topic_groups) t
  CROSS JOIN LATERAL insight_comment_terms(t.body, t.language) x;
  ANALYZE topic_terms;
  WITH pairs AS MATERIALIZED (
    SELECT g.day, x.term, x.label, g.comments, g.positive, g.neutral, g.negative,
           g.first_at, g.first_ids, g.negative_at, g.negative_ids
    FROM topic_groups g
    JOIN topic_terms x ON x.body = g.body AND x.language = g.language),
  counts AS (
    SELECT day, term, min(label) AS label, sum(comments)::int AS comments,
           sum(positive)::int AS positive, sum(neutral)::int AS neutral,
           sum(negative)::int AS negative
    FROM pairs GROUP BY day, term),
  firsts AS (
    SELECT p.day, p.term, (array_agg(e.id ORDER BY e.at, e.id))[1:{EXAMPLES}] AS ids
    FROM pairs p CROSS JOIN LATERAL unnest(p.first_at, p.first_ids) AS e(at, id)
    GROUP BY p.day, p.term),
  negatives AS (
    SELECT p.day, p.term, (array_agg(e.id ORDER BY e.at, e.id))[1:{EXAMPLES}] AS ids
    FROM pairs p CROSS JOIN LATERAL unnest(p.negative_at, p.negative_ids) AS e(at, id)
    WHERE p.negative > 0
    GROUP BY p.day, p.term)
  INSERT INTO insight_topic_days (tenant_id, day, term, label, comments, positive, neutral,
                                  negative, examples, negative_examples)
  SELECT app_current_tenant(), c.day, c.term, left(c.label, 200), c.comments, c.positive,
         c.neutral, c.negative, f.ids, coalesce(n.ids, '{{}}'::uuid[])
  FROM counts c
  JOIN firsts f ON f.day = c.day AND f.term = c.term
  LEFT JOIN negatives n ON n.day = c.day AND n.term = c.term;
  DROP TABLE topic_groups, topic_terms;
END $$
"""

ROW_JOIN = f"""
CREATE OR REPLACE FUNCTION insight_topics_rollup() RETURNS void
LANGUAGE sql SET search_path = public SET jit = off AS $$
  DELETE FROM insight_topic_days WHERE tenant_id = app_current_tenant();
  -- Each distinct text is read once, however many comments repeat it.
  WITH approved AS (
    SELECT c.tenant_id, c.id, c.created_at, c.sentiment, c.body_markdown, b.language
    FROM comments c
    JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id
    JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id
    WHERE c.tenant_id = app_current_tenant() AND c.status = 'approved'),
  texts AS (
    SELECT t.body_markdown, t.language, x.term, x.label
    FROM (SELECT DISTINCT body_markdown, language FROM approved) t
    CROSS JOIN LATERAL insight_comment_terms(t.body_markdown, t.language) x)
  INSERT INTO insight_topic_days (tenant_id, day, term, label, comments, positive, neutral,
                                  negative, examples, negative_examples)
  SELECT c.tenant_id, {_DAY.format(r="c")}, x.term, left(min(x.label), 200), count(*),
         count(*) FILTER (WHERE c.sentiment = 'positive'),
         count(*) FILTER (WHERE c.sentiment = 'neutral'),
         count(*) FILTER (WHERE c.sentiment = 'negative'),
         (array_agg(c.id ORDER BY c.created_at, c.id))[1:{EXAMPLES}],
         coalesce((array_agg(c.id ORDER BY c.created_at, c.id)
                   FILTER (WHERE c.sentiment = 'negative'))[1:{EXAMPLES}], '{{}}'::uuid[])
  FROM approved c
  JOIN texts x ON x.body_markdown = c.body_markdown AND x.language = c.language
  GROUP BY 1, 2, 3;
$$
"""
