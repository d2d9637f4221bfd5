"""Every migration runs up, down to nothing, and up again on a real database."""

from __future__ import annotations

import asyncio

from persistence import migrate
from persistence.admin import drop_database, ensure_database

NAME = "causerie_migrations_check"


def test_up_down_up(pg_server):
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    try:
        migrate.upgrade(url)
        migrate.downgrade(url, "base")
        migrate.upgrade(url)
    finally:
        asyncio.run(drop_database(pg_server, NAME))
