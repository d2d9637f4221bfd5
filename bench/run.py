"""Causerie against a bare FastAPI + asyncpg handler, same SQL, same run, same client.

``make bench`` runs this: it starts an embedded PostgreSQL under ``var/bench-postgres``
(or uses ``BENCH_DATABASE_URL``), migrates and seeds a bench database, starts both apps
with one uvicorn worker each, loads them in turn from one client process on loopback,
and prints (and writes to ``bench/results/latest.md``) requests/s, p50 and p99 with the
ratio Causerie / bare. Ratios, not absolute times, are what to compare between runs.

The seed is two public sites: ``bench`` with 100,000 published posts across 200 blogs
and ``small`` with 1,000, written by multi-row ``INSERT … SELECT generate_series`` in a
few seconds. The big site also gets 1,000,000 comments and 200,000 ratings (the
insights' aggregates are rolled up from them once, with the triggers off during the bulk
insert), a subscription on an unthrottled plan and an owner whose token loads the
insight endpoints; those have no bare twin and are reported with their own p50 next to
the public endpoints'. The load client is ``wrk`` when it is installed (a C client that
does not saturate before the servers do), else an httpx loop in this process.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import httpx

ROOT = Path(__file__).resolve().parent.parent
DURATION = float(os.environ.get("BENCH_SECONDS", "3"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))  # turns each app takes per endpoint
BENCH_DB = os.environ.get("BENCH_DB", "causerie_bench")  # another name on a shared server
# BENCH_REUSE=1 keeps a database seeded by an earlier run (same schema) instead of
# seeding again; BENCH_ONLY=<regex> loads only the endpoints whose label matches it.
REUSE = os.environ.get("BENCH_REUSE") == "1"
ONLY = re.compile(os.environ.get("BENCH_ONLY", ""), re.I)
HOST = "bench.brand.example"

BIG_POSTS, BIG_BLOGS = 100_000, 200
SMALL_POSTS, SMALL_BLOGS = 1_000, 10
AUTHORS = 50
DEEP_PAGES = 500  # the "deep page" starts after this many pages of 20
BIG_COMMENTS, BIG_RATINGS = 1_000_000, 200_000
JWT_SPEC = "bench:" + "b" * 48
# Console reports are read by a few people at once, not by crowds: fewer connections.
INSIGHT_CONCURRENCY = 2
SEARCH_WORD = "zephyr"  # in the titles of 1 post in 100

# (label, path) — each path exists in both apps with the same SQL behind it. The post
# list's deep cursor and the single post's address are filled in once the seed exists.
ENDPOINTS = [
    ("readiness (SELECT 1)", "/readyz"),
    ("custom-domain resolve", f"/v1/sites/resolve?host={HOST}"),
    ("posts, page 1 (100k posts)", "/v1/sites/bench/posts"),
    ("posts, page 1 (1k posts)", "/v1/sites/small/posts"),
    (f"posts, page {DEEP_PAGES + 1} by cursor (100k)", "/v1/sites/bench/posts?cursor={deep}"),
    ("one post (100k)", "/v1/sites/bench/blogs/{blog}/posts/{slug}"),
    ("search q=zephyr, 1k hits (100k)", f"/v1/sites/bench/posts?q={SEARCH_WORD}"),
]


# The shape that exposed the single post's generic-plan scan: one tenant, one blog of
# 10,000 posts, 5 approved comments on each of the newest 1,000, each app served by two
# worker processes and loaded with twice the connections. Each entry is (label, path,
# kind): "both" loads the same path on both apps; "ours" has no bare twin yet (comments
# and ratings go through the conversation slice's use cases); "304" loads Causerie with
# the post's ETag in If-None-Match against the bare app's 200 for the same post.
ONE_POSTS, ONE_COMMENTED, ONE_COMMENTS_EACH = 10_000, 1_000, 5
ONE_WORKERS, ONE_CONCURRENCY = 2, 32
ONE = "/v1/sites/one"
ONE_POST = "post-10"  # among the commented ones; "post-10-before" is its old slug
ONE_ENDPOINTS = [
    ("site config", ONE, "both"),
    ("blogs list", f"{ONE}/blogs", "both"),
    ("one blog, with its post count", f"{ONE}/blogs/blog-1", "both"),
    ("posts, recent", f"{ONE}/posts", "both"),
    ("posts, top rated", f"{ONE}/posts?sort=top_rated", "both"),
    ("posts, most discussed", f"{ONE}/posts?sort=most_discussed", "both"),
    ("posts, blog filter", f"{ONE}/posts?blog=blog-1", "both"),
    ("posts, tag filter", f"{ONE}/posts?tag=tag-3", "both"),
    ("posts, author filter", f"{ONE}/posts?author=author-7", "both"),
    (f"posts, search q={SEARCH_WORD}", f"{ONE}/posts?q={SEARCH_WORD}", "both"),
    ("one post", f"{ONE}/blogs/blog-1/posts/{ONE_POST}", "both"),
    ("one post, 304 (bare: its 200)", f"{ONE}/blogs/blog-1/posts/{ONE_POST}", "304"),
    ("one post by its old slug (301)", f"{ONE}/blogs/blog-1/posts/{ONE_POST}-before", "both"),
    ("tags with counts", f"{ONE}/tags", "both"),
    ("author", f"{ONE}/authors/author-7", "both"),
    ("comments of the post", f"{ONE}/posts/{{one_post_id}}/comments", "ours"),
    ("rating summary", f"{ONE}/posts/{{one_post_id}}/rating", "ours"),
    ("Atom feed", f"{ONE}/feed.atom", "both"),
    ("blog's Atom feed", f"{ONE}/blogs/blog-1/feed.atom", "both"),
    ("sitemap (10k posts)", f"{ONE}/sitemap.xml", "both"),
]

# Insight endpoints of the big site, loaded with the owner's token (Causerie only).
INSIGHTS = [
    ("insights: engagement, 30 days by day", "/v1/tenants/bench/insights/engagement"),
    (
        "insights: engagement, by week in Paris",
        "/v1/tenants/bench/insights/engagement?bucket=week&tz=Europe/Paris",
    ),
    ("insights: top posts by comments", "/v1/tenants/bench/insights/top-posts"),
    ("insights: top posts by rating", "/v1/tenants/bench/insights/top-posts?by=rating"),
    ("insights: influence ranking", "/v1/tenants/bench/insights/authors"),
    ("insights: tone", "/v1/tenants/bench/insights/tone"),
    ("insights: moderation health", "/v1/tenants/bench/insights/moderation"),
    ("insights: topics (what is said)", "/v1/tenants/bench/insights/topics"),
    ("insights: topics of negative comments", "/v1/tenants/bench/insights/topics?tone=negative"),
]


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux); 0 where unavailable."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _workers_rss_mb(pid: int) -> list[float]:
    """Resident memory of each worker a uvicorn ``--workers`` master started."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [_rss_mb(int(child)) for child in children.read().split()]
    except OSError:
        return []


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _wrk(
    base: str, path: str, headers: dict[str, str] | None = None, connections: int = CONCURRENCY
) -> Result:
    """Load with wrk (two threads, ``connections`` connections) and parse its report."""
    url = base + path
    extra = [a for k, v in (headers or {}).items() for a in ("-H", f"{k}: {v}")]
    extra += ["--timeout", "10s"]
    subprocess.run(["wrk", "-t1", "-c4", "-d1s", *extra, url], capture_output=True, check=True)
    run = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{DURATION:.0f}s", "--latency", *extra, url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = run.stdout
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if os.environ.get("BENCH_VERBOSE"):
        print(out, flush=True)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not (p50 and p99 and rps):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    return Result(
        rps=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)),
        p99_ms=_ms(p99.group(1)),
        errors=(int(bad.group(1)) if bad else 0)
        + (sum(int(g) for g in errors.groups()) if errors else 0),
    )


def _median(runs: list[Result]) -> Result:
    """Each figure's median over the rounds; failed requests are added up."""
    return Result(
        rps=statistics.median(r.rps for r in runs),
        p50_ms=statistics.median(r.p50_ms for r in runs),
        p99_ms=statistics.median(r.p99_ms for r in runs),
        errors=sum(r.errors for r in runs),
    )


def load(
    base: str, path: str, headers: dict[str, str] | None = None, connections: int = CONCURRENCY
) -> Result:
    if shutil.which("wrk"):
        return _wrk(base, path, headers, connections)
    return asyncio.run(_load(base, path, headers, connections))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _load(
    base: str, path: str, headers: dict[str, str] | None = None, connections: int = CONCURRENCY
) -> Result:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=10, headers=headers or {}
    ) as client:

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        for _ in range(50 if connections == CONCURRENCY else 5):  # warm up connections
            await client.get(path)  # and statement caches; slow reports need fewer
        # The clock starts after the warm-up: a slow endpoint's warm-up no longer eats
        # the whole run (which left no latency to take a median of).
        deadline = time.perf_counter() + DURATION
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
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

    if REUSE and asyncio.run(_seeded(owner_url.set(database=BENCH_DB))):
        print("BENCH_REUSE=1: keeping the database seeded by an earlier run", flush=True)
        return
    asyncio.run(ensure_database(owner_url, BENCH_DB, recreate=True))
    url = owner_url.set(database=BENCH_DB)
    migrate.upgrade(url)
    asyncio.run(_seed(url))


WORDS = [
    "riviere",
    "montagne",
    "cuisine",
    "voyage",
    "jardin",
    "lecture",
    "musique",
    "velo",
    "marche",
    "ville",
    "river",
    "mountain",
    "kitchen",
    "travel",
    "garden",
    "reading",
    "music",
    "bicycle",
    "market",
    "city",
    "elephant",
    "soleil",
    "pluie",
    "ecole",
    "travail",
    "famille",
    "ami",
    "photo",
    "histoire",
    "nuit",
]


async def _seed_site(conn, slug: str, posts: int, blogs: int, authors: list) -> None:
    """One tenant with ``blogs`` blogs and ``posts`` published posts, in a few statements."""
    from sqlalchemy import text

    tenant = (
        await conn.execute(
            text(
                "INSERT INTO tenants (id, slug, name, created_at, updated_at) "
                "VALUES (gen_random_uuid(), :slug, :name, now(), now()) RETURNING id"
            ),
            {"slug": slug, "name": f"Bench {slug}"},
        )
    ).scalar_one()
    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant)})
    await conn.execute(
        text(
            "INSERT INTO blogs (tenant_id, id, slug, title, language, created_at, updated_at) "
            "SELECT :t, gen_random_uuid(), 'blog-' || i, 'Blog ' || i, "
            "CASE WHEN i % 2 = 0 THEN 'fr' ELSE 'en' END, now(), now() "
            "FROM generate_series(1, :n) AS i"
        ),
        {"t": tenant, "n": blogs},
    )
    await conn.execute(
        text(
            "INSERT INTO tags (tenant_id, slug, name, created_at) "
            "SELECT :t, 'tag-' || i, 'Tag ' || i, now() FROM generate_series(1, 30) AS i"
        ),
        {"t": tenant},
    )
    # Bodies of ~60 words drawn from WORDS, so search has matches of varied rank.
    await conn.execute(
        text(
            """
            WITH b AS (SELECT id, row_number() OVER (ORDER BY slug) AS n, language
                       FROM blogs WHERE tenant_id = :t),
                 a AS (SELECT u, row_number() OVER () AS n FROM unnest(CAST(:authors AS uuid[])) u),
                 w AS (SELECT CAST(:words AS text[]) AS words)
            INSERT INTO posts (tenant_id, id, blog_id, author_id, slug, title, excerpt,
                body_markdown, body_html, body_text, language, status, published_at,
                reading_minutes, tag_names, comment_count, rating_count, rating_sum,
                rating_histogram, created_at, updated_at)
            SELECT :t, gen_random_uuid(), b.id, a.u, 'post-' || i, 'Post ' || i || ' '
                   || w.words[1 + i % 30] || CASE WHEN i % 100 = 0 THEN ' zephyr' ELSE '' END, 'Excerpt of post ' || i, body, '<p>' || body
                   || '</p>', body, b.language, 'published',
                   now() - i * interval '1 minute', 1,
                   ARRAY['tag-' || (1 + i % 30), 'tag-' || (1 + i % 7)],
                   i % 97, i % 13, (i % 13) * (1 + i % 5), ARRAY[0, 0, 0, 0, 0],
                   now(), now()
            FROM generate_series(1, :n) AS i
            CROSS JOIN w
            JOIN b ON b.n = 1 + i % :blogs
            JOIN a ON a.n = 1 + i % :n_authors
            CROSS JOIN LATERAL (
                SELECT string_agg(w.words[1 + (i * 7 + k * k * 13 + k) % 30], ' ') AS body
                FROM generate_series(1, 60) AS k
            ) body
            """
        ),
        {
            "t": tenant,
            "n": posts,
            "blogs": blogs,
            "authors": authors,
            "n_authors": len(authors),
            "words": WORDS,
        },
    )


# What readers write about, French and English, with fillers and stop words between: a
# comment is 6 to 13 of these; comments on the posts of the last ten days also complain
# of a slow delivery, so the topics have something rising.
COMMENT_WORDS = [
    "livraison", "recette", "merci", "photo", "article", "service", "client", "prix",
    "qualité", "conseil", "voyage", "jardin", "le", "la", "et", "est", "très", "pour",
    "delivery", "recipe", "thanks", "price", "quality", "advice", "garden", "travel",
    "the", "and", "is", "very", "for", "great", "support", "order", "team", "app",
    "update", "bug", "account", "video",
]  # fmt: skip


async def _seed_conversation(conn, owner_id) -> None:
    """Comments, ratings, a subscription and an owner for the big site, then the insights'
    aggregates rolled up from them (the row triggers are off for the bulk insert)."""
    from sqlalchemy import text

    tenant = (await conn.execute(text("SELECT id FROM tenants WHERE slug = 'bench'"))).scalar_one()
    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant)})
    await conn.execute(
        text(
            "INSERT INTO plans (id, name, quotas, features, created_at, updated_at) "
            "SELECT 'bench-unlimited', 'Bench', quotas || '{\"api_requests_per_minute\": null}', "
            "features, now(), now() FROM plans WHERE id = 'enterprise'"
        )
    )
    await conn.execute(
        text(
            "INSERT INTO subscriptions (tenant_id, plan_id, status, created_at, updated_at) "
            "VALUES (:t, 'bench-unlimited', 'active', now(), now())"
        ),
        {"t": tenant},
    )
    await conn.execute(
        text(
            "INSERT INTO memberships (tenant_id, user_id, role, created_at) "
            "VALUES (:t, :u, 'owner', now())"
        ),
        {"t": tenant, "u": owner_id},
    )
    await conn.execute(text("ALTER TABLE comments DISABLE TRIGGER comments_insights"))
    await conn.execute(text("ALTER TABLE comments DISABLE TRIGGER comments_topics"))
    await conn.execute(text("ALTER TABLE ratings DISABLE TRIGGER ratings_insights"))
    # Comments arrive within three days of their post; 90 % approved, the rest held,
    # rejected or spam; one in ten was decided by a moderator within a few hours.
    await conn.execute(
        text(
            """
            WITH p AS (SELECT id, published_at, row_number() OVER (ORDER BY id) AS n
                       FROM posts WHERE tenant_id = :t)
            INSERT INTO comments (tenant_id, id, post_id, root_id, depth, author_name,
                body_markdown, body_html, body_hash, status, ip_hash, sentiment, created_at,
                updated_at, moderated_at, first_moderated_at)
            SELECT :t, c.id, p.id, c.id, 0, 'Reader ' || (c.i % 5000), body.text,
                   '<p>' || body.text || '</p>', sha256(int8send(c.i)),
                   CASE WHEN c.i % 100 < 90 THEN 'approved' WHEN c.i % 100 < 93 THEN 'pending'
                        WHEN c.i % 100 < 96 THEN 'rejected' ELSE 'spam' END,
                   sha256(int8send(c.i % 5000)),
                   (ARRAY['positive','neutral','negative'])[1 + c.i % 3],
                   p.published_at + (c.i % 72) * interval '1 hour',
                   p.published_at + (c.i % 72) * interval '1 hour',
                   CASE WHEN c.i % 10 = 0 THEN p.published_at + (c.i % 72 + c.i % 7) * interval '1 hour' END,
                   CASE WHEN c.i % 10 = 0 THEN p.published_at + (c.i % 72 + c.i % 7) * interval '1 hour' END
            FROM (SELECT i, gen_random_uuid() AS id FROM generate_series(1, :n) AS i) c
            JOIN p ON p.n = 1 + c.i % :posts
            CROSS JOIN LATERAL (
                SELECT string_agg(w.words[1 + (c.i * 7 + k * k * 13 + k * 31) % 40], ' ')
                       || CASE WHEN p.published_at > now() - interval '10 days'
                               AND c.i % 4 = 0 THEN '. Livraison lente !' ELSE '' END AS text
                FROM (SELECT CAST(:words AS text[]) AS words) w,
                     generate_series(1, 6 + c.i % 8) AS k
            ) body
            """
        ),
        {"t": tenant, "n": BIG_COMMENTS, "posts": BIG_POSTS, "words": COMMENT_WORDS},
    )
    await conn.execute(
        text(
            """
            WITH p AS (SELECT id, published_at, row_number() OVER (ORDER BY id) AS n
                       FROM posts WHERE tenant_id = :t)
            INSERT INTO ratings (tenant_id, id, post_id, voter_hash, stars, created_at, updated_at)
            SELECT :t, gen_random_uuid(), p.id, sha256(int8send(i)), 1 + (i * 7) % 5,
                   p.published_at + (i % 48) * interval '1 hour',
                   p.published_at + (i % 48) * interval '1 hour'
            FROM generate_series(1, :n) AS i JOIN p ON p.n = 1 + i % :posts
            """
        ),
        {"t": tenant, "n": BIG_RATINGS, "posts": BIG_POSTS},
    )
    # The posts' own counters (approved comments, the rating summary) agree with the
    # rows just inserted, as the application's writes keep them.
    await conn.execute(
        text(
            """
            UPDATE posts p
            SET comment_count = coalesce(c.approved, 0),
                rating_count = coalesce(r.votes, 0), rating_sum = coalesce(r.stars, 0),
                rating_histogram = coalesce(r.histogram, ARRAY[0, 0, 0, 0, 0])
            FROM posts x
            LEFT JOIN (SELECT post_id, count(*) FILTER (WHERE status = 'approved') AS approved
                       FROM comments WHERE tenant_id = :t GROUP BY post_id) c
                   ON c.post_id = x.id
            LEFT JOIN (SELECT post_id, count(*) AS votes, sum(stars) AS stars,
                              ARRAY[count(*) FILTER (WHERE stars = 1),
                                    count(*) FILTER (WHERE stars = 2),
                                    count(*) FILTER (WHERE stars = 3),
                                    count(*) FILTER (WHERE stars = 4),
                                    count(*) FILTER (WHERE stars = 5)] AS histogram
                       FROM ratings WHERE tenant_id = :t GROUP BY post_id) r
                   ON r.post_id = x.id
            WHERE x.tenant_id = :t AND p.tenant_id = x.tenant_id AND p.id = x.id
            """
        ),
        {"t": tenant},
    )
    await conn.execute(text("ALTER TABLE comments ENABLE TRIGGER comments_insights"))
    await conn.execute(text("ALTER TABLE comments ENABLE TRIGGER comments_topics"))
    await conn.execute(text("ALTER TABLE ratings ENABLE TRIGGER ratings_insights"))
    # The hourly rows are rebuilt from the comments and ratings; the coarser roll-ups
    # (per tenant, blog and author hour, per blog, author and post day, per post week)
    # follow them through their statement triggers, here and in the update of reads.
    await conn.execute(text("SELECT insight_rollup()"))
    # Reads, as the counter would have left them: a few per post and hour of comments.
    await conn.execute(
        text(
            "UPDATE insight_post_hours SET reads = 3 * comments_approved + ratings "
            "WHERE tenant_id = :t"
        ),
        {"t": tenant},
    )


async def _seed_topics(conn) -> None:
    """The terms of what is said, per day (``insight_topic_days``), rebuilt once from the
    big site's comments, which were inserted with the topics trigger off. The rebuild is
    set-based (migration 0031): the terms of each distinct text are computed once, and
    the comments are counted per day and text before they meet their terms."""
    from sqlalchemy import text

    tenant = (await conn.execute(text("SELECT id FROM tenants WHERE slug = 'bench'"))).scalar_one()
    await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant)})
    started = time.perf_counter()
    await conn.execute(text("SELECT insight_topics_rollup()"))
    rows = (await conn.execute(text("SELECT count(*) FROM insight_topic_days"))).scalar_one()
    print(
        f"rolled up the comments' terms into {rows:,} day and term rows in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )


async def _seed_one_blog(conn, authors: list) -> None:
    """The one-blog site: 10,000 posts in one blog, 5 approved comments on each of the
    newest 1,000 (the post counters agree), an old slug for one post, and an unthrottled
    subscription."""
    from sqlalchemy import text

    await _seed_site(conn, "one", ONE_POSTS, 1, authors)
    tenant = (await conn.execute(text("SELECT id FROM tenants WHERE slug = 'one'"))).scalar_one()
    values = {"t": tenant, "n": ONE_COMMENTED, "each": ONE_COMMENTS_EACH, "post": ONE_POST}
    for statement in (
        "INSERT INTO subscriptions (tenant_id, plan_id, status, created_at, updated_at) "
        "VALUES (:t, 'bench-unlimited', 'active', now(), now())",
        "INSERT INTO post_slugs (tenant_id, blog_id, slug, post_id, created_at) "
        "SELECT tenant_id, blog_id, slug || '-before', id, now() FROM posts "
        "WHERE tenant_id = :t AND slug = :post",
        "WITH p AS (SELECT id, published_at FROM posts WHERE tenant_id = :t "
        "ORDER BY published_at DESC LIMIT :n) "
        "INSERT INTO comments (tenant_id, id, post_id, root_id, depth, author_name, "
        "body_markdown, body_html, body_hash, status, ip_hash, sentiment, created_at, "
        "updated_at) "
        "SELECT :t, c.id, c.post_id, c.id, 0, 'Reader ' || c.k, 'Comment ' || c.k, "
        "'<p>Comment ' || c.k || '</p>', sha256(c.id::text::bytea), 'approved', "
        "sha256(int8send(c.k)), (ARRAY['positive','neutral','negative'])[1 + c.k % 3], "
        "c.published_at + c.k * interval '1 minute', c.published_at + c.k * interval '1 minute' "
        "FROM (SELECT gen_random_uuid() AS id, p.id AS post_id, p.published_at, k "
        "FROM p CROSS JOIN generate_series(1, :each) AS k) c",
        "UPDATE posts p SET comment_count = coalesce((SELECT count(*) FROM comments c "
        "WHERE c.tenant_id = p.tenant_id AND c.post_id = p.id AND c.status = 'approved'), 0) "
        "WHERE p.tenant_id = :t",
    ):
        await conn.execute(
            text(statement), {k: v for k, v in values.items() if f":{k}" in statement}
        )


def _seed_mark() -> str:
    from alembic.script import ScriptDirectory

    from persistence.migrate import alembic_config

    # Reading the revisions imports them, and they import migrations/helpers.py, which
    # alembic's env.py puts on the path only when it runs (BENCH_REUSE asks first).
    if str(ROOT / "migrations") not in sys.path:
        sys.path.insert(0, str(ROOT / "migrations"))
    head = ScriptDirectory.from_config(alembic_config("postgresql:///unused")).get_current_head()
    return f"seeded at {head}, with the one-blog site"


async def _seeded(url) -> bool:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            mark = (
                await conn.execute(
                    text(
                        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                        "WHERE datname = current_database()"
                    )
                )
            ).scalar_one()
    except Exception:  # no such database yet
        return False
    finally:
        await engine.dispose()
    return bool(mark == _seed_mark())


async def _seed(url) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    started = time.perf_counter()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        tenant = (
            await conn.execute(
                text(
                    "INSERT INTO tenants (id, slug, name, created_at, updated_at) "
                    "VALUES (gen_random_uuid(), 'resolve-bench', 'Bench', now(), now()) "
                    "RETURNING id"
                )
            )
        ).scalar_one()
        await conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant)})
        await conn.execute(
            text(
                "INSERT INTO tenant_domains (tenant_id, id, host, created_at) "
                "VALUES (:t, gen_random_uuid(), :h, now())"
            ),
            {"t": tenant, "h": HOST},
        )
        authors = (
            (
                await conn.execute(
                    text(
                        "INSERT INTO users (id, email, display_name, handle, password_hash, "
                        "created_at, updated_at) SELECT gen_random_uuid(), 'author' || i || "
                        "'@bench.test', 'Author ' || i, 'author-' || i, 'x', now(), now() "
                        "FROM generate_series(1, :n) AS i RETURNING id"
                    ),
                    {"n": AUTHORS},
                )
            )
            .scalars()
            .all()
        )
    posts_started = time.perf_counter()
    async with engine.begin() as conn:
        await _seed_site(conn, "bench", BIG_POSTS, BIG_BLOGS, list(authors))
    print(
        f"seeded {BIG_POSTS:,} posts across {BIG_BLOGS} blogs in "
        f"{time.perf_counter() - posts_started:.1f} s",
        flush=True,
    )
    async with engine.begin() as conn:
        await _seed_site(conn, "small", SMALL_POSTS, SMALL_BLOGS, list(authors))
    async with engine.begin() as conn:
        await _seed_conversation(conn, authors[0])
    async with engine.begin() as conn:
        await _seed_topics(conn)
    async with engine.begin() as conn:
        await _seed_one_blog(conn, list(authors))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
        # The mark BENCH_REUSE looks for: a seed that finished, on this schema.
        await conn.execute(text(f"COMMENT ON DATABASE {BENCH_DB} IS '{_seed_mark()}'"))
    await engine.dispose()
    print(
        f"seeded {BIG_POSTS:,} + {SMALL_POSTS:,} + {ONE_POSTS:,} posts, {BIG_COMMENTS:,} + "
        f"{ONE_COMMENTED * ONE_COMMENTS_EACH:,} comments and "
        f"{BIG_RATINGS:,} ratings in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def _cursors():
    """The app's cursor codec, built from the settings the benchmarked app runs with."""
    from api.bootstrap import Services
    from api.settings import Settings

    settings = Settings(environment="test", jwt_keys=JWT_SPEC, data_dir=ROOT / "var" / "bench-data")
    return Services.from_settings(settings).cursors


async def _addresses(url) -> dict[str, str]:
    """A cursor DEEP_PAGES pages into the big site, and one post's address there."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from api.posts.public import SORTS

    engine = create_async_engine(url)
    async with engine.connect() as conn:
        deep = (
            await conn.execute(
                text(
                    "SELECT p.published_at, p.id FROM posts p JOIN tenants t ON t.id = p.tenant_id "
                    "WHERE t.slug = 'bench' ORDER BY p.published_at DESC, p.id DESC "
                    "OFFSET :skip LIMIT 1"
                ),
                {"skip": DEEP_PAGES * 20 - 1},
            )
        ).one()
        post = (
            await conn.execute(
                text(
                    "SELECT b.slug AS blog, p.slug FROM posts p JOIN blogs b ON b.id = p.blog_id "
                    "JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = 'bench' "
                    "ORDER BY p.published_at DESC LIMIT 1 OFFSET 5000"
                )
            )
        ).one()
        one_post_id = (
            await conn.execute(
                text(
                    "SELECT p.id FROM posts p JOIN tenants t ON t.id = p.tenant_id "
                    "WHERE t.slug = 'one' AND p.slug = :slug"
                ),
                {"slug": ONE_POST},
            )
        ).scalar_one()
    await engine.dispose()
    return {
        "one_post_id": str(one_post_id),
        # Signed as the app signs it: the same key, derived from the same JWT keys.
        "deep": _cursors().encode(SORTS["recent"], (deep.published_at, deep.id)),
        "blog": post.blog,
        "slug": post.slug,
    }


async def _owner_headers(url) -> dict[str, str]:
    """A bearer token for the big site's owner (the first bench author)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from auth.jwt_tokens import KeyRing

    engine = create_async_engine(url)
    async with engine.connect() as conn:
        user = (
            await conn.execute(
                text("SELECT id, token_version FROM users WHERE handle = 'author-1'")
            )
        ).one()
    await engine.dispose()
    keyring = KeyRing.parse(JWT_SPEC, issuer="causerie", audience="causerie-api", ttl_seconds=3600)
    token, _ = keyring.issue(user.id, user.token_version, uuid4())
    return {"Authorization": f"Bearer {token}"}


def _start(env: dict[str, str], workers: int) -> tuple[list[subprocess.Popen[bytes]], str, str]:
    """Causerie and the bare app, each with ``workers`` uvicorn worker processes."""
    # Causerie runs at its default log level, as `make run` would: one JSON access
    # line per request (uvicorn's own access log stays off; the app writes its own),
    # into a file as a deployment's collector would read it.
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]
    if workers > 1:
        uvicorn += ["--workers", str(workers)]
    log_path = ROOT / "var" / "bench-data" / "causerie.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    causerie_port, bare_port = _free_port(), _free_port()
    processes = [
        subprocess.Popen(
            [*uvicorn, "api.main:app", "--port", str(causerie_port)],
            env=env,
            cwd=ROOT,
            stderr=log_path.open("ab"),
        ),
        subprocess.Popen(
            [*uvicorn, "bench.bare_app:app", "--port", str(bare_port)], env=env, cwd=ROOT
        ),
    ]
    causerie, bare = f"http://127.0.0.1:{causerie_port}", f"http://127.0.0.1:{bare_port}"
    _wait_until_up(causerie)
    _wait_until_up(bare)
    return processes, causerie, bare


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _row(label: str, ours_runs: list[Result], floor_runs: list[Result], notes: list[str]) -> str:
    ours = _median(ours_runs)
    if not floor_runs:
        if ours.errors:
            notes.append(f"{label}: {ours.errors} failed requests")
        return f"| {label} | {ours.rps:.0f} | — | — | {ours.p50_ms:.1f} / {ours.p99_ms:.1f} | — |"
    floor = _median(floor_runs)
    ratios = [o.rps / f.rps for o, f in zip(ours_runs, floor_runs, strict=True) if f.rps]
    ratio = f"{statistics.median(ratios):.2f}" if ratios else "n/a"
    if ours.errors or floor.errors:  # reported, not fatal: wrk counts timeouts too
        notes.append(f"{label}: {ours.errors} / {floor.errors} failed requests")
    return (
        f"| {label} | {ours.rps:.0f} | {floor.rps:.0f} | {ratio} "
        f"| {ours.p50_ms:.1f} / {ours.p99_ms:.1f} | {floor.p50_ms:.1f} / {floor.p99_ms:.1f} |"
    )


TABLE_HEAD = [
    "| endpoint | Causerie req/s | bare req/s | ratio | Causerie p50 / p99 ms | bare p50 / p99 ms |",
    "|---|---|---|---|---|---|",
]


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
        env = {
            **os.environ,
            "DATABASE_URL": db_url.render_as_string(hide_password=False),
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "BENCH_BARE_DSN": app_dsn,
            "CAUSERIE_JWT_KEYS": JWT_SPEC,
            "CAUSERIE_ACCESS_TOKEN_TTL_SECONDS": "3600",
        }
        (ROOT / "var" / "bench-data" / "causerie.log").unlink(missing_ok=True)
        processes, causerie, bare = _start(env, 1)
        idle_rss = _rss_mb(processes[0].pid)

        addresses = asyncio.run(_addresses(db_url))
        client = "wrk" if shutil.which("wrk") else "httpx (install wrk for figures it does not cap)"
        lines = [
            f"Concurrency {CONCURRENCY}, {ROUNDS} rounds of {DURATION:.0f} s per endpoint and "
            "app (apps taking turns; medians, the ratio being the median of each round's), "
            "one worker each, "
            f"client {client} on the same machine ({os.cpu_count()} CPUs).",
            "",
            *TABLE_HEAD,
        ]
        p50s: dict[str, float] = {}
        notes: list[str] = []
        peak_rss = 0.0
        for label, template in ENDPOINTS:
            if not ONLY.search(label):
                continue
            path = template.format(**addresses)
            # The apps take turns, ROUNDS times: on a shared two-core machine one short
            # run can land on a busy moment, so each figure is the median of the rounds.
            ours_runs, floor_runs = [], []
            for _ in range(ROUNDS):
                ours_runs.append(load(causerie, path))
                peak_rss = max(peak_rss, _rss_mb(processes[0].pid))
                floor_runs.append(load(bare, path))
            p50s[label] = _median(ours_runs).p50_ms
            lines.append(_row(label, ours_runs, floor_runs, notes))
            print(lines[-1], flush=True)
        headers = asyncio.run(_owner_headers(db_url))
        lines += [
            "",
            f"Insights on the big site ({BIG_COMMENTS:,} comments, {BIG_RATINGS:,} ratings), "
            f"owner's token, default window (30 days), {INSIGHT_CONCURRENCY} connections; "
            "no bare twin:",
            "",
            "| endpoint | Causerie req/s | Causerie p50 / p99 ms |",
            "|---|---|---|",
        ]
        for label, path in INSIGHTS:
            if not ONLY.search(label):
                continue
            ours = load(causerie, path, headers, INSIGHT_CONCURRENCY)
            if ours.errors:
                notes.append(f"{label}: {ours.errors} failed requests")
            p50s[label] = ours.p50_ms
            lines.append(f"| {label} | {ours.rps:.0f} | {ours.p50_ms:.1f} / {ours.p99_ms:.1f} |")
        lines.append("")
        big, small = p50s.get("posts, page 1 (100k posts)"), p50s.get("posts, page 1 (1k posts)")
        if big and small:
            lines.append(
                f"Post list p50 at 100,000 posts / at 1,000 posts: {big:.1f} / {small:.1f} ms "
                f"(x{big / small:.2f})."
            )
        lines.append(
            f"Causerie resident memory (VmRSS) under load: {peak_rss:.0f} MB "
            f"(idle at start: {idle_rss:.0f} MB)."
        )
        _stop(processes)

        # The one-blog site, two worker processes per app.
        processes, causerie, bare = _start(env, ONE_WORKERS)
        etag = httpx.get(causerie + f"{ONE}/blogs/blog-1/posts/{ONE_POST}").headers["ETag"]
        lines += [
            "",
            f"One blog of {ONE_POSTS:,} posts ({ONE_COMMENTS_EACH} comments on each of the "
            f"newest {ONE_COMMENTED:,}), {ONE_WORKERS} worker processes per app, concurrency "
            f"{ONE_CONCURRENCY}, same rounds:",
            "",
            *TABLE_HEAD,
        ]
        one_rss: list[float] = []
        for label, template, kind in ONE_ENDPOINTS:
            if not ONLY.search(label):
                continue
            path = template.format(**addresses)
            sent = {"If-None-Match": etag} if kind == "304" else None
            ours_runs, floor_runs = [], []
            for _ in range(ROUNDS):
                ours_runs.append(load(causerie, path, sent, ONE_CONCURRENCY))
                now = _workers_rss_mb(processes[0].pid)
                one_rss = now if sum(now) > sum(one_rss) else one_rss
                if kind != "ours":
                    floor_runs.append(load(bare, path, None, ONE_CONCURRENCY))
            lines.append(_row(label, ours_runs, floor_runs, notes))
            print(lines[-1], flush=True)
        lines += [
            "",
            "Causerie workers' resident memory under load: "
            + (" / ".join(f"{mb:.0f}" for mb in one_rss) or "n/a")
            + " MB.",
            *(f"Errors (Causerie / bare): {note}" for note in notes),
        ]
        report = "\n".join(lines)
        print(report)
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.md").write_text(report + "\n")
    finally:
        _stop(processes)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
