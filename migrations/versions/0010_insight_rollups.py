"""Insights: coarser roll-ups of ``insight_post_hours``, so a window reads hundreds or a
few tens of thousands of rows instead of one row per post and hour.

- ``insight_tenant_hours``, ``insight_blog_hours``, ``insight_author_hours``: the same
  counters per UTC hour for the whole tenant, per blog and per author (time series,
  moderation totals, and the partial days at a window's edges).
- ``insight_blog_days``, ``insight_author_days``, ``insight_post_days``: per UTC day,
  for the window totals of blogs, authors and posts.
- ``insight_post_weeks``: per post and ISO week (from Monday, UTC), so a month of top
  posts reads about one row per active post.

A window ``[start, end)`` is cut into its whole weeks, the whole days around them and
the hours at each edge; each piece is read from its own table, so sums stay exact.

All of them follow ``insight_post_hours`` through statement-level triggers with
transition tables: whatever writes the hourly rows (the comment and rating triggers,
the read counter, ``insight_rollup()``, a bulk ``UPDATE``) moves the roll-ups by the
same amounts in the same transaction, one grouped upsert per table and statement.
``insight_rollup_coarse()`` rebuilds them from the hourly rows of the current tenant
(the backfill below; a check that the triggers kept them right).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0010"
down_revision = "0009"
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
_DAY = "(d.hour AT TIME ZONE 'UTC')::date"
_WEEK = "date_trunc('week', d.hour AT TIME ZONE 'UTC')::date"

# table -> (key columns, the expressions that compute them from a delta row ``d``,
# extra non-key columns carried along with their expressions)
ROLLUPS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "insight_tenant_hours": ([("hour", "d.hour")], []),
    "insight_blog_hours": ([("blog_id", "d.blog_id"), ("hour", "d.hour")], []),
    "insight_author_hours": ([("author_id", "d.author_id"), ("hour", "d.hour")], []),
    "insight_blog_days": ([("day", _DAY), ("blog_id", "d.blog_id")], []),
    "insight_author_days": ([("day", _DAY), ("author_id", "d.author_id")], []),
    "insight_post_days": (
        [("day", _DAY), ("post_id", "d.post_id")],
        [("blog_id", "d.blog_id"), ("author_id", "d.author_id")],
    ),
    "insight_post_weeks": (
        [("week", _WEEK), ("post_id", "d.post_id")],
        [("blog_id", "d.blog_id"), ("author_id", "d.author_id")],
    ),
}
_TYPES = {
    "hour": sa.DateTime(timezone=True),
    "day": sa.Date,
    "week": sa.Date,
    "blog_id": U,
    "author_id": U,
    "post_id": U,
}


def _upsert(table: str, source: str) -> str:
    """One grouped upsert of ``table`` from ``source`` (rows with the counters)."""
    keys, extra = ROLLUPS[table]
    names = ["tenant_id", *(k for k, _ in keys), *(e for e, _ in extra)]
    exprs = ["d.tenant_id", *(x for _, x in keys), *(f"min({x}::text)::uuid" for _, x in extra)]
    group = ", ".join(str(i + 1) for i in range(1 + len(keys)))
    conflict = ", ".join(["tenant_id", *(k for k, _ in keys)])
    return f"""
      INSERT INTO {table} AS r ({", ".join(names)}, {", ".join(COUNTERS)})
      SELECT {", ".join(exprs)}, {", ".join(f"sum(d.{c})" for c in COUNTERS)}
      FROM ({source}) d
      GROUP BY {group}
      ON CONFLICT ({conflict}) DO UPDATE SET
        {", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in COUNTERS)}"""


_COLS = "tenant_id, post_id, hour, blog_id, author_id"
_PLUS = f"SELECT {_COLS}, {', '.join(COUNTERS)} FROM new_rows"
_MINUS = f"SELECT {_COLS}, {', '.join(f'-{c} AS {c}' for c in COUNTERS)} FROM old_rows"
_SOURCES = {
    "INSERT": (_PLUS, "new_rows"),
    "DELETE": (_MINUS, "old_rows"),
    "UPDATE": (f"{_PLUS} UNION ALL {_MINUS}", "new_rows"),
}


def _trigger_function(op_name: str) -> str:
    source, probe = _SOURCES[op_name]
    body = ";".join(_upsert(t, source) for t in ROLLUPS)
    return f"""
    CREATE FUNCTION insight_hours_{op_name.lower()}() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM {probe}) THEN
        {body};
      END IF;
      RETURN NULL;
    END $$
    """


def _rebuild_function() -> str:
    deletes = ";".join(f"DELETE FROM {t} WHERE tenant_id = app_current_tenant()" for t in ROLLUPS)
    source = (
        f"SELECT {_COLS}, {', '.join(COUNTERS)} FROM insight_post_hours "
        "WHERE tenant_id = app_current_tenant()"
    )
    inserts = ";".join(_upsert(t, source) for t in ROLLUPS)
    return f"""
    CREATE FUNCTION insight_rollup_coarse() RETURNS void
    LANGUAGE sql SET search_path = public AS $$
      {deletes};
      {inserts};
    $$
    """


def upgrade() -> None:
    for table, (keys, extra) in ROLLUPS.items():
        op.create_table(
            table,
            sa.Column("tenant_id", U, primary_key=True),
            *(sa.Column(k, _TYPES[k], primary_key=True) for k, _ in keys),
            *(sa.Column(e, _TYPES[e], nullable=False) for e, _ in extra),
            *(sa.Column(c, sa.Integer, nullable=False, server_default="0") for c in COUNTERS),
            # Not tied to posts: a deleted post's hourly rows go first and their removal
            # is then subtracted here; the rows left at zero are never listed.
            sa.ForeignKeyConstraint(
                ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name=f"{table}_tenant"
            ),
        )
        enable_tenant_rls(table)

    op.execute(_rebuild_function())
    bind = op.get_bind()
    for (tenant_id,) in bind.execute(sa.text("SELECT id FROM tenants")).all():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        bind.execute(sa.text("SELECT insight_rollup_coarse()"))
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))

    for op_name in _SOURCES:
        op.execute(_trigger_function(op_name))
    op.execute(
        "CREATE TRIGGER insight_hours_inserted AFTER INSERT ON insight_post_hours "
        "REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION insight_hours_insert()"
    )
    op.execute(
        "CREATE TRIGGER insight_hours_updated AFTER UPDATE ON insight_post_hours "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION insight_hours_update()"
    )
    op.execute(
        "CREATE TRIGGER insight_hours_deleted AFTER DELETE ON insight_post_hours "
        "REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION insight_hours_delete()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS insight_hours_deleted ON insight_post_hours")
    op.execute("DROP TRIGGER IF EXISTS insight_hours_updated ON insight_post_hours")
    op.execute("DROP TRIGGER IF EXISTS insight_hours_inserted ON insight_post_hours")
    for op_name in _SOURCES:
        op.execute(f"DROP FUNCTION IF EXISTS insight_hours_{op_name.lower()}()")
    op.execute("DROP FUNCTION IF EXISTS insight_rollup_coarse()")
    for table in reversed(list(ROLLUPS)):
        op.drop_table(table)
