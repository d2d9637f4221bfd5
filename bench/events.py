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
4. Webhooks over HTTP: an endpoint subscribed to ``comment.created`` points at a
   receiver on loopback (a plain asyncio HTTP listener answering 200). Throughput:
   ``BENCH_WEBHOOK_EVENTS`` (default 500) comments are committed, then a worker is started
   and the clock runs until the receiver has every one, signed and sent through the
   outbound guard: events per second, outbox to receipt. Latency: one comment at a time,
   from its commit returning to the receiver reading the request, p50 / p99 over
   ``BENCH_LATENCY_EVENTS``.

Parts 1 to 3 time the consumer being handed an event; part 4 the receiver getting it.
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
WEBHOOK_EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "500"))


class _Receiver:
    """HTTP/1.1 on loopback: reads each POST, notes when its comment arrived, answers 200."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.event = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import json

        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.decode("latin-1").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            body = await reader.readexactly(length)
            comment_id = json.loads(body)["data"]["comment_id"]
            self.arrived[comment_id] = time.perf_counter()
            self.event.set()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()


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

    async def comment() -> object:
        async with SqlUnitOfWork(db) as uow:
            tenant, actor = await enter_tenant(uow, Principal(), "demo")
            return await comments.post_comment(
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
    # 4. webhooks over HTTP, to a receiver on loopback
    hooks = await _webhooks(db, settings, services, tenant.id, comment)
    await db.dispose()
    cost = (statistics.median(with_event) - statistics.median(without_event)) * 1000
    return [
        f"outbox -> worker: {taken} events dispatched at {rate:,.0f} events/s",
        f"commit -> consumer latency over {len(latencies)}: p50 {_p(latencies, 0.5):.1f} ms, "
        f"p99 {_p(latencies, 0.99):.1f} ms",
        f"comment post: median {statistics.median(with_event) * 1000:.2f} ms with its event, "
        f"{statistics.median(without_event) * 1000:.2f} ms without: +{cost:.2f} ms",
        *hooks,
    ]


async def _webhooks(db, settings, services, tenant_id, comment) -> list[str]:  # type: ignore[no-untyped-def]
    from api.worker import Worker
    from domain.kernel.access import Actor, Principal, Role
    from domain.webhooks import use_cases as webhooks
    from persistence.database import sync_url
    from persistence.uow import SqlUnitOfWork

    receiver = _Receiver()
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    local = settings.model_copy(update={"outbound_allow_loopback": True})
    owner = Actor(Principal(is_operator=True), tenant_id, Role.OWNER)

    async def any_url(_: str) -> None:
        return None

    async with SqlUnitOfWork(db, tenant_id=tenant_id) as uow:
        spec = webhooks.EndpointSpec(
            f"http://127.0.0.1:{port}/hook", ["comment.created", "comment.held"]
        )
        await webhooks.create_endpoint(uow, owner, spec, services.webhooks, any_url)
    # Throughput: a backlog of committed comments, then a worker drains it over HTTP.
    ids = [str((await comment()).id) for _ in range(WEBHOOK_EVENTS)]
    connection = await asyncpg.connect(
        sync_url(db.engine.url).render_as_string(hide_password=False)
    )
    worker = Worker(db, local)
    started = time.perf_counter()
    running = asyncio.create_task(worker.run(connection))
    while not all(i in receiver.arrived for i in ids):
        receiver.event.clear()
        await asyncio.wait_for(receiver.event.wait(), timeout=60)
    rate = len(ids) / (max(receiver.arrived[i] for i in ids) - started)
    # Latency: one comment at a time, commit to receipt.
    latencies = []
    for _ in range(LATENCY_EVENTS):
        receiver.event.clear()
        made = str((await comment()).id)
        committed = time.perf_counter()
        while made not in receiver.arrived:
            receiver.event.clear()
            await asyncio.wait_for(receiver.event.wait(), timeout=30)
        latencies.append(receiver.arrived[made] - committed)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    await connection.close()
    server.close()
    return [
        f"outbox -> worker -> HTTP receiver: {len(ids)} signed deliveries at {rate:,.0f} events/s",
        f"commit -> receipt latency over {len(latencies)}: p50 {_p(latencies, 0.5):.1f} ms, "
        f"p99 {_p(latencies, 0.99):.1f} ms",
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
