"""Workers for real, on committed rows: two workers racing for one attempt send it once,
and an attempt whose worker process is killed mid-send is sent again by another worker
once the job's lease has run out (the lease is made stale by hand: no waiting on time)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from api.bootstrap import webhook_box
from api.worker import Worker
from domain.webhooks import use_cases
from persistence import jobs
from persistence.database import Database, app_role_url, sync_url
from persistence.uow import SqlUnitOfWork
from tests.conftest import JWT_KEYS
from tests.factories import Factory, World
from tests.receiver import receiver
from tests.webhooks.helpers import LOCAL, attempts, pending, verified

ROOT = Path(__file__).resolve().parents[2]


def _dsn(url: Any) -> str:
    return sync_url(url).render_as_string(hide_password=False)


@pytest.fixture
async def committed(app_engine, services, owner_url) -> AsyncIterator[Factory]:
    """A factory whose rows are really committed (seen by other connections and by a
    worker process); its tenants and their jobs are deleted afterwards."""
    factory = Factory(Database(app_engine), services)
    factory.made = []  # type: ignore[attr-defined]
    yield factory
    owner = await asyncpg.connect(_dsn(owner_url))
    try:
        for tenant_id in factory.made:  # type: ignore[attr-defined]
            await owner.execute(
                "DELETE FROM jobs.pgqueuer WHERE convert_from(payload, 'UTF8') LIKE $1",
                f"%{tenant_id}%",
            )
            for table in ("posts", "blogs", "tenants"):  # posts and blogs refer to each other
                column = "id" if table == "tenants" else "tenant_id"
                await owner.execute(f"DELETE FROM {table} WHERE {column} = $1", tenant_id)
    finally:
        await owner.close()


async def _endpoint(factory: Factory, world: World, url: str, settings: Any) -> str:
    actor = await factory._actor(world, "owner")
    async with SqlUnitOfWork(factory.db, user_id=actor.user_id) as uow:
        await uow.set_tenant(world.tenant.id)

        async def anything(_: str) -> None:
            return None

        spec = use_cases.EndpointSpec(url, ["post.published"])
        _, secret = await use_cases.create_endpoint(
            uow, actor, spec, webhook_box(settings), anything
        )
    return secret


async def _published(factory: Factory, settings: Any, url: str) -> tuple[World, str]:
    world = await factory.world()
    factory.made.append(world.tenant.id)  # type: ignore[attr-defined]
    secret = await _endpoint(factory, world, url, settings)
    await factory.post(world, await factory.blog(world))
    return world, secret


async def _app_connection(owner_url: Any) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(app_role_url(owner_url)))


async def test_two_workers_racing_for_one_attempt_send_it_once(committed, settings, owner_url):
    local = settings.model_copy(update=LOCAL)
    async with receiver() as rec:
        world, secret = await _published(committed, local, rec.url)
        first, second = Worker(committed.db, local), Worker(committed.db, local)
        await first.dispatch(world.tenant.id)
        [due] = await pending(committed.db, world.tenant.id)
        # Two jobs for the same attempt (the dispatch's and a duplicate), and two workers.
        one, two = await _app_connection(owner_url), await _app_connection(owner_url)
        try:
            await jobs.queries(one).enqueue(
                jobs.DELIVER, jobs.deliver_payload(world.tenant.id, due.id)
            )
            outcomes = await asyncio.gather(
                first.webhooks.deliver(world.tenant.id, due.id),
                second.webhooks.deliver(world.tenant.id, due.id),
            )
            await asyncio.gather(first.run(one, drain=True), second.run(two, drain=True))
        finally:
            await one.close()
            await two.close()
        assert sorted(outcomes, key=str) == [None, "succeeded"]
        assert len(rec.received) == 1
    verified(secret, rec.received[0])
    [row] = await attempts(committed.db, world.tenant.id)
    assert row.status == "succeeded"


async def test_an_attempt_whose_worker_was_killed_is_sent_by_another_after_the_lease(
    committed, settings, owner_url
):
    local = settings.model_copy(update=LOCAL)
    async with receiver(hang=True) as rec:
        world, secret = await _published(committed, local, rec.url)
        await Worker(committed.db, local).dispatch(world.tenant.id)
        [due] = await pending(committed.db, world.tenant.id)
        env = {
            **os.environ,
            "DATABASE_URL": owner_url.render_as_string(hide_password=False),
            "CAUSERIE_ENVIRONMENT": "test",
            "CAUSERIE_JWT_KEYS": JWT_KEYS,  # the same webhook key as this process
            "CAUSERIE_OUTBOUND_ALLOW_LOOPBACK": "true",
            "CAUSERIE_OUTBOUND_TIMEOUT_SECONDS": "60",
            "CAUSERIE_WORKER_POLL_SECONDS": "0.2",
            "CAUSERIE_LOG_JSON": "false",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "worker",
            env=env,
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            # The worker process has the attempt in flight: the receiver holds it.
            await asyncio.wait_for(rec.arrived.wait(), timeout=120)
        finally:
            process.send_signal(signal.SIGKILL)
            await process.wait()
        assert len(rec.received) == 1

        connection = await _app_connection(owner_url)
        try:
            # The killed worker's transaction ends when its server process sees the
            # connection gone: wait for its row lock (a lock wait, not a sleep).
            async with committed.db.transaction(tenant_id=world.tenant.id) as tx:
                await tx.connection.exec_driver_sql(
                    "SELECT id FROM webhook_deliveries WHERE id = $1 FOR UPDATE", (due.id,)
                )
            [job] = await connection.fetch(
                "SELECT id, status FROM jobs.pgqueuer WHERE entrypoint = $1 "
                "AND convert_from(payload, 'UTF8') LIKE $2",
                jobs.DELIVER,
                f"%{due.id}%",
            )
            assert job["status"] == "picked"  # claimed by the dead worker
            # As its lease runs out: its heartbeat is older than the lease.
            await connection.execute(
                "UPDATE jobs.pgqueuer SET heartbeat = now() - interval '10 minutes' WHERE id = $1",
                job["id"],
            )
            rec.hang = False
            lease = local.model_copy(update={"worker_lease_seconds": 60})
            await Worker(committed.db, lease).run(connection, drain=True)
        finally:
            await connection.close()
        assert len(rec.received) == 2
    first, again = rec.received
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    verified(secret, again)
    [row] = await attempts(committed.db, world.tenant.id)
    assert (row.id, row.status, row.attempt) == (UUID(str(due.id)), "succeeded", 1)
