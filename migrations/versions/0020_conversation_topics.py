"""What is said: the terms and short phrases of approved comments, per UTC day.

- ``insight_comment_terms(body, lang)`` turns one comment into its distinct terms: the
  stems of PostgreSQL's own text search (``causerie_fr`` or ``causerie_en`` by the
  blog's language, so French and English stop words and Snowball stemming, accents
  ignored; ``causerie_simple`` for other languages), and the pairs of stems that stand
  next to each other inside one clause (punctuation ends a clause, a stop word between
  two words breaks the pair). Links and e-mail addresses are removed first, only the
  first 2,000 characters are read, and stop words (matched with their accents, by the
  stock ``french`` or ``english`` configuration), stems shorter than three letters,
  numbers and a short list of fillers are left out. Each term keeps a readable label: the first word
  (as written, lower case) that gave the stem.
- ``insight_topic_days``: per tenant, UTC day (of the comment's creation) and term, how
  many approved comments carry it, split by tone, and up to three example comment ids
  (any tone, and negative ones). A row trigger on ``comments`` keeps it exact in the
  same transaction: an approval adds the comment's terms, a rejection, deletion or spam
  decision takes them away, an edit swaps the old text's terms for the new one's.
- ``insight_topics_rollup()`` rebuilds the current tenant's rows from the comments (the
  benchmark's bulk seed runs with the trigger off and calls it once); its definition is
  shared with migration 0031, which made it set-based.

From insight to action:

- ``ambassadors``: the people a manager marked as speaking for the brand (one row per
  tenant and person, who marked them and when).
- ``briefs``: topics the brand suggests to its ambassadors, with a short text and a due
  date; an ambassador claims one (``claimed_by``), writes the post, and the brief links
  to it (``post_id``, status ``done``).

Row-level security ENABLE + FORCE on every new table, as every tenant table.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import topics_rollup
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)
EXAMPLES = 3  # example comment ids kept per day and term

# Stems that survive the stop-word lists but say nothing about a topic.
FILLERS = (
    "tre", "vrai", "fait", "fair", "plus", "tout", "bien", "comm", "aussi", "encor", "peu",
    "cet", "cel", "ca", "avoir", "etre", "just", "realli", "also", "get", "one", "would",
    "could", "much", "veri", "thing", "think", "make", "even", "like", "can", "will",
)  # fmt: skip

TERMS_FUNCTION = rf"""
CREATE FUNCTION insight_comment_terms(body text, lang text)
RETURNS TABLE (term text, label text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = public AS $$
  WITH clauses AS (
    SELECT n, c FROM regexp_split_to_table(
        regexp_replace(left(coalesce(body, ''), 2000),
                       '(https?://|www\.)\S+|\S+@\S+\.\S+', ' ', 'gi'),
        '[.!?;:,()\[\]\n\r"«»…]+') WITH ORDINALITY AS x(c, n)),
  stems AS (
    SELECT k.n, s.lexeme, p AS pos
    FROM clauses k,
         unnest(to_tsvector(public.causerie_search_config(lang), k.c)) s,
         unnest(s.positions) p
    WHERE s.lexeme ~ '^[[:alpha:]]{{3,}}$'
      AND s.lexeme <> ALL (ARRAY[{", ".join(f"'{f}'" for f in FILLERS)}])),
  kept AS (
    -- Stop words are matched before accents go (the stock lists are accented: "était").
    SELECT k.n, p AS pos
    FROM clauses k,
         unnest(to_tsvector(CASE lang WHEN 'fr' THEN 'pg_catalog.french'::regconfig
                                      WHEN 'en' THEN 'pg_catalog.english'::regconfig
                                      ELSE 'pg_catalog.simple'::regconfig END, k.c)) s,
         unnest(s.positions) p),
  words AS (
    SELECT k.n, w.lexeme AS word, p AS pos
    FROM clauses k, unnest(to_tsvector('pg_catalog.simple'::regconfig, k.c)) w,
         unnest(w.positions) p),
  labelled AS (
    SELECT s.n, s.pos, s.lexeme, coalesce(w.word, s.lexeme) AS word
    FROM stems s
    JOIN kept USING (n, pos)
    LEFT JOIN words w ON w.n = s.n AND w.pos = s.pos)
  SELECT l.lexeme, (array_agg(l.word ORDER BY l.n, l.pos))[1] FROM labelled l GROUP BY l.lexeme
  UNION ALL
  SELECT a.lexeme || ' ' || b.lexeme, (array_agg(a.word || ' ' || b.word ORDER BY a.n, a.pos))[1]
  FROM labelled a JOIN labelled b ON b.n = a.n AND b.pos = a.pos + 1
  WHERE a.lexeme <> b.lexeme
  GROUP BY 1
$$
"""

_LANG = (
    "(SELECT b.language FROM posts p JOIN blogs b ON b.tenant_id = p.tenant_id "
    "AND b.id = p.blog_id WHERE p.tenant_id = {r}.tenant_id AND p.id = {r}.post_id)"
)
_DAY = "({r}.created_at AT TIME ZONE 'UTC')::date"
_TONE = "({r}.sentiment = '{t}')::int"
_TONES = ", ".join(_TONE.format(r="{r}", t=t) for t in ("positive", "neutral", "negative"))

CHANGE_FUNCTION = f"""
CREATE FUNCTION insight_topic_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
  was boolean := TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'approved';
  now_is boolean := TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'approved';
BEGIN
  IF was AND now_is AND NEW.body_markdown = OLD.body_markdown
     AND NEW.sentiment IS NOT DISTINCT FROM OLD.sentiment
     AND NEW.created_at = OLD.created_at THEN
    RETURN NULL;  -- nothing the terms count has changed
  END IF;
  IF was THEN
    -- Rows are locked in term order, here and below, so two comments sharing terms
    -- never wait on each other crosswise (a deadlock).
    PERFORM 1 FROM insight_topic_days d
    WHERE d.tenant_id = OLD.tenant_id AND d.day = {_DAY.format(r="OLD")}
      AND d.term IN (SELECT x.term FROM insight_comment_terms(OLD.body_markdown,
                                                               {_LANG.format(r="OLD")}) x)
    ORDER BY d.term FOR UPDATE;
    UPDATE insight_topic_days d SET
      comments = d.comments - 1,
      positive = d.positive - {_TONE.format(r="OLD", t="positive")},
      neutral = d.neutral - {_TONE.format(r="OLD", t="neutral")},
      negative = d.negative - {_TONE.format(r="OLD", t="negative")},
      examples = array_remove(d.examples, OLD.id),
      negative_examples = array_remove(d.negative_examples, OLD.id)
    FROM insight_comment_terms(OLD.body_markdown, {_LANG.format(r="OLD")}) x
    WHERE d.tenant_id = OLD.tenant_id AND d.day = {_DAY.format(r="OLD")} AND d.term = x.term;
    DELETE FROM insight_topic_days d
    WHERE d.tenant_id = OLD.tenant_id AND d.day = {_DAY.format(r="OLD")} AND d.comments <= 0;
  END IF;
  IF now_is THEN
    INSERT INTO insight_topic_days AS d (tenant_id, day, term, label, comments, positive,
                                         neutral, negative, examples, negative_examples)
    SELECT NEW.tenant_id, {_DAY.format(r="NEW")}, x.term, left(x.label, 200), 1,
           {_TONES.format(r="NEW")}, ARRAY[NEW.id],
           CASE WHEN NEW.sentiment = 'negative' THEN ARRAY[NEW.id] ELSE '{{}}'::uuid[] END
    FROM insight_comment_terms(NEW.body_markdown, {_LANG.format(r="NEW")}) x
    ORDER BY x.term
    ON CONFLICT (tenant_id, day, term) DO UPDATE SET
      comments = d.comments + 1,
      positive = d.positive + EXCLUDED.positive,
      neutral = d.neutral + EXCLUDED.neutral,
      negative = d.negative + EXCLUDED.negative,
      examples = CASE WHEN cardinality(d.examples) < {EXAMPLES}
                      THEN d.examples || NEW.id ELSE d.examples END,
      negative_examples = CASE WHEN NEW.sentiment = 'negative'
                                AND cardinality(d.negative_examples) < {EXAMPLES}
                               THEN d.negative_examples || NEW.id
                               ELSE d.negative_examples END;
  END IF;
  RETURN NULL;
END $$
"""

# The rebuild is defined once for this revision and 0031 (``migrations/topics_rollup.py``):
# a database upgraded through here gets the set-based one at once, so the fill below is
# as fast on a large database as a rebuild after 0031.
ROLLUP_FUNCTION = topics_rollup.SET_BASED


def upgrade() -> None:
    op.create_table(
        "ambassadors",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("user_id", U, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("marked_by", U, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    enable_tenant_rls("ambassadors")
    op.create_table(
        "briefs",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
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
        sa.CheckConstraint("status IN ('open','claimed','done')", name="briefs_status"),
    )
    op.create_index("briefs_due", "briefs", ["tenant_id", "due_on", "id"])
    enable_tenant_rls("briefs")

    op.create_table(
        "insight_topic_days",
        sa.Column(
            "tenant_id", U, sa.ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("comments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("positive", sa.Integer, nullable=False, server_default="0"),
        sa.Column("neutral", sa.Integer, nullable=False, server_default="0"),
        sa.Column("negative", sa.Integer, nullable=False, server_default="0"),
        sa.Column("examples", ARRAY(U), nullable=False, server_default="{}"),
        sa.Column("negative_examples", ARRAY(U), nullable=False, server_default="{}"),
    )
    # The examples of the chosen terms: one term over the window's days.
    op.create_index("insight_topic_days_term", "insight_topic_days", ["tenant_id", "term", "day"])
    enable_tenant_rls("insight_topic_days")

    op.execute(TERMS_FUNCTION)
    op.execute(ROLLUP_FUNCTION)
    bind = op.get_bind()
    for (tenant_id,) in bind.execute(sa.text("SELECT id FROM tenants")).all():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        bind.execute(sa.text("SELECT insight_topics_rollup()"))
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))
    op.execute(CHANGE_FUNCTION)
    op.execute(
        # Fired at commit, like the other insight triggers (0018): a hot day's term rows
        # are locked only while the comment's transaction commits.
        "CREATE CONSTRAINT TRIGGER comments_topics AFTER INSERT OR DELETE "
        "OR UPDATE OF status, sentiment, body_markdown, created_at "
        "ON comments DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION insight_topic_change()"
    )


def downgrade() -> None:
    op.drop_table("briefs")
    op.drop_table("ambassadors")
    op.execute("DROP TRIGGER IF EXISTS comments_topics ON comments")
    op.execute("DROP FUNCTION IF EXISTS insight_topic_change()")
    op.execute("DROP FUNCTION IF EXISTS insight_topics_rollup()")
    op.execute("DROP FUNCTION IF EXISTS insight_comment_terms(text, text)")
    op.drop_table("insight_topic_days")
