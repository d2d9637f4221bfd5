"""The test harness: one real PostgreSQL, migrated by alembic, and a rolled-back
transaction around every test.

- ``TEST_DATABASE_URL`` (owner role, allowed to create databases) picks a server;
  otherwise an embedded PostgreSQL starts under ``var/test-postgres``.
- The app connects as the unprivileged ``causerie_app`` role, so row-level security
  is on in every test, as in production.
- Each test runs inside an outer transaction on one connection; the app's own
  transactions become savepoints there, so its commits and rollbacks really happen
  and the outer rollback leaves the database clean for the next test.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL, make_url

from api.app import create_app
from api.bootstrap import Services
from api.settings import Settings
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from persistence.database import Database, app_role_url, async_url, create_engine
from tests.clock import ManualClock
from tests.factories import Factory

ROOT = Path(__file__).resolve().parent.parent
# One database per test process, so two runs on one server never collide.
TEST_DATABASE = f"causerie_test_{os.getpid()}"
JWT_KEYS = "test-1:" + "s" * 48 + ",test-0:" + "o" * 48


@pytest.fixture(scope="session")
def pg_server() -> Iterator[URL]:
    """An owner URL on the server the suite runs against (database ``postgres``)."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield async_url(configured)
        return
    from persistence.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(ROOT / "var" / "test-postgres")
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(scope="session")
def owner_url(pg_server: URL) -> Iterator[URL]:
    """A fresh database for this run, migrated to head."""
    asyncio.run(ensure_database(pg_server, TEST_DATABASE, recreate=True))
    url = pg_server.set(database=TEST_DATABASE)
    migrate.upgrade(url)
    yield url
    asyncio.run(drop_database(pg_server, TEST_DATABASE))


@pytest.fixture(scope="session")
def settings(owner_url: URL) -> Settings:
    return Settings(
        _env_file=None,
        environment="test",
        database_url=owner_url.render_as_string(hide_password=False),
        jwt_keys=JWT_KEYS,
        data_dir=ROOT / "var" / "test-data",
        public_base_url="https://causerie.test",
        console_origin="https://console.causerie.test",
        sign_in_per_ip_per_minute=30,
        sign_in_per_account_per_minute=10,
    )


@pytest.fixture(scope="session")
async def app_engine(owner_url: URL):
    engine = create_engine(app_role_url(owner_url), pool_size=4)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(app_engine) -> AsyncIterator[Database]:
    async with app_engine.connect() as conn:
        outer = await conn.begin()
        yield Database(app_engine, bound_connection=conn)
        await outer.rollback()


@pytest.fixture(scope="session")
def app(settings: Settings):
    # The engine behind this placeholder is never used: each test binds its own Database.
    return create_app(settings, database=Database(create_engine(settings.database_url or "")))


@pytest.fixture
def limit_clock() -> ManualClock:
    """The rate limiter's clock: still, a second into a window, until a test moves it."""
    return ManualClock()


@pytest.fixture
async def services(app, settings: Settings, db: Database, limit_clock: ManualClock) -> Services:
    app.state.db = db
    app.state.services = Services.from_settings(settings, clock=limit_clock)
    return app.state.services


@pytest.fixture
async def client(app, services: Services) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(
        app=app, raise_app_exceptions=False, client=("203.0.113.7", 5555)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
async def factory(db: Database, services: Services) -> Factory:
    return Factory(db, services)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("CAUSERIE_ENVIRONMENT", "test")


__all__ = ["make_url"]
