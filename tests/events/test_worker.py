"""The worker: dispatch jobs enqueued with the events' transaction, the sweep of events
that became due (by the domain's clock), claiming with SKIP LOCKED, and a crashed
worker's job taken again once its lease has run out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest
from sqlalchemy import text

from api.worker import Worker
from persistence import jobs
from persistence.database import app_role_url, sync_url
from tests.events.helpers import outbox_rows
from tests.factories import FrozenClock, post_transition

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEN = NINE + timedelta(hours=1)


async def queued_tenants(db) -> list[str]:
    async with db.transaction() as tx:
        rows = await tx.connection.execute(
            text("SELECT payload FROM jobs.pgqueuer WHERE entrypoint = :e AND status = 'queued'"),
            {"e": jobs.DISPATCH},
        )
        return [jobs.read_payload(row.payload)["tenant_id"] for row in rows]


async def test_a_commit_with_events_enqueues_their_dispatch_in_its_transaction(factory):
    world = await factory.world()
    await factory.post(world, await factory.blog(world))
    assert str(world.tenant.id) in await queued_tenants(factory.db)


async def test_a_post_scheduled_for_ten_is_announced_at_ten(factory, settings, monkeypatch):
    clock = FrozenClock(monkeypatch, NINE)
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog, at=TEN)
    worker = Worker(factory.db, settings)
    assert str(world.tenant.id) not in await queued_tenants(factory.db)

    clock.set(TEN - timedelta(seconds=1))
    await worker.sweep()
    assert str(world.tenant.id) not in await queued_tenants(factory.db)
    assert await worker.dispatch(world.tenant.id) == 0

    clock.set(TEN)
    await worker.sweep()
    assert str(world.tenant.id) in await queued_tenants(factory.db)
    assert await worker.dispatch(world.tenant.id) == 1
    [row] = await outbox_rows(factory.db, world.tenant.id)
    assert (row.type, row.dispatched_at) == ("post.published", TEN)


async def test_a_scheduled_post_unpublished_before_its_time_is_not_announced(
    factory, settings, monkeypatch
):
    clock = FrozenClock(monkeypatch, NINE)
    seen = []

    async def consumer(tx, event):
        seen.append(event.type)

    world = await factory.world()
    post = await factory.post(world, await factory.blog(world), at=TEN)
    await post_transition(factory, world, post, "unpublish")
    clock.set(TEN)
    assert await Worker(factory.db, settings, [consumer]).dispatch(world.tenant.id) == 2
    assert seen == ["post.unpublished"]


# --- the queue for real: committed jobs, a second connection ---------------------------


@pytest.fixture
async def queue(owner_url):
    """An app-role connection for a worker, and the clean-up of the jobs a test made."""
    connection = await asyncpg.connect(
        sync_url(app_role_url(owner_url)).render_as_string(hide_password=False)
    )
    made: list[int] = []
    yield connection, made
    if made:
        await connection.execute("DELETE FROM jobs.pgqueuer WHERE id = ANY($1)", made)
    await connection.close()


async def _drain_with_a_claimed_job(queue, settings, db, monkeypatch, heartbeat: timedelta):
    """Enqueue a dispatch claimed by another (absent) manager whose last heartbeat was
    ``heartbeat`` ago, drain the queue with a worker of 60-second leases, and return
    the claimed job's tenant, the tenants dispatched, and whether the job is left."""
    connection, made = queue
    tenant_id = uuid4()  # no tenant: its dispatch finds nothing, which is all we need
    [job_id] = await jobs.queries(connection).enqueue(
        jobs.DISPATCH, jobs.dispatch_payload(tenant_id)
    )
    made.append(job_id)
    await connection.execute(
        "UPDATE jobs.pgqueuer SET status = 'picked', queue_manager_id = $2, "
        "heartbeat = now() - $3::interval WHERE id = $1",
        job_id,
        uuid4(),
        heartbeat,
    )
    done = []

    async def dispatch(self, tenant):
        done.append(tenant)
        return 0

    monkeypatch.setattr(Worker, "dispatch", dispatch)
    short = settings.model_copy(update={"worker_lease_seconds": 60, "worker_poll_seconds": 0.2})
    await Worker(db, short).run(connection, drain=True)
    left = await connection.fetchval("SELECT count(*) FROM jobs.pgqueuer WHERE id = $1", job_id)
    return tenant_id, done, left > 0


async def test_a_job_whose_worker_died_is_taken_again_after_its_lease(
    queue, settings, db, monkeypatch
):
    # As a worker killed mid-job leaves it: picked, by a manager gone, heartbeat stale.
    tenant_id, done, left = await _drain_with_a_claimed_job(
        queue, settings, db, monkeypatch, timedelta(minutes=10)
    )
    # Other tests' commits may have queued dispatches too: the drain takes them as well.
    assert tenant_id in done and not left


async def test_a_job_held_by_a_live_worker_is_not_taken(queue, settings, db, monkeypatch):
    tenant_id, done, left = await _drain_with_a_claimed_job(
        queue, settings, db, monkeypatch, timedelta(0)
    )
    assert tenant_id not in done and left  # other tests' dispatches may be taken, not this


async def test_a_queue_connection_cut_mid_operation_is_replaced_not_fatal(
    owner_url, settings, db, monkeypatch
):
    """After a server restart, asyncpg's protocol can find the queue connection halfway
    through an operation and raise ``InternalClientError``: the worker took it for a bug
    and died, so nothing more was delivered. It must start again on a new connection."""
    url = sync_url(app_role_url(owner_url)).render_as_string(hide_password=False)
    connections: list[asyncpg.Connection] = []

    async def connect() -> asyncpg.Connection:
        connections.append(await asyncpg.connect(url))
        return connections[-1]

    async def work_on(self, connection):
        if len(connections) == 1:
            raise asyncpg.InternalClientError(
                "cannot switch to state 12; another operation (2) is in progress"
            )
        raise asyncio.CancelledError  # the second connection: enough, stop serving

    async def no_wait(seconds: float) -> None:
        return None

    async def nothing_due(self) -> int:
        return 0

    monkeypatch.setattr(Worker, "_work_on", work_on)
    monkeypatch.setattr(Worker, "sweep", nothing_due)
    with pytest.raises(asyncio.CancelledError):
        await Worker(db, settings).serve(connect, sleep=no_wait)
    assert len(connections) == 2
    assert all(c.is_closed() for c in connections)
