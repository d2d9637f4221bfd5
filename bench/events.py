"""Events through the outbox and the worker, and what writing an event costs a comment.

``make bench-events`` runs ``python -m bench.events``: an embedded PostgreSQL under
``var/bench-postgres`` (or ``BENCH_DATABASE_URL``, an owner URL allowed to create
databases), a fresh ``causerie_events`` database, migrated, with the demo site seeded.
Everything runs in this process on the app role, as a real deployment's API and worker
would, but without HTTP in between.

1. Throughput: ``BENCH_EVENTS`` (default 2,000) comments are committed, each with its
   event; then one worker dispatch takes them all: events per second, outbox to consumer.
2. Latency: with a worker running (pgqueuer, woken by the enqueue's NOTIFY), one comment
   at a time is committed and the time to its event reaching the consumer is recorded:
   p50 / p99 over ``BENCH_LATENCY_EVENTS`` (default 200).
3. Cost: the same comment posts with the event recorded and with recording switched off,
   in alternating batches: the difference of the medians is the event's insert (and its
   dispatch job's).

There is no webhook receiver yet: the consumer records the time it is handed an event.
One run's figures on a shared machine: a measurement, not a threshold.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path

import asyncpg

from bench.run import JWT_SPEC

ROOT = Path(__file__).resolve().parent.parent
DB = "causerie_events"
EVENTS = int(os.environ.get("BENCH_EVENTS", "2000"))
LATENCY_EVENTS = int(os.environ.get("BENCH_LATENCY_EVENTS", "200"))


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)] * 1000


async def _bench(owner_url) -> list[str]:
    from api.app import database_for
    from api.bootstrap import Services
    from api.demo import seed_demo
    from api.settings import Settings
    from api.worker import Worker
    from domain.comments import use_cases as comments
    from domain.comments.model import NewComment, Origin
    from domain.kernel.access import Principal
    from domain.tenants.use_cases import enter_tenant
    from persistence.database import sync_url
    from persistence.uow import SqlUnitOfWork

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=owner_url.render_as_string(hide_password=False),
        jwt_keys=JWT_SPEC,
        data_dir=ROOT / "var" / "bench-data",
        worker_poll_seconds=0.05,
    )
    db = database_for(settings)
    services = Services.from_settings(settings)
    await seed_demo(db, settings)
    async with SqlUnitOfWork(db) as uow:
        tenant, _ = await enter_tenant(uow, Principal(), "demo")
        post_id = (
            await uow.connection.exec_driver_sql(
                "SELECT id FROM posts WHERE status = 'published' LIMIT 1"
            )
        ).scalar_one()

    async def comment() -> None:
        async with SqlUnitOfWork(db) as uow:
            tenant, actor = await enter_tenant(uow, Principal(), "demo")
            await comments.post_comment(
                uow,
                actor,
                tenant,
                post_id,
                NewComment(body=f"Bench {uuid.uuid4().hex}", author_name="Bench"),
                Origin(ip_hash=uuid.uuid4().bytes * 2),
                renderer=services.comment_text,
                tone=services.tone,
            )

    received: dict[str, float] = {}
    arrived = asyncio.Event()

    async def consumer(tx, event) -> None:
        received[str(event.payload.get("comment_id"))] = time.perf_counter()
        arrived.set()

    worker = Worker(db, settings, [consumer])
    # 1. throughput
    for _ in range(EVENTS):
        await comment()
    started = time.perf_counter()
    taken = await worker.dispatch(tenant.id)
    rate = taken / (time.perf_counter() - started)
    # 2. latency, with a running worker
    connection = await asyncpg.connect(
        sync_url(db.engine.url).render_as_string(hide_password=False)
    )
    running = asyncio.create_task(worker.run(connection))
    await asyncio.sleep(0.5)
    latencies = []
    for _ in range(LATENCY_EVENTS):
        before = set(received)
        arrived.clear()
        committed = time.perf_counter()
        await comment()
        await asyncio.wait_for(arrived.wait(), timeout=30)
        [new] = set(received) - before
        latencies.append(received[new] - committed)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await connection.close()
    # 3. the event's cost to a comment post
    with_event, without_event = [], []
    original = SqlUnitOfWork.record
    for _round in range(10):
        for batch, recording in ((with_event, True), (without_event, False)):
            SqlUnitOfWork.record = original if recording else (lambda self, event: None)  # type: ignore[method-assign]
            for _ in range(20):
                started = time.perf_counter()
                await comment()
                batch.append(time.perf_counter() - started)
    SqlUnitOfWork.record = original  # type: ignore[method-assign]
    await db.dispose()
    cost = (statistics.median(with_event) - statistics.median(without_event)) * 1000
    return [
        f"outbox -> worker: {taken} events dispatched at {rate:,.0f} events/s",
        f"commit -> consumer latency over {len(latencies)}: p50 {_p(latencies, 0.5):.1f} ms, "
        f"p99 {_p(latencies, 0.99):.1f} ms",
        f"comment post: median {statistics.median(with_event) * 1000:.2f} ms with its event, "
        f"{statistics.median(without_event) * 1000:.2f} ms without: +{cost:.2f} ms",
    ]


def main() -> None:
    from persistence import migrate
    from persistence.admin import ensure_database
    from persistence.database import async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    try:
        asyncio.run(ensure_database(owner, DB, recreate=True))
        url = owner.set(database=DB)
        migrate.upgrade(url)
        for line in asyncio.run(_bench(url)):
            print(line, flush=True)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
