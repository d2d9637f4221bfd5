"""Interoperability with real, independent implementations: the ``webmentions``
package from PyPI (tests/webmention/peer/peer.py, its own discovery, sending, fetching
and mf2 parsing) and a WebSub hub built on ``flask-websub`` (tests/webmention/peer/hub.py),
each a separate process on a loopback port, and a live Causerie (``causerie serve`` and
``causerie worker`` on loopback, with the built theme, whose post pages the peer reads).

A reader subscribes to a blog's feed at the hub the feed names; publishing a post pings
the hub, which fetches the feed and sends it to the subscriber.

A post published in the console links to a page of the peer's: our worker discovers the
peer's endpoint and sends the mention, which the peer verifies against our post's page
and keeps. The peer then replies to the post from a page of its own and sends that: it
finds our endpoint on our post's page, we verify its page, and the reply lands in the
moderation queue as a ``webmention`` comment, is approved and shows under the post.
Locally the test is skipped when the theme is not built (``make frontends``) or the
hub not installed (``make websub-hub``); in CI (``CI`` set) it fails instead.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

from persistence.database import sync_url
from tests.conftest import ROOT
from tests.live import bearer, demo_site, free_port, stop, until, wait_until_answering

PEER = Path(__file__).parent / "peer" / "peer.py"
HUB = Path(__file__).parent / "peer" / "hub.py"
HUB_PYTHON = ROOT / "var" / "websub-hub" / "bin" / "python"
THEME = ROOT / "frontends" / "theme" / "dist" / "index.html"
DATABASE = "causerie_webmention"


def _theme_or_skip() -> None:
    missing = [
        what
        for what, there in (
            ("the theme is not built (make frontends)", THEME.exists()),
            ("the WebSub hub is not installed (make websub-hub)", HUB_PYTHON.exists()),
        )
        if not there
    ]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail("; ".join(missing))
    pytest.skip("; ".join(missing))


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[str]:
    _theme_or_skip()
    port = free_port()
    process = subprocess.Popen(
        [str(HUB_PYTHON), str(HUB), str(port), str(tmp_path / "hub.db")],
        cwd=HUB.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, "the WebSub hub")
        yield base
    finally:
        stop(process)


@pytest.fixture
def causerie(pg_server: URL, hub: str) -> Iterator[tuple[str, URL]]:
    _theme_or_skip()
    with demo_site(
        pg_server,
        DATABASE,
        worker=True,
        CAUSERIE_OUTBOUND_ALLOW_LOOPBACK="true",
        CAUSERIE_WEBSUB_HUBS=f'["{hub}/hub"]',
        CAUSERIE_WORKER_POLL_SECONDS="0.2",
    ) as site:
        yield site.base, site.url


@pytest.fixture
def peer() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(PEER), str(port)],
        cwd=PEER.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/healthz", process, "the webmentions peer")
        yield base
    finally:
        stop(process)


async def _pings(url: URL) -> list[dict]:
    """What our side recorded of its pings (printed when the peer has nothing)."""
    connection = await asyncpg.connect(sync_url(url).render_as_string(hide_password=False))
    try:
        rows = await connection.fetch(
            "SELECT target, endpoint, status, response_status, error FROM web_pings"
        )
        return [dict(r) for r in rows]
    finally:
        await connection.close()


def test_mentions_go_both_ways_and_the_hub_tells_its_subscriber(causerie, peer, hub):
    base, url = causerie
    asyncio.run(_exchange(base, url, peer, hub))


async def _exchange(base: str, url: URL, peer: str, hub: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        author = bearer(base, "alice@demo.causerie.test")
        mine = (await http.get(f"{base}/v1/tenants/demo/blogs", headers=author)).json()
        mine = mine["items"] if isinstance(mine, dict) else mine
        blog = mine[0]
        # A reader subscribes to the blog's feed at the hub the feed names.
        feed = f"{base}/v1/sites/demo/blogs/{blog['slug']}/feed.atom"
        assert f'<{hub}/hub>; rel="hub"' in (await http.get(feed)).headers["link"]
        subscribed = await http.post(f"{hub}/control/subscribe", params={"topic": feed})
        assert subscribed.status_code == 202, subscribed.text
        article = f"{peer}/article"
        made = await http.post(
            f"{base}/v1/tenants/demo/blogs/{blog['id']}/posts",
            json={
                "title": "Mentionné ailleurs",
                "body_markdown": f"Comme le dit [ce billet]({article}), tout se tient.",
            },
            headers=author,
        )
        assert made.status_code == 201, made.text
        post = made.json()
        published = await http.post(
            f"{base}/v1/tenants/demo/posts/{post['id']}/publish",
            headers={**author, "If-Match": f'"{post["version"]}"'},
        )
        assert published.status_code == 200, published.text
        page = f"{base}/sites/demo/blogs/{blog['slug']}/{published.json()['slug']}"

        # Our ping made the hub fetch the feed (which must name the hub and itself) and
        # send it to its subscriber: the new post is in what arrived.
        async def delivered() -> list[dict]:
            items = (await http.get(f"{hub}/control/received")).json()
            return [i for i in items if "Mentionné ailleurs" in i["body"]]

        [notified] = await until(delivered, "the hub's subscriber got the new feed")
        assert f'<{feed}>; rel="self"' in notified["link"]

        # Ours to theirs: discovered, sent by our worker, verified and kept by the peer.
        async def kept() -> list[dict]:
            answer = await http.get(
                f"{peer}/webmentions", params={"resource": article, "direction": "incoming"}
            )
            return list(answer.json()) if answer.status_code == 200 else []

        try:
            [received] = await until(kept, "the peer kept our mention")
        except BaseException:
            print(await _pings(url))
            raise
        assert received["source"] == page and received["target"] == article
        assert received["title"] == "Mentionné ailleurs"  # read from our page's h-entry

        # Theirs to ours: the package finds our endpoint on the post's page and sends.
        reply = (
            f"{peer}/reply?target={quote(page, safe='')}&text={quote('Bien vu <script>x</script>')}"
        )
        sent = await http.post(f"{peer}/control/send", params={"source": reply})
        assert sent.status_code == 200, sent.text
        moderator = bearer(base, "moderator@demo.causerie.test")

        async def in_queue() -> list[dict]:
            answer = await http.get(
                f"{base}/v1/tenants/demo/comments",
                params={"source": "webmention"},
                headers=moderator,
            )
            return list(answer.json()["items"])

        [comment] = await until(in_queue, "the peer's reply in the moderation queue")
        assert comment["source"] == "webmention"
        assert comment["author"]["name"] == "Peer Person"
        assert comment["author"]["handle"] == "127.0.0.1"
        assert "Bien vu" in comment["body_html"] and "<script" not in comment["body_html"]
        if comment["status"] != "approved":
            approved = await http.post(
                f"{base}/v1/tenants/demo/comments/{comment['id']}/approve", headers=moderator
            )
            assert approved.status_code == 200, approved.text
        shown = await http.get(f"{base}/v1/sites/demo/posts/{post['id']}/comments")
        assert comment["id"] in [c["id"] for c in shown.json()["items"]]
