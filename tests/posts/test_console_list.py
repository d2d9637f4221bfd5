"""The console's post list: each post with its author's name, approved comments and
votes, and a text search over titles and excerpts (case and accents ignored)."""

from __future__ import annotations

import uuid

import pytest

from domain.kernel.access import Role
from tests.comments.helpers import add_reader, seed
from tests.factories import add_member
from tests.test_foundation import assert_problem


def posts_url(world, query: str = "") -> str:
    return f"/v1/tenants/{world.slug}/posts{'?' + query if query else ''}"


async def _titles(client, world, query: str, role: str = "manager") -> list[str]:
    answer = await client.get(posts_url(world, query), headers=world.headers[role])
    assert answer.status_code == 200, answer.text
    return sorted(p["title"] for p in answer.json()["items"])


async def test_each_post_comes_with_its_author_comments_and_votes(client, factory):
    world = await factory.world()
    await add_reader(factory, world, "voter")
    blog = await factory.blog(world, "Voyages")
    post = await factory.post(world, blog, "Naxos hors saison")
    draft = await factory.post(world, blog, "Brouillon", publish=False)
    for n in range(2):
        await seed(factory, world, post.id, who="voter", body=f"Bravo {n}")
    for key, stars in (("voter", 5), ("reader", 2)):
        vote = await client.put(
            f"/v1/sites/{world.slug}/posts/{post.id}/rating",
            json={"stars": stars},
            headers=world.headers[key],
        )
        assert vote.status_code == 200, vote.text
    answer = await client.get(posts_url(world), headers=world.headers["manager"])
    items = {p["id"]: p for p in answer.json()["items"]}
    shown = items[str(post.id)]
    assert shown["author_name"] == world.users["author"].display_name
    assert (shown["comment_count"], shown["rating_count"], shown["rating_average"]) == (2, 2, 3.5)
    quiet = items[str(draft.id)]
    assert (quiet["comment_count"], quiet["rating_count"], quiet["rating_average"]) == (0, 0, None)


async def test_the_search_matches_every_word_in_title_or_excerpt(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Voyages")
    await factory.post(world, blog, "Été à Naxos", body="Les Cyclades hors saison.")
    await factory.post(world, blog, "Hiver à Milos", body="Des Cyclades au calme.")
    await factory.post(world, blog, "100% Paros", publish=False)
    assert await _titles(client, world, "q=naxos") == ["Été à Naxos"]
    assert await _titles(client, world, "q=ETE") == ["Été à Naxos"]  # case and accents
    assert await _titles(client, world, "q=cyclades") == ["Hiver à Milos", "Été à Naxos"]
    assert await _titles(client, world, "q=cyclades+milos") == ["Hiver à Milos"]
    assert await _titles(client, world, "q=cyclades&status=draft") == []
    assert await _titles(client, world, "q=100%25") == ["100% Paros"]
    assert await _titles(client, world, "q=%25") == ["100% Paros"]  # % matches itself
    assert await _titles(client, world, "q=_") == []  # so does _
    assert len(await _titles(client, world, "q=+++")) == 3  # blank: no filter


async def test_an_author_searches_within_what_they_may_see(client, factory):
    world = await factory.world()
    await add_member(factory, world, "other-author", Role.AUTHOR)
    blog = await factory.blog(world, "Voyages")
    await factory.post(world, blog, "Naxos, mon brouillon", publish=False)
    theirs = await factory.blog(world, "Leur blog", role="other-author")
    await factory.post(
        world, theirs, "Naxos, le brouillon d'un autre", role="other-author", publish=False
    )
    assert await _titles(client, world, "q=naxos", role="author") == ["Naxos, mon brouillon"]


@pytest.mark.parametrize("query", ["q=" + "a" * 201, "status=lost", "limit=0", "blog=nope"])
async def test_bad_list_queries_are_422(client, factory, query):
    world = await factory.world()
    answer = await client.get(posts_url(world, query), headers=world.headers["manager"])
    assert_problem(answer, 422, "validation_failed")


async def test_another_tenants_posts_never_show(client, factory):
    world = await factory.world()
    other = await factory.world()
    await factory.post(other, await factory.blog(other, "Ailleurs"), "Naxos ailleurs")
    assert await _titles(client, world, "q=naxos") == []
    for slug in (other.slug, f"nobody-{uuid.uuid4().hex[:8]}"):
        answer = await client.get(
            f"/v1/tenants/{slug}/posts?q=naxos", headers=world.headers["manager"]
        )
        assert_problem(answer, 404, "not_found")
