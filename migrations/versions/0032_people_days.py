"""Insights: distinct people over a window from per-day keys and their previous day.

``insight_presence`` (migration 0009) holds one row per hour, blog, author, kind and
person. Counting the distinct people of a 30-day window from it read every row of the
window (about 435,000 on the benchmark's data). Now:

- ``insight_person_days``: per scope, person and UTC day they were present, the previous
  day the same person was present in the same scope (``-infinity`` for none). A scope is
  ``t`` (the whole tenant, ``scope_id`` the nil uuid), ``b`` (a blog), ``a`` (an author's
  posts) or ``c`` (an author's posts, approved comments only: the ranking's commenters).
- ``insight_people_days``: how many of those rows there are per scope, day and previous
  day. The people present on the whole days ``[d1, d2)`` are exactly the rows of those
  days whose previous day is before ``d1`` (each person is counted on their first day in
  the window), so a window sums a few rows per day instead of reading every person.
- ``insight_people``: each person of a tenant once, with the hour of their first approved
  comment (the headline's new commenters).

Statement-level triggers on ``insight_presence`` (insert and delete, with transition
tables) keep the three exact whatever writes presence (the deferred comment and rating
triggers, the read counter, an erasure, ``insight_rollup()``): the people touched are
locked in key order in ``insight_people``, their day keys from the first changed day on
are recomputed from presence, and the counts move by the difference.
``insight_people_rollup()`` rebuilds a tenant's three tables from presence.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

U = UUID(as_uuid=True)
NIL = "'00000000-0000-0000-0000-000000000000'::uuid"
_DAY = "(h.hour AT TIME ZONE 'UTC')::date"
# The scopes one presence row ``h`` belongs to (a NULL scope_id: not in that scope).
_SCOPES = f"""CROSS JOIN LATERAL (VALUES ('t', {NIL}), ('b', h.blog_id), ('a', h.author_id),
                                   ('c', CASE WHEN h.kind = 'c' THEN h.author_id END))
                AS s(scope, scope_id)"""


_HOUR_OF_DAY = "extract(hour FROM h.hour AT TIME ZONE 'UTC')"


def _keys(source: str, where: str = "true") -> str:
    """The distinct (scope, person, day) keys of the presence rows ``h`` of ``source``
    matching ``where``, with the first and last UTC hour of the day the person was present,
    and, among these keys, the previous day of the same person in the same scope, its last
    hour and the next day (NULL where there is none)."""
    return f"""
      SELECT k.*, lag(k.day) OVER w AS lag_day, lag(k.last_hour) OVER w AS lag_last,
             lead(k.day) OVER w AS lead_day
      FROM (SELECT h.tenant_id, s.scope, s.scope_id, h.person, {_DAY} AS day,
                   min({_HOUR_OF_DAY})::smallint AS first_hour,
                   max({_HOUR_OF_DAY})::smallint AS last_hour
            FROM {source} {_SCOPES}
            WHERE s.scope_id IS NOT NULL AND {where}
            GROUP BY 1, 2, 3, 4, 5) k
      WINDOW w AS (PARTITION BY k.tenant_id, k.scope, k.scope_id, k.person ORDER BY k.day)"""


_DAY_COLUMNS = (
    "tenant_id, scope, scope_id, person, day, first_hour, last_hour, prev_day, prev_last, next_day"
)


# The presence rows of the people touched, from their first changed day on.
_CHANGED_PRESENCE = """x JOIN insight_presence h ON h.tenant_id = x.tenant_id
                AND h.person = x.person AND h.hour >= x.d0::timestamp AT TIME ZONE 'UTC'"""
_COUNT_UPSERT = """
      INSERT INTO insight_people_days AS r (tenant_id, scope, scope_id, day, prev_day, people)
      SELECT tenant_id, scope, scope_id, day, prev_day, count(*) FROM put
      GROUP BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant_id, scope, scope_id, day, prev_day)
      DO UPDATE SET people = r.people + EXCLUDED.people"""

FOLLOW_FUNCTION = f"""
CREATE FUNCTION insight_people_follow() RETURNS trigger
LANGUAGE plpgsql SET search_path = public SET jit = off AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM changed) THEN
    RETURN NULL;
  END IF;
  -- The people touched, locked in key order: two writers of one person take turns, and
  -- each statement below sees what the other committed.
  IF TG_OP = 'INSERT' THEN
    INSERT INTO insight_people AS p (tenant_id, person)
    SELECT DISTINCT tenant_id, person FROM changed ORDER BY 1, 2
    ON CONFLICT (tenant_id, person) DO UPDATE SET first_comment = p.first_comment;
  ELSE
    PERFORM 1 FROM insight_people p
    WHERE (p.tenant_id, p.person) IN (SELECT tenant_id, person FROM changed)
    ORDER BY p.tenant_id, p.person FOR UPDATE;
  END IF;
  UPDATE insight_people p SET first_comment = (
      SELECT min(h.hour) FROM insight_presence h
      WHERE h.tenant_id = p.tenant_id AND h.person = p.person AND h.kind = 'c')
  WHERE (p.tenant_id, p.person) IN (SELECT tenant_id, person FROM changed);
  DELETE FROM insight_people p
  WHERE (p.tenant_id, p.person) IN (SELECT tenant_id, person FROM changed)
    AND NOT EXISTS (SELECT 1 FROM insight_presence h
                    WHERE h.tenant_id = p.tenant_id AND h.person = p.person);
  -- Their day keys from the first changed day on go, and their counts with them.
  WITH x AS (SELECT tenant_id, person, min({_DAY}) AS d0 FROM changed h GROUP BY 1, 2),
  gone AS (
      DELETE FROM insight_person_days d USING x
      WHERE d.tenant_id = x.tenant_id AND d.person = x.person AND d.day >= x.d0
      RETURNING d.tenant_id, d.scope, d.scope_id, d.day, d.prev_day),
  minus AS (SELECT tenant_id, scope, scope_id, day, prev_day, count(*) AS n FROM gone
            GROUP BY 1, 2, 3, 4, 5)
  UPDATE insight_people_days r SET people = r.people - minus.n FROM minus
  WHERE r.tenant_id = minus.tenant_id AND r.scope = minus.scope
    AND r.scope_id = minus.scope_id AND r.day = minus.day AND r.prev_day = minus.prev_day;
  -- And come back from presence, the first of each chained to the day kept before it.
  WITH x AS (SELECT tenant_id, person, min({_DAY}) AS d0 FROM changed h GROUP BY 1, 2),
  keys AS ({_keys(_CHANGED_PRESENCE)}),
  put AS (
      INSERT INTO insight_person_days ({_DAY_COLUMNS})
      SELECT k.tenant_id, k.scope, k.scope_id, k.person, k.day, k.first_hour, k.last_hour,
             coalesce(k.lag_day, b.day, '-infinity'), coalesce(k.lag_last, b.last_hour, -1),
             coalesce(k.lead_day, 'infinity')
      FROM keys k
      LEFT JOIN LATERAL (
          SELECT d.day, d.last_hour FROM insight_person_days d
          WHERE k.lag_day IS NULL AND d.tenant_id = k.tenant_id AND d.scope = k.scope
            AND d.scope_id = k.scope_id AND d.person = k.person AND d.day < k.day
          ORDER BY d.day DESC LIMIT 1) b ON true
      RETURNING tenant_id, scope, scope_id, day, prev_day)
  {_COUNT_UPSERT};
  -- The day kept before the first changed one points at its new next day.
  WITH x AS (SELECT tenant_id, person, min({_DAY}) AS d0 FROM changed h GROUP BY 1, 2),
  kept AS (
      SELECT DISTINCT ON (d.tenant_id, d.scope, d.scope_id, d.person)
             d.tenant_id, d.scope, d.scope_id, d.person, d.day, x.d0
      FROM x JOIN insight_person_days d ON d.tenant_id = x.tenant_id
       AND d.person = x.person AND d.day < x.d0
      ORDER BY d.tenant_id, d.scope, d.scope_id, d.person, d.day DESC)
  UPDATE insight_person_days d SET next_day = coalesce((
      SELECT min(n.day) FROM insight_person_days n
      WHERE n.tenant_id = kept.tenant_id AND n.scope = kept.scope
        AND n.scope_id = kept.scope_id AND n.person = kept.person AND n.day >= kept.d0),
      'infinity')
  FROM kept
  WHERE d.tenant_id = kept.tenant_id AND d.scope = kept.scope AND d.scope_id = kept.scope_id
    AND d.person = kept.person AND d.day = kept.day;
  RETURN NULL;
END $$
"""

ROLLUP_FUNCTION = f"""
CREATE FUNCTION insight_people_rollup() RETURNS void
LANGUAGE sql SET search_path = public SET jit = off AS $$
  DELETE FROM insight_people_days WHERE tenant_id = app_current_tenant();
  DELETE FROM insight_person_days WHERE tenant_id = app_current_tenant();
  DELETE FROM insight_people WHERE tenant_id = app_current_tenant();
  INSERT INTO insight_people (tenant_id, person, first_comment)
  SELECT tenant_id, person, min(hour) FILTER (WHERE kind = 'c') FROM insight_presence
  WHERE tenant_id = app_current_tenant() GROUP BY 1, 2;
  WITH keys AS ({_keys("insight_presence h", "h.tenant_id = app_current_tenant()")}),
  put AS (
      INSERT INTO insight_person_days ({_DAY_COLUMNS})
      SELECT tenant_id, scope, scope_id, person, day, first_hour, last_hour,
             coalesce(lag_day, '-infinity'), coalesce(lag_last, -1), coalesce(lead_day, 'infinity')
      FROM keys
      RETURNING tenant_id, scope, scope_id, day, prev_day)
  {_COUNT_UPSERT};
$$
"""


def upgrade() -> None:
    # A person's rows in presence, for the triggers' recomputation.
    op.create_index("insight_presence_person", "insight_presence", ["tenant_id", "person", "hour"])
    op.create_table(
        "insight_people",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("person", sa.LargeBinary, primary_key=True),
        sa.Column("first_comment", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_people_tenant"
        ),
    )
    op.create_index(
        "insight_people_first_comment",
        "insight_people",
        ["tenant_id", "first_comment"],
        postgresql_where=sa.text("first_comment IS NOT NULL"),
    )
    op.create_table(
        "insight_person_days",
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
    )
    # The people of one day, for the part of a day at a window's edges.
    op.create_index(
        "insight_person_days_day",
        "insight_person_days",
        ["tenant_id", "scope", "scope_id", "day"],
        postgresql_include=["first_hour", "last_hour", "prev_day", "prev_last", "next_day"],
    )
    op.create_table(
        "insight_people_days",
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
    for table in ("insight_people", "insight_person_days", "insight_people_days"):
        enable_tenant_rls(table)

    op.execute(ROLLUP_FUNCTION)
    bind = op.get_bind()
    for (tenant_id,) in bind.execute(sa.text("SELECT id FROM tenants")).all():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        bind.execute(sa.text("SELECT insight_people_rollup()"))
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))

    op.execute(FOLLOW_FUNCTION)
    op.execute(
        "CREATE TRIGGER insight_presence_inserted AFTER INSERT ON insight_presence "
        "REFERENCING NEW TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION insight_people_follow()"
    )
    op.execute(
        "CREATE TRIGGER insight_presence_deleted AFTER DELETE ON insight_presence "
        "REFERENCING OLD TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION insight_people_follow()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS insight_presence_deleted ON insight_presence")
    op.execute("DROP TRIGGER IF EXISTS insight_presence_inserted ON insight_presence")
    op.execute("DROP FUNCTION IF EXISTS insight_people_follow()")
    op.execute("DROP FUNCTION IF EXISTS insight_people_rollup()")
    op.drop_table("insight_people_days")
    op.drop_table("insight_person_days")
    op.drop_table("insight_people")
    op.drop_index("insight_presence_person", table_name="insight_presence")
