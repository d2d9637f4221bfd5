"""Insights: per-post totals over overlapping 64-day blocks, so top posts read a few
hundred rows instead of one row per active post and week.

``insight_post_blocks`` holds, per post and block, the sum of its hourly rows. A block
starts every 32 UTC days from 1970-01-01 and lasts 64 days, so every UTC day is in two
blocks and any window of at most 32 days lies inside one block (the one starting at or
before its first day). A post's figures over such a window are no larger than over the
block (every counter is a count, never negative). Top posts (and tone's most negative
posts) first sum the window exactly for the block's leading posts, take the last listed
one's figures as a bar, and then sum the window exactly only for the posts whose block
figures reach the bar (an index range on the block's ordering columns): no other post
can rank, so the list is the same as grouping every post of the window.

Statement-level triggers on ``insight_post_hours`` (with transition tables, ``SET jit =
off``) move the blocks by the same amounts in the same statement, like the roll-ups of
migration 0010; ``insight_rollup_coarse()`` now rebuilds them too. Two more indexes let
the exact sums look posts up by id in the daily and weekly roll-ups, and one reads the
blogs' hourly rows by hour (the edge hours of tone's blogs).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from helpers import enable_tenant_rls
from sqlalchemy.dialects.postgresql import UUID

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

_spec = importlib.util.spec_from_file_location(
    "rollups_0010", Path(__file__).with_name("0010_insight_rollups.py")
)
assert _spec is not None and _spec.loader is not None
_r0010 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_r0010)

U = UUID(as_uuid=True)
COUNTERS = _r0010.COUNTERS
_COLS = _r0010._COLS
_DAYS = "((d.hour AT TIME ZONE 'UTC')::date - date '1970-01-01')"
# The two blocks of an hour: the one starting at the last multiple of 32 days, and the
# one before it.
_BLOCK = f"date '1970-01-01' + ({_DAYS} / 32) * 32 - o.back"
INDEXES = {
    "insight_post_blocks_comments": (
        "(tenant_id, block, comments_approved DESC, replies DESC, post_id)"
    ),
    "insight_post_blocks_negative": (
        "(tenant_id, block, negative DESC, comments_approved DESC, post_id)"
    ),
    "insight_post_blocks_rating": "(tenant_id, block, rating_sum DESC, post_id)",
    "insight_post_blocks_reads": "(tenant_id, block, reads DESC, post_id)",
}


def _upsert(source: str) -> str:
    return f"""
      INSERT INTO insight_post_blocks AS r
        (tenant_id, block, post_id, blog_id, author_id, {", ".join(COUNTERS)})
      SELECT d.tenant_id, {_BLOCK}, d.post_id, min(d.blog_id::text)::uuid,
             min(d.author_id::text)::uuid, {", ".join(f"sum(d.{c})" for c in COUNTERS)}
      FROM ({source}) d CROSS JOIN (VALUES (0), (32)) o(back)
      GROUP BY 1, 2, 3
      ON CONFLICT (tenant_id, block, post_id) DO UPDATE SET
        {", ".join(f"{c} = r.{c} + EXCLUDED.{c}" for c in COUNTERS)}"""


def _trigger_function(op_name: str) -> str:
    source, probe = _r0010._SOURCES[op_name]
    return f"""
    CREATE FUNCTION insight_blocks_{op_name.lower()}() RETURNS trigger
    LANGUAGE plpgsql SET search_path = public SET jit = off AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM {probe}) THEN
        {_upsert(source)};
      END IF;
      RETURN NULL;
    END $$
    """


def _rebuild_function(with_blocks: bool) -> str:
    tables = list(_r0010.ROLLUPS)
    deletes = [f"DELETE FROM {t} WHERE tenant_id = app_current_tenant()" for t in tables]
    source = (
        f"SELECT {_COLS}, {', '.join(COUNTERS)} FROM insight_post_hours "
        "WHERE tenant_id = app_current_tenant()"
    )
    inserts = [_r0010._upsert(t, source) for t in tables]
    if with_blocks:
        deletes.append("DELETE FROM insight_post_blocks WHERE tenant_id = app_current_tenant()")
        inserts.append(_upsert(source))
    return f"""
    CREATE OR REPLACE FUNCTION insight_rollup_coarse() RETURNS void
    LANGUAGE sql SET search_path = public SET jit = off AS $$
      {";".join(deletes)};
      {";".join(inserts)};
    $$
    """


_TRIGGERS = {
    "INSERT": ("inserted", "REFERENCING NEW TABLE AS new_rows"),
    "UPDATE": ("updated", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "DELETE": ("deleted", "REFERENCING OLD TABLE AS old_rows"),
}


def upgrade() -> None:
    op.create_table(
        "insight_post_blocks",
        sa.Column("tenant_id", U, primary_key=True),
        sa.Column("block", sa.Date, primary_key=True),
        sa.Column("post_id", U, primary_key=True),
        sa.Column("blog_id", U, nullable=False),
        sa.Column("author_id", U, nullable=False),
        *(sa.Column(c, sa.Integer, nullable=False, server_default="0") for c in COUNTERS),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], ondelete="CASCADE", name="insight_post_blocks_tenant"
        ),
    )
    enable_tenant_rls("insight_post_blocks")
    # Filled from the hourly rows, tenant by tenant (row security is forced).
    fill = _upsert(
        f"SELECT {_COLS}, {', '.join(COUNTERS)} FROM insight_post_hours "
        "WHERE tenant_id = app_current_tenant()"
    )
    bind = op.get_bind()
    for (tenant_id,) in bind.execute(sa.text("SELECT id FROM tenants")).all():
        bind.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
        bind.execute(sa.text(fill))
    bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON insight_post_blocks {columns}")
    op.execute("CREATE INDEX insight_post_days_post ON insight_post_days (tenant_id, post_id, day)")
    op.execute(
        "CREATE INDEX insight_post_weeks_post ON insight_post_weeks (tenant_id, post_id, week)"
    )
    # The edge hours of a window for every blog (tone's blogs): a range of hours, not
    # every hour of every blog.
    op.execute("CREATE INDEX insight_blog_hours_window ON insight_blog_hours (tenant_id, hour)")
    op.execute("ANALYZE insight_post_blocks")
    for op_name, (verb, referencing) in _TRIGGERS.items():
        op.execute(_trigger_function(op_name))
        op.execute(
            f"CREATE TRIGGER insight_blocks_{verb} AFTER {op_name} ON insight_post_hours "
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION insight_blocks_{op_name.lower()}()"
        )
    op.execute(_rebuild_function(with_blocks=True))


def downgrade() -> None:
    op.execute(_rebuild_function(with_blocks=False))
    for op_name, (verb, _) in _TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS insight_blocks_{verb} ON insight_post_hours")
        op.execute(f"DROP FUNCTION IF EXISTS insight_blocks_{op_name.lower()}()")
    op.execute("DROP INDEX IF EXISTS insight_blog_hours_window")
    op.execute("DROP INDEX IF EXISTS insight_post_weeks_post")
    op.execute("DROP INDEX IF EXISTS insight_post_days_post")
    op.drop_table("insight_post_blocks")
