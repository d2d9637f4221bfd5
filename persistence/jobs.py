"""The job queue: pgqueuer's tables in the ``jobs`` schema, reached through asyncpg.

Jobs are enqueued on the very connection (and transaction) of the change that needs
them, so a rolled-back change leaves no job. Workers claim them with
``FOR UPDATE SKIP LOCKED`` (pgqueuer's dequeue) and keep a heartbeat on what they hold:
a job whose worker died is claimed again once its heartbeat is older than the lease.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from pgqueuer.adapters.persistence import qb
from pgqueuer.db import AsyncpgDriver
from pgqueuer.domain.settings import DBSettings
from pgqueuer.queries import Queries

JOBS_SCHEMA = "jobs"
# Named here, not read from PGQUEUER_* variables: the migration built these objects.
SETTINGS = DBSettings(db_schema=JOBS_SCHEMA)

DISPATCH = "events.dispatch"


def queries(connection: asyncpg.Connection) -> Queries:
    return Queries(
        AsyncpgDriver(connection),
        qbe=qb.QueryBuilderEnvironment(SETTINGS),
        qbq=qb.QueryQueueBuilder(SETTINGS),
        qbs=qb.QuerySchedulerBuilder(SETTINGS),
    )


def install_sql() -> str:
    return qb.QueryBuilderEnvironment(SETTINGS).build_install_query(create_schema=True)


def dispatch_payload(tenant_id: UUID) -> bytes:
    return json.dumps({"tenant_id": str(tenant_id)}).encode()


def read_payload(payload: bytes | None) -> dict[str, Any]:
    return dict(json.loads(payload or b"{}"))


async def enqueue_dispatch(
    connection: asyncpg.Connection, tenant_id: UUID, *, after: timedelta | None = None
) -> None:
    """One waiting dispatch job per tenant is enough: it takes every due event."""
    await queries(connection).enqueue(
        DISPATCH,
        dispatch_payload(tenant_id),
        execute_after=after,
        dedupe_key=f"dispatch:{tenant_id}",
        on_conflict="skip",
    )


DELIVER = "webhooks.deliver"


def deliver_payload(tenant_id: UUID, delivery_id: UUID) -> bytes:
    return json.dumps({"tenant_id": str(tenant_id), "delivery_id": str(delivery_id)}).encode()


async def enqueue_delivery(
    connection: asyncpg.Connection, tenant_id: UUID, delivery_id: UUID
) -> None:
    """One waiting job per delivery attempt: the sweep may ask again, it is skipped."""
    await queries(connection).enqueue(
        DELIVER,
        deliver_payload(tenant_id, delivery_id),
        dedupe_key=f"deliver:{delivery_id}",
        on_conflict="skip",
    )


EXPORT = "portability.export"


def export_payload(tenant_id: UUID, export_id: UUID) -> bytes:
    return json.dumps({"tenant_id": str(tenant_id), "export_id": str(export_id)}).encode()


async def enqueue_export(connection: asyncpg.Connection, tenant_id: UUID, export_id: UUID) -> None:
    """One job per export; the export row says whether it still has work to do."""
    await queries(connection).enqueue(
        EXPORT,
        export_payload(tenant_id, export_id),
        dedupe_key=f"export:{export_id}",
        on_conflict="skip",
    )


IMPORT = "imports.run"


async def enqueue_import(connection: asyncpg.Connection, tenant_id: UUID, import_id: UUID) -> None:
    await queries(connection).enqueue(
        IMPORT,
        json.dumps({"tenant_id": str(tenant_id), "import_id": str(import_id)}).encode(),
        dedupe_key=f"import:{import_id}",
        on_conflict="skip",
    )


MAIL = "mail.send"


def mail_payload(tenant_id: UUID, message_id: UUID) -> bytes:
    return json.dumps({"tenant_id": str(tenant_id), "message_id": str(message_id)}).encode()


async def enqueue_mail(connection: asyncpg.Connection, tenant_id: UUID, message_id: UUID) -> None:
    """One waiting job per message: the sweep may ask again (a retry), it is skipped."""
    await queries(connection).enqueue(
        MAIL,
        mail_payload(tenant_id, message_id),
        dedupe_key=f"mail:{message_id}",
        on_conflict="skip",
    )


RESET = "mail.password_reset"


async def enqueue_reset(
    connection: asyncpg.Connection, tenant_id: UUID, tenant_slug: str, email: str, page: str
) -> None:
    """A reset request, taken by the worker: whether the address has an account there is
    looked up off the request path, so the request does the same work either way."""
    await queries(connection).enqueue(
        RESET,
        json.dumps(
            {"tenant_id": str(tenant_id), "tenant": tenant_slug, "email": email, "page": page}
        ).encode(),
    )
