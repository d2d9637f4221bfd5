"""Top posts through the 64-day blocks of migration 0034.

The blocks follow ``insight_post_hours`` (inserts, updates, deletes) and equal a rebuild
by ``insight_rollup_coarse()``; the bounded statement lists exactly what grouping every
post of the window lists, for every order, limit and filter, on figures full of ties
(small counts, all-five-star posts, activity on both sides of block edges).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from domain.insights.model import TopBy
from persistence.insights.repositories import (
    _HAVING,
    _ORDER,
    COUNTERS,
    SqlInsightsRepository,
    _filters,
    block_of,
)

START = datetime(2026, 1, 20, tzinfo=UTC)  # blocks start on 2026-01-08 and 2026-02-09
DAYS = 90

_INSERT = text(
    f"INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id, "
    f"{', '.join(COUNTERS)}) "
    "SELECT :t, CAST(x.p AS uuid), x.h, CAST(x.b AS uuid), CAST(x.a AS uuid), "
    f"{', '.join(f'x.v[{i + 1}]' for i in range(len(COUNTERS)))} "
    "FROM (SELECT unnest(CAST(:posts AS text[])) p, unnest(CAST(:hours AS timestamptz[])) h, "
    "unnest(CAST(:blogs AS text[])) b, unnest(CAST(:authors AS text[])) a, "
    "generate_subscripts(CAST(:posts AS text[]), 1) i) y "
    "CROSS JOIN LATERAL (SELECT y.p, y.h, y.b, y.a, "
    "(CAST(:values AS int[]))[(y.i - 1) * 12 + 1:y.i * 12] v) x "
    "ON CONFLICT DO NOTHING"
)


def _hour_rows(rng: random.Random, posts) -> list[tuple]:
    rows = []
    for post in posts:
        five_stars = rng.random() < 0.3
        for _ in range(rng.randint(1, 3)):  # bursts of activity
            at = START + timedelta(hours=rng.randrange(DAYS * 24))
            for step in range(rng.randint(1, 40)):
                hour = at + timedelta(hours=step * rng.randint(1, 9))
                approved = rng.randint(0, 3)
                ratings = rng.randint(0, 2)
                stars = 5 * ratings if five_stars else rng.randint(ratings, 5 * ratings)
                values = dict.fromkeys(COUNTERS, 0) | {
                    "comments_pending": rng.randint(0, 1),
                    "comments_approved": approved,
                    "replies": rng.randint(0, approved),
                    "negative": rng.randint(0, approved),
                    "ratings": ratings,
                    "rating_sum": stars,
                    "reads": rng.randint(0, 2),
                }
                rows.append((post, hour, [values[c] for c in COUNTERS]))
    return rows


async def _insert(conn, tenant_id, rows) -> None:
    await conn.execute(
        _INSERT,
        {
            "t": tenant_id,
            "posts": [str(p.id) for p, _, _ in rows],
            "hours": [h for _, h, _ in rows],
            "blogs": [str(p.blog_id) for p, _, _ in rows],
            "authors": [str(p.author_id) for p, _, _ in rows],
            "values": [v for _, _, vs in rows for v in vs],
        },
    )


async def _blocks(conn) -> set[tuple]:
    rows = await conn.execute(
        text(f"SELECT * FROM insight_post_blocks WHERE greatest({', '.join(COUNTERS)}) <> 0")
    )
    return {tuple(r) for r in rows}


def _windows(rng: random.Random) -> list[tuple[datetime, datetime]]:
    edges = [
        (datetime(2026, 2, 9, tzinfo=UTC), datetime(2026, 3, 13, tzinfo=UTC)),  # a whole half
        (datetime(2026, 2, 8, 23, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        (datetime(2026, 3, 12, 22, 30, tzinfo=UTC), datetime(2026, 3, 13, 0, 30, tzinfo=UTC)),
    ]
    for _ in range(25):
        start = START + timedelta(minutes=30 * rng.randrange(DAYS * 48))
        length = timedelta(minutes=30 * rng.randint(1, 32 * 48))
        edges.append((start, start + length))
    return edges


async def test_top_posts_from_blocks_equal_grouping_every_post(factory):
    world = await factory.world()
    blogs = [await factory.blog(world, "Un"), await factory.blog(world, "Deux", role="manager")]
    posts = [
        await factory.post(world, blogs[i % 2], f"Billet {i}", role=("author", "manager")[i % 2])
        for i in range(16)
    ]
    rng = random.Random(34)
    rows = _hour_rows(rng, posts)
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        conn = tx.connection
        half = len(rows) // 2
        await _insert(conn, world.tenant.id, rows[:half])
        await _insert(conn, world.tenant.id, rows[half:])
        # Updates and deletions move the blocks by the difference.
        await conn.execute(
            text(
                "UPDATE insight_post_hours SET comments_approved = comments_approved + 1, "
                "ratings = ratings + 1, rating_sum = rating_sum + 5 WHERE extract(hour FROM hour) = 3"
            )
        )
        await conn.execute(text("DELETE FROM insight_post_hours WHERE extract(hour FROM hour) = 5"))
        kept = await _blocks(conn)
        assert len({r[1] for r in kept}) >= 3  # several blocks, posts across their edges
        await conn.execute(text("SELECT insight_rollup_coarse()"))
        assert await _blocks(conn) == kept

        repo = SqlInsightsRepository(tx)
        author = posts[0].author_id
        compared = 0
        for start, end in _windows(rng):
            assert block_of(start, end) is not None
            for by in TopBy:
                for blog_id, author_id in ((None, None), (blogs[1].id, None), (None, author)):
                    limit = rng.choice((1, 3, 10))
                    got = await repo.top_posts(
                        start, end, by, limit, blog_id=blog_id, author_id=author_id
                    )
                    sql = repo._posts_sql(_HAVING[by], _ORDER[by], _filters(blog_id, author_id))
                    params = repo._window(start, end, limit=limit, blog=blog_id, author=author_id)
                    want = await repo._run_posts(sql, params)
                    assert got == want, (start, end, by, limit, blog_id, author_id)
                    compared += bool(want)
            limit = rng.choice((1, 3, 10))
            order = "a.negative DESC, a.comments_approved DESC"
            want = await repo._run_posts(
                repo._posts_sql("sum(h.negative) > 0", order), repo._window(start, end, limit=limit)
            )
            assert await repo.negative_posts(start, end, limit) == want, (start, end, limit)
        assert compared > 100
        # A window too long for one block is grouped over every post, as before.
        assert block_of(START, START + timedelta(days=40)) is None
