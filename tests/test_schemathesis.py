"""Property-based API testing: Schemathesis drives every operation of the live spec with
all of its checks (``--checks all``), once for every kind of caller the product has.

One server (``tests/live.demo_server``: its own database, migrated and seeded with the
demo tenant) serves every run. The callers: anonymous, each role of the demo tenant
(reader, author, moderator, manager, owner), a platform operator, the billing system's
platform key and a brand's ``content:read`` key. The manager and anonymous runs go
through all of Schemathesis's phases (examples, coverage, fuzzing) with the most
examples; the others fuzz with a few examples each, so the file stays bounded on a small
machine while every caller meets every operation.

Two settings say what a JSON Schema cannot (each explained where it is written):
``tests/schemathesis.toml`` (402 is an answer to a valid request too: the plan decides)
and ``tests/schemathesis_hooks.py`` (signed cursors, the insights window's rule, the
time-zone database).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.demo import OPERATOR_EMAIL
from tests.conftest import ROOT
from tests.live import bearer, demo_server

NAME = f"causerie_schemathesis_{os.getpid()}"
HERE = Path(__file__).resolve().parent
# The two full runs (all phases) and the other callers' (fuzzing only): examples each.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
ROLE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_ROLE_EXAMPLES", "3"))
FULL = ("anonymous", "manager")
PEOPLE = {
    "reader": "reader@demo.causerie.test",
    "author": "alice@demo.causerie.test",
    "moderator": "moderator@demo.causerie.test",
    "manager": "manager@demo.causerie.test",
    "owner": "owner@demo.causerie.test",
    "operator": OPERATOR_EMAIL,
}
KEYS = {
    # caller: (who creates it, where, its scopes)
    "billing_key": ("operator", "/v1/api-keys", ["billing"]),
    "content_key": ("owner", "/v1/tenants/demo/api-keys", ["content:read"]),
}
# The platform's callers go last: they change the plans and subscriptions (a plan of 0
# requests a minute, a cancelled demo tenant) that every other caller meets.
CALLERS = [
    "anonymous",
    "reader",
    "author",
    "moderator",
    "manager",
    "owner",
    "content_key",
    "operator",
    "billing_key",
]


@pytest.fixture(scope="module")
def live_server(pg_server):
    # Loopback is where the hooks point valid webhook URLs (the guard's address rule).
    with demo_server(pg_server, NAME, CAUSERIE_OUTBOUND_ALLOW_LOOPBACK="true") as base:
        yield base


@pytest.fixture(scope="module")
def served_spec(live_server, tmp_path_factory) -> Path:
    """The document the live server serves, fetched once with a patient timeout: the
    first request builds it, which on a loaded machine outlasted Schemathesis's own
    10 s for loading a schema."""
    answer = httpx.get(f"{live_server}/openapi.json", timeout=120)
    assert answer.status_code == 200, answer.text
    spec = tmp_path_factory.mktemp("schemathesis") / "openapi.json"
    spec.write_bytes(answer.content)
    return spec


def _authorization(base: str, caller: str) -> list[str]:
    """The run's credentials, fetched just before it (a long earlier run cannot leave a
    token expired)."""
    if caller in PEOPLE:
        return ["--header", f"Authorization: {bearer(base, PEOPLE[caller])['Authorization']}"]
    if caller in KEYS:
        creator, path, scopes = KEYS[caller]
        made = httpx.post(
            f"{base}{path}",
            json={"name": f"schemathesis {caller}", "scopes": scopes},
            headers=bearer(base, PEOPLE[creator]),
            timeout=30,
        )
        assert made.status_code == 201, made.text
        return ["--header", f"Authorization: Bearer {made.json()['secret']}"]
    return []


def _case_count(output: str) -> str:
    """Schemathesis's own count of the run's test cases ("4533 generated, …")."""
    lines = [line for line in output.splitlines() if " generated" in line]
    return lines[-1].strip() if lines else "?"


@pytest.mark.parametrize("caller", CALLERS)
def test_no_operation_fails_on_generated_input(live_server, served_spec, tmp_path, caller):
    full = caller in FULL
    command = [
        sys.executable, "-m", "schemathesis.cli",
        "--config-file", str(HERE / "schemathesis.toml"),
        "run", str(served_spec), "--url", live_server,
        "--checks", "all",
        "--max-examples", str(EXAMPLES if full else ROLE_EXAMPLES),
        "--seed", "20261126",
        # One worker: with two threads, Hypothesis's ast.parse of its filters trips
        # CPython 3.11's "AST constructor recursion depth mismatch" now and then.
        "--workers", "1",
        "--phases", "examples,coverage,fuzzing" if full else "fuzzing",
        *_authorization(live_server, caller),
    ]  # fmt: skip
    environment = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=900, cwd=tmp_path, env=environment
    )
    took = time.monotonic() - started
    print(f"schemathesis as {caller}: {_case_count(run.stdout)} in {took:.0f} s")
    # The failures come first; Schemathesis's warnings (operations no link reaches) follow.
    failures = run.stdout.split("FAILURES", 1)[-1].split("SUMMARY", 1)[0].split("WARNINGS", 1)[0]
    assert run.returncode == 0, f"as {caller}:\n" + failures[:8000] + run.stderr[-2000:]
