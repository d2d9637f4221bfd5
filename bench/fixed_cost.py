"""What every request pays in the framework (``python -m bench.fixed_cost``).

Calls the ASGI app directly, in this process, with no socket and no HTTP client, so the
figure is the app's own work per request: the middleware (request id, body limit,
metrics, the access line, private-by-default), CORS, gzip, routing, the dependencies
(the tenant's request rate, the site cache, the gate) and the handler. Three requests:
readiness (one ``SELECT 1``), a public read served from the public-read cache, and the
same with its ETag (304). Prints microseconds per request (median of ``ROUNDS`` rounds of
``N`` requests), then, with ``BENCH_PROFILE=1``, cProfile's top functions for the
cached read. Needs ``DATABASE_URL`` pointing at a seeded database (``bench/public_cache.py``
makes ``causerie_bench_cache``; its site is ``one``).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import statistics
import time
from typing import Any

N = int(os.environ.get("BENCH_REQUESTS", "2000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PATHS = [
    ("readiness", "/readyz", None),
    ("one post, cached", "/v1/sites/one/blogs/blog-1/posts/post-10", None),
    ("one post, cached, 304", "/v1/sites/one/blogs/blog-1/posts/post-10", "etag"),
]


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept-encoding", b"gzip"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    answer: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = dict(message["headers"])

    await app(_scope(path, headers), receive, send)
    return answer


async def main() -> None:
    import logging

    from api.app import create_app

    app = create_app()
    async with app.router.lifespan_context(app):
        logging.getLogger().handlers[:] = [logging.NullHandler()]  # no terminal in the figure
        first = await _call(app, PATHS[1][1], [])
        etag = first["headers"][b"etag"]
        print(f"{N} requests x {ROUNDS} rounds each, in-process, no socket")
        for label, path, conditional in PATHS:
            headers = [(b"if-none-match", etag)] if conditional else []
            expected = 304 if conditional else 200
            assert (await _call(app, path, headers))["status"] == expected
            rounds = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                for _ in range(N):
                    await _call(app, path, headers)
                rounds.append((time.perf_counter() - started) / N * 1e6)
            print(f"{label}: {statistics.median(rounds):.0f} µs per request")
        if os.environ.get("BENCH_PROFILE") == "1":
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(N):
                await _call(app, PATHS[1][1], [])
            profile.disable()
            pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    asyncio.run(main())
