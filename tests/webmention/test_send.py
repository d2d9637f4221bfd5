"""Sending Webmentions and WebSub pings when a post is published or updated: endpoint
discovery on real pages served on loopback (Link header, <link>, <a>, relative URLs),
the form POST, outcomes recorded, retries; WebSub's rel="hub" and rel="self" in the
feeds and their Link headers, and the hub pinged."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs

import feedparser

from domain.kernel import clock
from tests.factories import FrozenClock, edit_post
from tests.receiver import receiver
from tests.webmention.helpers import page_of, rows, worker

HTML = {"Content-Type": "text/html; charset=utf-8"}


async def _pings(db, tenant_id, kind="webmention"):
    return await rows(
        db,
        tenant_id,
        "SELECT id, target, topic, endpoint, status, attempt, response_status, error, due_at "
        "FROM web_pings WHERE kind = :k ORDER BY created_at, target, attempt",
        k=kind,
    )


async def _run(w, tenant_id, kind="webmention", due_by=None):
    await w.dispatch(tenant_id)
    out = []
    for ping in await _pings(w.db, tenant_id, kind):
        if ping.status == "pending" and ping.due_at <= (due_by or clock.now()):
            out.append(str(await w.pings.ping(tenant_id, ping.id)))
    return out


async def test_publishing_sends_a_mention_to_every_linked_page_with_an_endpoint(
    factory, db, settings
):
    world = await factory.world()
    blog = await factory.blog(world)
    w = worker(db, settings)
    async with (
        receiver(
            body=b"<html><body>hi</body></html>",
            headers={**HTML, "Link": '</wm>; rel="webmention"'},
        ) as by_header,
        receiver(
            body=b'<html><head><link rel="webmention" href="/hook"></head></html>', headers=HTML
        ) as by_link,
        receiver(
            body=b'<html><body><a rel="nofollow webmention" href="/hook?x=1">wm</a></body></html>',
            headers=HTML,
        ) as by_anchor,
        receiver(body=b"<html><body>no endpoint here</body></html>", headers=HTML) as silent_page,
    ):
        pages = [by_header, by_link, by_anchor, silent_page]
        body = " ".join(
            f"[page {i}](http://127.0.0.1:{r.port}/page{i})" for i, r in enumerate(pages)
        )
        body += " and [ourselves](https://causerie.test/sites/x/) twice: " + (
            f"[again](http://127.0.0.1:{by_header.port}/page0#frag)"
        )
        post = await factory.post(world, blog, body=body)
        outcomes = await _run(w, world.tenant.id)
        assert sorted(outcomes) == ["no_endpoint", "succeeded", "succeeded", "succeeded"]
        source = page_of(world, blog, post)
        for page, path in ((by_header, "/wm"), (by_link, "/hook"), (by_anchor, "/hook?x=1")):
            discovery, sent = page.received
            assert discovery.method == "GET" and sent.method == "POST"
            assert sent.path == path
            assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
            form = parse_qs(sent.body.decode())
            assert form["source"] == [source]
            assert form["target"][0].startswith(f"http://127.0.0.1:{page.port}/page")
        assert [r.method for r in silent_page.received] == ["GET"]
    recorded = await _pings(db, world.tenant.id)
    assert len(recorded) == 4  # our own page and the repeated link were left out
    assert {r.endpoint for r in recorded if r.status == "succeeded"} == {
        f"http://127.0.0.1:{by_header.port}/wm",
        f"http://127.0.0.1:{by_link.port}/hook",
        f"http://127.0.0.1:{by_anchor.port}/hook?x=1",
    }


async def test_a_failing_endpoint_is_tried_again_later_and_an_update_sends_again(
    factory, db, settings, monkeypatch
):
    world = await factory.world()
    blog = await factory.blog(world)
    w = worker(db, settings)
    async with receiver(status=503, headers={**HTML, "Link": '</hook>; rel="webmention"'}) as page:
        post = await factory.post(world, blog, body=f"[it](http://127.0.0.1:{page.port}/p)")
        now = clock.now()
        frozen = FrozenClock(monkeypatch, now)
        assert await _run(w, world.tenant.id) == ["failed"]
        [first, retry] = await _pings(db, world.tenant.id)
        assert first.status == "failed" and first.response_status == 503
        assert first.error.startswith("discovery")
        assert (retry.status, retry.attempt) == ("pending", 2)
        assert retry.due_at == now + timedelta(minutes=1)
        assert await w.pings.sweep() == 0  # not due yet by the domain's clock
        page.status = 200
        frozen.set(now + timedelta(minutes=1))
        assert await w.pings.sweep() == 1
        assert await _run(w, world.tenant.id) == ["succeeded"]
        assert [r.method for r in page.received] == ["GET", "GET", "POST"]
    async with receiver(headers={**HTML, "Link": '</hook>; rel="webmention"'}) as other:
        await edit_post(
            factory, world, post, body_markdown=f"[new](http://127.0.0.1:{other.port}/q)"
        )
        assert await _run(w, world.tenant.id) == ["succeeded"]
        assert [r.method for r in other.received] == ["GET", "POST"]


async def test_a_linked_page_on_a_private_address_is_never_fetched(factory, db, settings):
    world = await factory.world()
    blog = await factory.blog(world)
    w = worker(db, settings, outbound_allow_loopback=False)
    async with receiver(headers={**HTML, "Link": '</hook>; rel="webmention"'}) as page:
        await factory.post(world, blog, body=f"[it](http://127.0.0.1:{page.port}/p)")
        assert await _run(w, world.tenant.id) == ["failed"]
        assert page.received == []
    [ping, *_] = await _pings(db, world.tenant.id)
    assert "address_not_allowed" in ping.error


async def test_feeds_name_their_hubs_and_publishing_pings_them(
    client, factory, db, settings, local
):
    world = await factory.world()
    blog = await factory.blog(world)
    async with receiver(status=204) as hub:
        hub_url = f"http://127.0.0.1:{hub.port}/hub"
        local.settings = local.settings.model_copy(update={"websub_hubs": [hub_url]})
        w = worker(db, settings, websub_hubs=[hub_url])
        await factory.post(world, blog, body="Nothing linked.")
        for path in (
            f"/v1/sites/{world.slug}/feed.atom",
            f"/v1/sites/{world.slug}/blogs/{blog.slug}/feed.atom",
        ):
            answer = await client.get(path)
            assert answer.status_code == 200
            links = {link["rel"]: link["href"] for link in feedparser.parse(answer.text).feed.links}
            assert links["hub"] == hub_url
            assert links["self"] == f"https://causerie.test{path}"
            assert (
                answer.headers["link"]
                == f'<{hub_url}>; rel="hub", <https://causerie.test{path}>; rel="self"'
            )
        assert await _run(w, world.tenant.id, kind="websub") == ["succeeded", "succeeded"]
        topics = sorted(parse_qs(r.body.decode())["hub.url"][0] for r in hub.received)
        assert topics == [
            f"https://causerie.test/v1/sites/{world.slug}/blogs/{blog.slug}/feed.atom",
            f"https://causerie.test/v1/sites/{world.slug}/feed.atom",
        ]
        assert all(parse_qs(r.body.decode())["hub.mode"] == ["publish"] for r in hub.received)
    assert await _pings(db, world.tenant.id) == []  # no link: no mention


async def test_feeds_without_a_hub_say_nothing_of_websub(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog)
    answer = await client.get(f"/v1/sites/{world.slug}/feed.atom")
    assert "link" not in answer.headers
    assert "hub" not in {link["rel"] for link in feedparser.parse(answer.text).feed.links}
