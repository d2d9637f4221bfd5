"""Every migration runs up, down to nothing, and up again on a real database."""

from __future__ import annotations

import asyncio
import os

from persistence import migrate
from persistence.admin import drop_database, ensure_database

NAME = f"causerie_migrations_{os.getpid()}"


def test_up_down_up(pg_server):
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    try:
        migrate.upgrade(url)
        migrate.downgrade(url, "base")
        migrate.upgrade(url)
    finally:
        asyncio.run(drop_database(pg_server, NAME))
