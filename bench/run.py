"""Causerie against a bare FastAPI + asyncpg handler, same SQL, same run, same client.

``make bench`` runs this: it starts an embedded PostgreSQL under ``var/bench-postgres``
(or uses ``BENCH_DATABASE_URL``), migrates and seeds a bench database, starts both apps
with one uvicorn worker each, loads them in turn from one client process on loopback,
and prints (and writes to ``bench/results/latest.md``) requests/s, p50 and p99 with the
ratio Causerie / bare. Ratios, not absolute times, are what to compare between runs.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
BENCH_DB = "causerie_bench"
HOST = "bench.brand.example"

# (label, path) — each path exists in both apps with the same SQL behind it.
ENDPOINTS = [
    ("readiness (SELECT 1)", "/readyz"),
    ("custom-domain resolve", f"/v1/sites/resolve?host={HOST}"),
]


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(base: str, path: str) -> Result:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + DURATION
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        for _ in range(50):  # warm up connections and statement caches
            await client.get(path)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=latencies[int(len(latencies) * 0.99) - 1] * 1000,
        errors=errors,
    )


def _wait_until_up(base: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


def _prepare(owner_url) -> None:
    from persistence import migrate
    from persistence.admin import ensure_database

    asyncio.run(ensure_database(owner_url, BENCH_DB, recreate=True))
    url = owner_url.set(database=BENCH_DB)
    migrate.upgrade(url)
    asyncio.run(_seed(url))


async def _seed(url) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        tenant = (
            await conn.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, created_at, updated_at) "
                    "VALUES (gen_random_uuid(), 'bench', 'Bench', now(), now()) RETURNING id"
                )
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO tenant_domains (tenant_id, id, host, created_at) "
                "VALUES (:t, gen_random_uuid(), :h, now())"
            ),
            {"t": tenant, "h": HOST},
        )
    await engine.dispose()


def main() -> None:
    from persistence.database import app_role_url, async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _prepare(owner)
        db_url = owner.set(database=BENCH_DB)
        app_dsn = app_role_url(db_url).set(drivername="postgresql").render_as_string(False)
        causerie_port, bare_port = _free_port(), _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": db_url.render_as_string(hide_password=False),
            "CAUSERIE_LOG_LEVEL": "WARNING",
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "BENCH_BARE_DSN": app_dsn,
        }
        uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]
        processes.append(
            subprocess.Popen(
                [*uvicorn, "api.main:app", "--port", str(causerie_port)], env=env, cwd=ROOT
            )
        )
        processes.append(
            subprocess.Popen(
                [*uvicorn, "bench.bare_app:app", "--port", str(bare_port)], env=env, cwd=ROOT
            )
        )
        causerie, bare = f"http://127.0.0.1:{causerie_port}", f"http://127.0.0.1:{bare_port}"
        _wait_until_up(causerie)
        _wait_until_up(bare)

        lines = [
            f"Concurrency {CONCURRENCY}, {DURATION:.0f} s per endpoint and app, one worker each, "
            "client on the same machine.",
            "",
            "| endpoint | Causerie req/s | bare req/s | ratio | Causerie p50 / p99 ms | bare p50 / p99 ms |",
            "|---|---|---|---|---|---|",
        ]
        for label, path in ENDPOINTS:
            ours = asyncio.run(_load(causerie, path))
            floor = asyncio.run(_load(bare, path))
            if ours.errors or floor.errors:
                raise RuntimeError(f"{label}: {ours.errors} / {floor.errors} non-200 answers")
            lines.append(
                f"| {label} | {ours.rps:.0f} | {floor.rps:.0f} | {ours.rps / floor.rps:.2f} "
                f"| {ours.p50_ms:.1f} / {ours.p99_ms:.1f} | {floor.p50_ms:.1f} / {floor.p99_ms:.1f} |"
            )
        report = "\n".join(lines)
        print(report)
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.md").write_text(report + "\n")
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
