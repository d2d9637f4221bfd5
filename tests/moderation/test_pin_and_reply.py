"""Staff replies from the queue and pinned comments: who may, what they refuse, what the
public list shows (the staff mark, the pinned comment first and only once across
pages), the audit, the event, and isolation between tenants."""

from __future__ import annotations

import uuid

import pytest

from tests.comments.helpers import comments_url, db_comment_count, seed, site
from tests.events.helpers import outbox_types
from tests.posts.test_public_cache import cache as public_cache
from tests.posts.test_public_cache import hits_of
from tests.test_foundation import assert_problem


def reply_url(world, comment_id) -> str:
    return f"/v1/tenants/{world.slug}/comments/{comment_id}/replies"


def pin_url(world, post_id) -> str:
    return f"/v1/tenants/{world.slug}/posts/{post_id}/pinned-comment"


async def reply(client, world, comment_id, body="Merci, nous corrigeons.", who="manager"):
    return await client.post(
        reply_url(world, comment_id), json={"body": body}, headers=world.headers[who]
    )


async def pin(client, world, post_id, comment_id, who="manager"):
    return await client.put(
        pin_url(world, post_id), json={"comment_id": str(comment_id)}, headers=world.headers[who]
    )


async def public(client, world, post_id, **params):
    answer = await client.get(comments_url(world, post_id), params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


STAFF = {"operator": 201, "owner": 201, "manager": 201, "moderator": 201}
OTHERS = {"author": 403, "reader": 403, "outsider": 404, "anonymous": 401}


@pytest.mark.parametrize("who", sorted({**STAFF, **OTHERS}))
async def test_who_may_reply_as_staff_and_pin(client, factory, who):
    # Authors may moderate their own posts here, and still neither pin nor speak as staff.
    world, _, post = await site(factory, authors_moderate_own_posts=True)
    comment = await seed(factory, world, post.id)
    expected = {**STAFF, **OTHERS}[who]
    replied = await reply(client, world, comment.id, who=who)
    pinned = await pin(client, world, post.id, comment.id, who=who)
    unpinned = await client.delete(pin_url(world, post.id), headers=world.headers[who])
    if expected == 201:
        assert replied.status_code == 201, replied.text
        assert replied.json()["staff"] is True
        assert pinned.status_code == 200, pinned.text
        assert pinned.json()["pinned"] is True
        assert unpinned.status_code == 204
        assert await db_comment_count(factory, world, post.id) == (2, 2)
    else:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}[expected]
        for answer in (replied, pinned, unpinned):
            assert_problem(answer, expected, code)
        assert await db_comment_count(factory, world, post.id) == (1, 1)


async def test_a_staff_reply_is_published_at_once_and_marked(client, factory):
    world, _, post = await site(factory, policy="pre")  # readers' comments are held
    comment = await seed(factory, world, post.id)
    assert (await reply(client, world, comment.id)).status_code == 409  # still held
    approved = await client.post(
        f"/v1/tenants/{world.slug}/comments/{comment.id}/approve",
        headers=world.headers["moderator"],
    )
    assert approved.status_code == 200
    answer = await reply(client, world, comment.id, body="Bonne *question*.")
    assert answer.status_code == 201, answer.text
    written = answer.json()
    assert written["status"] == "approved" and written["parent_id"] == str(comment.id)
    assert written["depth"] == 1 and written["staff"] is True
    assert "<em>question</em>" in written["body_html"]
    assert await db_comment_count(factory, world, post.id) == (2, 2)
    items = (await public(client, world, post.id))["items"]
    assert [i["id"] for i in items] == [str(comment.id)]
    assert items[0]["staff"] is False
    (shown,) = items[0]["replies"]
    assert shown["id"] == written["id"] and shown["staff"] is True
    assert shown["author"]["name"] == world.users["manager"].display_name
    assert "comment.created" in await outbox_types(factory.db, world.tenant.id)


async def test_staff_reply_bad_input(client, factory):
    world, _, post = await site(factory)
    comment = await seed(factory, world, post.id)
    for body in ("", "x" * 5001):
        assert_problem(await reply(client, world, comment.id, body=body), 422, "validation_failed")
    assert_problem(await reply(client, world, comment.id, body="  \n "), 422, "invalid_input")
    missing = await reply(client, world, uuid.uuid4())
    assert_problem(missing, 404, "not_found")
    no_body = await client.post(
        reply_url(world, comment.id), json={}, headers=world.headers["manager"]
    )
    assert no_body.status_code == 422
    # Three levels at most: the reply to a reply's reply is refused.
    first = (await reply(client, world, comment.id)).json()
    second = (await reply(client, world, first["id"])).json()
    assert_problem(await reply(client, world, second["id"]), 409, "conflict")
    rejected = await seed(factory, world, post.id)
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{rejected.id}/reject", headers=world.headers["owner"]
    )
    assert_problem(await reply(client, world, rejected.id), 409, "conflict")
    assert await db_comment_count(factory, world, post.id) == (3, 3)


async def test_pin_bad_input(client, factory):
    world, blog, post = await site(factory, policy="pre")
    other = await factory.post(world, blog)
    held = await seed(factory, world, post.id)
    assert_problem(await pin(client, world, post.id, held.id), 409, "conflict")  # pending
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{held.id}/reject", headers=world.headers["owner"]
    )
    assert_problem(await pin(client, world, post.id, held.id), 409, "conflict")  # rejected
    visible = await seed(factory, world, other.id)
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{visible.id}/approve", headers=world.headers["owner"]
    )
    assert_problem(await pin(client, world, post.id, visible.id), 422, "invalid_input")
    assert_problem(await pin(client, world, post.id, uuid.uuid4()), 404, "not_found")
    assert_problem(await pin(client, world, uuid.uuid4(), visible.id), 404, "not_found")
    staff_reply = (await reply(client, world, visible.id)).json()
    assert_problem(await pin(client, world, other.id, staff_reply["id"]), 409, "conflict")
    bad = await client.put(
        pin_url(world, post.id), json={"comment_id": "nope"}, headers=world.headers["manager"]
    )
    assert bad.status_code == 422
    # Another tenant's comment and post are unknown here.
    elsewhere, _, their_post = await site(factory)
    theirs = await seed(factory, elsewhere, their_post.id)
    assert_problem(await pin(client, world, their_post.id, theirs.id), 404, "not_found")
    assert_problem(await pin(client, world, post.id, theirs.id), 404, "not_found")
    assert_problem(await reply(client, world, theirs.id), 404, "not_found")
    assert (await public(client, elsewhere, their_post.id))["items"][0]["replies"] == []


async def test_the_pinned_comment_comes_first_once_across_pages(client, factory):
    world, _, post = await site(factory)
    written = [await seed(factory, world, post.id) for _ in range(5)]
    ids = [str(c.id) for c in written]

    async def walk(limit: int) -> list[list[str]]:
        pages, cursor = [], None
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            page = await public(client, world, post.id, **params)
            pages.append([i["id"] for i in page["items"]])
            cursor = page["next_cursor"]
            if not cursor:
                return pages

    assert flat(await walk(2)) == ids
    assert (await pin(client, world, post.id, written[3].id)).status_code == 200
    pages = await walk(2)
    assert pages == [[ids[3], ids[0], ids[1]], [ids[2], ids[4]]]
    first = await public(client, world, post.id, limit=2)
    assert [i["pinned"] for i in first["items"]] == [True, False, False]
    # Pinning another replaces it; pinning it again changes nothing.
    assert (await pin(client, world, post.id, written[0].id)).status_code == 200
    assert (await pin(client, world, post.id, written[0].id)).status_code == 200
    assert flat(await walk(2)) == [ids[0], ids[1], ids[2], ids[3], ids[4]]
    assert (await public(client, world, post.id))["items"][1]["pinned"] is False
    assert flat(await walk(1)) == ids
    # Rejected: no longer pinned, nor shown; the rest keeps its order.
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{written[0].id}/reject",
        headers=world.headers["moderator"],
    )
    assert flat(await walk(2)) == ids[1:]
    restored = await client.post(
        f"/v1/tenants/{world.slug}/comments/{written[0].id}/restore",
        headers=world.headers["moderator"],
    )
    assert restored.json()["pinned"] is False
    assert flat(await walk(2)) == ids
    # Deleted by its author: no longer pinned either.
    await pin(client, world, post.id, written[4].id)
    await client.delete(
        f"/v1/sites/{world.slug}/comments/{written[4].id}", headers=world.headers["reader"]
    )
    assert flat(await walk(3)) == ids[:4]
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log",
        params={"action": "comment."},
        headers=world.headers["owner"],
    )
    actions = [e["action"] for e in log.json()["items"]]
    assert actions.count("comment.pin") == 3
    unpinned = await client.delete(pin_url(world, post.id), headers=world.headers["manager"])
    assert unpinned.status_code == 204  # nothing pinned any more: nothing to do
    await pin(client, world, post.id, written[1].id)
    assert (
        await client.delete(pin_url(world, post.id), headers=world.headers["manager"])
    ).status_code == 204
    assert flat(await walk(2)) == ids[:4]
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log",
        params={"action": "comment.unpin"},
        headers=world.headers["owner"],
    )
    assert [e["target_id"] for e in log.json()["items"]] == [ids[1]]


cache = public_cache  # the public-read cache of this process, as a fixture


async def test_pins_and_staff_replies_clear_the_public_cache(client, factory, cache):
    world, _, post = await site(factory)
    older = await seed(factory, world, post.id)
    newer = await seed(factory, world, post.id)
    path = comments_url(world, post.id)

    async def first_id() -> tuple[int, str]:
        hit, answer = await hits_of(cache, client, path)
        return hit, answer.json()["items"][0]["id"]

    assert await first_id() == (0, str(older.id))
    assert await first_id() == (1, str(older.id))  # kept
    assert (await pin(client, world, post.id, newer.id)).status_code == 200
    assert await first_id() == (0, str(newer.id))  # forgotten by the pin
    assert await first_id() == (1, str(newer.id))
    assert (await reply(client, world, older.id)).status_code == 201
    hit, answer = await hits_of(cache, client, path)
    assert hit == 0 and answer.json()["items"][1]["replies"][0]["staff"] is True
    await client.delete(pin_url(world, post.id), headers=world.headers["manager"])
    assert await first_id() == (0, str(older.id))
