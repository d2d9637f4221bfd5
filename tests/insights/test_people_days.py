"""Distinct people from per-day keys (migration 0032).

The presence triggers keep ``insight_people``, ``insight_person_days`` and
``insight_people_days`` through inserts in any order and deletions; each step is checked
against ``insight_people_rollup()``, and every distinct count the insights read from
them (the series' active people per bucket, in several zones and buckets, for the
tenant, a blog, an author and both; the ranking's commenters; the headline's new
commenters) is checked against ``count(DISTINCT person)`` over presence itself.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from domain.insights.model import Bucket, window
from persistence.insights.repositories import SqlInsightsRepository

_TABLES = {
    "insight_people": "SELECT tenant_id, person, first_comment FROM insight_people",
    "insight_person_days": "SELECT * FROM insight_person_days",
    "insight_people_days": "SELECT * FROM insight_people_days WHERE people <> 0",
}


async def _kept(conn) -> dict[str, set[tuple]]:
    return {
        name: {tuple(r) for r in await conn.execute(text(sql))} for name, sql in _TABLES.items()
    }


async def equals_a_people_rebuild(conn) -> None:
    kept = await _kept(conn)
    await conn.execute(text("SELECT insight_people_rollup()"))
    rebuilt = await _kept(conn)
    for name in _TABLES:
        assert kept[name] == rebuilt[name], name
    assert rebuilt["insight_person_days"]


_INSERT = text(
    "INSERT INTO insight_presence (tenant_id, hour, blog_id, author_id, kind, person) "
    "SELECT :t, h, CAST(b AS uuid), CAST(a AS uuid), k, p "
    "FROM unnest(CAST(:hours AS timestamptz[]), CAST(:blogs AS text[]), "
    "CAST(:authors AS text[]), CAST(:kinds AS text[]), CAST(:people AS bytea[])) AS x(h, b, a, k, p) "
    "ON CONFLICT DO NOTHING"
)


async def _insert(conn, tenant_id, rows) -> None:
    await conn.execute(
        _INSERT,
        {
            "t": tenant_id,
            "hours": [r[0] for r in rows],
            "blogs": [str(r[1]) for r in rows],
            "authors": [str(r[2]) for r in rows],
            "kinds": [r[3] for r in rows],
            "people": [r[4] for r in rows],
        },
    )


async def _oracle(conn, bounds, start, end, blog_id, author_id) -> dict[int, int]:
    """The distinct people of each bucket, counted from presence itself."""
    rows = await conn.execute(
        text(
            "SELECT width_bucket(hour, CAST(:bounds AS timestamptz[])) AS i, "
            "count(DISTINCT person) AS n FROM insight_presence "
            "WHERE hour >= :a AND hour < :b "
            "AND (CAST(:blog AS uuid) IS NULL OR blog_id = CAST(:blog AS uuid)) "
            "AND (CAST(:author AS uuid) IS NULL OR author_id = CAST(:author AS uuid)) "
            "GROUP BY 1"
        ),
        {"bounds": bounds, "a": start, "b": end, "blog": blog_id, "author": author_id},
    )
    return {r.i: r.n for r in rows}


async def test_the_day_keys_follow_presence_and_give_exact_distinct_counts(factory):
    world = await factory.world()
    blogs = [await factory.blog(world, "Un", role="author"), await factory.blog(world, "Deux")]
    authors = [world.users["author"].id, world.users["manager"].id]
    posts = [
        await factory.post(world, blogs[0], role="author"),
        await factory.post(world, blogs[1], role="manager"),
    ]
    now = datetime.now(UTC)
    today = now.date()
    base = datetime.combine(today - timedelta(days=24), datetime.min.time(), tzinfo=UTC)
    rng = random.Random(7)
    people = [f"person-{i}".encode() for i in range(14)]

    def row():
        return (
            base + timedelta(hours=rng.randrange(0, 25 * 24)),
            rng.choice([b.id for b in blogs]),
            rng.choice(authors),
            rng.choice("ccrv"),
            rng.choice(people),
        )

    tenant = world.tenant.id
    async with factory.db.transaction(tenant_id=tenant) as tx:
        conn = tx.connection
        # Both authors receive a comment every day, so each window ranks them both.
        await conn.execute(
            text(
                "INSERT INTO insight_post_hours (tenant_id, post_id, hour, blog_id, author_id, "
                "comments_approved) SELECT :t, p.id, d, p.blog_id, p.author_id, 1 "
                "FROM posts p, generate_series(CAST(:a AS timestamptz), :b, '1 day') AS d "
                "WHERE p.id = ANY(:posts)"
            ),
            {"t": tenant, "a": base, "b": now, "posts": [p.id for p in posts]},
        )
        # Many rows at once, several per person, in no order.
        await _insert(conn, tenant, [row() for _ in range(300)])
        await equals_a_people_rebuild(conn)
        # One at a time, each landing before, between or after a person's days.
        for _ in range(40):
            await _insert(conn, tenant, [row()])
        await equals_a_people_rebuild(conn)
        # Deletions: one day of some people, everything of another (an erasure).
        await conn.execute(
            text(
                "DELETE FROM insight_presence WHERE person = ANY(:p) "
                "AND (hour AT TIME ZONE 'UTC')::date = :d"
            ),
            {"p": people[:5], "d": today - timedelta(days=12)},
        )
        await conn.execute(text("DELETE FROM insight_presence WHERE person = :p"), {"p": people[5]})
        await equals_a_people_rebuild(conn)
        gone = await conn.execute(
            text("SELECT count(*) FROM insight_people WHERE person = :p"), {"p": people[5]}
        )
        assert gone.scalar_one() == 0
        await _insert(conn, tenant, [row() for _ in range(60)])
        await equals_a_people_rebuild(conn)

        repo = SqlInsightsRepository(tx)
        cases = [
            (today - timedelta(days=20), today, "UTC", Bucket.DAY),
            (today - timedelta(days=20), today, "Europe/Paris", Bucket.WEEK),
            (today - timedelta(days=22), today - timedelta(days=2), "Asia/Kolkata", Bucket.DAY),
            (today - timedelta(days=23), today, "America/Los_Angeles", Bucket.MONTH),
            (today - timedelta(days=3), today - timedelta(days=3), "Pacific/Auckland", Bucket.DAY),
        ]
        scopes = [
            (None, None),
            (blogs[0].id, None),
            (None, authors[1]),
            (blogs[1].id, authors[0]),
        ]
        checked = 0
        # Besides the windows the API cuts: buckets inside one UTC day, and one from a
        # half hour to a half hour across midnights.
        noon = base + timedelta(days=5, hours=3)
        odd = [
            ([noon, noon + timedelta(hours=12)], noon + timedelta(hours=17)),
            ([noon + timedelta(minutes=30)], noon + timedelta(days=3, minutes=30)),
        ]
        for bounds, end in odd:
            for blog_id, author_id in scopes:
                series = await repo.series(
                    bounds, bounds[0], end, blog_id=blog_id, author_id=author_id
                )
                expected = await _oracle(conn, bounds, bounds[0], end, blog_id, author_id)
                got = {i: people for i, (_, _, people, _, _) in series.items() if people}
                assert got == expected, (bounds, blog_id, author_id)
        for first, last, zone, bucket in cases:
            win = window(first, last, zone, now=now)
            bounds = win.bounds(bucket)
            for blog_id, author_id in scopes:
                series = await repo.series(
                    bounds, win.start, win.end, blog_id=blog_id, author_id=author_id
                )
                expected = await _oracle(conn, bounds, win.start, win.end, blog_id, author_id)
                got = {i: people for i, (_, _, people, _, _) in series.items() if people}
                assert got == expected, (zone, bucket, blog_id, author_id)
                checked += sum(expected.values())
            ranking = await repo.ranking(win.start, win.end, after=None, limit=10)
            oracle = await conn.execute(
                text(
                    "SELECT author_id, count(DISTINCT person) AS n FROM insight_presence "
                    "WHERE kind = 'c' AND hour >= :a AND hour < :b GROUP BY 1"
                ),
                {"a": win.start, "b": win.end},
            )
            expected = {r.author_id: r.n for r in oracle}
            assert {r.figures.author_id: r.figures.commenters for r in ranking.rows} == {
                a: expected.get(a, 0) for a in authors
            }, zone
            before = win.start - (win.end - win.start)
            now_figures, before_figures = await repo.headline(
                before, win.start, win.end, win.end, win.start
            )
            firsts = await conn.execute(
                text(
                    "SELECT min(hour) AS first FROM insight_presence WHERE kind = 'c' "
                    "GROUP BY person"
                )
            )
            first_hours = [r.first for r in firsts]
            assert now_figures.new_commenters == sum(win.start <= f < win.end for f in first_hours)
            assert before_figures.new_commenters == sum(
                before <= f < win.start for f in first_hours
            )
        assert checked > 100  # the windows hold people to count
