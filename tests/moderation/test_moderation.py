"""The console's moderation queue: who may moderate, filters and counts, decisions one
by one and in bulk (all or nothing), restore, audit, and isolation between tenants."""

from __future__ import annotations

import uuid

import pytest

from domain.tenants.model import CommentPolicy
from tests.comments.helpers import add_reader, comments_url, db_comment_count, seed, site
from tests.test_foundation import assert_problem


def queue_url(world) -> str:
    return f"/v1/tenants/{world.slug}/comments"


async def decide(client, world, comment_id, action: str, who: str = "moderator"):
    return await client.post(
        f"{queue_url(world)}/{comment_id}/{action}", headers=world.headers[who]
    )


async def bulk(client, world, action: str, ids, who: str = "moderator"):
    return await client.post(
        f"{queue_url(world)}/bulk",
        json={"action": action, "ids": [str(i) for i in ids]},
        headers=world.headers[who],
    )


EVERYONE = {"operator": 200, "owner": 200, "manager": 200, "moderator": 200}
NOBODY = {"author": 403, "reader": 403, "outsider": 404, "anonymous": 401}


@pytest.mark.parametrize("who", sorted({**EVERYONE, **NOBODY}))
async def test_role_matrix(client, factory, who):
    world, _, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    expected = {**EVERYONE, **NOBODY}[who]
    listed = await client.get(queue_url(world), headers=world.headers[who])
    approved = await decide(client, world, comment.id, "approve", who)
    counted = await client.get(f"{queue_url(world)}/counts", headers=world.headers[who])
    for answer in (listed, approved, counted):
        if expected == 200:
            assert answer.status_code == 200, answer.text
        else:
            codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
            assert_problem(answer, expected, codes[expected])
    assert await db_comment_count(factory, world, post.id) == (
        (1, 1) if expected == 200 else (0, 0)
    )


async def test_authors_moderate_their_own_posts_only_when_enabled(client, factory):
    world, _, post = await site(factory, policy="pre", authors_moderate_own_posts=True)
    manager_blog = await factory.blog(world, "Le blog du manager", role="manager")
    theirs = await factory.post(world, manager_blog, role="manager")
    on_mine = await seed(factory, world, post.id)
    on_theirs = await seed(factory, world, theirs.id)
    listed = await client.get(queue_url(world), headers=world.headers["author"])
    assert [c["id"] for c in listed.json()["items"]] == [str(on_mine.id)]
    counts = await client.get(f"{queue_url(world)}/counts", headers=world.headers["author"])
    assert counts.json()["pending"] == 1
    assert (await decide(client, world, on_mine.id, "approve", "author")).status_code == 200
    assert_problem(await decide(client, world, on_theirs.id, "approve", "author"), 403, "forbidden")
    mixed = await bulk(client, world, "reject", [on_mine.id, on_theirs.id], "author")
    assert_problem(mixed, 403, "forbidden")
    assert await db_comment_count(factory, world, post.id) == (1, 1)
    assert await db_comment_count(factory, world, theirs.id) == (0, 0)

    disabled, _, other_post = await site(factory, policy="pre")
    own = await seed(factory, disabled, other_post.id)
    assert_problem(await decide(client, disabled, own.id, "approve", "author"), 403, "forbidden")


async def test_queue_filters_counts_and_reports(client, factory):
    world, blog, post = await site(factory, policy="trusted")
    other_blog = await factory.blog(world, "Autre blog")
    elsewhere = await factory.post(world, other_blog)
    by_reader = await seed(factory, world, post.id, "reader")
    anonymous = await seed(factory, world, post.id, "anonymous", author_email="a@example.test")
    on_other = await seed(factory, world, elsewhere.id, "author")
    for name in ("r1", "r2"):
        await add_reader(factory, world, name)
        await client.post(
            f"/v1/sites/{world.slug}/comments/{by_reader.id}/reports",
            json={"reason": "off_topic", "note": f"vu par {name}"},
            headers=world.headers[name],
        )
    owner = world.headers["owner"]

    async def ids(**params):
        answer = await client.get(queue_url(world), params=params, headers=owner)
        assert answer.status_code == 200, answer.text
        return {c["id"] for c in answer.json()["items"]}

    assert await ids() == {str(by_reader.id), str(anonymous.id), str(on_other.id)}
    assert await ids(status="pending") == {str(anonymous.id)}
    assert await ids(status="approved") == {str(by_reader.id), str(on_other.id)}
    assert await ids(post=str(elsewhere.id)) == {str(on_other.id)}
    assert await ids(blog=str(blog.id)) == {str(by_reader.id), str(anonymous.id)}
    assert await ids(author=str(world.users["reader"].id)) == {str(by_reader.id)}
    assert (
        await client.get(queue_url(world), params={"status": "odd"}, headers=owner)
    ).status_code == 422
    counts = (await client.get(f"{queue_url(world)}/counts", headers=owner)).json()
    assert counts == {
        "pending": 1,
        "approved": 2,
        "rejected": 0,
        "spam": 0,
        "deleted": 0,
        "reported": 0,
    }
    # A third reader's report hides it: now it is the one "reported" comment.
    assert await ids(reported="true") == set()
    await add_reader(factory, world, "r3")
    third = await client.post(
        f"/v1/sites/{world.slug}/comments/{by_reader.id}/reports",
        json={"reason": "abuse"},
        headers=world.headers["r3"],
    )
    assert third.status_code == 204, third.text
    assert await ids(reported="true") == {str(by_reader.id)}
    assert await ids(reported="false") == {str(anonymous.id), str(on_other.id)}
    assert await ids(reported="true", blog=str(other_blog.id)) == set()
    bad = await client.get(queue_url(world), params={"reported": "maybe"}, headers=owner)
    assert_problem(bad, 422, "validation_failed")
    counts = (await client.get(f"{queue_url(world)}/counts", headers=owner)).json()
    assert counts["reported"] == 1
    detail = (await client.get(f"{queue_url(world)}/{by_reader.id}", headers=owner)).json()
    assert detail["open_reports"] == 3
    assert sorted(r["note"] or "" for r in detail["reports"]) == ["", "vu par r1", "vu par r2"]
    assert {r["reason"] for r in detail["reports"]} == {"off_topic", "abuse"}
    # A decision settles the open reports; they stay visible, dismissed.
    await decide(client, world, by_reader.id, "approve", "owner")
    detail = (await client.get(f"{queue_url(world)}/{by_reader.id}", headers=owner)).json()
    assert detail["open_reports"] == 0 and all(r["dismissed_at"] for r in detail["reports"])


async def test_queue_is_paginated_newest_first(client, factory):
    world, _, post = await site(factory, policy="pre")
    made = [str((await seed(factory, world, post.id)).id) for _ in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get(queue_url(world), params=params, headers=world.headers["owner"])
        ).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))


async def test_decisions_keep_the_comment_count_exact_and_are_audited(client, factory):
    world, _, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    steps = [
        ("approve", "approved", 1),
        ("reject", "rejected", 0),
        ("restore", "approved", 1),
        ("spam", "spam", 0),
        ("restore", "approved", 1),
        ("approve", "approved", 1),
    ]
    for action, status, count in steps:
        answer = await decide(client, world, comment.id, action)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == status
        assert await db_comment_count(factory, world, post.id) == (count, count)
    assert_problem(await decide(client, world, comment.id, "restore"), 409, "conflict")
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    actions = [e["action"] for e in log.json()["items"] if e["target_type"] == "comment"]
    assert sorted(actions) == sorted(f"comment.{a}" for a, _, _ in steps[:-1])
    assert_problem(await decide(client, world, comment.id, "promote"), 422, "validation_failed")


async def test_restore_returns_a_held_comment_to_the_queue(client, factory):
    world, _, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    await decide(client, world, comment.id, "spam")
    restored = await decide(client, world, comment.id, "restore")
    assert restored.json()["status"] == "pending"


async def test_deleted_comments_cannot_be_moderated(client, factory):
    world, _, post = await site(factory)
    comment = await seed(factory, world, post.id)
    await client.delete(
        f"/v1/sites/{world.slug}/comments/{comment.id}", headers=world.headers["reader"]
    )
    assert_problem(await decide(client, world, comment.id, "approve"), 409, "conflict")


async def test_bulk_is_all_or_nothing(client, factory):
    world, _, post = await site(factory, policy="pre")
    comments = [await seed(factory, world, post.id) for _ in range(3)]
    done = await bulk(client, world, "approve", [c.id for c in comments] + [comments[0].id])
    assert done.status_code == 200, done.text
    assert {c["status"] for c in done.json()["items"]} == {"approved"}
    assert await db_comment_count(factory, world, post.id) == (3, 3)

    fresh = await seed(factory, world, post.id)
    unknown = await bulk(client, world, "reject", [fresh.id, comments[0].id, uuid.uuid4()])
    assert_problem(unknown, 404, "not_found")
    assert await db_comment_count(factory, world, post.id) == (3, 3)
    pending = await client.get(
        queue_url(world), params={"status": "pending"}, headers=world.headers["owner"]
    )
    assert [c["id"] for c in pending.json()["items"]] == [str(fresh.id)]


@pytest.mark.parametrize("size", [0, 101, 10_000])
async def test_bulk_size_is_bounded(client, factory, size):
    world, _, _ = await site(factory)
    answer = await bulk(client, world, "approve", [uuid.uuid4() for _ in range(size)])
    assert_problem(answer, 422, "validation_failed")


async def test_a_moderator_cannot_reach_another_tenants_comments(client, factory):
    world, _, _ = await site(factory, policy="pre")
    other, _, their_post = await site(factory, policy="pre")
    theirs = await seed(factory, other, their_post.id)
    mine = await seed(factory, world, (await factory.post(world, await factory.blog(world))).id)
    assert_problem(await decide(client, world, theirs.id, "approve"), 404, "not_found")
    assert_problem(
        await client.get(f"{queue_url(world)}/{theirs.id}", headers=world.headers["moderator"]),
        404,
        "not_found",
    )
    mixed = await bulk(client, world, "approve", [mine.id, theirs.id])
    assert_problem(mixed, 404, "not_found")
    # Tenant B's moderator sees it untouched; tenant A's own comment too.
    detail = await client.get(f"{queue_url(other)}/{theirs.id}", headers=other.headers["moderator"])
    assert detail.json()["status"] == "pending"
    assert (
        await client.get(f"{queue_url(world)}/{mine.id}", headers=world.headers["moderator"])
    ).json()["status"] == "pending"
    # Tenant A's moderator addressing tenant B's queue is an outsider there.
    crossing = await client.post(
        f"{queue_url(other)}/{theirs.id}/approve", headers=world.headers["moderator"]
    )
    assert_problem(crossing, 404, "not_found")
    # Nor can any filter of its own queue reach tenant B's comments.
    for params in ({"reported": "false"}, {"reported": "true"}, {"post": str(their_post.id)}):
        listed = await client.get(
            queue_url(world), params=params, headers=world.headers["moderator"]
        )
        assert str(theirs.id) not in {c["id"] for c in listed.json()["items"]}, params
    outsider = await client.get(
        queue_url(other), params={"reported": "true"}, headers=world.headers["moderator"]
    )
    assert_problem(outsider, 404, "not_found")


async def test_a_closed_policy_does_not_block_moderation_of_existing_comments(client, factory):
    world, _, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    await client.patch(
        f"/v1/tenants/{world.slug}",
        json={"settings": {"comment_policy": CommentPolicy.CLOSED.value}},
        headers=world.headers["owner"],
    )
    assert (await decide(client, world, comment.id, "approve")).status_code == 200
    listing = await client.get(comments_url(world, post.id))
    assert [c["id"] for c in listing.json()["items"]] == [str(comment.id)]


async def test_an_authors_queue_keeps_the_reported_filter(client, factory):
    world, _, post = await site(factory, policy="open", authors_moderate_own_posts=True)
    reported = await seed(factory, world, post.id, "reader")
    quiet = await seed(factory, world, post.id, "reader")
    for name in ("r1", "r2", "r3"):
        await add_reader(factory, world, name)
        answer = await client.post(
            f"/v1/sites/{world.slug}/comments/{reported.id}/reports",
            json={"reason": "abuse"},
            headers=world.headers[name],
        )
        assert answer.status_code == 204, answer.text

    async def ids(**params):
        answer = await client.get(queue_url(world), params=params, headers=world.headers["author"])
        assert answer.status_code == 200, answer.text
        return {c["id"] for c in answer.json()["items"]}

    assert await ids(reported="true") == {str(reported.id)}
    assert await ids(reported="false") == {str(quiet.id)}


async def test_a_tampered_queue_cursor_is_refused(client, factory):
    world, _, post = await site(factory, policy="pre")
    for _ in range(2):
        await seed(factory, world, post.id)
    owner = world.headers["owner"]
    cursor = (await client.get(queue_url(world), params={"limit": 1}, headers=owner)).json()[
        "next_cursor"
    ]
    payload, mac = cursor.split(".")
    # The first character: the last one may carry only padding bits.
    forged = f"{payload}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"
    assert_problem(
        await client.get(queue_url(world), params={"cursor": forged}, headers=owner),
        422,
        "validation_failed",
    )


async def test_restore_undoes_an_approval_from_the_queue_with_its_hold_reason(client, factory):
    world, _, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    approved = await decide(client, world, comment.id, "approve")
    assert approved.json()["status"] == "approved"
    assert await db_comment_count(factory, world, post.id) == (1, 1)
    undone = await decide(client, world, comment.id, "restore")
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "pending"
    assert undone.json()["held_reason"] == "policy"
    assert await db_comment_count(factory, world, post.id) == (0, 0)
    # A comment that was visible before a moderator ever saw it has nothing to undo.
    open_world, _, open_post = await site(factory, policy="open")
    visible = await seed(factory, open_world, open_post.id)
    assert_problem(await decide(client, open_world, visible.id, "restore"), 409, "conflict")


async def test_the_queue_searches_text_and_filters_by_tone(client, factory):
    world, _, post = await site(factory, policy="pre")
    angry = await seed(factory, world, post.id, body="Terrible, je déteste ce service, honteux.")
    happy = await seed(factory, world, post.id, body="Merci, un article formidable et précis !")
    odd = await seed(factory, world, post.id, body="100% d'accord avec_ceci")

    async def ids(**params) -> list[str]:
        answer = await client.get(
            queue_url(world), params=params, headers=world.headers["moderator"]
        )
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    assert await ids(q="DETESTE") == [str(angry.id)]  # case and accents ignored
    assert await ids(q="merci précis") == [str(happy.id)]  # every word
    assert await ids(q="%") == [str(odd.id)]  # LIKE's wildcards match themselves
    assert await ids(q="_ceci") == [str(odd.id)]
    assert await ids(q="   ") == await ids()
    assert str(angry.id) in await ids(tone="negative")
    assert str(happy.id) not in await ids(tone="negative")
    listed = await client.get(queue_url(world), headers=world.headers["moderator"])
    tones = {c["id"]: c["tone"] for c in listed.json()["items"]}
    assert tones[str(angry.id)] == "negative" and tones[str(happy.id)] == "positive"
    for bad in ({"tone": "furious"}, {"q": "x" * 201}):
        answer = await client.get(queue_url(world), params=bad, headers=world.headers["moderator"])
        assert_problem(answer, 422, "validation_failed")
