"""What the topics trigger adds to the write of one approved comment, and how long the
set-based rebuild takes, on the benchmark's data (``make bench`` seeds it first).

Comments are inserted one per transaction, approved, on a post of the big site, each
with a text of its own (10 words drawn from the seed's vocabulary, so its terms are
computed afresh), timed from the insert to the end of the commit, where the deferred
insight triggers run. Batches alternate with the ``comments_topics`` trigger on and off
(``ALTER TABLE … DISABLE TRIGGER``, on the benchmark's own database only); the figure is
the difference of the medians. The inserted comments are deleted at the end (with the
trigger in the state it was written with, so ``insight_topic_days`` is left as it was). Then ``insight_topics_rollup()``
is timed in a transaction that is rolled back.

    BENCH_DB=causerie_bench BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python -m bench.topics_trigger

``TOPICS_BATCHES`` (10 per side) and ``TOPICS_BATCH`` (20 comments) size the run.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid

import asyncpg

from bench.run import BENCH_DB, COMMENT_WORDS

BATCHES = int(os.environ.get("TOPICS_BATCHES", "10"))
BATCH = int(os.environ.get("TOPICS_BATCH", "20"))


def _dsn() -> str:
    base = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{BENCH_DB}"


async def _write(
    conn: asyncpg.Connection, tenant: uuid.UUID, post: uuid.UUID, rng: random.Random
) -> tuple[float, uuid.UUID]:
    body = " ".join(rng.choice(COMMENT_WORDS) for _ in range(10)) + f" {uuid.uuid4().hex[:6]}"
    cid = uuid.uuid4()
    started = time.perf_counter()
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
        await conn.execute(
            "INSERT INTO comments (tenant_id, id, post_id, root_id, depth, author_name, "
            "body_markdown, body_html, body_hash, status, sentiment, created_at, updated_at) "
            "VALUES ($1, $2, $3, $2, 0, 'Bench', $4, '<p>' || $4 || '</p>', "
            "sha256(convert_to($4, 'UTF8')), 'approved', 'neutral', now(), now())",
            tenant,
            cid,
            post,
            body,
        )
    return time.perf_counter() - started, cid


async def main() -> None:
    conn = await asyncpg.connect(_dsn())
    try:
        tenant = await conn.fetchval("SELECT id FROM tenants WHERE slug = 'bench'")
        post = await conn.fetchval(
            "SELECT id FROM posts WHERE tenant_id = $1 ORDER BY published_at DESC LIMIT 1", tenant
        )
        load = os.getloadavg()
        print(f"load average at start: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}", flush=True)
        rng = random.Random(7)
        timings: dict[bool, list[float]] = {True: [], False: []}
        written: dict[bool, list[uuid.UUID]] = {True: [], False: []}
        for i in range(2 * BATCHES):
            on = i % 2 == 0
            state = "ENABLE" if on else "DISABLE"
            await conn.execute(f"ALTER TABLE comments {state} TRIGGER comments_topics")
            for _ in range(BATCH):
                took, cid = await _write(conn, tenant, post, rng)
                timings[on].append(took)
                written[on].append(cid)
        await conn.execute("ALTER TABLE comments ENABLE TRIGGER comments_topics")
        with_, without = (statistics.median(timings[k]) * 1000 for k in (True, False))
        print(
            f"approved comment, insert + commit: median {with_:.2f} ms with the topics "
            f"trigger, {without:.2f} ms without ({with_ - without:+.2f} ms), "
            f"{len(timings[True])} + {len(timings[False])} writes",
            flush=True,
        )
        # Each comment leaves as it came: those written with the trigger on take their
        # terms away with it on; the others are deleted with it off.
        for on in (True, False):
            state = "ENABLE" if on else "DISABLE"
            await conn.execute(f"ALTER TABLE comments {state} TRIGGER comments_topics")
            await conn.execute(
                "DELETE FROM comments WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
                tenant,
                written[on],
            )
        await conn.execute("ALTER TABLE comments ENABLE TRIGGER comments_topics")
        tr = conn.transaction()
        await tr.start()
        try:
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant))
            started = time.perf_counter()
            await conn.execute("SELECT insight_topics_rollup()")
            took = time.perf_counter() - started
            rows = await conn.fetchval(
                "SELECT count(*) FROM insight_topic_days WHERE tenant_id = $1", tenant
            )
        finally:
            await tr.rollback()
        approved = await conn.fetchval(
            "SELECT count(*) FROM comments WHERE tenant_id = $1 AND status = 'approved'", tenant
        )
        print(
            f"insight_topics_rollup() of {approved:,} approved comments: {took:.1f} s, "
            f"{rows:,} day and term rows (rolled back)",
            flush=True,
        )
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
