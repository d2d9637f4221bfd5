"""Serve the built theme with the demo data on loopback, for the Lighthouse audits.

    .venv/bin/python -m bench.theme_server [--port 8765]

Like the browser tests (tests/e2e/conftest.py): a database of its own on the server
``TEST_DATABASE_URL`` names (the machine's PostgreSQL on 127.0.0.1:5432 by default),
migrated, seeded with the demo tenant, and the app in uvicorn at its default log level
(access lines off). It prints ``ready <base url>`` once ``/healthz`` answers, serves
until it is stopped (SIGTERM or Ctrl-C), then drops its database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from persistence import migrate
from persistence.admin import drop_database, ensure_database
from persistence.database import async_url

ROOT = Path(__file__).resolve().parent.parent
NAME = f"causerie_theme_bench_{os.getpid()}"
JWT_KEYS = "bench-1:" + "b" * 48


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server_url = async_url(
        os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    asyncio.run(ensure_database(server_url, NAME, recreate=True))
    url = server_url.set(database=NAME)
    migrate.upgrade(url)
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_PUBLIC_BASE_URL": base,
    }
    seed = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"], env=env, capture_output=True, text=True
    )
    if seed.returncode:
        print(seed.stderr, file=sys.stderr)
        return 1
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.main:app",
            "--port",
            str(args.port),
            "--no-access-log",
        ],
        env=env,
        cwd=ROOT,
    )
    stop = False

    def on_signal(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        print(f"ready {base}", flush=True)
        while not stop and app.poll() is None:
            time.sleep(0.2)
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
        asyncio.run(drop_database(server_url, NAME))
    return 0


if __name__ == "__main__":
    sys.exit(main())
