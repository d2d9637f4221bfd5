"""Backup and restore with PostgreSQL's own programs: a ``pg_dump`` of a migrated, seeded
database restored into a new one keeps row-level security forced, every policy and every
row, and the app serves from it.

It runs on the fault suite's own cluster (the embedded server, whose wheel ships
``pg_dump`` and ``pg_restore`` of the same major version), never on the shared one.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import asyncpg
import httpx

from api.app import create_app
from persistence.admin import drop_database, ensure_database
from tests.test_faults import Cluster, cluster  # noqa: F401  (the fixture)

RESTORED = "causerie_restored"

_TABLES = (
    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, EXISTS (SELECT 1 FROM "
    "pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id') AS tenant_owned "
    "FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname"
)
_POLICIES = (
    "SELECT tablename, policyname, permissive, roles::text, cmd, qual, with_check "
    "FROM pg_policies WHERE schemaname = 'public' ORDER BY tablename, policyname"
)


async def _snapshot(dsn: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], dict]:
    conn = await asyncpg.connect(dsn)
    try:
        tables = [tuple(r) for r in await conn.fetch(_TABLES)]
        policies = [tuple(r) for r in await conn.fetch(_POLICIES)]
        counts = {}
        for name, *_ in tables:
            counts[name] = await conn.fetchval(f'SELECT count(*) FROM public."{name}"')
        return tables, policies, counts
    finally:
        await conn.close()


async def test_a_dump_restored_into_a_new_database_keeps_rls_policies_and_rows(
    cluster: Cluster,  # noqa: F811
    tmp_path: Path,
):
    original = await _snapshot(cluster.dsn())
    tables, policies, counts = original
    tenant_owned = [t for t in tables if t[3]]
    assert len(tenant_owned) >= 10 and all(rls and forced for _, rls, forced, _ in tenant_owned)
    assert policies and counts["tenants"] >= 1 and counts["users"] >= 1 and counts["blogs"] >= 1

    bin_dir = cluster.server.bin_dir
    dump = tmp_path / "causerie.dump"
    await asyncio.to_thread(
        subprocess.run,
        [str(bin_dir / "pg_dump"), "--format=custom", f"--file={dump}", cluster.dsn()],
        check=True,
        timeout=120,
    )
    base = cluster.owner_url.set(database="postgres")
    await ensure_database(base, RESTORED, recreate=True)
    restored_url = cluster.owner_url.set(database=RESTORED)
    restored_dsn = restored_url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(
            subprocess.run,
            [str(bin_dir / "pg_restore"), "--exit-on-error", f"--dbname={restored_dsn}", str(dump)],
            check=True,
            timeout=120,
        )
        assert await _snapshot(restored_dsn) == original

        settings = cluster.settings.model_copy(
            update={"database_url": restored_url.render_as_string(hide_password=False)}
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                answer = await http.get(f"/v1/sites/{cluster.slug}/blogs")
        assert answer.status_code == 200, answer.text
        assert [b["title"] for b in answer.json()["items"]] == ["Faults"]
    finally:
        await drop_database(base, RESTORED)
