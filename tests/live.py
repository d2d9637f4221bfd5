"""A live API process for tests that need a real socket: a database of its own, migrated
and seeded with the demo tenant, and ``causerie serve`` (uvicorn) on a free loopback port.
Waits are on conditions (a port answering) with a generous bound (``until``, the one poll
of the suite); nothing is timed."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import URL

from api.demo import DEMO_PASSWORD
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS, ROOT

BOUND = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def until(
    condition: Callable[[], Any], what: str, *, bound: float = BOUND, every: float = 0.05
) -> Any:
    """Poll ``condition`` (a plain or an async callable) until it gives something true,
    and return that; fail the test, naming ``what``, when ``bound`` seconds pass first.

    The one wait of the suite for progress that no event announces: another process
    answering, other tasks or threads getting somewhere, a server reloading."""
    deadline = time.monotonic() + bound
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {bound} s: {what}")
        await asyncio.sleep(every)


def wait_until_answering(url: str, process: subprocess.Popen[str], what: str) -> None:
    """Until ``url`` answers 200 (from a test that runs no event loop of its own)."""

    def answering() -> bool:
        if process.poll() is not None:
            pytest.fail(f"{what} exited: {process.stderr.read() if process.stderr else ''}")
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    asyncio.run(until(answering, f"{what} answers {url}", every=0.1))


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


@dataclass(frozen=True)
class DemoSite:
    base: str  # the API process's address
    url: URL  # its database


@contextlib.contextmanager
def demo_site(
    pg_server: URL, name: str, *, worker: bool = False, public_base: bool = True, **env: str
) -> Iterator[DemoSite]:
    """A seeded API process on its own database, with a ``causerie worker`` beside it when
    ``worker``; ``public_base`` makes the process name its own address in the links it
    writes (peers on loopback follow them); ``env`` adds or overrides settings."""
    asyncio.run(ensure_database(pg_server, name, recreate=True))
    url = pg_server.set(database=name)
    migrate.upgrade(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
        **({"CAUSERIE_PUBLIC_BASE_URL": base} if public_base else {}),
        **env,
    }
    seed = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert seed.returncode == 0, seed.stderr
    commands = [[sys.executable, "-m", "api.cli", "serve", "--no-migrate", "--port", str(port)]]
    if worker:
        commands.append([sys.executable, "-m", "api.cli", "worker"])
    processes = [
        subprocess.Popen(
            command,
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    try:
        wait_until_answering(f"{base}/healthz", processes[0], "causerie serve")
        yield DemoSite(base, url)
    finally:
        for process in reversed(processes):
            stop(process)
        asyncio.run(drop_database(pg_server, name))


@contextlib.contextmanager
def demo_server(pg_server: URL, name: str, **env: str) -> Iterator[str]:
    """The base URL of a seeded API process; ``env`` adds or overrides settings."""
    with demo_site(pg_server, name, public_base=False, **env) as site:
        yield site.base


def bearer(base: str, email: str) -> dict[str, str]:
    """Authorization headers for a demo account (they share the demo password)."""
    answer = httpx.post(
        f"{base}/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}
