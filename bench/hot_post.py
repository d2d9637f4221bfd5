"""200 concurrent votes on one post through the real app, on loopback.

``python -m bench.hot_post`` starts an embedded PostgreSQL under ``var/bench-postgres``
(or uses ``BENCH_DATABASE_URL``, an owner URL allowed to create databases), creates,
migrates and seeds the ``causerie_hot`` database with the demo tenant, starts Causerie
(``uvicorn api.main:app``, one worker, its default pool of 10 connections) and sends
``HOT_VOTES`` (default 200) rating requests on one published post at once, each on its
own connection: 40 voters vote first, then the rush mixes 80 new voters, 60 changed
votes (some of one voter at the same time), 20 withdrawals and 20 withdrawals racing
their own new vote. It prints the time until every request was answered, the answers'
statuses, and whether the post's summary (count, sum, histogram) equals the figures
counted from the votes' table afterwards. One run's figures, never an assertion.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from bench.run import _free_port, _wait_until_up

ROOT = Path(__file__).resolve().parent.parent
HOT_DB = "causerie_hot"
VOTES = int(os.environ.get("HOT_VOTES", "200"))
UVICORN = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]


def _token() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex[:8]


async def _counted(url, post_id) -> tuple[tuple, tuple]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT rating_count, rating_sum, rating_histogram FROM posts WHERE id = :p"),
                {"p": post_id},
            )
        ).one()
        counted = (
            await conn.execute(
                text(
                    "SELECT count(*) AS n, coalesce(sum(stars), 0) AS s,"
                    " array[count(*) FILTER (WHERE stars = 1), count(*) FILTER (WHERE stars = 2),"
                    "       count(*) FILTER (WHERE stars = 3), count(*) FILTER (WHERE stars = 4),"
                    "       count(*) FILTER (WHERE stars = 5)] AS h FROM ratings WHERE post_id = :p"
                ),
                {"p": post_id},
            )
        ).one()
    await engine.dispose()
    return (
        (row.rating_count, row.rating_sum, list(row.rating_histogram)),
        (counted.n, int(counted.s), [int(n) for n in counted.h]),
    )


async def _rush(base: str) -> tuple[str, float, collections.Counter[int]]:
    limits = httpx.Limits(max_connections=VOTES + 10, max_keepalive_connections=VOTES + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        posts = (await client.get("/v1/sites/demo/posts")).json()
        post_id = posts["items"][0]["id"]
        url = f"/v1/sites/demo/posts/{post_id}/rating"
        rng = random.Random(7)
        tokens = [_token() for _ in range(VOTES * 3 // 5)]
        early = len(tokens) // 3
        for t in tokens[:early]:  # votes already cast before the rush
            answer = await client.put(
                url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t}
            )
            answer.raise_for_status()

        def vote(t: str):
            return client.put(url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t})

        def withdraw(t: str):
            return client.delete(url, headers={"X-Voter-Token": t})

        rush = [vote(t) for t in tokens[early:]]
        rush += [vote(tokens[n % early]) for n in range(VOTES - len(rush) - 2 * (VOTES // 10))]
        rush += [withdraw(t) for t in tokens[early // 2 : early // 2 + VOTES // 10]]
        rush += [withdraw(t) for t in tokens[-(VOTES // 10) :]]
        rng.shuffle(rush)
        started = time.perf_counter()
        answers = await asyncio.gather(*rush)
        elapsed = time.perf_counter() - started
    return post_id, elapsed, collections.Counter(a.status_code for a in answers)


def main() -> None:
    from api.app import database_for
    from api.demo import seed_demo
    from api.settings import Settings
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
    process = None
    try:
        asyncio.run(ensure_database(owner, HOT_DB, recreate=True))
        db_url = owner.set(database=HOT_DB)
        migrate.upgrade(db_url)
        env = {
            **os.environ,
            "DATABASE_URL": db_url.render_as_string(hide_password=False),
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "CAUSERIE_RATINGS_PER_IP_PER_MINUTE": "100000",
        }
        settings = Settings(database_url=env["DATABASE_URL"])

        async def seed() -> None:
            db = database_for(settings)
            try:
                await seed_demo(db, settings)
            finally:
                await db.dispose()

        asyncio.run(seed())
        port = _free_port()
        process = subprocess.Popen(
            [*UVICORN, "api.main:app", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        post_id, elapsed, statuses = asyncio.run(_rush(base))
        row, counted = asyncio.run(_counted(db_url, post_id))
        print(
            f"{VOTES} concurrent votes on one post ({os.cpu_count()} CPUs, one uvicorn worker, "
            f"pool of {settings.db_pool_size}): all answered in {elapsed:.2f} s; statuses "
            f"{dict(sorted(statuses.items()))}; summary {row}, counted from the votes {counted}: "
            f"{'exact' if row == counted else 'WRONG'}"
        )
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
