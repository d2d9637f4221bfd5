"""Routing public reads to a replica (persistence.database.Replica) and the writer's
cookie (api/read_routing.py), in process; the real replica is in tests/topology."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest

from api.app import create_app
from api.bootstrap import Services
from auth.rate_limit import REDIS_RETRY_SECONDS, RateLimiter
from persistence.database import Replica
from tests.clock import ManualClock
from tests.factories import PASSWORD
from tests.live import free_port, until


def _replica(clock: ManualClock, app_engine) -> Replica:
    return Replica(app_engine, fresh_seconds=5, retry_seconds=5, clock=clock)


def test_a_tenant_just_changed_reads_from_the_primary_for_the_fresh_window(app_engine):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    changed, other = uuid.uuid4(), uuid.uuid4()
    assert replica.usable_for(changed)
    replica.note_change(changed)
    assert not replica.usable_for(changed) and replica.usable_for(other)
    clock.advance(4.9)
    assert not replica.usable_for(changed)
    clock.advance(0.1)
    assert replica.usable_for(changed)
    replica.note_change(None)  # every tenant
    assert not replica.usable_for(other)


def test_an_unreachable_or_lagging_replica_is_left_alone_for_a_while(app_engine):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    tenant = uuid.uuid4()
    replica.mark_down(OSError("refused"))
    assert not replica.usable_for(tenant) and not replica.up
    clock.advance(5)
    assert replica.usable_for(tenant)
    replica.lagging = True
    assert not replica.usable_for(tenant)


@pytest.fixture
async def replica_app(settings, db, limit_clock):
    """The app as it runs with a replica configured (its URL unused: the test's database
    serves every read)."""
    configured = settings.model_copy(update={"read_replica_url": "postgresql://unused@h/db"})
    app = create_app(configured, database=db)
    app.state.db = db
    app.state.services = Services.from_settings(configured, clock=limit_clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_write_marks_the_writer_and_a_read_or_a_refusal_does_not(replica_app, factory):
    user = await factory.user()
    signed_in = await replica_app.post(
        "/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith("causerie_wrote=1; Max-Age=5; Path=/; HttpOnly; SameSite=Lax")

    refused = await replica_app.post(
        "/v1/auth/token", data={"username": user.email, "password": "not the password"}
    )
    assert refused.status_code == 401
    assert "causerie_wrote" not in refused.headers.get("set-cookie", "")
    read = await replica_app.get("/healthz")
    assert "set-cookie" not in read.headers


async def test_without_a_replica_nothing_is_marked(client, factory):
    user = await factory.user()
    signed_in = await client.post(
        "/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    assert "causerie_wrote" not in signed_in.headers.get("set-cookie", "")


@pytest.fixture
def redis_server():
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    yield port, process
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.skipif(
    subprocess.run(["which", "redis-server"], capture_output=True).returncode != 0,
    reason="redis-server is needed",
)
async def test_rate_limits_count_in_memory_while_redis_is_away(redis_server):
    port, process = redis_server
    clock = ManualClock()
    limiter = RateLimiter(f"redis://127.0.0.1:{port}/0", clock=clock)

    async def answering() -> bool:
        try:
            return bool(await limiter.storage.check())
        except Exception:
            return False

    await until(answering, "redis answers")
    assert (await limiter.hit("t", "k", 3)).remaining == 2  # counted in Redis
    process.terminate()
    process.wait(timeout=30)
    verdicts = [await limiter.hit("t", "k", 3) for _ in range(4)]  # counted in memory
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    clock.advance(REDIS_RETRY_SECONDS)
    assert (await limiter.hit("t", "other", 3)).allowed  # Redis tried again, still away
