"""The floor this stack allows: a bare FastAPI + asyncpg app running the same SQL as
Causerie for the benchmarked endpoints, with no middleware, auth or layers."""

from __future__ import annotations

import base64
import json
import os
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg
from fastapi import FastAPI, HTTPException, Response

from persistence.posts.public_reads import (
    CUSTOM_PLANS,
    PostQuery,
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
async def posts(tenant: str, q: str | None = None, cursor: str | None = None, limit: int = 20):
    async with app.state.pool.acquire() as conn:
        tenant_id = await _tenant_id(conn, tenant)
        query = PostQuery(
            tenant_id=tenant_id,
            sort="relevance" if q else "recent",
            limit=limit,
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
    return _json(dict(row))
