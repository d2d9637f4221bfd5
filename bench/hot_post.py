"""200 concurrent votes on one post through the real app, on loopback.

``make bench-votes`` runs ``python -m bench.hot_post``: an embedded PostgreSQL under
``var/bench-postgres`` (or ``BENCH_DATABASE_URL``, an owner URL allowed to create
databases), a fresh ``causerie_hot`` database, migrated and seeded with the demo tenant,
and Causerie (``uvicorn api.main:app``, one worker, its default pool of 10 connections).
Then ``HOT_VOTES`` (default 200) rating requests on one published post at once, each on
its own connection: 40 voters vote first, then the rush mixes 80 new voters, 60 changed
votes (some of one voter at the same time), 20 withdrawals and 20 withdrawals racing
their own new vote.

Each round rushes a fresh post twice: with the schema before the fix (``HOT_BEFORE``,
default ``0015``: the insights triggers lock the post's roll-up rows from the vote's
write to its commit) and at the head (they run at the commit, migration 0018), the same
server and app, migrated between the two. ``HOT_ROUNDS`` (default 2) rounds,
``HOT_BEFORE=`` for the head alone. For each rush: the 1-minute load average, the
median time of one vote alone (the 40 votes cast one at a time before the rush), the time
until every request was answered, the answers' statuses, and whether the post's summary
(count, sum, histogram) equals the figures counted from the votes' table afterwards;
then, per schema, what the database's backends were doing (sampled every 10 ms from
``pg_stat_activity``). Written to ``bench/results/hot-votes.md``. One run's figures on
a shared machine, never an assertion.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import statistics
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
# The schema before the fix (migration 0015: the insights triggers fire at the write),
# measured in the same run as the head; empty to measure the head alone.
BEFORE = os.environ.get("HOT_BEFORE", "0015")
ROUNDS = int(os.environ.get("HOT_ROUNDS", "2"))
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


async def _sample(url, stop: asyncio.Event) -> collections.Counter[str]:
    """What the hot database's backends are doing, every 10 ms until ``stop``: a lock wait
    is named by the waiter's statement (the row lock behind it is the blocker's), any
    other state by its wait event."""
    import asyncpg

    conn = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    seen: collections.Counter[str] = collections.Counter()
    try:
        while not stop.is_set():
            rows = await conn.fetch(
                "SELECT state, wait_event_type, wait_event, "
                "       split_part(ltrim(query), ' ', 1) || ' ' || "
                "       split_part(ltrim(query), ' ', 2) || ' ' || "
                "       split_part(ltrim(query), ' ', 3) AS head "
                "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
                HOT_DB,
            )
            for r in rows:
                if r["wait_event_type"] == "Lock":
                    seen[f"lock wait ({r['wait_event']}) in: {r['head']}"] += 1
                elif r["state"] == "idle in transaction":
                    seen["idle in transaction (the app between statements)"] += 1
                elif r["state"] == "active":
                    seen[f"active: {r['wait_event_type'] or 'CPU'} {r['wait_event'] or ''}"] += 1
            await asyncio.sleep(0.01)
    finally:
        await conn.close()
    return seen


async def _rush(
    base: str, db_url, which: int
) -> tuple[str, float, float, collections.Counter[int], collections.Counter[str]]:
    limits = httpx.Limits(max_connections=VOTES + 10, max_keepalive_connections=VOTES + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        posts = (await client.get("/v1/sites/demo/posts")).json()
        post_id = posts["items"][which % len(posts["items"])]["id"]
        url = f"/v1/sites/demo/posts/{post_id}/rating"
        rng = random.Random(7)
        tokens = [_token() for _ in range(VOTES * 3 // 5)]
        early = len(tokens) // 3
        alone: list[float] = []
        for t in tokens[:early]:  # votes already cast before the rush, one at a time
            before = time.perf_counter()
            answer = await client.put(
                url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t}
            )
            answer.raise_for_status()
            alone.append(time.perf_counter() - before)

        def vote(t: str):
            return client.put(url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t})

        def withdraw(t: str):
            return client.delete(url, headers={"X-Voter-Token": t})

        rush = [vote(t) for t in tokens[early:]]
        rush += [vote(tokens[n % early]) for n in range(VOTES - len(rush) - 2 * (VOTES // 10))]
        rush += [withdraw(t) for t in tokens[early // 2 : early // 2 + VOTES // 10]]
        rush += [withdraw(t) for t in tokens[-(VOTES // 10) :]]
        rng.shuffle(rush)
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample(db_url, stop))
        started = time.perf_counter()
        answers = await asyncio.gather(*rush)
        elapsed = time.perf_counter() - started
        stop.set()
        waits = await sampler
    statuses = collections.Counter(a.status_code for a in answers)
    return post_id, statistics.median(alone), elapsed, statuses, waits


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
        lines = [
            f"{VOTES} concurrent votes on one post, {os.cpu_count()} CPUs, one uvicorn worker, "
            f"pool of {settings.db_pool_size} (timeout {settings.db_pool_timeout_seconds:g} s)",
            "",
            "| round | schema | load avg (1 min) | one vote alone (median of "
            f"{VOTES * 3 // 5 // 3}) | {VOTES} at once: all answered | statuses | summary |",
            "|---|---|---|---|---|---|---|",
        ]
        waits_by_schema: dict[str, collections.Counter[str]] = {}
        phases = [(BEFORE, "before"), ("head", "after")] if BEFORE else [("head", "after")]
        which = 0
        for round_ in range(1, ROUNDS + 1):
            for revision, label in phases:
                if revision == "head":
                    migrate.upgrade(db_url)
                else:
                    migrate.downgrade(db_url, revision)
                load = os.getloadavg()[0]
                post_id, alone, elapsed, statuses, waits = asyncio.run(_rush(base, db_url, which))
                which += 1
                row, counted = asyncio.run(_counted(db_url, post_id))
                name = f"{label} ({revision})"
                waits_by_schema.setdefault(name, collections.Counter()).update(waits)
                lines.append(
                    f"| {round_} | {name} | {load:.2f} | {alone * 1000:.1f} ms | {elapsed:.2f} s "
                    f"| {dict(sorted(statuses.items()))} "
                    f"| {'exact' if row == counted else f'WRONG: {row} against {counted}'} |"
                )
                print(lines[-1], flush=True)
        for name, waits in waits_by_schema.items():
            total = sum(waits.values()) or 1
            lines += ["", f"Backends seen every 10 ms, {name}, all rounds (share of samples):"]
            lines += [f"- {n / total:.0%} {what}" for what, n in waits.most_common(8)]
        report = "\n".join(lines) + "\n"
        print(report)
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        (results / "hot-votes.md").write_text(report)
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
