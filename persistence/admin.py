"""Server-level chores run as the owner: creating and dropping databases."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from persistence.database import async_url


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_database(server_url: URL, name: str, *, recreate: bool = False) -> None:
    engine = create_async_engine(async_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            if recreate:
                await conn.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)"))
            exists = (
                await conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                )
            ).first()
            if not exists:
                await conn.execute(text(f"CREATE DATABASE {_quoted(name)}"))
    finally:
        await engine.dispose()


async def drop_database(server_url: URL, name: str) -> None:
    engine = create_async_engine(async_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)"))
    finally:
        await engine.dispose()
