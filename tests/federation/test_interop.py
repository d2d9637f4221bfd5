"""Interoperability with a real, independent ActivityPub implementation: a Fedify server
(tests/federation/peer/peer.mjs, Node 22 from npm, installed by ``make fediverse-peer``)
and a live Causerie (``causerie serve`` and ``causerie worker`` on loopback ports).

The peer discovers a demo blog by WebFinger and follows it (we verify its signature,
it verifies our Accept's); a post published in the console reaches it as a Create; its
reply lands in the moderation queue as a fediverse comment, is approved and shows under
the post; its like is counted and its undo uncounts it. Both sides sign with RFC 9421
and neither needs to fall back to draft-cavage. Both sides fetch signed only: our
Causerie runs with ``CAUSERIE_FEDERATION_SIGNED_FETCH`` (the peer reads our outbox with
Fedify's signed document loader; an unsigned read is a 401), and the peer answers only
a signed GET of its actor, so our key fetch must be signed. Locally the test is skipped
when the peer is not installed; in CI (``CI`` set) it fails instead.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import URL

from persistence.database import sync_url
from tests.live import bearer, demo_site, free_port, stop, until, wait_until_answering

PEER = Path(__file__).parent / "peer"
NODE = PEER / "node_modules" / ".bin" / "node"
DATABASE = "causerie_fediverse"


def _node_or_skip() -> None:
    if NODE.exists() and (PEER / "node_modules" / "@fedify" / "fedify").exists():
        return
    if os.environ.get("CI"):
        pytest.fail("The Fedify peer is not installed: run `make fediverse-peer`.")
    pytest.skip("The Fedify peer is not installed (make fediverse-peer).")


@pytest.fixture
def causerie(pg_server: URL) -> Iterator[tuple[str, URL]]:
    _node_or_skip()
    with demo_site(
        pg_server,
        DATABASE,
        worker=True,
        CAUSERIE_OUTBOUND_ALLOW_LOOPBACK="true",
        CAUSERIE_FEDERATION_SIGNED_FETCH="true",
        CAUSERIE_WORKER_POLL_SECONDS="0.2",
    ) as site:
        yield site.base, site.url


@pytest.fixture
def peer() -> Iterator[str]:
    _node_or_skip()
    port = free_port()
    process = subprocess.Popen(
        [str(NODE), "peer.mjs", str(port)],
        cwd=PEER,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/control/received", process, "the Fedify peer")
        yield base
    finally:
        stop(process)


async def _count(url: URL, sql: str) -> int:
    connection = await asyncpg.connect(sync_url(url).render_as_string(hide_password=False))
    try:
        return int(await connection.fetchval(sql))
    finally:
        await connection.close()


def test_a_fedify_server_follows_a_blog_gets_its_post_replies_likes_and_undoes(causerie, peer):
    base, url = causerie
    asyncio.run(_conversation(base, url, peer))


async def _conversation(base: str, url: URL, peer: str) -> None:
    host = base.removeprefix("http://")
    async with httpx.AsyncClient(timeout=30) as http:
        blogs = (await http.get(f"{base}/v1/sites/demo/blogs")).json()["items"]
        blog = blogs[0]
        actor = f"{base}/v1/sites/demo/blogs/{blog['slug']}/actor"

        followed = await http.post(
            f"{peer}/control/follow", json={"handle": f"{blog['slug']}.demo@{host}"}
        )
        assert followed.status_code == 200, followed.text
        assert followed.json()["actor"] == actor
        # The peer looked the blog up with a signed GET, so it got the whole actor.
        assert followed.json()["name"] == blog["title"]

        # Signed fetches only: unsigned, the outbox is a 401 and the actor its key alone;
        # Fedify's signed GET (RFC 9421 first) reads the outbox.
        assert (await http.get(f"{actor}/outbox")).status_code == 401
        assert "outbox" not in (await http.get(actor)).json()
        fetched = (await http.post(f"{peer}/control/fetch", json={"url": f"{actor}/outbox"})).json()
        assert fetched["status"] == 200, fetched
        assert fetched["document"]["type"] == "OrderedCollection"

        async def received(kind: str) -> list[dict]:
            items = (await http.get(f"{peer}/control/received")).json()
            return [i for i in items if i["type"] == kind]

        [accept] = await until(lambda: received("Accept"), "the peer verified our Accept")
        assert accept["actor"] == actor

        author = bearer(base, "alice@demo.causerie.test")
        mine = (await http.get(f"{base}/v1/tenants/demo/blogs", headers=author)).json()
        mine = mine["items"] if isinstance(mine, dict) else mine
        blog_id = next(b["id"] for b in mine if b["slug"] == blog["slug"])
        made = await http.post(
            f"{base}/v1/tenants/demo/blogs/{blog_id}/posts",
            json={"title": "Vu du fédivers", "body_markdown": "Un billet **fédéré**."},
            headers=author,
        )
        assert made.status_code == 201, made.text
        post = made.json()
        published = await http.post(
            f"{base}/v1/tenants/demo/posts/{post['id']}/publish",
            headers={**author, "If-Match": f'"{post["version"]}"'},
        )
        assert published.status_code == 200, published.text
        article = f"{actor}/posts/{post['id']}"

        async def created() -> list[dict]:
            found = await received("Create")
            return [c for c in found if c["json"]["object"].get("id") == article]

        [create] = await until(created, "the peer verified our Create of the post")
        assert create["json"]["object"]["type"] == "Article"
        assert create["json"]["object"]["name"] == "Vu du fédivers"

        manager = bearer(base, "manager@demo.causerie.test")

        async def conversation() -> tuple[int, int]:
            """Approved comments and likes in the insights' engagement series (30 days)."""
            answer = await http.get(f"{base}/v1/tenants/demo/insights/engagement", headers=manager)
            assert answer.status_code == 200, answer.text
            items = answer.json()["items"]
            return sum(i["comments"]["approved"] for i in items), sum(i["likes"] for i in items)

        approved_before, likes_before = await conversation()
        replied = await http.post(
            f"{peer}/control/reply",
            json={"inReplyTo": article, "content": "<p>Bravo <script>alert(1)</script>!</p>"},
        )
        assert replied.status_code == 200, replied.text
        moderator = bearer(base, "moderator@demo.causerie.test")
        queue = f"{base}/v1/tenants/demo/comments?source=activitypub&status=all"

        async def in_queue() -> list[dict]:
            answer = await http.get(queue.replace("&status=all", ""), headers=moderator)
            return list(answer.json()["items"])

        [reply] = await until(in_queue, "the reply in the moderation queue")
        assert reply["source"] == "activitypub"
        assert "script" not in reply["body_html"] and "Bravo" in reply["body_html"]
        assert "<" not in reply["author"]["name"]
        assert reply["author"]["handle"].startswith("@alice@127.0.0.1")
        if reply["status"] != "approved":
            approved = await http.post(
                f"{base}/v1/tenants/demo/comments/{reply['id']}/approve", headers=moderator
            )
            assert approved.status_code == 200, approved.text
        shown = await http.get(f"{base}/v1/sites/demo/posts/{post['id']}/comments")
        assert reply["id"] in [c["id"] for c in shown.json()["items"]]

        liked = await http.post(f"{peer}/control/like", json={"object": article})
        assert liked.status_code == 200, liked.text
        likes = "SELECT count(*) FROM federation_reactions WHERE kind = 'like'"
        assert await _count(url, likes) == 1
        # The fediverse's reply and like count in the insights like any comment and vote.
        assert await conversation() == (approved_before + 1, likes_before + 1)
        undone = await http.post(f"{peer}/control/undo-like", json={})
        assert undone.status_code == 200, undone.text
        assert await _count(url, likes) == 0

        # What crossed the wire, as the peer saw it.
        exchanges = (await http.get(f"{peer}/control/exchanges")).json()
        ours = [e for e in exchanges if e["url"].startswith(base)]
        to_us = [e for e in ours if e["direction"] == "out" and e["method"] == "POST"]
        # The peer's activities (follow, reply, like, undo), RFC 9421, never refused.
        assert len(to_us) >= 4
        assert {(e["scheme"], e["status"]) for e in to_us} == {("rfc9421", 202)}, exchanges
        # Its signed reads of our documents: RFC 9421, answered.
        reads = [e for e in ours if e["direction"] == "out" and e["method"] == "GET"]
        assert {e["scheme"] for e in reads if "/outbox" in e["url"]} == {"rfc9421"}
        assert all(e["status"] == 200 for e in reads if e["scheme"] == "rfc9421")
        # Our deliveries (Accept, Create) reached it signed with RFC 9421 and verified.
        inbox_posts = [e for e in exchanges if e["direction"] == "in" and e["method"] == "POST"]
        assert len(inbox_posts) >= 2
        assert {(e["scheme"], e["status"]) for e in inbox_posts} == {("rfc9421", 202)}
        # Our fetches of alice's key were signed (the peer refuses unsigned ones).
        key_reads = [
            e
            for e in exchanges
            if e["direction"] == "in" and e["method"] == "GET" and "/users/alice" in e["url"]
        ]
        assert key_reads and {(e["scheme"], e["status"]) for e in key_reads} == {("rfc9421", 200)}
