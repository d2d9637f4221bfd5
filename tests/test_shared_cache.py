"""A shared cache in front of the API keeps public answers and never a private one.

Debian's nginx (``make nginx``) runs with ``proxy_cache`` and the aggressive fallback an
operator might well write: every 200 (and every other status) kept 10 s when the answer
says nothing, one cache key per URL whoever asks (``Authorization`` is not in it), and
nothing clever ignored or bypassed. Whatever nginx keeps, it keeps because the app's
``Cache-Control`` allows it. ``X-Cache-Status`` says where each answer came from.

Every request is made twice in a row, the second well within the public max-age, so a
public answer is a HIT the second time, and a private one never is.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.demo import DEMO_TENANT, OPERATOR_EMAIL
from tests.conftest import ROOT
from tests.live import bearer, demo_server, free_port, stop, wait_until_answering

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NAME = f"causerie_cache_{os.getpid()}"
CUSTOM_DOMAIN = "blog.brand-cache.test"

# Workers run as the test's own user: as root, nginx would otherwise drop them to
# nobody, who may not write the cache under the test's private temporary folder.
CONFIG = """
user @USER@;
worker_processes 1;
pid nginx.pid;
error_log logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    proxy_cache_path cache keys_zone=api:10m max_size=64m inactive=10m use_temp_path=off;
    server {
        listen 127.0.0.1:@PORT@;
        location / {
            proxy_pass http://@UPSTREAM@;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_cache api;
            proxy_cache_valid 200 10s;
            proxy_cache_valid any 10s;
            add_header X-Cache-Status $upstream_cache_status always;
        }
    }
}
"""


@pytest.fixture(scope="module")
def cached(pg_server, tmp_path_factory) -> Iterator[str]:
    """The base URL of nginx's cache in front of a seeded API."""
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (make nginx)")
        pytest.skip("nginx is not installed (make nginx)")
    with demo_server(pg_server, NAME, CAUSERIE_TRUSTED_PROXY_HOPS="1") as upstream:
        prefix: Path = tmp_path_factory.mktemp("nginx-cache")
        for folder in ("logs", "tmp", "cache"):
            (prefix / folder).mkdir()
        port = free_port()
        conf = prefix / "nginx.conf"
        conf.write_text(
            CONFIG.replace("@PORT@", str(port))
            .replace("@UPSTREAM@", upstream.split("//")[1])
            .replace("@USER@", pwd.getpwuid(os.getuid()).pw_name)
        )
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs" / "error.log"),
             "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(f"{base}/healthz", nginx, "nginx")
            yield base
        finally:
            stop(nginx)


def _private_reads() -> list[str]:
    """Every console, account and platform read the spec lists without ids to invent."""
    spec = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    paths = [
        path.replace("{tenant}", DEMO_TENANT)
        for path, operations in spec["paths"].items()
        if "get" in operations
        and path.startswith(("/v1/tenants/", "/v1/me", "/v1/api-keys"))
        and path.replace("{tenant}", "").count("{") == 0
    ]
    assert len(paths) > 15, paths
    return paths


def _twice(http: httpx.Client, url: str, **kwargs) -> list[httpx.Response]:
    return [http.get(url, **kwargs) for _ in range(2)]


def test_no_private_answer_is_ever_served_from_the_cache(cached):
    owner = bearer(cached, f"owner@{DEMO_TENANT}.causerie.test")
    reader = bearer(cached, f"reader@{DEMO_TENANT}.causerie.test")
    operator = bearer(cached, OPERATOR_EMAIL)
    seen: list[str] = []
    with httpx.Client(base_url=cached, timeout=30) as http:
        for path in _private_reads():
            by_owner = _twice(http, path, headers=operator if path == "/v1/api-keys" else owner)
            assert by_owner[0].status_code == 200, (path, by_owner[0].text)
            by_others = _twice(http, path) + _twice(http, path, headers=reader)
            for answer in by_owner + by_others:
                seen.append(f"{path} {answer.status_code} {answer.headers['x-cache-status']}")
            # Nobody else ever gets the owner's answer, from the cache or otherwise.
            assert all(a.content != by_owner[0].content for a in by_others), (path, seen[-6:])
            assert by_others[0].status_code in (401, 404), path
            assert {a.headers.get("cache-control") for a in by_owner + by_others} == {
                "private, no-store"
            }, path
    assert not [line for line in seen if line.endswith("HIT")], seen


def test_public_answers_are_served_from_the_cache(cached):
    owner = bearer(cached, f"owner@{DEMO_TENANT}.causerie.test")
    public = [
        "/v1/plans",
        f"/v1/sites/{DEMO_TENANT}",
        f"/v1/sites/{DEMO_TENANT}/posts",
        f"/v1/sites/{DEMO_TENANT}/tags",
        f"/v1/sites/{DEMO_TENANT}/feed.atom",
    ]
    with httpx.Client(base_url=cached, timeout=30) as http:
        for path in public:
            first, second = _twice(http, path)
            assert first.status_code == second.status_code == 200, (path, first.text)
            assert second.headers["x-cache-status"] == "HIT", path
            assert second.content == first.content
            # The same public answer, whoever asks: a signed-in reader shares the copy.
            assert http.get(path, headers=owner).headers["x-cache-status"] == "HIT", path


def test_errors_are_never_served_from_the_cache(cached):
    with httpx.Client(base_url=cached, timeout=30) as http:
        for path in ("/v1/sites/no-such-site/posts", "/v1/plans/no-such-plan"):
            answers = _twice(http, path)
            assert [a.status_code for a in answers] == [404, 404]
            assert [a.headers["x-cache-status"] for a in answers] != ["MISS", "HIT"], path


def test_a_signed_in_reader_never_gets_the_anonymous_threads(cached):
    """The threads have a public variant and a private one (a signed-in reader sees
    their own held comments): the cache keeps the first and never serves it for the
    second."""
    reader = bearer(cached, f"reader@{DEMO_TENANT}.causerie.test")
    with httpx.Client(base_url=cached, timeout=30) as http:
        post = http.get(f"/v1/sites/{DEMO_TENANT}/posts").json()["items"][0]
        path = f"/v1/sites/{DEMO_TENANT}/posts/{post['id']}/comments"
        anonymous = _twice(http, path)
        assert anonymous[1].headers["x-cache-status"] == "HIT"
        for answer in _twice(http, path, headers=reader):
            assert answer.status_code == 200
            assert answer.headers["x-cache-status"] != "HIT"
            assert answer.headers["cache-control"] == "private, no-store"


def test_a_custom_domain_never_gets_a_copy_without_its_cors_header(cached):
    owner = bearer(cached, f"owner@{DEMO_TENANT}.causerie.test")
    origin = f"https://{CUSTOM_DOMAIN}"
    with httpx.Client(base_url=cached, timeout=30) as http:
        added = http.post(
            f"/v1/tenants/{DEMO_TENANT}/domains", json={"host": CUSTOM_DOMAIN}, headers=owner
        )
        assert added.status_code == 201, added.text
        path = f"/v1/sites/{DEMO_TENANT}/blogs"
        same_origin = _twice(http, path)
        assert same_origin[1].headers["x-cache-status"] == "HIT"
        assert "access-control-allow-origin" not in same_origin[1].headers
        for answer in _twice(http, path, headers={"Origin": origin}):
            assert answer.status_code == 200
            assert answer.headers["access-control-allow-origin"] == origin
