"""The export job on a real worker, on committed rows: the request enqueues it in its own
transaction, the worker's queue manager (pgqueuer, as ``causerie worker`` runs it) claims
it and leaves a ready archive; the job run again changes nothing."""

from __future__ import annotations

import asyncpg

from api.worker import Worker
from domain.portability import use_cases
from domain.portability.model import ExportStatus
from persistence import jobs
from persistence.database import app_role_url
from persistence.uow import SqlUnitOfWork
from tests.portability.helpers import document, unzip
from tests.webhooks.test_workers import _dsn, committed  # noqa: F401  (the fixture)


async def test_the_worker_builds_a_requested_export(committed, settings, owner_url):  # noqa: F811
    world = await committed.world()
    committed.made.append(world.tenant.id)
    await committed.post(world, await committed.blog(world), "Pour le départ")
    actor = await committed._actor(world, "owner")
    async with SqlUnitOfWork(committed.db, user_id=actor.user_id) as uow:
        await uow.set_tenant(world.tenant.id)
        export = await use_cases.request_export(uow, actor)

    connection = await asyncpg.connect(_dsn(app_role_url(owner_url)))
    try:
        queued = await connection.fetchval(
            "SELECT count(*) FROM jobs.pgqueuer WHERE entrypoint = $1 "
            "AND convert_from(payload, 'UTF8') LIKE $2",
            jobs.EXPORT,
            f"%{export.id}%",
        )
        assert queued == 1
        await Worker(committed.db, settings).run(connection, drain=True)
    finally:
        await connection.close()

    async with SqlUnitOfWork(committed.db, tenant_id=world.tenant.id) as uow:
        done = await uow.portability.export(export.id)
        data = await uow.portability.archive(export.id)
    assert done is not None and done.status is ExportStatus.READY
    assert data is not None and len(data) == done.size_bytes
    assert [p["title"] for p in document(unzip(data))["posts"]] == ["Pour le départ"]
    # The same job again (a retry after a lost acknowledgement): nothing to do.
    assert not await Worker(committed.db, settings).exports.run(world.tenant.id, export.id)
