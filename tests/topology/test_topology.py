"""The production topology on real engines (deploy/topology.py), and its faults.

nginx -> two ``causerie serve`` + two ``causerie worker`` -> PgBouncer (transaction mode)
-> a PostgreSQL 15 primary and its streaming replica -> Redis, all on loopback. Each
fault is made on the real engine (``pg_ctl stop``, PgBouncer's process stopped, Redis
stopped, replay paused on the replica, a worker killed) and every wait is a bounded poll for the
condition, never a fixed sleep. Run with ``make test-topology``.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from deploy import topology as deploy
from tests.live import until
from tests.topology.gate import gate

pytestmark = [
    pytest.mark.topology,
    pytest.mark.skipif(
        not (shutil.which("nginx") or Path(deploy.NGINX).exists())
        or not Path(deploy.PGBOUNCER).exists()
        or not (deploy.PG_BIN / "pg_basebackup").exists()
        or not shutil.which("redis-server"),
        reason="nginx, pgbouncer, PostgreSQL 15's tools and redis-server are needed",
    ),
]

SITE = "/v1/sites/demo"
PASSWORD = "causerie-demo"
BOUND = 30.0


def _free_base() -> int:
    for _ in range(50):
        base = random.randrange(20000, 40000, 100)
        ports = [base + i for i in (0, 1, 2, 3, 4, 10, 11)]
        if all(_free(p) for p in ports):
            return base
    raise RuntimeError("no free block of loopback ports")


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _home(name: str) -> Path:
    """Under the checkout's var/: the clusters' own user must reach it (a pytest temporary
    directory is private to the user running the tests)."""
    return deploy.ROOT / "var" / f"{name}-{os.getpid()}"


@pytest.fixture(scope="module")
def topo() -> Iterator[deploy.Topology]:
    started = deploy.up(
        _home("topology-test"),
        base_port=_free_base(),
        api=2,
        workers=2,
        app_env={
            # A short lease: a killed worker's jobs are taken again two seconds after its
            # last heartbeat (a live worker beats every second).
            "CAUSERIE_WORKER_LEASE_SECONDS": "2",
            "CAUSERIE_WORKER_POLL_SECONDS": "0.2",
            # The gated receiver holds a delivery until told: no timeout meanwhile.
            "CAUSERIE_OUTBOUND_TIMEOUT_SECONDS": "60",
            # A writer's cookie outlives every test: the replica, not the cookie's end,
            # sends the writer back to it.
            "CAUSERIE_REPLICA_FRESH_SECONDS": "120",
            "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
            "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
            "CAUSERIE_COMMENTS_PER_IP_PER_MINUTE": "100000",
            "CAUSERIE_COMMENTS_PER_USER_PER_MINUTE": "100000",
        },
    )
    try:
        yield started
    finally:
        deploy.down(started.home)
        shutil.rmtree(started.home, ignore_errors=True)


@pytest.fixture
async def http(topo) -> Iterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as client:
        yield client


async def _token(topo: deploy.Topology, email: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as client:
        answer = await client.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _reads_by_server(topo: deploy.Topology) -> dict[str, float]:
    """``causerie_public_reads_total`` summed over the API processes, by server."""
    totals = {"primary": 0.0, "replica": 0.0}
    async with httpx.AsyncClient(timeout=BOUND) as client:
        for port in topo.api_ports:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            for line in text.splitlines():
                if line.startswith("causerie_public_reads_total{"):
                    server = line.split('server="')[1].split('"')[0]
                    totals[server] += float(line.rsplit(" ", 1)[1])
    return totals


async def _owner(topo: deploy.Topology) -> asyncpg.Connection:
    return await asyncpg.connect(topo.owner_url())


async def _replica_sql(topo: deploy.Topology, sql: str) -> None:
    conn = await asyncpg.connect(topo.owner_url(topo.replica_port))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _blog(http: httpx.AsyncClient, headers: dict[str, str]) -> dict:
    blogs = await http.get("/v1/tenants/demo/blogs", headers=headers)
    assert blogs.status_code == 200, blogs.text
    items = blogs.json()
    items = items["items"] if isinstance(items, dict) else items
    return dict(items[0])


async def _list(http: httpx.AsyncClient) -> httpx.Response:
    # A page size of its own each time, so the public cache (keyed by the query) does not
    # answer and the read reaches a database.
    return await http.get(f"{SITE}/posts", params={"limit": random.randrange(30, 101)})


async def _public_slugs(http: httpx.AsyncClient) -> set[str]:
    answer = await _list(http)
    assert answer.status_code == 200, answer.text
    return {p["slug"] for p in answer.json()["items"]}


async def _draft(http: httpx.AsyncClient, author: dict[str, str], title: str) -> dict:
    blog = await _blog(http, author)
    made = await http.post(
        f"/v1/tenants/demo/blogs/{blog['id']}/posts",
        json={"title": title, "body_markdown": "Pas encore."},
        headers=author,
    )
    assert made.status_code == 201, made.text
    return {**made.json(), "blog_slug": blog["slug"]}


async def test_public_reads_are_served_by_the_replica_and_never_show_a_draft(topo, http):
    author = await _token(topo, "alice@demo.causerie.test")
    draft = await _draft(http, author, f"Brouillon {uuid.uuid4().hex[:8]}")

    async def replica_serves() -> bool:
        before = (await _reads_by_server(topo))["replica"]
        await _public_slugs(http)
        return (await _reads_by_server(topo))["replica"] > before

    await until(replica_serves, "public reads served by the replica", bound=BOUND)
    for _ in range(20):
        assert draft["slug"] not in await _public_slugs(http)
        single = await http.get(f"{SITE}/blogs/{draft['blog_slug']}/posts/{draft['slug']}")
        assert single.status_code == 404


async def test_a_writer_reads_their_own_write_even_while_the_replica_lags(topo):
    author = await _token(topo, "alice@demo.causerie.test")
    async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as writer:
        draft = await _draft(writer, author, f"Tout frais {uuid.uuid4().hex[:8]}")
        await _replica_sql(topo, "SELECT pg_wal_replay_pause()")
        try:
            published = await writer.post(
                f"/v1/tenants/demo/posts/{draft['id']}/publish", headers=author
            )
            assert published.status_code == 200, published.text
            assert "causerie_wrote" in writer.cookies
            # At once, through whichever API process nginx picks: the cookie sends the
            # writer's reads to the primary.
            assert draft["slug"] in await _public_slugs(writer)

            # Another reader, without the cookie, sees it once the lag watch has sent
            # reads to the primary (the documented staleness: about two checks).
            async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as reader:

                async def shown() -> bool:
                    return draft["slug"] in await _public_slugs(reader)

                await until(shown, "a reader sees the post while the replica lags", bound=10)
        finally:
            await _replica_sql(topo, "SELECT pg_wal_replay_resume()")


async def _positions(topo: deploy.Topology) -> tuple[str, str]:
    """(the primary's WAL position, the replica's replayed one), as PostgreSQL writes them."""
    owner = await _owner(topo)
    replica = await asyncpg.connect(topo.owner_url(topo.replica_port))
    try:
        primary_at = await owner.fetchval("SELECT pg_current_wal_lsn()::text")
        replayed = await replica.fetchval("SELECT pg_last_wal_replay_lsn()::text")
    finally:
        await owner.close()
        await replica.close()
    return primary_at, replayed


async def _served_by_replica(topo: deploy.Topology, read) -> bool:
    before = (await _reads_by_server(topo))["replica"]
    await read()
    return (await _reads_by_server(topo))["replica"] > before


async def test_a_paused_replica_serves_while_the_primary_is_idle_and_is_left_when_it_writes(
    topo, http
):
    """Lag is judged by positions: replay paused on an idle primary misses nothing, so
    readers stay on the replica; once it misses a write, a reader sees the write (the
    tenant changed: its reads wait for the replica to replay it, on the primary) and
    every process finds the replica past the lag limit (2 s) with nothing more written."""
    author = await _token(topo, "alice@demo.causerie.test")
    draft = await _draft(http, author, f"Pendant la pause {uuid.uuid4().hex[:8]}")
    for index in (0, 1):  # the workers are the only writers left when nobody writes
        deploy.stop_worker(topo, index)
    try:
        paused: list[tuple[float, str]] = []  # (when, at which position) replay stopped

        async def served_while_paused_and_idle() -> bool:
            """Paused level with the primary, a read served by the replica past the lag
            limit (2 s) since, and the primary still where it was (else something wrote,
            autovacuum say: resume and pause again)."""
            if not paused:
                primary_at, replayed = await _positions(topo)
                if primary_at != replayed:
                    return False
                await _replica_sql(topo, "SELECT pg_wal_replay_pause()")
                paused.append((time.monotonic(), primary_at))
            since, level = paused[0]
            served = await _served_by_replica(topo, lambda: _public_slugs(http))
            if await _positions(topo) != (level, level):
                paused.clear()
                await _replica_sql(topo, "SELECT pg_wal_replay_resume()")
                return False
            return served and time.monotonic() - since > 2

        try:
            await until(
                served_while_paused_and_idle,
                "a read served by the paused replica of an idle primary",
                bound=2 * BOUND,
            )
            assert draft["slug"] not in await _public_slugs(http)

            async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as writer:
                published = await writer.post(
                    f"/v1/tenants/demo/posts/{draft['id']}/publish", headers=author
                )
                assert published.status_code == 200, published.text
            primary_at, replayed = await _positions(topo)
            assert primary_at != replayed  # the replica misses the publication

            async def shown() -> bool:
                return draft["slug"] in await _public_slugs(http)

            await until(shown, "a reader sees the write the replica misses", bound=BOUND)

            async def judged_lagging() -> bool:
                return min(await _lags(topo)) > 2

            # Every process finds the replica past the lag limit, with nothing more written.
            await until(judged_lagging, "the replica judged lagging", bound=BOUND)
        finally:
            await _replica_sql(topo, "SELECT pg_wal_replay_resume()")
    finally:
        for index in (0, 1):
            deploy.start_worker(topo, index)
    await until(
        lambda: _served_by_replica(topo, lambda: _public_slugs(http)),
        "reads served by the replica once it has caught up",
        bound=BOUND,
    )


async def _lags(topo: deploy.Topology) -> list[float]:
    """``causerie_replica_lag_seconds`` of each API process."""
    found = []
    async with httpx.AsyncClient(timeout=BOUND) as client:
        for port in topo.api_ports:
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            found += [
                float(line.rsplit(" ", 1)[1])
                for line in text.splitlines()
                if line.startswith("causerie_replica_lag_seconds ")
            ]
    return found


async def test_a_writer_reads_from_the_primary_until_the_replica_has_their_write(topo):
    """The writer's cookie carries the primary's position after the write: with replay
    paused they read their write from the primary; once the replica has replayed it,
    their reads (same cookie) are the replica's again."""
    author = await _token(topo, "alice@demo.causerie.test")
    async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as writer:
        draft = await _draft(writer, author, f"Le sien {uuid.uuid4().hex[:8]}")
        await _replica_sql(topo, "SELECT pg_wal_replay_pause()")
        try:
            published = await writer.post(
                f"/v1/tenants/demo/posts/{draft['id']}/publish", headers=author
            )
            assert published.status_code == 200, published.text
            token = writer.cookies["causerie_wrote"]
            assert token.split(".")[0] != "primary"
            before = await _reads_by_server(topo)
            for _ in range(4):
                assert draft["slug"] in await _public_slugs(writer)
            after = await _reads_by_server(topo)
            assert after["replica"] == before["replica"]  # all from the primary
        finally:
            await _replica_sql(topo, "SELECT pg_wal_replay_resume()")
        await until(
            lambda: _served_by_replica(topo, lambda: _public_slugs(writer)),
            "the writer is served by the replica once it has their write",
            bound=BOUND,
        )
        assert writer.cookies["causerie_wrote"] == token  # the same cookie, still valid
        assert draft["slug"] in await _public_slugs(writer)


async def test_a_busy_tenant_keeps_its_readers_on_the_replica(topo, http):
    """Comments land on the demo without pause; another reader's reads of the demo are
    still served by the replica (each change keeps them on the primary only until the
    replica has replayed it, not for a window)."""
    reader = await _token(topo, "reader@demo.causerie.test")
    post = (await http.get(f"{SITE}/posts")).json()["items"][0]
    stop = asyncio.Event()
    written = 0

    async def keep_writing() -> None:
        nonlocal written
        async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as client:
            while not stop.is_set():
                made = await _comment(client, post["id"], f"Sans arrêt {uuid.uuid4().hex}", reader)
                assert made.status_code == 201, made.text
                written += 1

    writing = asyncio.create_task(keep_writing())
    try:
        await until(lambda: written >= 2, "comments landing", bound=BOUND)
        start = (await _reads_by_server(topo))["replica"]
        seen = written

        async def replica_serves_meanwhile() -> bool:
            await _public_slugs(http)
            return (await _reads_by_server(topo))["replica"] >= start + 5 and written > seen + 2

        await until(replica_serves_meanwhile, "replica reads while comments land", bound=BOUND)
    finally:
        stop.set()
        await writing


async def test_a_stopped_replica_sends_reads_to_the_primary_and_is_used_again(topo, http):
    deploy.stop_cluster(topo, "replica")
    try:

        async def answered() -> bool:
            codes = [(await _list(http)).status_code for _ in range(10)]
            assert set(codes) <= {200, 503}, codes  # never a 500 meanwhile
            return codes == [200] * 10

        await until(answered, "reads answered while the replica is down", bound=BOUND)
        before = await _reads_by_server(topo)
        for _ in range(20):
            await _public_slugs(http)
        after = await _reads_by_server(topo)
        assert after["primary"] > before["primary"]
    finally:
        deploy.start_cluster(topo, "replica")

    async def replica_back() -> bool:
        before = (await _reads_by_server(topo))["replica"]
        for _ in range(4):
            await _public_slugs(http)
        return (await _reads_by_server(topo))["replica"] > before

    await until(replica_back, "reads go to the replica again", bound=BOUND)


async def _comment(http: httpx.AsyncClient, post_id: str, body: str, who: dict[str, str]):
    return await http.post(f"{SITE}/posts/{post_id}/comments", json={"body": body}, headers=who)


async def test_pgbouncer_restarted_is_503_then_recovery_and_nothing_acknowledged_is_lost(
    topo, http
):
    reader = await _token(topo, "reader@demo.causerie.test")
    post = (await http.get(f"{SITE}/posts")).json()["items"][0]
    acknowledged: list[str] = []
    codes: list[int] = []
    stop = asyncio.Event()

    async def keep_writing() -> None:
        async with httpx.AsyncClient(base_url=topo.url, timeout=BOUND) as client:
            while not stop.is_set():
                body = f"Pendant la coupure {uuid.uuid4().hex}"
                answer = await _comment(client, post["id"], body, reader)
                codes.append(answer.status_code)
                if answer.status_code == 201:
                    acknowledged.append(body)
                else:
                    assert answer.status_code == 503, answer.text
                    assert answer.headers.get("retry-after")

    writer = asyncio.create_task(keep_writing())
    try:
        await until(lambda: len(acknowledged) >= 3, "writes before the restart", bound=BOUND)
        deploy.stop_pgbouncer(topo)
        down = await _comment(http, post["id"], "PgBouncer est arrêté", reader)
        assert down.status_code == 503, down.text
        assert down.headers["retry-after"]
        assert down.headers["content-type"].startswith("application/problem+json")
        deploy.start_pgbouncer(topo)
        seen = len(acknowledged)
        await until(lambda: len(acknowledged) > seen + 3, "writes after the restart", bound=BOUND)
    finally:
        stop.set()
        await writer
    assert 503 in codes or down.status_code == 503
    assert set(codes) <= {201, 503}
    owner = await _owner(topo)
    try:
        stored = {
            r["body_markdown"] for r in await owner.fetch("SELECT body_markdown FROM comments")
        }
    finally:
        await owner.close()
    assert set(acknowledged) <= stored


async def test_pgbouncer_pool_exhausted_is_a_503_with_retry_after(topo, http):
    """Every server connection of the primary's pool is held in an open transaction;
    a write then waits PgBouncer's query_wait_timeout (5 s) and is answered 503."""
    holders = []
    try:
        for _ in range(20):  # TOPOLOGY_POOL_SIZE
            conn = await asyncpg.connect(topo.app_url(topo.pgbouncer_port), statement_cache_size=0)
            await conn.execute("BEGIN")
            await conn.execute("SELECT 1")
            holders.append(conn)
        manager = {"Causerie-Read-Primary": "1"}
        answer = await http.get(f"{SITE}/posts", headers=manager)
        assert answer.status_code == 503, answer.text
        assert int(answer.headers["retry-after"]) >= 1
    finally:
        for conn in holders:
            await conn.close()

    async def recovered() -> bool:
        return (
            await http.get(f"{SITE}/posts", headers={"Causerie-Read-Primary": "1"})
        ).status_code == 200

    await until(recovered, "reads once the pool has room", bound=BOUND)


async def test_redis_stopped_limits_count_in_each_process_and_nothing_fails(topo, http):
    reader = await _token(topo, "reader@demo.causerie.test")
    post = (await http.get(f"{SITE}/posts")).json()["items"][0]
    deploy._stop_pid(topo, "redis")
    try:
        for n in range(6):
            assert (await http.get(f"{SITE}/posts")).status_code == 200
            made = await _comment(http, post["id"], f"Sans Redis {n}", reader)
            assert made.status_code == 201, made.text
    finally:
        deploy.start_redis(topo)
    made = await _comment(http, post["id"], "Redis est revenu", reader)
    assert made.status_code == 201, made.text


def test_down_stops_every_process_it_started():
    """A topology of its own (one API process, no worker), brought up and down."""
    started = deploy.up(
        _home("topology-small"), base_port=_free_base(), api=1, workers=0, seed_demo=False
    )
    pids = dict(started.pids)
    assert set(pids) == {"pgbouncer", "redis", "api0", "nginx"}
    assert httpx.get(f"{started.url}/readyz", timeout=BOUND).status_code == 200
    deploy.down(started.home)
    shutil.rmtree(started.home, ignore_errors=True)
    for name, pid in pids.items():
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid), name
    assert (
        subprocess.run(
            [str(deploy.PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(started.primary_port)],
            capture_output=True,
        ).returncode
        != 0
    )


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


async def test_a_worker_killed_mid_delivery_leaves_its_jobs_to_the_other_worker(topo, http):
    """Two workers; the receiver holds every delivery until told. The worker holding some
    is killed (SIGKILL) while they are in flight; once the gate opens, every acknowledged
    event reaches the receiver from the other worker, signed as the reference library
    checks, the killed worker's ones after their lease (2 s here) has run out."""
    owner = await _token(topo, "owner@demo.causerie.test")
    author = await _token(topo, "alice@demo.causerie.test")
    workers = {n: pid for n, pid in topo.pids.items() if n.startswith("worker")}
    assert len(workers) == 2
    async with gate(workers) as receiver:
        made = await http.post(
            "/v1/tenants/demo/webhooks",
            json={"url": receiver.url, "event_types": ["post.published"]},
            headers=owner,
        )
        assert made.status_code == 201, made.text
        endpoint, secret = made.json()["id"], made.json()["secret"]
        killed: int | None = None
        try:
            acknowledged = set()
            for n in range(4):
                draft = await _draft(http, author, f"Annoncé {n} {uuid.uuid4().hex[:6]}")
                published = await http.post(
                    f"/v1/tenants/demo/posts/{draft['id']}/publish", headers=author
                )
                assert published.status_code == 200, published.text
                acknowledged.add(draft["id"])
            await until(
                lambda: len(receiver.requests) >= len(acknowledged),
                "every delivery held at the receiver",
                bound=BOUND,
            )
            victim = max(workers, key=lambda name: len(receiver.held_by(name)))
            survivor = next(name for name in workers if name != victim)
            held = {_post_of(secret, r) for r in receiver.held_by(victim)}
            assert held, [r.sender for r in receiver.requests]
            killed = int(victim.removeprefix("worker"))
            deploy.stop_worker(topo, killed, signal.SIGKILL)
            receiver.opened.set()

            def delivered() -> set[str]:
                return {
                    _post_of(secret, r)
                    for r in receiver.requests
                    if r.sender == survivor and r.answered
                }

            await until(
                lambda: delivered() >= acknowledged,
                "every acknowledged event delivered by the other worker",
                bound=BOUND,
            )
            assert held <= delivered()
            conn = await _owner(topo)
            try:
                # The published posts' attempts (the endpoint may get others: posts of
                # the demo that other tests publish or schedule).
                states = await conn.fetch(
                    "SELECT status, count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1"
                    " AND body::jsonb #>> '{data,post_id}' = ANY($2::text[]) GROUP BY status",
                    uuid.UUID(endpoint),
                    sorted(acknowledged),
                )
            finally:
                await conn.close()
            assert {r["status"]: r["n"] for r in states} == {"succeeded": len(acknowledged)}
        finally:
            gone = await http.delete(f"/v1/tenants/demo/webhooks/{endpoint}", headers=owner)
            assert gone.status_code == 204, gone.text
            if killed is not None:  # the topology keeps its two workers
                deploy.start_worker(topo, killed)


def _post_of(secret: str, request) -> str:
    """The post an event names, once the reference library has checked its signature."""
    event = Webhook(secret).verify(request.body, request.headers)
    return str(event["data"]["post_id"])
