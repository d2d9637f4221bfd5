"""The floor this stack allows: a bare FastAPI + asyncpg app running the same SQL as
Causerie for the benchmarked endpoints, with no middleware, auth or layers."""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI, HTTPException

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
