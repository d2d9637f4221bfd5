"""Production shape: migrations run as an ordinary (non-superuser) owner role.

With FORCE ROW LEVEL SECURITY the owner is bound by the policies too, so the
definer look-ups (custom domain -> tenant, API key by prefix, plan in use) must still
see across tenants, and the app role must still see only its tenant.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from persistence import migrate
from persistence.admin import drop_database
from persistence.database import app_role_url

OWNER = "causerie_owner_check"


async def _admin(server_url, *statements: str) -> None:
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    await engine.dispose()


@pytest.fixture(scope="module")
def owned_database(pg_server):
    name = f"causerie_owned_{os.getpid()}"
    asyncio.run(
        _admin(
            pg_server,
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER}') "
            f"THEN CREATE ROLE {OWNER} LOGIN NOSUPERUSER CREATEROLE NOBYPASSRLS; END IF; END $$",
            f"CREATE DATABASE {name} OWNER {OWNER}",
        )
    )
    owner_url = pg_server.set(database=name, username=OWNER, password=None)
    migrate.upgrade(owner_url)
    yield owner_url
    asyncio.run(drop_database(pg_server, name))


async def test_the_owner_is_an_ordinary_role(owned_database):
    engine = create_async_engine(owned_database)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
    await engine.dispose()
    assert (row.rolsuper, row.rolbypassrls) == (False, False)


async def test_definer_lookups_see_across_tenants_and_the_app_does_not(owned_database):
    owner = create_async_engine(owned_database)
    app = create_async_engine(app_role_url(owned_database))
    tenant_id = uuid.uuid4()
    host = f"blog-{tenant_id.hex[:8]}.example"
    try:
        async with app.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, created_at, updated_at) "
                    "VALUES (:id, :slug, 'Owned', now(), now())"
                ),
                {"id": tenant_id, "slug": f"o-{tenant_id.hex[:8]}"},
            )
            await conn.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)}
            )
            await conn.execute(
                text(
                    "INSERT INTO tenant_domains (tenant_id, id, host, created_at) "
                    "VALUES (:t, gen_random_uuid(), :h, now())"
                ),
                {"t": tenant_id, "h": host},
            )
            await conn.execute(
                text(
                    "INSERT INTO subscriptions (tenant_id, plan_id, status, created_at, updated_at) "
                    "VALUES (:t, 'business', 'active', now(), now())"
                ),
                {"t": tenant_id},
            )
        async with app.connect() as conn:  # no tenant context at all
            assert (
                await conn.execute(text("SELECT count(*) FROM tenant_domains"))
            ).scalar_one() == 0
            slug = (
                await conn.execute(text("SELECT resolve_tenant_host(:h)"), {"h": host})
            ).scalar_one()
            assert slug == f"o-{tenant_id.hex[:8]}"
            in_use = (await conn.execute(text("SELECT plan_in_use('business')"))).scalar_one()
            assert in_use is True
    finally:
        async with owner.begin() as conn:
            await conn.execute(text("DELETE FROM tenants WHERE id = :id"), {"id": tenant_id})
        await owner.dispose()
        await app.dispose()
