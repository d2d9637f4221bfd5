"""Alembic environment: async engine, one linear history, run as the owner role.

Migrations hold a PostgreSQL advisory lock (``MIGRATION_LOCK``) while they run: replicas
that start at once on a fresh database queue on it, and each reads the version table
only once it holds the lock, so the first migrates and the others find nothing to do.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from persistence.migrate import MIGRATION_LOCK

sys.path.insert(0, str(Path(__file__).parent))  # lets revisions import helpers.py

config = context.config


def _run(connection: Connection) -> None:
    # A session lock, taken and committed before alembic looks at anything, so that each
    # migration still runs in a transaction of its own.
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    connection.commit()
    try:
        context.configure(
            connection=connection, target_metadata=None, transaction_per_migration=True
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    except BaseException:
        connection.rollback()  # an aborted transaction could not release the lock
        raise
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()


async def _run_async() -> None:
    engine = create_async_engine(config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
