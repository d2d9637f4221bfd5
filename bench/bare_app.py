"""The floor this stack allows: a bare FastAPI + asyncpg app running the same SQL as
Causerie for the benchmarked endpoints, with no middleware, auth or layers.

The post list and the single post build their statements with Causerie's own builders;
the other public reads (blogs, tags, an author, feeds, the sitemap) call Causerie's
``PublicReader`` on a connection of this app's pool, so both apps send the very same
statements. Answers are the rows as JSON: no models, no links, no XML."""

from __future__ import annotations

import base64
import json
import os
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg
from fastapi import FastAPI, HTTPException, Response

from api.kit.pages import DEFAULT_LIMIT
from api.posts.feeds import FEED_SIZE, SITEMAP_SIZE
from persistence.posts.public_reads import (
    CUSTOM_PLANS,
    PostQuery,
    PublicReader,
    Sort,
    post_list_sql,
    post_sql,
    to_numbered,
)

DSN = os.environ["BENCH_BARE_DSN"]


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(DSN, min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/readyz")
async def ready() -> dict[str, str]:
    async with app.state.pool.acquire() as conn:
        await conn.fetchval("SELECT 1")
    return {"status": "ok"}


@app.get("/v1/sites/resolve")
async def resolve(host: str) -> dict[str, str]:
    async with app.state.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT set_config('app.tenant_id', '', true), set_config('app.user_id', '', true)"
        )
        slug = await conn.fetchval("SELECT resolve_tenant_host($1)", host)
    if slug is None:
        raise HTTPException(404)
    return {"tenant": slug}


# --- the public read path: the very statements Causerie builds, nothing around them ------

_tenants: dict[str, object] = {}


async def _tenant_id(conn, slug: str):
    if slug not in _tenants:
        _tenants[slug] = await conn.fetchval("SELECT id FROM tenants WHERE slug = $1", slug)
    if _tenants[slug] is None:
        raise HTTPException(404)
    return _tenants[slug]


def _cursor(cursor: str | None):
    """The position of a cursor Causerie signed (``<payload>.<mac>``); the floor reads the
    payload and skips checking the signature."""
    if cursor is None:
        return None
    payload = cursor.split(".")[0]
    _, _, (key, ident) = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return datetime.fromisoformat(key), UUID(ident)


def _json(rows) -> Response:
    return Response(json.dumps(rows, default=str).encode(), media_type="application/json")


@app.get("/v1/sites/{tenant}/posts")
async def posts(
    tenant: str,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort | None = None,
    blog: str | None = None,
    tag: str | None = None,
    author: str | None = None,
):
    async with app.state.pool.acquire() as conn:
        tenant_id = await _tenant_id(conn, tenant)
        query = PostQuery(
            tenant_id=tenant_id,
            sort=sort or ("relevance" if q else "recent"),
            limit=limit,
            blog=blog,
            author=author,
            tag=tag,
            q=q,
            after=_cursor(cursor),
        )
        sql, args = to_numbered(*post_list_sql(query))
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', '', true)",
                str(tenant_id),
            )
            if q:
                await conn.execute(CUSTOM_PLANS)
            rows = await conn.fetch(sql, *args)
    return _json({"items": [dict(r) for r in rows[:limit] if r["id"] is not None]})


@app.get("/v1/sites/{tenant}/blogs/{blog}/posts/{slug}")
async def post(tenant: str, blog: str, slug: str):
    async with app.state.pool.acquire() as conn:
        tenant_id = await _tenant_id(conn, tenant)
        sql, args = to_numbered(*post_sql(tenant_id, blog, slug))
        async with conn.transaction():
            await conn.execute(
                "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', '', true)",
                str(tenant_id),
            )
            row = await conn.fetchrow(sql, *args)
    if row is None:
        raise HTTPException(404)
    if row["slug"] != slug:  # an old slug
        return Response(status_code=301, headers={"Location": f"../posts/{row['slug']}"})
    return _json(dict(row))


@asynccontextmanager
async def _reader(tenant: str):
    """Causerie's PublicReader on this app's pool, in the tenant's context."""
    async with app.state.pool.acquire() as conn:
        tenant_id = await _tenant_id(conn, tenant)
        async with conn.transaction(readonly=True):
            await conn.execute(
                "SELECT set_config('app.tenant_id', $1, true), set_config('app.user_id', '', true)",
                str(tenant_id),
            )
            yield PublicReader(conn, tenant_id)


_sites: dict[str, object] = {}


@app.get("/v1/sites/{tenant}")
async def site(tenant: str):
    """Causerie answers the site from its per-process site cache: so does the floor."""
    if tenant not in _sites:
        async with app.state.pool.acquire() as conn:
            _sites[tenant] = await conn.fetchrow(
                "SELECT slug, name, default_language, branding FROM tenants WHERE slug = $1",
                tenant,
            )
    if _sites[tenant] is None:
        raise HTTPException(404)
    return _json(dict(_sites[tenant]))  # type: ignore[call-overload]


@app.get("/v1/sites/{tenant}/blogs")
async def blogs(tenant: str, limit: int = DEFAULT_LIMIT):
    async with _reader(tenant) as reader:
        rows = await reader.blogs(after=None, limit=limit)
    return _json({"items": [dict(r) for r in rows[:limit]]})


@app.get("/v1/sites/{tenant}/blogs/{blog}")
async def blog(tenant: str, blog: str):
    async with _reader(tenant) as reader:
        row = await reader.blog(blog)
    if row is None:
        raise HTTPException(404)
    return _json(dict(row))


@app.get("/v1/sites/{tenant}/tags")
async def tags(tenant: str, limit: int = DEFAULT_LIMIT):
    async with _reader(tenant) as reader:
        rows = await reader.tags(after=None, limit=limit)
    return _json({"items": [dict(r) for r in rows[:limit]]})


@app.get("/v1/sites/{tenant}/authors/{handle}")
async def author(tenant: str, handle: str):
    async with _reader(tenant) as reader:
        row = await reader.author(handle)
    if row is None:
        raise HTTPException(404)
    return _json(dict(row))


@app.get("/v1/sites/{tenant}/feed.atom")
async def feed(tenant: str):
    async with _reader(tenant) as reader:
        rows = await reader.feed(blog=None, limit=FEED_SIZE)
    return _json([dict(r) for r in rows])


@app.get("/v1/sites/{tenant}/blogs/{blog}/feed.atom")
async def blog_feed(tenant: str, blog: str):
    async with _reader(tenant) as reader:
        found = await reader.blog(blog, count=False)
        rows = await reader.feed(blog=blog, limit=FEED_SIZE) if found else []
    if found is None:
        raise HTTPException(404)
    return _json([dict(r) for r in rows])


@app.get("/v1/sites/{tenant}/sitemap.xml")
async def sitemap(tenant: str):
    async with _reader(tenant) as reader:
        blogs, posts = await reader.sitemap(limit=SITEMAP_SIZE)
    return _json({"blogs": [dict(r) for r in blogs], "posts": [dict(r) for r in posts]})
