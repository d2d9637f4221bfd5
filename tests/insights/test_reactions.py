"""Likes and boosts in the insights: the engagement series counts fediverse likes and
boosts (from a signed inbox) and web likes and reposts (from verified webmentions) per
bucket, for the tenant, one blog or one author; an undo or a withdrawn mention takes its
reaction away; another tenant's reactions are never counted; CSV carries both columns."""

from __future__ import annotations

import csv
import io

import pytest

from tests.federation.helpers import LOCAL, actor_path, article_id, post_signed, remote
from tests.receiver import receiver
from tests.webmention.helpers import FORM, endpoint, h_entry, page_of, verify_all, worker


@pytest.fixture
def local(services, settings):
    services.settings = settings.model_copy(update=LOCAL)
    return services


async def _totals(client, world, query: str = "") -> tuple[int, int]:
    answer = await client.get(
        f"/v1/tenants/{world.slug}/insights/engagement?{query}", headers=world.headers["owner"]
    )
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    return sum(i["likes"] for i in items), sum(i["boosts"] for i in items)


async def test_likes_and_boosts_count_per_bucket_scope_and_tenant(
    client, factory, db, settings, local
):
    world = await factory.world()
    blog = await factory.blog(world)
    liked = await factory.post(world, blog, "Aimé")
    theirs = await factory.blog(world, "Le leur", role="manager")
    boosted = await factory.post(world, theirs, "Repris", role="manager")
    elsewhere = await factory.world()
    far = await factory.blog(elsewhere)
    foreign = await factory.post(elsewhere, far, "Ailleurs")

    async with remote() as alice, remote() as bob:
        sent = []
        for who, kind, (w, b, p) in (
            (alice, "Like", (world, blog, liked)),
            (alice, "Announce", (world, blog, liked)),
            (bob, "Like", (world, blog, liked)),
            (bob, "Announce", (world, theirs, boosted)),
            (bob, "Like", (elsewhere, far, foreign)),
        ):
            activity = who.activity(kind, article_id(w, b, p))
            inbox = f"{actor_path(w, b)}/inbox"
            assert (await post_signed(client, who, inbox, activity)).status_code == 202
            sent.append((who, activity, inbox))
        assert await _totals(client, world) == (2, 2)
        assert await _totals(client, world, f"blog={blog.id}") == (2, 1)
        assert await _totals(client, world, f"blog={theirs.id}") == (0, 1)
        assert await _totals(client, world, f"author={world.users['manager'].id}") == (0, 1)
        assert await _totals(client, world, f"author={world.users['author'].id}") == (2, 1)
        assert await _totals(client, world, "bucket=week&tz=Europe/Paris") == (2, 2)
        assert await _totals(client, elsewhere) == (1, 0)

        # Alice takes back her like: it is gone from the figures.
        who, like, inbox = sent[0]
        undo = who.activity("Undo", like)
        assert (await post_signed(client, who, inbox, undo)).status_code == 202
        assert await _totals(client, world) == (1, 2)
        assert await _totals(client, elsewhere) == (1, 0)

    # A web like and a web repost, verified by the worker, count the same way.
    target = page_of(world, blog, liked)
    w = worker(db, settings)
    html = {"Content-Type": "text/html; charset=utf-8"}
    async with (
        receiver(body=h_entry(target, prop="like-of"), headers=html) as like,
        receiver(body=h_entry(target, prop="repost-of"), headers=html) as repost,
    ):
        for source in (like, repost):
            body = f"source={source.url}&target={target}".encode()
            answer = await client.post(endpoint(world), content=body, headers=FORM)
            assert answer.status_code == 202, answer.text
        await verify_all(w, world.tenant.id)
        assert await _totals(client, world) == (2, 3)
        assert await _totals(client, world, f"blog={theirs.id}") == (0, 1)

        # The like's page no longer links: the web like is withdrawn.
        like.body = b"<html><body><p>Not any more.</p></body></html>"
        body = f"source={like.url}&target={target}".encode()
        assert (await client.post(endpoint(world), content=body, headers=FORM)).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["deleted"]
        assert await _totals(client, world) == (1, 3)

    answer = await client.get(
        f"/v1/tenants/{world.slug}/insights/engagement?format=csv", headers=world.headers["owner"]
    )
    table = list(csv.DictReader(io.StringIO(answer.text)))
    assert sum(int(r["likes"]) for r in table) == 1
    assert sum(int(r["boosts"]) for r in table) == 3
