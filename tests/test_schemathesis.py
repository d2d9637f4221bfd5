"""Property-based API testing: schemathesis drives every operation of the live spec.

A real server (uvicorn, in a subprocess) runs on a database of its own with the demo
data, and each operation gets a bounded number of generated requests, once per kind of
caller: anonymous, the demo reader, the demo manager and the platform operator (a run
each, the manager's with the most examples, the others with a few). Checks: all of
Schemathesis's, less the two named at the command whose findings are still open.
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

from api.demo import DEMO_PASSWORD, OPERATOR_EMAIL
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS

NAME = f"causerie_schemathesis_{os.getpid()}"
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
# The other callers' runs: a few examples each, so the four stay bounded in `make test`.
ROLE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_ROLE_EXAMPLES", "3"))
CALLERS = {
    "anonymous": None,
    "reader": "reader@demo.causerie.test",
    "manager": "manager@demo.causerie.test",
    "operator": OPERATOR_EMAIL,
}


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
        yield base
    finally:
        server.terminate()
        server.wait(10)
        asyncio.run(drop_database(pg_server, NAME))


def _token(base: str, email: str) -> str:
    answer = httpx.post(
        f"{base}/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


@pytest.mark.parametrize("caller", list(CALLERS))
def test_no_operation_fails_on_generated_input(live_server, tmp_path, caller):
    base = live_server
    email = CALLERS[caller]
    # Signed in just before its run, so a long earlier run cannot leave it expired.
    auth = ["--header", f"Authorization: Bearer {_token(base, email)}"] if email else []
    examples = EXAMPLES if caller == "manager" else ROLE_EXAMPLES
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base}/openapi.json",
        "--checks",
        "all",
        # Known mismatches left to fix, each a decision or a schema change of its own:
        # console routes answer an anonymous caller 404 (a tenant is never confirmed),
        # where ignored_auth expects 401; a few schema-valid requests (voter token
        # header, site sign-up, domain names) are refused.
        "--exclude-checks",
        "ignored_auth,positive_data_acceptance",
        "--max-examples",
        str(examples),
        "--seed",
        "20261126",
        "--workers",
        "2",
        *auth,
        "--phases",
        "examples,coverage,fuzzing",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    failures = run.stdout.split("FAILURES", 1)[-1].split("SUMMARY", 1)[0]
    assert run.returncode == 0, f"as {caller}:\n" + failures[-8000:] + run.stderr[-2000:]
