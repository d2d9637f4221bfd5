"""The public-read cache across processes: two ``causerie serve`` processes on one
database, writes through the first, reads through the second. The second hears of each
committed write by PostgreSQL's NOTIFY, which is asynchronous: each read waits for its
condition (the change showing) within a deadline, and never for a fixed time."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy.engine import URL

from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS, ROOT
from tests.live import bearer, free_port, stop, until, wait_until_answering

NAME = "causerie_public_cache_two"
SITE = "/v1/sites/demo"


@pytest.fixture(scope="module")
def servers(pg_server: URL) -> Iterator[tuple[str, str]]:
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    migrate.upgrade(url)
    environment = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": "100000",
        "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
    }
    seed = subprocess.run(
        [sys.executable, "-m", "api.cli", "seed-demo"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert seed.returncode == 0, seed.stderr
    processes, bases = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "serve", "--no-migrate", "--port", str(port)],
                    env=environment,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            wait_until_answering(f"{base}/healthz", process, "causerie serve")
        yield bases[0], bases[1]
    finally:
        for process in processes:
            stop(process)
        asyncio.run(drop_database(pg_server, NAME))


def cache_hits(base: str) -> float:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = re.search(r'^causerie_public_cache_reads_total\{result="hit"\} (\S+)$', text, re.M)
    return float(found.group(1)) if found else 0.0


def eventually(read: Callable[[], httpx.Response], holds: Callable[[httpx.Response], bool]):
    """The first answer for which ``holds`` is true, asked again (the suite's one poll)."""
    seen: list[httpx.Response] = []

    def check() -> bool:
        seen.append(read())
        return holds(seen[-1])

    asyncio.run(until(check, "the other process's answer follows the write"))
    return seen[-1]


def test_a_write_through_one_process_shows_on_the_other(servers):
    writer, reader = servers
    first = httpx.get(f"{reader}{SITE}/posts", timeout=10).json()["items"][0]
    single = f"{SITE}/blogs/{first['blog']['slug']}/posts/{first['slug']}"
    thread = f"{SITE}/posts/{first['id']}/comments"
    before = httpx.get(f"{reader}{single}", timeout=10)
    assert before.status_code == 200
    hits = cache_hits(reader)
    again = httpx.get(f"{reader}{single}", timeout=10)
    assert again.content == before.content and cache_hits(reader) == hits + 1  # kept

    # a vote (the narrowest change): the post's summary on the other process
    votes = before.json()["rating"]["count"]
    vote = httpx.put(
        f"{writer}{SITE}/posts/{first['id']}/rating",
        json={"stars": 5},
        headers={"X-Voter-Token": uuid.uuid4().hex * 2},
        timeout=10,
    )
    assert vote.status_code == 200, vote.text
    assert vote.json()["summary"]["count"] == votes + 1
    eventually(
        lambda: httpx.get(f"{reader}{single}", timeout=10),
        lambda a: a.json()["rating"]["count"] == votes + 1,
    )

    # a comment: the thread of that post
    httpx.get(f"{reader}{thread}", timeout=10)
    comment = httpx.post(
        f"{writer}{thread}",
        json={"body": "Vu d'ailleurs"},
        headers=bearer(writer, "reader@demo.causerie.test"),
        timeout=10,
    )
    assert comment.status_code == 201, comment.text
    eventually(lambda: httpx.get(f"{reader}{thread}", timeout=10), lambda a: "Vu d" in a.text)

    # the tenant's settings: the site config (and the other process's site row) follow
    httpx.get(f"{reader}{SITE}", timeout=10)
    manager = bearer(writer, "manager@demo.causerie.test")
    renamed = httpx.patch(
        f"{writer}/v1/tenants/demo", json={"name": "Démo renommée"}, headers=manager, timeout=10
    )
    assert renamed.status_code == 200, renamed.text
    eventually(
        lambda: httpx.get(f"{reader}{SITE}", timeout=10),
        lambda a: a.json()["name"] == "Démo renommée",
    )


def test_a_signed_in_reader_is_never_served_a_kept_answer(servers):
    _, reader = servers
    first = httpx.get(f"{reader}{SITE}/posts", timeout=10).json()["items"][0]
    thread = f"{SITE}/posts/{first['id']}/comments"
    httpx.get(f"{reader}{thread}", timeout=10)
    hits = cache_hits(reader)
    signed_in = httpx.get(
        f"{reader}{thread}", headers=bearer(reader, "reader@demo.causerie.test"), timeout=10
    )
    assert signed_in.status_code == 200
    assert signed_in.headers["cache-control"] == "private, no-store"
    assert cache_hits(reader) == hits
