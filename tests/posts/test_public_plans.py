"""Every public read keeps an index-based plan when its prepared statement goes generic.

asyncpg prepares each statement once per connection, and after a few executions
PostgreSQL may replace the plan made for the actual values by a generic one that must
suit any value. On a tenant whose posts sit in one blog, a generic plan that cannot use
an index for a condition reads every post of the tenant on each request.

The test seeds one blog of 10,000 posts (5 comments on each of the newest 1,000), runs
the public reads through the app with the statements the driver and SQLAlchemy send
recorded, then asks PostgreSQL for the generic plan of each recorded statement with its
recorded values (``PREPARE`` + ``EXPLAIN EXECUTE`` under ``plan_cache_mode =
force_generic_plan``) and fails on a sequential scan of posts or comments. A statement
the app runs after asking for custom plans (searches) is explained as the app runs it.
No timing: the plan is the assertion.

The seed is committed (and removed at the end), so that ``VACUUM ANALYZE`` leaves the
planner what a live database gives it: statistics and the visibility map. The reads run
as the app role, with row-level security shaping the plans as in production.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

from persistence.database import Database

POSTS = 10_000
COMMENTED, COMMENTS_EACH = 1_000, 5
SCANNED = {"posts", "comments"}


@dataclass(frozen=True)
class BigSite:
    slug: str
    tenant_id: UUID
    blog: str
    handle: str
    post_id: UUID  # commented, with an old slug
    post_slug: str
    old_slug: str


@pytest.fixture(scope="module")
async def big_site(owner_url) -> AsyncIterator[BigSite]:
    """One blog of 10,000 posts, committed so that VACUUM ANALYZE gives the planner what
    a live database has (statistics, the visibility map); removed at the end."""
    engine = create_async_engine(owner_url)
    tenant_id, author_id, blog_id = uuid4(), uuid4(), uuid4()
    site = BigSite(
        slug=f"plans-{tenant_id.hex[:8]}",
        tenant_id=tenant_id,
        blog="carnet",
        handle=f"plans-{tenant_id.hex[:8]}",
        post_id=uuid4(),
        post_slug="post-renamed",
        old_slug="post-1",
    )
    values = {"t": tenant_id, "a": author_id, "b": blog_id, "p": site.post_id}
    statements = [
        "INSERT INTO tenants (id, slug, name, created_at, updated_at) "
        "VALUES (:t, :slug, 'Plans', now(), now())",
        "SELECT set_config('app.tenant_id', CAST(CAST(:t AS uuid) AS text), true)",
        "INSERT INTO subscriptions (tenant_id, plan_id, status, created_at, updated_at) "
        "VALUES (:t, 'business', 'active', now(), now())",
        "INSERT INTO users (id, email, display_name, handle, password_hash, created_at, "
        "updated_at) VALUES (:a, :handle || '@plans.test', 'Plans', :handle, 'x', now(), now())",
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) "
        "VALUES (:t, :a, 'author', now())",
        "INSERT INTO blogs (tenant_id, id, slug, title, language, created_at, updated_at) "
        "VALUES (:t, :b, :blog, 'Carnet', 'en', now(), now())",
        "INSERT INTO tags (tenant_id, slug, name, created_at) "
        "SELECT :t, 'tag-' || i, 'Tag ' || i, now() FROM generate_series(1, 30) AS i",
        # Post 1 (the newest) is renamed: its first slug lives on in post_slugs.
        "INSERT INTO posts (tenant_id, id, blog_id, author_id, slug, title, excerpt, "
        "body_markdown, body_html, body_text, language, status, published_at, "
        "reading_minutes, tag_names, comment_count, rating_count, rating_sum, "
        "rating_histogram, created_at, updated_at) "
        "SELECT :t, CASE WHEN i = 1 THEN CAST(:p AS uuid) ELSE gen_random_uuid() END, :b, :a, "
        "CASE WHEN i = 1 THEN :slug_now ELSE 'post-' || i END, 'Post ' || i || "
        "CASE WHEN i % 100 = 0 THEN ' zephyr' ELSE '' END, 'Excerpt ' || i, "
        "'Body ' || i, '<p>Body ' || i || '</p>', 'Body ' || i, 'en', 'published', "
        "now() - i * interval '1 minute', 1, ARRAY['tag-' || (1 + i % 30)], "
        "CASE WHEN i <= :commented THEN :each ELSE 0 END, i % 13, (i % 13) * 3, "
        "ARRAY[0, 0, 0, 0, 0], now(), now() FROM generate_series(1, :n) AS i",
        "INSERT INTO post_slugs (tenant_id, blog_id, slug, post_id, created_at) "
        "VALUES (:t, :b, :slug_old, :p, now())",
        # Five approved comments on each of the newest posts.
        "WITH p AS (SELECT id FROM posts WHERE tenant_id = :t "
        "ORDER BY published_at DESC LIMIT :commented) "
        "INSERT INTO comments (tenant_id, id, post_id, root_id, depth, author_name, "
        "body_markdown, body_html, body_hash, status, sentiment, created_at, updated_at) "
        "SELECT :t, c.id, c.post_id, c.id, 0, 'Reader', 'Nice', '<p>Nice</p>', "
        "sha256(c.id::text::bytea), 'approved', 'positive', now() - c.n * interval '1 second', "
        "now() FROM (SELECT gen_random_uuid() AS id, p.id AS post_id, k.n FROM p "
        "CROSS JOIN generate_series(1, :each) AS k(n)) c",
    ]
    values |= {
        "slug": site.slug,
        "handle": site.handle,
        "blog": site.blog,
        "slug_now": site.post_slug,
        "slug_old": site.old_slug,
        "n": POSTS,
        "commented": COMMENTED,
        "each": COMMENTS_EACH,
    }
    async with engine.begin() as conn:
        for statement in statements:
            clause = text(statement)
            await conn.execute(clause, {k: v for k, v in values.items() if f":{k}" in statement})
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
    try:
        yield site
    finally:
        async with engine.begin() as conn:
            for table in ("posts", "blogs", "tenants"):
                column = "id" if table == "tenants" else "tenant_id"
                await conn.execute(
                    text(f"DELETE FROM {table} WHERE {column} = :t"), {"t": tenant_id}
                )
            await conn.execute(text("DELETE FROM users WHERE id = :a"), {"a": author_id})
        await engine.dispose()


@dataclass
class Recorded:
    read: str  # the request that sent it
    sql: str
    args: tuple[Any, ...]
    custom: bool  # the app asked for custom plans before it (searches)


class Recorder:
    """The statements both paths send on the test's one connection, in order."""

    def __init__(self) -> None:
        self.statements: list[Recorded] = []
        self.read = ""
        self._custom = False

    def add(self, sql: str, args: Any) -> None:
        head = sql.lstrip().upper()
        if "PLAN_CACHE_MODE" in head and "FORCE_CUSTOM_PLAN" in head:
            self._custom = True
            return
        if head.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")):
            return
        if "SET_CONFIG('APP.TENANT_ID'" in head:  # the tenant context, a new request
            self._custom = False
            return
        if head.startswith(("SELECT", "WITH")):
            self.statements.append(Recorded(self.read, sql, tuple(args or ()), self._custom))


def _scans(node: dict[str, Any]) -> list[str]:
    """The sequential scans of posts or comments anywhere in a JSON plan."""
    found = []
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in SCANNED:
        found.append(node["Relation Name"])
    for child in node.get("Plans", ()):
        found += _scans(child)
    return found


async def _generic_plan(raw, tenant_id, statement: Recorded) -> tuple[list[str], str]:
    """The plan PostgreSQL keeps for the statement once it goes generic, with its values."""
    mode = "force_custom_plan" if statement.custom else "force_generic_plan"
    await raw.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
    await raw.execute(f"SET LOCAL plan_cache_mode = {mode}")
    await raw.execute(f"PREPARE plan_probe AS {statement.sql}")
    try:
        types = await raw.fetchval(
            "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = 'plan_probe'"
        )
        literals = [
            await raw.fetchval(f"SELECT quote_nullable(CAST($1 AS {kind}))", value) + f"::{kind}"
            for kind, value in zip(types, statement.args, strict=True)
        ]
        call = f"EXECUTE plan_probe({', '.join(literals)})" if literals else "EXECUTE plan_probe"
        explained = await raw.fetchval(f"EXPLAIN (FORMAT JSON) {call}")
        # SQLAlchemy's connection decodes json itself
        plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
        shown = "\n".join(r[0] for r in await raw.fetch(f"EXPLAIN {call}"))
    finally:
        await raw.execute("DEALLOCATE plan_probe")
    return _scans(plan), shown


# Every public read, as (path under the site, query). Paged reads are also read a second
# time through the cursor they answer with.
BOUNDED = [
    ("", {}),
    ("/blogs", {}),
    *(("/posts", {"sort": sort}) for sort in ("recent", "top_rated", "most_discussed")),
    *(
        ("/posts", {"sort": sort, "blog": "{blog}"})
        for sort in ("recent", "top_rated", "most_discussed")
    ),
    ("/posts", {"tag": "tag-1"}),
    ("/posts", {"author": "{handle}"}),
    ("/posts", {"q": "zephyr"}),
    ("/posts", {"q": "zephyr", "sort": "recent"}),
    ("/blogs/{blog}/posts/{post_slug}", {}),
    ("/blogs/{blog}/posts/{old_slug}", {}),  # an old slug: a 301 to the current one
    ("/posts/{post_id}/comments", {"limit": "2"}),
    ("/posts/{post_id}/rating", {}),
    ("/feed.atom", {}),
    ("/feed.json", {}),
    ("/blogs/{blog}/feed.atom", {}),
    ("/sitemap.xml", {}),
]
# Reads that count every public post they cover (a blog's post count, the site's tags
# with their counts, an author's posts per blog): no plan can read fewer posts than it
# counts, generic or custom, so on a blog this size PostgreSQL rightly scans them. Their
# cost stops growing with the blog only once the counts are kept by the writes.
COUNTING = [
    ("/blogs/{blog}", {}),
    ("/tags", {}),
    ("/authors/{handle}", {}),
]


async def _scanning_reads(client, db: Database, site: BigSite, reads) -> tuple[int, list[str]]:
    """Run the reads through the app, then explain what they sent: how many distinct
    statements, and those whose generic plan scans posts or comments, with the plan."""
    recorder = Recorder()
    bound = db._bound
    assert bound is not None
    raw = (await bound.get_raw_connection()).driver_connection

    def through_sqlalchemy(conn, cursor, statement, parameters, context, executemany):
        recorder.add(statement, parameters)

    def through_the_driver(logged) -> None:
        recorder.add(logged.query, logged.args)

    names = {k: str(v) for k, v in vars(site).items()}
    sync = bound.sync_connection
    event.listen(sync, "before_cursor_execute", through_sqlalchemy)
    raw.add_query_logger(through_the_driver)
    try:
        for template, query in reads:
            path = f"/v1/sites/{site.slug}" + template.format(**names)
            params = {k: v.format(**names) for k, v in query.items()}
            recorder.read = f"{template or '/'} {query or ''}"
            answer = await client.get(path, params=params)
            assert answer.status_code in (200, 301), (path, params, answer.text)
            cursor = answer.headers.get("Link") and answer.json().get("next_cursor")
            if cursor:
                page = await client.get(path, params={**params, "cursor": cursor})
                assert page.status_code == 200, (path, params, page.text)
    finally:
        event.remove(sync, "before_cursor_execute", through_sqlalchemy)
        raw.remove_query_logger(through_the_driver)

    seen: set[tuple[str, tuple[str, ...], bool]] = set()
    failures = []
    for statement in recorder.statements:
        key = (statement.sql, tuple(map(str, statement.args)), statement.custom)
        if key in seen:
            continue
        seen.add(key)
        scans, shown = await _generic_plan(raw, site.tenant_id, statement)
        if scans:
            failures.append(
                f"{statement.read}: Seq Scan on {', '.join(scans)}\n{statement.sql}\n{shown}"
            )
    return len(seen), failures


def _report(failures: list[str]) -> str:
    summary = "\n".join(f.split("\n", 1)[0] for f in failures)
    return summary + "\n\n" + "\n\n".join(failures)


async def test_public_reads_keep_index_plans_when_generic(client, db, big_site):
    statements, failures = await _scanning_reads(client, db, big_site, BOUNDED)
    assert statements >= len(BOUNDED), "every read sends at least one statement"
    assert not failures, _report(failures)


async def test_counting_reads_keep_index_plans_when_generic(client, db, big_site):
    _, failures = await _scanning_reads(client, db, big_site, COUNTING)
    assert not failures, _report(failures)
