"""Property-based API testing: schemathesis drives every operation of the live spec.

A real server (uvicorn, in a subprocess) runs on a database of its own with the demo
data, and each operation gets a bounded number of generated requests, signed in as the
demo manager. Checks: no 5xx, and every documented response matches its schema.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from api.demo import DEMO_PASSWORD
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS

NAME = f"causerie_schemathesis_{os.getpid()}"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(pg_server):
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    migrate.upgrade(url)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
    }
    seed = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"], env=env, capture_output=True, text=True
    )
    assert seed.returncode == 0, seed.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--no-access-log"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        token = httpx.post(
            f"{base}/v1/auth/token",
            data={"username": "manager@demo.causerie.test", "password": DEMO_PASSWORD},
        ).json()["access_token"]
        yield base, token
    finally:
        server.terminate()
        server.wait(10)
        asyncio.run(drop_database(pg_server, NAME))


def test_no_operation_fails_on_generated_input(live_server, tmp_path):
    base, token = live_server
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/openapi.json",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "20261126",
        "--workers",
        "2",
        "--header",
        f"Authorization: Bearer {token}",
        "--phases",
        "examples,coverage,fuzzing",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
