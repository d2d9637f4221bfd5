"""The production front (api/front/nginx.conf) in front of the app, both real.

Debian's nginx (``make nginx``) runs non-daemon from a temporary prefix on a free loopback
port, rendered with short timeouts; behind it ``causerie serve`` (uvicorn) runs on a
database of its own with ``CAUSERIE_TRUSTED_PROXY_HOPS=1``. Slow clients are closed,
header floods refused, the rate limits see the real client address, and an ordinary
request passes. Waits are on conditions (a socket closing, a port answering) with
generous bounds; nothing is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.front import FrontLimits, render
from persistence import migrate
from persistence.admin import drop_database, ensure_database
from tests.conftest import JWT_KEYS
from tests.live import free_port, wait_until_answering

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NAME = f"causerie_front_{os.getpid()}"
# The test's rendering: 2 s where production waits 10 to 30.
LIMITS = FrontLimits(header_timeout=2, body_timeout=2, keepalive_timeout=2, send_timeout=5)
BOUND = 30.0  # generous: "closed before this", never "closed in about 2 s"
MAX_BODY_BYTES = 64 * 1024
SIGN_IN_PER_IP = 3


@pytest.fixture(scope="module")
def front(pg_server, tmp_path_factory) -> Iterator[tuple[str, int]]:
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (make nginx)")
        pytest.skip("nginx is not installed (make nginx)")
    asyncio.run(ensure_database(pg_server, NAME, recreate=True))
    url = pg_server.set(database=NAME)
    migrate.upgrade(url)
    app_port, front_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAUSERIE_JWT_KEYS": JWT_KEYS,
        "CAUSERIE_ENVIRONMENT": "test",
        "CAUSERIE_LOG_LEVEL": "WARNING",
        "CAUSERIE_TRUSTED_PROXY_HOPS": "1",
        "CAUSERIE_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
        "CAUSERIE_SIGN_IN_PER_IP_PER_MINUTE": str(SIGN_IN_PER_IP),
        "CAUSERIE_SIGN_IN_PER_ACCOUNT_PER_MINUTE": "100000",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--no-migrate", "--port", str(app_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    prefix: Path = tmp_path_factory.mktemp("nginx")
    (prefix / "logs").mkdir()
    (prefix / "tmp").mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(
        render(
            listen=f"127.0.0.1:{front_port}",
            upstream=f"127.0.0.1:{app_port}",
            max_body_bytes=MAX_BODY_BYTES,
            limits=LIMITS,
        )
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs" / "error.log"),
         "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        wait_until_answering(f"http://127.0.0.1:{app_port}/healthz", app, "causerie serve")
        wait_until_answering(f"http://127.0.0.1:{front_port}/healthz", nginx, "nginx")
        yield "127.0.0.1", front_port
    finally:
        for process in (nginx, app):
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        asyncio.run(drop_database(pg_server, NAME))


def _closed_within(sock: socket.socket, bound: float) -> bool:
    """Read until the peer closes (EOF or reset); False if still open at the bound."""
    deadline = time.monotonic() + bound
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([sock], [], [], left)
        if not readable:
            return False
        try:
            if not sock.recv(65536):
                return True
        except ConnectionError:
            return True
    return False


def _status_of(address: tuple[str, int], request: bytes) -> int:
    """Send a raw request and return the status nginx answers (it may stop reading early)."""
    with socket.create_connection(address, timeout=BOUND) as sock:
        with contextlib.suppress(ConnectionError):  # refused mid-send: the answer waits
            sock.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_an_ordinary_request_passes(front):
    host, port = front
    answer = httpx.get(f"http://{host}:{port}/healthz", timeout=BOUND)
    assert answer.status_code == 200
    problem = httpx.get(f"http://{host}:{port}/v1/sites/no-such-site/posts", timeout=BOUND)
    assert problem.status_code == 404
    assert problem.headers["content-type"].startswith("application/problem+json")


def test_half_sent_headers_are_closed_by_the_header_timeout(front):
    sockets = [socket.create_connection(front, timeout=BOUND) for _ in range(20)]
    try:
        for sock in sockets:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: causerie.test\r\nX-Slow: ")
        assert all(_closed_within(sock, BOUND) for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


def test_a_trickled_body_is_closed_by_the_body_timeout(front):
    """A byte of body every 3 s, when nginx waits 2 s between reads."""
    with socket.create_connection(front, timeout=BOUND) as sock:
        sock.sendall(
            b"POST /v1/auth/token HTTP/1.1\r\nHost: causerie.test\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nu"
        )
        deadline = time.monotonic() + BOUND
        closed = False
        while not closed and time.monotonic() < deadline:
            closed = _closed_within(sock, 3.0)
            if not closed:
                try:
                    sock.sendall(b"s")
                except ConnectionError:
                    closed = True
        assert closed, f"the trickled request was still open after {BOUND} s"


def test_a_flood_of_headers_is_refused(front):
    many = b"".join(b"X-H%d: v\r\n" % n for n in range(5000))
    status = _status_of(front, b"GET /healthz HTTP/1.1\r\nHost: causerie.test\r\n" + many + b"\r\n")
    assert status in (400, 431)


def test_one_huge_header_is_refused(front):
    huge = b"X-Big: " + b"a" * 200_000 + b"\r\n"
    status = _status_of(front, b"GET /healthz HTTP/1.1\r\nHost: causerie.test\r\n" + huge + b"\r\n")
    assert status in (400, 431)


def test_a_body_over_the_app_limit_is_refused_by_nginx(front):
    host, port = front
    answer = httpx.post(
        f"http://{host}:{port}/v1/auth/token", content=b"x" * (MAX_BODY_BYTES + 1), timeout=BOUND
    )
    assert answer.status_code == 413


def _sign_in(front: tuple[str, int], source: str, forged: str) -> int:
    host, port = front
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(transport=transport, timeout=BOUND) as http:
        return http.post(
            f"http://{host}:{port}/v1/auth/token",
            data={"username": f"{uuid.uuid4().hex}@nowhere.test", "password": "wrong"},
            headers={"X-Forwarded-For": forged},
        ).status_code


def test_rate_limits_see_the_real_client_address(front):
    """From 127.0.0.2, with a new forged X-Forwarded-For each time: the per-address
    sign-in limit still refuses (a window's turn can let at most one window more
    through, hence four times the limit). 127.0.0.3, forging 127.0.0.2, is not refused:
    neither nginx's own address nor the forged one is what the limit counts."""
    statuses = [_sign_in(front, "127.0.0.2", f"198.51.100.{n}") for n in range(4 * SIGN_IN_PER_IP)]
    assert 429 in statuses, statuses
    assert set(statuses) <= {401, 429}, statuses
    assert _sign_in(front, "127.0.0.3", "127.0.0.2") == 401
