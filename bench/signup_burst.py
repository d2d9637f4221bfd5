"""Public reads during a sign-up burst: p50 / p99 with and without 60 sign-ups at once.

``make bench-burst`` runs ``python -m bench.signup_burst``: an embedded PostgreSQL under
``var/bench-postgres`` (or ``BENCH_DATABASE_URL``, an owner URL allowed to create
databases), a fresh ``causerie_burst`` database, migrated, with the demo site seeded;
Causerie in one uvicorn worker with the production argon2 parameters (64 MiB, 3
passes) and the sign-in limits raised so that only the hashing bound refuses.

Two phases, same readers (``BURST_READERS`` connections looping on the demo site's post
list): alone for ``BURST_SECONDS`` (default 5), then while ``BURST_SIGNUPS`` (default
60) sign-ups are sent at once, until the last sign-up is answered. It prints both
phases' read p50 / p99 and the sign-ups' status counts. One run's figures on a shared
machine: a measurement, not a threshold.
"""

from __future__ import annotations

import asyncio
import collections
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import httpx

from bench.run import JWT_SPEC, _free_port, _wait_until_up

ROOT = Path(__file__).resolve().parent.parent
DB = "causerie_burst"
READERS = int(os.environ.get("BURST_READERS", "4"))
SECONDS = float(os.environ.get("BURST_SECONDS", "5"))
SIGNUPS = int(os.environ.get("BURST_SIGNUPS", "60"))
READ_PATH = "/v1/sites/demo/posts"
UVICORN = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]


def _prepare(owner_url) -> None:
    _prepare_database(owner_url, DB)


def _prepare_database(owner_url, name: str) -> None:
    """A fresh database ``name``, migrated, with the demo site seeded."""
    from api.cli import _seed
    from api.settings import Settings
    from persistence import migrate
    from persistence.admin import ensure_database

    asyncio.run(ensure_database(owner_url, name, recreate=True))
    url = owner_url.set(database=name)
    migrate.upgrade(url)
    settings = Settings(
        _env_file=None,
        database_url=url.render_as_string(hide_password=False),
        jwt_keys=JWT_SPEC,
        data_dir=ROOT / "var" / "bench-data",
    )
    print(asyncio.run(_seed(settings)), flush=True)
    asyncio.run(_lift_request_rate(url))


async def _lift_request_rate(url) -> None:
    """Put the demo tenant on a plan without a request rate: on an idle machine the four
    readers alone pass the demo plan's requests per minute, and its 429s would hide what
    is measured here (the hashing bound's effect on everybody else)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO plans (id, name, quotas, features, created_at, updated_at) "
                "SELECT 'bench-unlimited', 'Bench', "
                "quotas || '{\"api_requests_per_minute\": null}', features, now(), now() "
                "FROM plans WHERE id = 'enterprise'"
            )
        )
        await conn.execute(
            text(
                "UPDATE subscriptions SET plan_id = 'bench-unlimited' "
                "WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'demo')"
            )
        )
    await engine.dispose()


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[max(0, int(len(ordered) * q) - 1)] * 1000


async def _reads_until(client: httpx.AsyncClient, done: asyncio.Event) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = 0

    async def reader() -> None:
        nonlocal failures
        while not done.is_set():
            started = time.perf_counter()
            response = await client.get(READ_PATH)
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200

    await asyncio.gather(*(reader() for _ in range(READERS)))
    return latencies, failures


async def _measure(base: str) -> list[str]:
    limits = httpx.Limits(max_connections=READERS + SIGNUPS + 4)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        for _ in range(50):  # warm up connections and statement caches
            await client.get(READ_PATH)

        quiet = asyncio.Event()
        asyncio.get_running_loop().call_later(SECONDS, quiet.set)
        alone, alone_failed = await _reads_until(client, quiet)

        burst_over = asyncio.Event()
        readers = asyncio.ensure_future(_reads_until(client, burst_over))
        started = time.perf_counter()
        signups = await asyncio.gather(
            *(
                client.post(
                    "/v1/sites/demo/signup",
                    json={
                        "email": f"burst-{uuid4().hex[:10]}@example.test",
                        "password": "a long enough password",
                        "display_name": "Burst Reader",
                    },
                )
                for _ in range(SIGNUPS)
            )
        )
        burst_seconds = time.perf_counter() - started
        burst_over.set()
        during, during_failed = await readers

    statuses = collections.Counter(r.status_code for r in signups)
    retry_after = all("retry-after" in r.headers for r in signups if r.status_code == 503)
    return [
        f"Public reads ({READ_PATH}), {READERS} connections, one Causerie worker, "
        f"{os.cpu_count()} CPUs shared with whatever else runs.",
        "",
        "| phase | reads | p50 ms | p99 ms | failed reads |",
        "|---|---|---|---|---|",
        f"| alone, {SECONDS:.0f} s | {len(alone)} | {statistics.median(alone) * 1000:.1f} "
        f"| {_p(alone, 0.99):.1f} | {alone_failed} |",
        f"| during {SIGNUPS} sign-ups at once ({burst_seconds:.2f} s) | {len(during)} "
        f"| {statistics.median(during) * 1000:.1f} | {_p(during, 0.99):.1f} | {during_failed} |",
        "",
        "Sign-ups: "
        + ", ".join(f"{n} x {code}" for code, n in sorted(statuses.items()))
        + f"; every 503 with Retry-After: {retry_after}.",
    ]


def main() -> None:
    from persistence.database import async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    process = None
    try:
        _prepare(owner)
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": owner.set(database=DB).render_as_string(hide_password=False),
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "CAUSERIE_JWT_KEYS": JWT_SPEC,
            "CAUSERIE_LOG_LEVEL": "WARNING",
            # Only the hashing bound may refuse: not the per-address sign-in limit.
            "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        }
        process = subprocess.Popen(
            [*UVICORN, "api.main:app", "--port", str(port)],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        lines = asyncio.run(_measure(base))
        print("\n".join(lines))
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / "signup-burst.md").write_text("\n".join(lines) + "\n")
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
