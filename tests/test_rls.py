"""Row-level security is the second wall: it holds even when a query forgets its filter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy.exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from domain.accounts import use_cases as accounts
from domain.kernel import clock
from domain.kernel.access import Actor, Principal, Role
from domain.licensing.limits import PlanLicence
from domain.members import use_cases as members
from domain.members.model import Membership
from domain.tenants import use_cases
from domain.tenants.model import Branding, Tenant, TenantSettings, TenantStatus
from persistence.database import APP_ROLE, Database, app_role_url, async_url
from persistence.uow import SqlUnitOfWork
from tests.factories import PASSWORD

KNOWN_TENANT_TABLES = {"memberships", "invitations", "tenant_domains", "api_keys", "audit_log"}


@pytest.fixture
async def owner_engine(owner_url) -> AsyncIterator:
    engine = create_async_engine(async_url(owner_url), pool_size=1, max_overflow=0)
    yield engine
    await engine.dispose()


async def tenant_tables(owner_engine) -> list[str]:
    async with owner_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT c.table_name FROM information_schema.columns c "
                "JOIN information_schema.tables t "
                "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                "WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' "
                "  AND t.table_type = 'BASE TABLE' ORDER BY 1"
            )
        )
        return [r.table_name for r in rows]


# --- the catalogue ------------------------------------------------------------------


async def test_every_tenant_owned_table_has_forced_rls_and_a_policy(owner_engine):
    tables = await tenant_tables(owner_engine)
    assert set(tables) >= KNOWN_TENANT_TABLES
    async with owner_engine.connect() as conn:
        for table in tables:
            row = (
                await conn.execute(
                    text(
                        "SELECT c.relrowsecurity, c.relforcerowsecurity, "
                        "  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies, "
                        "  (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid "
                        "     AND p.polwithcheck IS NOT NULL) AS checked "
                        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = 'public' AND c.relname = :table"
                    ),
                    {"table": table},
                )
            ).one()
            assert row.relrowsecurity, f"{table}: RLS not enabled"
            assert row.relforcerowsecurity, f"{table}: RLS not forced"
            assert row.policies >= 1, f"{table}: no policy"
            assert row.checked >= 1, f"{table}: no policy checks written rows"


async def test_the_app_role_cannot_bypass_rls_and_owns_no_table(owner_engine):
    async with owner_engine.connect() as conn:
        role = (
            await conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"),
                {"r": APP_ROLE},
            )
        ).one()
        owned = (
            await conn.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = :r"
                ),
                {"r": APP_ROLE},
            )
        ).scalar_one()
    assert role.rolsuper is False
    assert role.rolbypassrls is False
    assert owned == 0


async def test_the_app_connects_as_the_app_role(db):
    async with db.transaction() as tx:
        row = (
            await tx.connection.execute(
                text(
                    "SELECT current_user AS who, r.rolsuper, r.rolbypassrls FROM pg_roles r "
                    "WHERE r.rolname = current_user"
                )
            )
        ).one()
    assert (row.who, row.rolsuper, row.rolbypassrls) == (APP_ROLE, False, False)


# --- a query that forgets its filter ------------------------------------------------


async def two_worlds(factory):
    a = await factory.world()
    b = await factory.world()
    for world in (a, b):
        actor = Actor(Principal(user_id=world.users["owner"].id), world.tenant.id, Role.OWNER)
        async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id) as uow:
            await use_cases.add_domain(
                uow, actor, f"blog.{world.slug}.example.com", PlanLicence(uow)
            )
        async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id) as uow:
            await members.invite_member(
                uow,
                actor,
                "new@example.test",
                Role.AUTHOR,
                "t",
                uuid4().bytes * 2,
                timedelta(days=7),
                PlanLicence(uow),
            )
    return a, b


async def test_unfiltered_reads_see_only_the_current_tenant(db, factory):
    a, b = await two_worlds(factory)
    for world in (a, b):
        async with db.transaction(tenant_id=world.tenant.id) as tx:
            rows = (await tx.connection.execute(text("SELECT * FROM memberships"))).all()
            assert {r.tenant_id for r in rows} == {world.tenant.id}
            assert len(rows) == len(Role)
            for table in KNOWN_TENANT_TABLES - {"api_keys"}:
                tenants = (
                    await tx.connection.execute(text(f"SELECT DISTINCT tenant_id FROM {table}"))
                ).scalars()
                assert set(tenants) == {world.tenant.id}, table


async def test_without_a_tenant_context_nothing_is_visible(db, factory):
    await two_worlds(factory)
    async with db.transaction() as tx:
        for table in KNOWN_TENANT_TABLES:
            count = (
                await tx.connection.execute(
                    text(f"SELECT count(*) FROM {table} WHERE tenant_id IS NOT NULL")
                )
            ).scalar_one()
            assert count == 0, table


async def test_a_user_reads_their_own_memberships_elsewhere_and_nothing_more(db, factory):
    a, b = await two_worlds(factory)
    owner_a = a.users["owner"].id
    async with db.transaction(tenant_id=b.tenant.id, user_id=owner_a) as tx:
        rows = (await tx.connection.execute(text("SELECT * FROM memberships"))).all()
    mine = [r for r in rows if r.tenant_id == a.tenant.id]
    assert [r.user_id for r in mine] == [owner_a]
    assert len(rows) == len(Role) + 1


async def test_writing_into_another_tenant_is_refused(db, factory):
    a, b = await two_worlds(factory)
    stranger = await factory.user()
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="row-level security"):
            await tx.connection.execute(
                text(
                    "INSERT INTO memberships (tenant_id, user_id, role, created_at) "
                    "VALUES (:t, :u, 'owner', now())"
                ),
                {"t": b.tenant.id, "u": stranger.id},
            )
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="row-level security"):
            await tx.connection.execute(
                text(
                    "INSERT INTO audit_log (tenant_id, id, action, target_type, details, "
                    "created_at) VALUES (:t, :i, 'x', 'y', '{}', now())"
                ),
                {"t": b.tenant.id, "i": uuid4()},
            )
    async with db.transaction() as tx:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="row-level security"):
            await tx.connection.execute(
                text(
                    "INSERT INTO tenant_domains (tenant_id, id, host, created_at) "
                    "VALUES (:t, :i, 'x.example.com', now())"
                ),
                {"t": b.tenant.id, "i": uuid4()},
            )


async def test_unfiltered_updates_and_deletes_stay_in_the_current_tenant(db, factory):
    a, b = await two_worlds(factory)
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        updated = await tx.connection.execute(text("UPDATE memberships SET role = 'reader'"))
        assert updated.rowcount == len(Role)
        await tx.commit()
    async with db.transaction(tenant_id=b.tenant.id) as tx:
        roles = (await tx.connection.execute(text("SELECT role FROM memberships"))).scalars()
        assert sorted(roles) == sorted(r.value for r in Role)
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="row-level security"):
            await tx.connection.execute(
                text("UPDATE tenant_domains SET tenant_id = :b"), {"b": b.tenant.id}
            )
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        deleted = await tx.connection.execute(text("DELETE FROM memberships"))
        assert deleted.rowcount == len(Role)
        await tx.commit()
    async with db.transaction(tenant_id=b.tenant.id) as tx:
        left = (await tx.connection.execute(text("SELECT count(*) FROM memberships"))).scalar()
    assert left == len(Role)


async def test_the_audit_log_is_append_only_for_the_app(db, factory):
    a, _ = await two_worlds(factory)
    async with db.transaction(tenant_id=a.tenant.id) as tx:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="permission denied"):
            await tx.connection.execute(text("DELETE FROM audit_log"))


# --- pooled connections carry nothing to the next transaction ------------------------


@pytest.fixture
async def pooled_tenant(owner_url, owner_engine, services) -> AsyncIterator:
    """A one-connection pool of the app role, and a tenant with one member and one audit
    entry, committed for real (and deleted afterwards)."""
    engine = create_async_engine(app_role_url(owner_url), pool_size=1, max_overflow=0)
    database = Database(engine)
    tenant_id, user_id = uuid4(), None
    try:
        now = clock.now()
        tenant = Tenant(
            tenant_id,
            f"rls-{tenant_id.hex[:10]}",
            "Pooled",
            TenantStatus.ACTIVE,
            "en",
            Branding(),
            TenantSettings(),
            now,
            now,
        )
        async with SqlUnitOfWork(database) as uow:
            user = await accounts.register_user(
                uow,
                services.hasher,
                f"pool-{tenant_id.hex[:10]}@example.test",
                PASSWORD,
                "P",
                text=services.text,
            )
            user_id = user.id
            await uow.tenants.add(tenant)
            await uow.commit()
        async with SqlUnitOfWork(database, tenant_id=tenant_id, request_id="pool") as uow:
            await uow.memberships.add(Membership(tenant_id, user_id, Role.OWNER, now))
            actor = Actor(Principal(user_id=user_id), tenant_id, Role.OWNER)
            await use_cases.audit(uow, actor, "pool.test", "tenant", tenant_id)
            await uow.commit()
        yield database, tenant_id
    finally:
        await engine.dispose()
        async with owner_engine.begin() as conn:
            await conn.execute(text("DELETE FROM tenants WHERE id = :id"), {"id": tenant_id})
            if user_id is not None:
                await conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})
    async with owner_engine.connect() as conn:
        assert (
            await conn.execute(
                text("SELECT count(*) FROM memberships WHERE tenant_id = :id"), {"id": tenant_id}
            )
        ).scalar() == 0


async def what_the_next_user_sees(database: Database) -> tuple[int, str | None, str | None, int]:
    """Backend pid, tenant and user settings and visible members on a fresh checkout."""
    async with database.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT pg_backend_pid(), current_setting('app.tenant_id', true), "
                    "current_setting('app.user_id', true), "
                    "(SELECT count(*) FROM memberships) + (SELECT count(*) FROM audit_log)"
                )
            )
        ).one()
        await conn.rollback()
    return row[0], row[1], row[2], row[3]


async def test_a_pooled_connection_leaks_no_tenant_context(pooled_tenant):
    database, tenant_id = pooled_tenant
    async with database.transaction(tenant_id=tenant_id) as tx:
        pid_a = (await tx.connection.execute(text("SELECT pg_backend_pid()"))).scalar()
        seen = (await tx.connection.execute(text("SELECT count(*) FROM memberships"))).scalar()
        logged = (await tx.connection.execute(text("SELECT count(*) FROM audit_log"))).scalar()
        assert (seen, logged) == (1, 1)
        await tx.commit()

    pid_b, setting, user_setting, visible = await what_the_next_user_sees(database)
    assert pid_b == pid_a, "the pool handed out another connection"
    assert setting in (None, "")
    assert user_setting in (None, "")
    assert visible == 0

    async with database.transaction() as tx:
        pid_c = (await tx.connection.execute(text("SELECT pg_backend_pid()"))).scalar()
        members = (await tx.connection.execute(text("SELECT count(*) FROM memberships"))).scalar()
    assert pid_c == pid_a
    assert members == 0


async def test_the_driver_read_path_is_scoped_read_only_and_leaves_nothing(pooled_tenant):
    """``Database.driver_reads`` (the public read path) skips SQLAlchemy, not the walls."""
    import asyncio

    import asyncpg

    database, tenant_id = pooled_tenant
    async with database.driver_reads(tenant_id) as conn:
        pid_a = await conn.fetchval("SELECT pg_backend_pid()")
        assert await conn.fetchval("SELECT count(*) FROM memberships") == 1
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
    async with database.driver_reads(uuid4()) as conn:  # another tenant sees nothing
        assert await conn.fetchval("SELECT count(*) FROM memberships") == 0
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        async with database.driver_reads(tenant_id) as conn:
            await conn.execute("DELETE FROM audit_log")

    # A request cancelled in the middle of its query (a client hanging up).
    async def slow_read() -> None:
        async with database.driver_reads(tenant_id) as conn:
            await conn.fetchval("SELECT pg_sleep(5)")

    task = asyncio.create_task(slow_read())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    pid_b, setting, user_setting, visible = await what_the_next_user_sees(database)
    assert setting in (None, "") and user_setting in (None, "")
    assert visible == 0
    async with database.driver_reads(tenant_id) as conn:  # and the pool still serves
        assert await conn.fetchval("SELECT count(*) FROM memberships") == 1
    assert isinstance(pid_a, int) and isinstance(pid_b, int)
