"""The public-read cache against the bare handler, in one run (``make bench-cache``).

Seeds only the shape that matters here (``bench/run.py``'s one-blog site: one tenant,
one blog of 10,000 posts, 5 comments on each of the newest 1,000) in a database of its
own, then loads, taking turns, with the same client (``wrk -t2`` when installed):
- Causerie with the public-read cache off (``CAUSERIE_PUBLIC_CACHE=false``): uncached;
- Causerie with it on (the default): after the first request every read is kept;
- the same, with the answer's ETag in ``If-None-Match`` (304);
- the bare FastAPI + asyncpg app running the same SQL, which has no cache (200s),
at 1 worker process and 16 connections, then 2 processes and 32 connections. Figures
are medians of ``BENCH_ROUNDS`` rounds; each ratio is the median of the rounds' ratios
against the bare app. The load average before and after is printed with the table.

``BENCH_DATABASE_URL`` names the server (else an embedded one); ``BENCH_REUSE=1`` keeps
a finished seed; ``BENCH_ONLY=<regex>`` loads only matching rows.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time

import httpx

from bench.run import (
    AUTHORS,
    JWT_SPEC,
    ONE,
    ONE_POST,
    ONLY,
    REUSE,
    ROOT,
    ROUNDS,
    Result,
    _free_port,
    _median,
    _seed_mark,
    _seed_one_blog,
    _stop,
    _wait_until_up,
    load,
)

BENCH_DB = "causerie_bench_cache"
SHAPES = [(1, 16), (2, 32)]  # worker processes per app, connections

ENDPOINTS = [
    ("one post", f"{ONE}/blogs/blog-1/posts/{ONE_POST}", True),
    ("posts, recent", f"{ONE}/posts", True),
    ("posts, top rated", f"{ONE}/posts?sort=top_rated", True),
    ("comments of the post", f"{ONE}/posts/{{post_id}}/comments", False),
    ("tags with counts", f"{ONE}/tags", True),
    ("one blog, with its post count", f"{ONE}/blogs/blog-1", True),
    ("author", f"{ONE}/authors/author-7", True),
    ("site config", ONE, True),
]


async def _seed(url) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        authors = (
            await conn.execute(
                text(
                    "INSERT INTO users (id, email, display_name, handle, password_hash, "
                    "created_at, updated_at) SELECT gen_random_uuid(), 'author' || i || "
                    "'@bench.test', 'Author ' || i, 'author-' || i, 'x', now(), now() "
                    "FROM generate_series(1, :n) AS i RETURNING id"
                ),
                {"n": AUTHORS},
            )
        ).scalars()
        await conn.execute(
            text(
                "INSERT INTO plans (id, name, quotas, features, created_at, updated_at) "
                "SELECT 'bench-unlimited', 'Bench', "
                "quotas || '{\"api_requests_per_minute\": null}', features, now(), now() "
                "FROM plans WHERE id = 'enterprise'"
            )
        )
        await _seed_one_blog(conn, list(authors))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))
        await conn.execute(text(f"COMMENT ON DATABASE {BENCH_DB} IS '{_seed_mark()}'"))
    await engine.dispose()


async def _seeded(url) -> bool:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            mark = await conn.scalar(
                text(
                    f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{BENCH_DB}'"
                )
            )
    except Exception:
        return False
    finally:
        await engine.dispose()
    return mark == _seed_mark()


async def _post_id(url) -> str:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    async with engine.connect() as conn:
        found = await conn.scalar(text("SELECT id FROM posts WHERE slug = :s"), {"s": ONE_POST})
    await engine.dispose()
    return str(found)


def _serve(env: dict[str, str], module: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning"]
    if workers > 1:
        command += ["--workers", str(workers)]
    log = (ROOT / "var" / "bench-data" / "causerie-cache.log").open("ab")
    process = subprocess.Popen(
        [*command, module, "--port", str(port)], env=env, cwd=ROOT, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(base)
    return process, base


def _ratio(ours: list[Result], floor: list[Result]) -> str:
    ratios = [o.rps / f.rps for o, f in zip(ours, floor, strict=True) if f.rps]
    return f"{statistics.median(ratios):.2f}" if ratios else "n/a"


def main() -> None:
    from persistence import migrate
    from persistence.admin import ensure_database
    from persistence.database import app_role_url, async_url

    server = None
    if os.environ.get("BENCH_DATABASE_URL"):
        owner = async_url(os.environ["BENCH_DATABASE_URL"])
    else:
        from persistence.embedded import EmbeddedPostgres

        server = EmbeddedPostgres(ROOT / "var" / "bench-postgres")
        owner = server.start()
    db_url = owner.set(database=BENCH_DB)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if not (REUSE and asyncio.run(_seeded(db_url))):
            started = time.perf_counter()
            asyncio.run(ensure_database(owner, BENCH_DB, recreate=True))
            migrate.upgrade(db_url)
            asyncio.run(_seed(db_url))
            print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
        post_id = asyncio.run(_post_id(db_url))
        (ROOT / "var" / "bench-data").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": db_url.render_as_string(hide_password=False),
            "CAUSERIE_DATA_DIR": str(ROOT / "var" / "bench-data"),
            "BENCH_BARE_DSN": app_role_url(db_url)
            .set(drivername="postgresql")
            .render_as_string(False),
            "CAUSERIE_JWT_KEYS": JWT_SPEC,
        }
        lines = [
            f"Load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} "
            f"({os.cpu_count()} CPUs); {ROUNDS} rounds per figure.",
        ]
        for workers, connections in SHAPES:
            uncached_env = {**env, "CAUSERIE_PUBLIC_CACHE": "false"}
            plain, plain_base = _serve(uncached_env, "api.main:app", workers)
            kept, kept_base = _serve(env, "api.main:app", workers)
            bare, bare_base = _serve(env, "bench.bare_app:app", workers)
            processes = [plain, kept, bare]
            lines += [
                "",
                f"{workers} worker process(es) per app, {connections} connections:",
                "",
                "| endpoint | uncached req/s | cached req/s | 304 req/s | bare req/s "
                "| uncached / cached / 304 ratio to bare | p50 ms uncached / cached / 304 / bare |",
                "|---|---|---|---|---|---|---|",
            ]
            for label, template, has_bare in ENDPOINTS:
                if not ONLY.search(label):
                    continue
                path = template.format(post_id=post_id)
                etag = httpx.get(kept_base + path, timeout=30).headers["ETag"]
                runs: dict[str, list[Result]] = {k: [] for k in ("plain", "kept", "304", "bare")}
                for _ in range(ROUNDS):
                    runs["plain"].append(load(plain_base, path, None, connections))
                    runs["kept"].append(load(kept_base, path, None, connections))
                    runs["304"].append(load(kept_base, path, {"If-None-Match": etag}, connections))
                    if has_bare:
                        runs["bare"].append(load(bare_base, path, None, connections))
                m = {k: _median(v) for k, v in runs.items() if v}
                bare_rps = f"{m['bare'].rps:.0f}" if "bare" in m else "—"
                ratios = (
                    " / ".join(_ratio(runs[k], runs["bare"]) for k in ("plain", "kept", "304"))
                    if "bare" in m
                    else "—"
                )
                p50s = " / ".join(
                    f"{m[k].p50_ms:.1f}" if k in m else "—"
                    for k in ("plain", "kept", "304", "bare")
                )
                errors = {k: r.errors for k, r in m.items() if r.errors}
                lines.append(
                    f"| {label} | {m['plain'].rps:.0f} | {m['kept'].rps:.0f} | {m['304'].rps:.0f} "
                    f"| {bare_rps} | {ratios} | {p50s} |" + (f" errors {errors}" if errors else "")
                )
                print(lines[-1], flush=True)
            _stop(processes)
            processes = []
        lines += [
            "",
            f"Load average at the end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        ]
        report = "\n".join(lines)
        print(report)
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        (out / "public_cache.md").write_text(report + "\n")
    finally:
        _stop(processes)
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
