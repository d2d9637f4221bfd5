"""The triggers and roll-ups run without JIT compilation.

PostgreSQL compiles a query with LLVM when its estimated cost passes ``jit_above_cost``.
The planner cannot see how few rows the set-returning pieces of
``insight_comment_terms`` give (``regexp_split_to_table``, ``unnest`` of a tsvector are
guessed at 1,000 rows each), so on a server built with JIT (Debian's packages are) each
call was compiled first: about half a second for one short comment, instead of a few
milliseconds. The topics trigger calls it once per approved comment, so a transaction
that approves a few hundred comments spent minutes in its commit.

``SET jit = off`` on a function applies to the queries it runs, so every trigger
function, roll-up and ``insight_comment_terms`` itself is given it here. The
application's connections turn JIT off as well (``persistence.database``): its queries
are short, and compiling costs more than it saves. The small functions that row-level
security policies call (``app_current_tenant()``…) are left alone: a ``SET`` clause
would stop PostgreSQL from inlining them.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Every trigger function of the public schema, the roll-ups, and the terms function.
FUNCTIONS = """
SELECT p.oid::regprocedure::text FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')
  AND (p.prorettype = 'trigger'::regtype
       OR p.proname IN ('insight_rollup', 'insight_rollup_coarse', 'insight_topics_rollup',
                        'insight_comment_terms'))
"""


def _alter(clause: str) -> None:
    op.execute(
        "DO $$ DECLARE f text; BEGIN "
        f"FOR f IN {FUNCTIONS} LOOP EXECUTE format('ALTER FUNCTION %s {clause}', f); "
        "END LOOP; END $$"
    )


def upgrade() -> None:
    _alter("SET jit = off")


def downgrade() -> None:
    _alter("RESET jit")
