"""One schema truth: the tables the code declares are the tables the migrations build.

The migrations are what production has; ``persistence/tables.py`` (and the tables the
comments and ratings slices add to the same ``MetaData``) are what the code believes. On a real
database migrated to head this compares the two and fails on every difference, one per
line:

- alembic's autogenerate comparison: tables, columns, types, nullability, server
  defaults, generated columns, indexes, unique constraints, foreign keys;
- primary keys, which autogenerate does not compare;
- each index as PostgreSQL itself renders it (method, predicate, expressions and their
  order), since autogenerate ignores ``postgresql_where`` and ``postgresql_using``:
  the declared index is built under a probe name inside a transaction that is rolled
  back, and ``pg_get_indexdef`` of both must agree.

Check constraints, row-level security policies, functions, triggers, grants and the
text search configurations exist in the migrations only; they are not compared.
"""

from __future__ import annotations

import warnings
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.schema import CreateIndex

# The comments' and the ratings' tables join the same MetaData when their modules load.
import persistence.comments.repositories
import persistence.ratings.repositories  # noqa: F401
from persistence.database import async_url
from persistence.tables import metadata

PROBE = "schema_truth_probe"
HOW_TO_READ = (
    "persistence/tables.py and the migrations disagree "
    "(add_* = only tables.py has it, remove_* = only the migrations have it):\n"
)


def _sql(value: Any) -> str:
    """A server default (reflected or declared) as SQL text."""
    arg = getattr(value, "arg", value)
    return str(getattr(arg, "text", arg))


def _describe(diff: Any) -> list[str]:
    """Readable lines for one autogenerate difference (column changes come in lists)."""
    if isinstance(diff, list):
        return [line for d in diff for line in _describe(d)]
    kind, *rest = diff
    if kind.startswith("modify_"):
        _schema, table, column, _info, db_value, code_value = rest
        if kind == "modify_default":
            db_value, code_value = _sql(db_value), _sql(code_value)
        return [f"{kind} {table}.{column}: migrations {db_value}, tables.py {code_value}"]
    subject = rest[0]
    if isinstance(subject, sa.Table):
        return [f"{kind} {subject.name}"]
    if isinstance(subject, sa.Column):
        return [f"{kind} {rest[1]}.{subject.name} {subject.type}"]
    if isinstance(subject, sa.Index):
        parts = ", ".join(str(e) for e in subject.expressions)
        return [f"{kind} {subject.name} on {subject.table.name} ({parts})"]
    if isinstance(subject, sa.ForeignKeyConstraint):
        target = ", ".join(e.target_fullname for e in subject.elements)
        on_delete = f" ON DELETE {subject.ondelete}" if subject.ondelete else ""
        parts = ", ".join(c.name for c in subject.columns)
        return [f"{kind} {subject.name} on {subject.table.name} ({parts}) -> {target}{on_delete}"]
    if isinstance(subject, sa.UniqueConstraint):
        parts = ", ".join(c.name for c in subject.columns)
        return [f"{kind} {subject.name} on {subject.table.name} ({parts})"]
    return [f"{kind} {rest!r}"]


def _autogenerate_differences(conn: sa.Connection) -> list[str]:
    context = MigrationContext.configure(
        conn,
        # No include_object filter: every table of the public schema (the only one
        # compared without include_schemas) is either declared or a difference.
        opts={"compare_type": True, "compare_server_default": True},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        diffs = compare_metadata(context, metadata)
    # Alembic warns where it sees a difference it cannot express (a generated column's
    # expression, an index expression it cannot parse): those are differences too.
    return [line for d in diffs for line in _describe(d)] + [
        f"alembic: {w.message}" for w in caught
    ]


def _primary_key_differences(conn: sa.Connection) -> list[str]:
    inspector = sa.inspect(conn)
    lines = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name):
            continue  # reported by autogenerate
        db = inspector.get_pk_constraint(table.name)["constrained_columns"]
        code = [c.name for c in table.primary_key.columns]
        if db != code:
            lines.append(f"primary key {table.name}: migrations {db}, tables.py {code}")
    return lines


def _index_definition_differences(conn: sa.Connection) -> list[str]:
    """Build each declared index under PROBE and compare PostgreSQL's rendering of both.

    The caller rolls the transaction back, so the probes never outlive the test."""
    lines = []
    for table in metadata.sorted_tables:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            name = str(index.name)
            if conn.scalar(sa.text("SELECT to_regclass(:n)"), {"n": name}) is None:
                continue  # reported by autogenerate
            ddl = str(CreateIndex(index).compile(dialect=conn.dialect))
            conn.exec_driver_sql(ddl.replace(f" INDEX {name} ON ", f" INDEX {PROBE} ON ", 1))
            db, code = (
                conn.scalar(sa.text("SELECT pg_get_indexdef(to_regclass(:n))"), {"n": n})
                for n in (name, PROBE)
            )
            conn.exec_driver_sql(f"DROP INDEX {PROBE}")
            code = str(code).replace(f" INDEX {PROBE} ON ", f" INDEX {name} ON ", 1)
            if db != code:
                lines.append(f"index {name}:\n    migrations {db}\n    tables.py  {code}")
    return lines


def _differences(conn: sa.Connection) -> list[str]:
    return (
        _autogenerate_differences(conn)
        + _primary_key_differences(conn)
        + _index_definition_differences(conn)
    )


async def test_tables_match_the_migrations(owner_url: URL) -> None:
    engine = create_async_engine(async_url(owner_url), pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            lines = await conn.run_sync(_differences)
            await conn.rollback()
    finally:
        await engine.dispose()
    assert not lines, HOW_TO_READ + "\n".join(lines)
