"""Fediverse likes and boosts on the public site: a post's counts
(``GET /v1/sites/{t}/posts/{id}/reactions``), kept by the public-read cache like the
post's page and forgotten, for that post only, when a like, a boost or an undo arrives."""

from __future__ import annotations

from uuid import uuid4

from tests.federation.helpers import actor_path, article_id, post_signed, remote
from tests.posts.test_public_cache import cache, hits_of  # noqa: F401 (the fixture)


async def test_likes_and_boosts_show_per_post_and_forget_only_that_post(
    client,
    factory,
    local,
    cache,  # noqa: F811
):
    world = await factory.world()
    blog = await factory.blog(world)
    liked = await factory.post(world, blog, "Aimé")
    other = await factory.post(world, blog, "Autre")
    s = f"/v1/sites/{world.slug}"
    reactions = f"{s}/posts/{liked.id}/reactions"
    others = f"{s}/posts/{other.id}/reactions"
    page = f"{s}/blogs/{blog.slug}/posts/{liked.slug}"
    other_page = f"{s}/blogs/{blog.slug}/posts/{other.slug}"
    assert (await client.get(reactions)).json() == {"likes": 0, "boosts": 0}
    for path in (others, page, other_page):
        assert (await client.get(path)).status_code == 200
    assert (await hits_of(cache, client, reactions))[0] == 1  # kept

    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        like = alice.activity("Like", article_id(world, blog, liked))
        boost = alice.activity("Announce", article_id(world, blog, liked))
        for activity in (like, boost):
            assert (await post_signed(client, alice, inbox, activity)).status_code == 202
        hits = {p: (await hits_of(cache, client, p))[0] for p in (reactions, others, other_page)}
        assert hits == {reactions: 0, others: 1, other_page: 1}
        assert (await client.get(reactions)).json() == {"likes": 1, "boosts": 1}

        # The same like again changes nothing, and forgets nothing.
        assert (await post_signed(client, alice, inbox, like)).status_code == 202
        assert (await hits_of(cache, client, reactions))[0] == 1

        undo = alice.activity("Undo", like)
        assert (await post_signed(client, alice, inbox, undo)).status_code == 202
        missed, answer = await hits_of(cache, client, reactions)
        assert missed == 0 and answer.json() == {"likes": 0, "boosts": 1}
        assert (await hits_of(cache, client, others))[0] == 1

    # Another tenant's post through this site, a made-up one: 404 problems.
    elsewhere = await factory.world()
    theirs = await factory.post(elsewhere, await factory.blog(elsewhere))
    for path in (f"{s}/posts/{theirs.id}/reactions", f"{s}/posts/{uuid4()}/reactions"):
        answer = await client.get(path)
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"{s}/posts/not-a-uuid/reactions")).status_code == 422
