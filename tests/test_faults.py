"""The fault suite: the real app under uvicorn on a loopback port, against a PostgreSQL
server of its own that these tests restart and lock (so no other test is disturbed).

Nothing here waits for a fixed time: every wait is a loop on a condition with a
generous bound.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from uuid import uuid4

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

from api.bootstrap import Services, webhook_box
from api.settings import Settings
from domain.webhooks import use_cases as webhooks
from persistence import migrate
from persistence.admin import ensure_database
from persistence.database import Database, app_role_url, create_engine
from persistence.embedded import EmbeddedPostgres
from persistence.uow import SqlUnitOfWork
from tests.conftest import JWT_KEYS, ROOT
from tests.factories import Factory, World
from tests.live import until
from tests.receiver import receiver
from tests.webhooks.helpers import LOCAL, verified

DATABASE = "causerie_faults"


@dataclass
class Cluster:
    server: EmbeddedPostgres
    owner_url: URL
    settings: Settings
    slug: str
    blog_id: str
    author: dict[str, str]
    world: World

    def dsn(self) -> str:
        return self.owner_url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    server = EmbeddedPostgres(ROOT / "var" / "fault-postgres")
    base = server.start()
    asyncio.run(ensure_database(base, DATABASE, recreate=True))
    owner = base.set(database=DATABASE)
    migrate.upgrade(owner)
    settings = Settings(
        _env_file=None,
        environment="test",
        database_url=owner.render_as_string(hide_password=False),
        jwt_keys=JWT_KEYS,
        data_dir=ROOT / "var" / "fault-data",
    )

    async def seed() -> Cluster:
        db = Database(create_engine(app_role_url(owner), pool_size=2))
        try:
            factory = Factory(db, Services.from_settings(settings))
            world = await factory.world(plan="business")
            blog = await factory.blog(world, "Faults")
            return Cluster(
                server, owner, settings, world.slug, str(blog.id), world.headers["author"], world
            )
        finally:
            await db.dispose()

    yield asyncio.run(seed())
    server.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    log: IO[bytes]


def _spawn_uvicorn(cluster: Cluster, port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CAUSERIE_ENVIRONMENT": "test",
        "DATABASE_URL": cluster.settings.database_url or "",
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_DATA_DIR": str(ROOT / "var" / "fault-data"),
        "CAUSERIE_DB_POOL_SIZE": "4",
        "CAUSERIE_DB_POOL_TIMEOUT_SECONDS": "2",
    }
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    return subprocess.Popen(
        [*command, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
async def served(cluster: Cluster, tmp_path: Path) -> AsyncIterator[Served]:
    """The real app as production runs it: uvicorn in its own process, on a free port."""
    port = _free_port()
    log = (tmp_path / "uvicorn.log").open("wb")
    process = _spawn_uvicorn(cluster, port, log)
    base = f"http://127.0.0.1:{port}"

    async def up() -> bool:
        try:
            async with httpx.AsyncClient() as http:
                return (await http.get(f"{base}/readyz", timeout=2)).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        await until(up, bound=60, what="uvicorn answers /readyz")
        yield Served(process, base, tmp_path / "uvicorn.log", log)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _new_post(cluster: Cluster) -> tuple[str, dict[str, object]]:
    return (
        f"/v1/tenants/{cluster.slug}/blogs/{cluster.blog_id}/posts",
        {"title": f"fault {uuid4().hex}", "body_markdown": "Un texte."},
    )


async def _present(cluster: Cluster, ids: list[str]) -> set[str]:
    conn = await asyncpg.connect(cluster.dsn())
    try:
        rows = await conn.fetch("SELECT id::text FROM posts WHERE id = ANY($1::uuid[])", ids)
        return {r["id"] for r in rows}
    finally:
        await conn.close()


async def test_a_restart_under_looping_clients_gives_503s_then_recovers(cluster, served):
    """In-flight and refused requests get 503 + Retry-After (never a 500), the first
    success comes soon after the server is back, and every acknowledged write survives."""
    statuses: list[int] = []
    acknowledged: list[str] = []
    bad: list[str] = []
    stop = asyncio.Event()
    back_at: list[float] = []
    first_success_after: list[float] = []

    async def writer(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            path, body = _new_post(cluster)
            try:
                answer = await http.post(path, json=body, headers=cluster.author, timeout=30)
            except httpx.HTTPError:
                continue
            statuses.append(answer.status_code)
            if answer.status_code == 201:
                acknowledged.append(answer.json()["id"])
                if back_at and not first_success_after:
                    first_success_after.append(time.monotonic())
            elif answer.status_code == 503:
                if not answer.headers.get("retry-after", "").isdigit():
                    bad.append(f"503 without Retry-After: {answer.text}")
            else:
                bad.append(f"{answer.status_code}: {answer.text}")

    async def reader(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            try:
                answer = await http.get(f"/v1/sites/{cluster.slug}/posts", timeout=30)
            except httpx.HTTPError:
                continue
            statuses.append(answer.status_code)
            if answer.status_code not in (200, 503):
                bad.append(f"read {answer.status_code}: {answer.text}")

    async with httpx.AsyncClient(base_url=served.base_url) as http:
        tasks = [asyncio.create_task(writer(http)) for _ in range(6)]
        tasks += [asyncio.create_task(reader(http)) for _ in range(4)]
        try:
            await until(lambda: len(acknowledged) >= 10, bound=60, what="writes before restart")
            await asyncio.to_thread(cluster.server.restart, "fast")
            back_at.append(time.monotonic())
            await until(
                lambda: bool(first_success_after),
                bound=5,
                what="a write succeeds after the server is back",
            )
            settled = len(acknowledged) + 10
            await until(lambda: len(acknowledged) >= settled, bound=60, what="writes go on")
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    assert not bad, bad[:5]
    assert 500 not in statuses
    assert 503 in statuses  # the outage was seen, and answered as such
    assert await _present(cluster, acknowledged) == set(acknowledged)
    print(
        f"restart: {len(acknowledged)} acknowledged writes, 0 lost, "
        f"{statuses.count(503)}x503, first success "
        f"{first_success_after[0] - back_at[0]:.2f} s after the server was back"
    )


async def _subscribe(cluster: Cluster, url: str) -> str:
    """A webhook endpoint of the cluster's tenant for ``post.published``; its secret."""
    settings = cluster.settings.model_copy(update=LOCAL)
    db = Database(create_engine(app_role_url(cluster.owner_url), pool_size=1))
    try:
        actor = await Factory(db, Services.from_settings(settings))._actor(cluster.world, "owner")
        async with SqlUnitOfWork(db, user_id=actor.user_id) as uow:
            await uow.set_tenant(cluster.world.tenant.id)

            async def anything(_: str) -> None:
                return None

            spec = webhooks.EndpointSpec(url, ["post.published"])
            _, secret = await webhooks.create_endpoint(
                uow, actor, spec, webhook_box(settings), anything
            )
        return secret
    finally:
        await db.dispose()


async def test_the_worker_delivers_every_acknowledged_event_across_a_restart(
    cluster, served, tmp_path
):
    """Posts are published in a loop through the app while a worker process delivers
    their ``post.published`` events to a receiver; PostgreSQL restarts in the middle. The
    worker stays up, and every publication the API acknowledged reaches the receiver,
    signed (the reference library checks), each event id once or more, never lost."""
    async with receiver() as rec:
        secret = await _subscribe(cluster, rec.url)
        env = {
            **os.environ,
            "DATABASE_URL": cluster.settings.database_url or "",
            "CAUSERIE_ENVIRONMENT": "test",
            "CAUSERIE_JWT_KEYS": JWT_KEYS,  # the webhook key of the endpoint's secret
            "CAUSERIE_OUTBOUND_ALLOW_LOOPBACK": "true",
            "CAUSERIE_WORKER_POLL_SECONDS": "0.2",
            "CAUSERIE_LOG_JSON": "false",
        }
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "worker",
            env=env,
            cwd=ROOT,
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=asyncio.subprocess.STDOUT,
        )
        published: list[str] = []
        stop = asyncio.Event()

        async def publisher(http: httpx.AsyncClient) -> None:
            while not stop.is_set():
                path, body = _new_post(cluster)
                try:
                    made = await http.post(path, json=body, headers=cluster.author, timeout=30)
                    if made.status_code != 201:
                        continue
                    post_id = made.json()["id"]
                    done = await http.post(
                        f"/v1/tenants/{cluster.slug}/posts/{post_id}/publish",
                        json={},
                        headers=cluster.author,
                        timeout=30,
                    )
                except httpx.HTTPError:
                    continue
                if done.status_code == 200:
                    published.append(post_id)

        def delivered() -> set[str]:
            return {json.loads(r.body)["data"]["post_id"] for r in rec.received}

        try:
            async with httpx.AsyncClient(base_url=served.base_url) as http:
                tasks = [asyncio.create_task(publisher(http)) for _ in range(3)]
                try:
                    await until(lambda: len(delivered()) >= 5, bound=120, what="deliveries")
                    await asyncio.to_thread(cluster.server.restart, "fast")
                    settled = len(published) + 10
                    await until(lambda: len(published) >= settled, bound=120, what="publishing")
                finally:
                    stop.set()
                    await asyncio.gather(*tasks, return_exceptions=True)
            try:
                await until(lambda: delivered() >= set(published), bound=180, what="every delivery")
            except BaseException:
                missing = set(published) - delivered()
                print(f"{len(missing)} of {len(published)} missing; worker log:")
                print((tmp_path / "worker.log").read_text()[-6000:])
                raise
            assert worker.returncode is None  # the worker rode the restart out
        finally:
            if worker.returncode is None:
                worker.terminate()
            await worker.wait()
    for got in rec.received:
        verified(secret, got)
    print(
        f"worker across a restart: {len(published)} publications acknowledged, "
        f"{len(delivered())} delivered, {len(rec.received)} requests received"
    )


async def _backends(cluster: Cluster, state: str | None = None, waiting: bool = False) -> int:
    conn = await asyncpg.connect(cluster.dsn())
    try:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'causerie_app'"
        if state is not None:
            sql += f" AND state = '{state}'"
        if waiting:
            sql += " AND wait_event_type = 'Lock'"
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def _draft(cluster: Cluster, served: Served) -> dict[str, object]:
    path, body = _new_post(cluster)
    async with httpx.AsyncClient(base_url=served.base_url) as http:
        answer = await http.post(path, json=body, headers=cluster.author)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def _edit(served: Served, cluster: Cluster, post: dict[str, object], title: str):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as http:
        return await http.patch(
            f"/v1/tenants/{cluster.slug}/posts/{post['id']}",
            json={"title": title},
            headers={**cluster.author, "If-Match": f'"{post["version"]}"'},
        )


async def test_a_client_gone_mid_transaction_leaves_no_idle_transaction(cluster, served):
    post = await _draft(cluster, served)
    locker = await asyncpg.connect(cluster.dsn())
    try:
        tx = locker.transaction()
        await tx.start()
        await locker.execute("SELECT 1 FROM posts WHERE id = $1 FOR UPDATE", post["id"])
        edit = asyncio.create_task(_edit(served, cluster, post, "gone"))
        await until(
            lambda: _backends(cluster, waiting=True), bound=30, what="the edit waits on the lock"
        )
        edit.cancel()  # the client hangs up while its transaction is open
        await asyncio.gather(edit, return_exceptions=True)
        await tx.rollback()
    finally:
        await locker.close()

    async def none_idle() -> bool:
        return await _backends(cluster, state="idle in transaction") == 0

    await until(none_idle, bound=30, what="no session left idle in transaction")


async def test_sigterm_lets_an_in_flight_write_finish(cluster, served):
    post = await _draft(cluster, served)
    locker = await asyncpg.connect(cluster.dsn())
    try:
        tx = locker.transaction()
        await tx.start()
        await locker.execute("SELECT 1 FROM posts WHERE id = $1 FOR UPDATE", post["id"])
        edit = asyncio.create_task(_edit(served, cluster, post, "finished after SIGTERM"))
        await until(
            lambda: _backends(cluster, waiting=True), bound=30, what="the edit waits on the lock"
        )
        served.process.send_signal(signal.SIGTERM)
        await tx.rollback()  # the write may now go on
    finally:
        await locker.close()
    answer = await asyncio.wait_for(edit, timeout=60)
    assert answer.status_code == 200, answer.text
    code = await asyncio.to_thread(served.process.wait, 60)
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a process
    # manager expects: death by SIGTERM after "Application shutdown complete".
    assert code in (0, -signal.SIGTERM)
    served.log.flush()
    log = served.log_path.read_text()
    assert "Application shutdown complete" in log and "Traceback" not in log, log
    conn = await asyncpg.connect(cluster.dsn())
    try:
        title = await conn.fetchval("SELECT title FROM posts WHERE id = $1", post["id"])
    finally:
        await conn.close()
    assert title == "finished after SIGTERM"


async def test_an_exhausted_pool_answers_503_with_retry_after_and_recovers(cluster, served):
    """Four edits wait on a row lock and hold the four pooled connections: a read then
    waits the pool timeout and gets a 503; once the lock goes, everything answers."""
    post = await _draft(cluster, served)
    locker = await asyncpg.connect(cluster.dsn())
    try:
        tx = locker.transaction()
        await tx.start()
        await locker.execute("SELECT 1 FROM posts WHERE id = $1 FOR UPDATE", post["id"])
        edits = [asyncio.create_task(_edit(served, cluster, post, f"e{n}")) for n in range(4)]

        async def all_waiting() -> bool:
            return await _backends(cluster, waiting=True) >= 4

        await until(all_waiting, bound=30, what="four edits hold the pool")
        async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as http:
            busy = await http.get(f"/v1/sites/{cluster.slug}/posts")
        assert busy.status_code == 503, busy.text
        assert busy.json()["code"] == "service_unavailable"
        assert int(busy.headers["retry-after"]) >= 1
        await tx.rollback()
    finally:
        await locker.close()
    answers = await asyncio.gather(*edits)
    assert sorted(a.status_code for a in answers) == [200, 412, 412, 412]
    async with httpx.AsyncClient(base_url=served.base_url, timeout=60) as http:
        assert (await http.get(f"/v1/sites/{cluster.slug}/posts")).status_code == 200


def test_a_refusal_made_while_handling_an_os_error_stays_a_refusal():
    """A domain error raised inside a transaction keeps its answer even when Python
    chained an unrelated OSError to it (zoneinfo looks a bad ``tz`` up as a file, so
    ``?tz=G`` used to come back as a 503 "database unreachable")."""
    from domain.insights.model import parse_zone
    from domain.kernel.errors import InvalidInput
    from persistence.database import _errors_as_answers

    with pytest.raises(InvalidInput), _errors_as_answers():
        parse_zone("G")


def test_a_connection_cut_between_two_statements_is_an_outage_not_an_error():
    """A restart of the server caught a public read between its BEGIN and its first
    statement: asyncpg's protocol answered ``InternalClientError`` ("cannot switch to
    state 15; another operation (2) is in progress"), which came back as a 500."""
    from persistence.database import DatabaseUnavailable, _errors_as_answers

    cut = asyncpg.InternalClientError(
        "cannot switch to state 15; another operation (2) is in progress"
    )
    with pytest.raises(DatabaseUnavailable), _errors_as_answers():
        raise cut
