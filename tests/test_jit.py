"""No JIT compilation where it would cost more than the query: the application's
connections and the database's triggers and roll-ups (migration 0021).

On a server built with LLVM (Debian's PostgreSQL), compiling the topics trigger's terms
query took about half a second per approved comment. The embedded server of the tests
has no JIT at all, so the assertions are on the settings, which hold on both.
"""

from __future__ import annotations

from sqlalchemy import text

from persistence.database import Database


async def test_the_app_connections_run_without_jit(db: Database) -> None:
    async with db.transaction() as tx:
        assert (await tx.connection.execute(text("SHOW jit"))).scalar_one() == "off"


async def test_triggers_roll_ups_and_the_terms_function_run_without_jit(db: Database) -> None:
    async with db.transaction() as tx:
        rows = await tx.connection.execute(
            text(
                "SELECT p.proname, coalesce(p.proconfig, '{}') FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace "
                "JOIN pg_language l ON l.oid = p.prolang "
                "WHERE n.nspname = 'public' AND l.lanname <> 'c' "
                "AND (p.prorettype = 'trigger'::regtype OR p.proname LIKE '%rollup%' "
                "     OR p.proname = 'insight_comment_terms')"
            )
        )
        settings = {name: config for name, config in rows}
    assert "insight_topic_change" in settings and "insight_rollup" in settings
    assert {name for name, config in settings.items() if "jit=off" not in config} == set()
    # The functions row-level security calls stay inlinable: no SET clause on them.
    async with db.transaction() as tx:
        config = await tx.connection.execute(
            text("SELECT proconfig FROM pg_proc WHERE proname = 'app_current_tenant'")
        )
        assert config.scalar_one() is None
