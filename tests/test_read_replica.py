"""Routing public reads to a replica (persistence.database.Replica) and the writer's
cookie (api/read_routing.py), in process; the real replica is in tests/topology."""

from __future__ import annotations

import subprocess
import uuid

import httpx
import pytest

from api.app import create_app
from api.bootstrap import Services, read_token_key
from api.read_routing import make_token, read_token
from auth.rate_limit import REDIS_RETRY_SECONDS, RateLimiter
from persistence.database import Replica
from tests.clock import ManualClock
from tests.factories import PASSWORD
from tests.live import free_port, until


def _replica(clock: ManualClock, app_engine) -> Replica:
    return Replica(app_engine, max_lag_seconds=2, retry_seconds=5, check_seconds=1, clock=clock)


def _look(replica: Replica, clock: ManualClock, primary: int, replayed: int) -> None:
    """One look of the watch, with the positions it would have read."""
    replica.record_primary(clock(), primary, set())
    replica.record_replayed(replayed, clock())


async def test_staleness_is_judged_by_positions_whether_the_primary_is_idle_or_writing(
    app_engine,
):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    tenant = uuid.uuid4()
    assert replica.lagging and not await replica.serves(tenant)  # before its first look
    _look(replica, clock, primary=100, replayed=100)
    assert replica.lag_seconds == 0 and await replica.serves(tenant)

    # Replay stopped while the primary is idle: nothing is missing, the replica serves.
    for _ in range(5):
        clock.advance(1)
        _look(replica, clock, primary=100, replayed=100)
        assert not replica.lagging and await replica.serves(tenant)

    # The primary writes (at 150) while replay stays stopped: the replica holds what was
    # committed before the last look that found the primary at 100, and no more.
    clock.advance(1)
    _look(replica, clock, primary=150, replayed=100)
    assert replica.lag_seconds == 1 and await replica.serves(tenant)
    clock.advance(1)
    assert replica.lag_seconds == 2 and await replica.serves(tenant)
    clock.advance(0.01)  # with no look at all: time alone makes it lag
    assert replica.lagging and not await replica.serves(tenant)
    _look(replica, clock, primary=150, replayed=120)  # replaying, not there yet
    assert replica.lagging
    _look(replica, clock, primary=150, replayed=150)  # caught up
    assert replica.lag_seconds == 0 and await replica.serves(tenant)


async def test_a_writer_is_served_by_the_replica_once_it_has_replayed_their_position(app_engine):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    tenant = uuid.uuid4()
    _look(replica, clock, primary=100, replayed=100)
    assert await replica.serves(tenant, after=100)
    # Asked a moment ago: no query, the writer's position is not reached yet.
    assert not await replica.serves(tenant, after=101)
    assert await replica.serves(tenant)  # other readers keep the replica
    # Past the cache interval a read asks the server (the test's database, no standby:
    # it has replayed everything it wrote), once for every read meanwhile.
    clock.advance(0.5)
    assert await replica.serves(tenant, after=101)
    assert replica.replayed > 101


async def test_a_tenant_that_changed_reads_from_the_primary_until_its_position_is_replayed(
    app_engine,
):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    changed, other = uuid.uuid4(), uuid.uuid4()
    await replica.check(app_engine)
    assert await replica.serves(changed)
    replica.note_change(changed)
    # Not placed yet: the next look asks the primary where it is.
    assert not await replica.serves(changed) and await replica.serves(other)
    await replica.check(app_engine)
    assert await replica.serves(changed)  # this database has it: it is the primary
    # A change placed past what the replica has replayed.
    replica.record_primary(clock(), replica.replayed + 1000, {changed})
    assert not await replica.serves(changed) and await replica.serves(other)
    replica.record_replayed(replica.replayed + 1000, clock())
    assert await replica.serves(changed)
    replica.note_change(None)  # every tenant
    assert not await replica.serves(other)


async def test_an_unreachable_replica_is_left_alone_for_a_while(app_engine):
    clock = ManualClock()
    replica = _replica(clock, app_engine)
    tenant = uuid.uuid4()
    _look(replica, clock, primary=100, replayed=100)
    replica.mark_down(OSError("refused"))
    assert not await replica.serves(tenant) and not replica.up
    clock.advance(4.9)
    _look(replica, clock, primary=100, replayed=100)  # the watch reached it meanwhile
    assert not await replica.serves(tenant)
    clock.advance(0.1)
    assert await replica.serves(tenant)


def test_a_read_token_is_signed_and_a_forged_one_is_ignored():
    key, other_key = b"k" * 32, b"o" * 32
    token = make_token(key, 0x16_B374D848)
    assert token.startswith("16/B374D848.")
    assert read_token(key, token) == 0x16_B374D848
    assert read_token(other_key, token) == 0
    forged = "FFFFFFFF/FFFFFFFF." + token.rpartition(".")[2]
    assert read_token(key, forged) == 0
    assert read_token(key, "1") == 0 and read_token(key, "") == 0
    assert read_token(key, make_token(key, None)) == (1 << 64) - 1  # "primary"


@pytest.fixture
def replica_settings(settings):
    return settings.model_copy(update={"read_replica_url": "postgresql://unused@h/db"})


@pytest.fixture
async def replica_app(replica_settings, db, limit_clock):
    """The app as it runs with a replica configured (its URL unused: the test's database
    serves every read)."""
    configured = replica_settings
    app = create_app(configured, database=db)
    app.state.db = db
    app.state.services = Services.from_settings(configured, clock=limit_clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 5555))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_a_write_marks_the_writer_and_a_read_or_a_refusal_does_not(
    replica_app, replica_settings, factory
):
    user = await factory.user()
    signed_in = await replica_app.post(
        "/v1/auth/token", data={"username": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 200
    cookie = signed_in.headers["set-cookie"]
    assert cookie.startswith("causerie_wrote=")
    assert cookie.endswith("; Max-Age=5; Path=/; HttpOnly; SameSite=Lax")
    token = cookie.split(";")[0].split("=", 1)[1]
    # The primary's position after the write, signed with the key every process derives.
    assert read_token(read_token_key(replica_settings), token) > 0

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
