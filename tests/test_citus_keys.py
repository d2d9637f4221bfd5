"""Citus-ready keys: read from the migrated catalogue, checked against deploy/citus.sql.

A tenant-owned table is a table of the public schema with a ``tenant_id`` column. Citus
distributes those by ``tenant_id``, and can only enforce a unique key or a foreign key
between distributed tables when it contains that column. The tests fail on the first
table that breaks the rule, and when deploy/citus.sql forgets a table.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from persistence.database import async_url

CITUS_SQL = Path(__file__).resolve().parent.parent / "deploy" / "citus.sql"

# Every unique constraint, primary key, exclusion constraint and unique index of a
# tenant-owned table whose columns leave tenant_id out.
_KEYS_WITHOUT_TENANT = """
WITH tenant_tables AS (
    SELECT c.oid, a.attnum AS tenant_col
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
)
SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS key,
       pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN tenant_tables t ON t.oid = i.indrelid
WHERE (i.indisunique OR i.indisexclusion) AND NOT t.tenant_col = ANY (i.indkey::int2[])
ORDER BY 1, 2
"""

# Every foreign key from a tenant-owned table: its pairs of (column, referenced column).
_FOREIGN_KEYS = """
SELECT con.conrelid::regclass::text AS tbl, con.conname AS key,
       con.confrelid::regclass::text AS target,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid
               AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS target_is_tenant_owned,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)
           AS columns,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)
           AS target_columns
FROM pg_constraint con
JOIN pg_namespace n ON n.oid = (SELECT relnamespace FROM pg_class WHERE oid = con.conrelid)
WHERE con.contype = 'f' AND n.nspname = 'public'
ORDER BY 1, 2
"""

_TABLES = """
SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END
           AS name,
       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
               AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_owned
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
ORDER BY 1
"""


@pytest.fixture
async def catalogue(owner_url) -> AsyncIterator[AsyncConnection]:
    engine = create_async_engine(async_url(owner_url), pool_size=1, max_overflow=0)
    async with engine.connect() as conn:
        yield conn
    await engine.dispose()


def _script() -> tuple[list[str], list[tuple[str, str]], set[str]]:
    """deploy/citus.sql as (reference tables, (distributed table, column) in order, local)."""
    sql = CITUS_SQL.read_text()
    reference = re.findall(r"create_reference_table\('([\w.]+)'\)", sql)
    distributed = re.findall(r"create_distributed_table\('([\w.]+)',\s*'(\w+)'", sql)
    local_note = re.search(r"-- local to the coordinator:(.*?)\n\n", sql, re.S)
    assert local_note, "deploy/citus.sql names the tables it leaves on the coordinator"
    local = set(re.findall(r"[\w.]+", local_note.group(1).replace("--", " ")))
    return reference, distributed, local


async def test_every_unique_key_of_a_tenant_table_includes_tenant_id(catalogue):
    rows = (await catalogue.execute(text(_KEYS_WITHOUT_TENANT))).all()
    assert [f"{r.tbl}: {r.definition}" for r in rows] == []


async def test_every_foreign_key_between_tenant_tables_pairs_tenant_id(catalogue):
    broken = []
    for fk in (await catalogue.execute(text(_FOREIGN_KEYS))).all():
        if not fk.target_is_tenant_owned:
            continue
        pairs = set(zip(fk.columns, fk.target_columns, strict=True))
        if ("tenant_id", "tenant_id") not in pairs:
            broken.append(f"{fk.tbl}.{fk.key} -> {fk.target}{tuple(fk.target_columns)}")
    assert broken == []


async def test_the_citus_script_places_every_table(catalogue):
    reference, distributed, local = _script()
    tables = {r.name: r.tenant_owned for r in (await catalogue.execute(text(_TABLES))).all()}
    tenant_owned = {name for name, owned in tables.items() if owned}
    others = set(tables) - tenant_owned

    assert {name for name, _ in distributed} == tenant_owned
    assert all(column == "tenant_id" for _, column in distributed)
    assert set(reference) | local == others
    assert not set(reference) & local
    assert len(distributed) == len(set(distributed)) and len(reference) == len(set(reference))


async def test_the_citus_script_creates_referenced_tables_first(catalogue):
    """Citus refuses a foreign key to a table that is not yet distributed or a reference
    table, and a reference table may only point at reference tables."""
    reference, distributed, _ = _script()
    order = {name: i for i, name in enumerate([*reference, *(d for d, _ in distributed)])}
    misplaced = []
    for fk in (await catalogue.execute(text(_FOREIGN_KEYS))).all():
        if fk.tbl == fk.target:
            continue
        if fk.target not in order or fk.tbl not in order or order[fk.target] > order[fk.tbl]:
            misplaced.append(f"{fk.tbl} -> {fk.target}")
        elif fk.tbl in reference and fk.target not in reference:
            misplaced.append(f"reference {fk.tbl} -> distributed {fk.target}")
    assert misplaced == []
