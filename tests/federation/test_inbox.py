"""A blog's inbox: signed activities from a remote account on a loopback server.
Follows (accepted), likes and boosts (counted), replies (comments from the fediverse,
moderated like anonymous ones), their updates and deletions, an account's deletion; and
every way a POST can be refused."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from domain.kernel import clock
from tests.federation.helpers import actor_id, actor_path, article_id, post_signed, remote


async def _rows(db, tenant_id, sql, **params):
    async with db.transaction(tenant_id=tenant_id) as tx:
        return list(await tx.connection.execute(text(sql), params))


async def _followers(client, world, blog) -> int:
    return (await client.get(f"{actor_path(world, blog)}/followers")).json()["totalItems"]


async def test_a_follow_is_accepted_and_an_undo_ends_it(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        answer = await post_signed(client, alice, inbox, follow)
        assert answer.status_code == 202, answer.text
        assert await _followers(client, world, blog) == 1
        [accept] = await _rows(
            db,
            world.tenant.id,
            "SELECT inbox, activity_type, body, status FROM federation_deliveries",
        )
        assert accept.inbox == f"{alice.id}/inbox" and accept.activity_type == "Accept"
        assert accept.status == "pending"
        assert json.loads(accept.body)["object"]["id"] == follow["id"]

        undo = alice.activity("Undo", follow)
        assert (await post_signed(client, alice, inbox, undo)).status_code == 202
        assert await _followers(client, world, blog) == 0


async def test_likes_and_boosts_are_counted_per_post_and_undone(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        like = alice.activity("Like", article_id(world, blog, post))
        boost = alice.activity("Announce", article_id(world, blog, post))
        for activity in (like, like, boost):  # a like delivered twice counts once
            assert (await post_signed(client, alice, inbox, activity)).status_code == 202
        counts = await _rows(
            db,
            world.tenant.id,
            "SELECT kind, count(*) AS n FROM federation_reactions WHERE post_id = :p "
            "GROUP BY kind ORDER BY kind",
            p=post.id,
        )
        assert [(r.kind, r.n) for r in counts] == [("announce", 1), ("like", 1)]
        assert (
            await post_signed(client, alice, inbox, alice.activity("Undo", like))
        ).status_code == 202
        left = await _rows(db, world.tenant.id, "SELECT kind FROM federation_reactions")
        assert [r.kind for r in left] == ["announce"]


async def test_a_reply_becomes_a_held_comment_from_activitypub_with_clean_text(
    client, factory, db, local
):
    world = await factory.world()  # policy "trusted": anonymous comments wait
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        note = alice.note(
            article_id(world, blog, post),
            '<p>Bravo <script>alert(1)</script><a href="javascript:x">ici</a></p><p>Merci</p>',
        )
        answer = await post_signed(client, alice, inbox, alice.activity("Create", note))
        assert answer.status_code == 202, answer.text
        queue = await client.get(
            f"/v1/tenants/{world.slug}/comments?status=pending", headers=world.headers["moderator"]
        )
        [held] = queue.json()["items"]
        assert held["author"]["name"] == "Alice Remote"
        assert "script" not in held["body_html"] and "alert" not in held["body_html"]
        assert "javascript" not in held["body_html"]
        assert "Bravo" in held["body_html"] and "Merci" in held["body_html"]
        [row] = await _rows(
            db,
            world.tenant.id,
            "SELECT source, remote_id, remote_actor, author_handle, author_avatar, author_url "
            "FROM comments",
        )
        assert row.source == "activitypub" and row.remote_id == note["id"]
        assert row.remote_actor == alice.id
        assert row.author_handle == "@alice@127.0.0.1"
        assert row.author_avatar.endswith("/a.png") and row.author_url.endswith("/@alice")

        approved = await client.post(
            f"/v1/tenants/{world.slug}/comments/{held['id']}/approve",
            headers=world.headers["moderator"],
        )
        assert approved.status_code == 200, approved.text
        shown = await client.get(f"/v1/sites/{world.slug}/posts/{post.id}/comments")
        assert [c["id"] for c in shown.json()["items"]] == [held["id"]]

        # A reply to that reply threads under it.
        answer_note = alice.note(note["id"], "Et encore")
        await post_signed(client, alice, inbox, alice.activity("Create", answer_note))
        threaded = await _rows(
            db,
            world.tenant.id,
            "SELECT parent_id FROM comments WHERE remote_id = :r",
            r=answer_note["id"],
        )
        assert str(threaded[0].parent_id) == held["id"]

        # Update and Delete of the reply, by its author only.
        edited = {**note, "content": "<p>Bravo, corrigé</p>"}
        await post_signed(client, alice, inbox, alice.activity("Update", edited))
        [body] = await _rows(
            db, world.tenant.id, "SELECT body_markdown FROM comments WHERE id = :i", i=held["id"]
        )
        assert body.body_markdown == "Bravo, corrigé"
        await post_signed(client, alice, inbox, alice.activity("Delete", note["id"]))
        [gone] = await _rows(
            db, world.tenant.id, "SELECT status FROM comments WHERE id = :i", i=held["id"]
        )
        assert gone.status == "deleted"


async def test_an_open_blog_shows_a_reply_at_once_and_deleting_the_account_removes_it(
    client, factory, db, local
):
    world = await factory.world(comment_policy="open")
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        await post_signed(client, alice, inbox, alice.activity("Follow", actor_id(world, blog)))
        note = alice.note(article_id(world, blog, post), "Très juste.")
        await post_signed(client, alice, inbox, alice.activity("Create", note))
        shown = await client.get(f"/v1/sites/{world.slug}/posts/{post.id}/comments")
        assert len(shown.json()["items"]) == 1
        assert (
            await post_signed(client, alice, inbox, alice.activity("Delete", alice.id))
        ).status_code == 202
        shown = await client.get(f"/v1/sites/{world.slug}/posts/{post.id}/comments")
        assert shown.json()["items"] == []
        assert await _followers(client, world, blog) == 0


async def test_unknown_activities_and_replies_elsewhere_are_accepted_and_ignored(
    client, factory, db, local
):
    world, other = await factory.world(comment_policy="open"), await factory.world()
    blog = await factory.blog(world)
    theirs = await factory.post(other, await factory.blog(other))
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        for activity in (
            alice.activity("Flag", actor_id(world, blog)),
            alice.activity("Move", {"weird": [1, 2]}),
            # Another tenant's post, named under this blog's actor: not ours.
            alice.activity(
                "Create", alice.note(f"{actor_id(world, blog)}/posts/{theirs.id}", "Hop")
            ),
            alice.activity("Create", alice.note("https://elsewhere.example/notes/1", "Hop")),
            alice.activity("Like", "https://elsewhere.example/notes/1"),
        ):
            answer = await post_signed(client, alice, inbox, activity)
            assert answer.status_code == 202, (activity["type"], answer.text)
    for tenant in (world, other):
        assert await _rows(db, tenant.tenant.id, "SELECT id FROM comments") == []
        assert await _rows(db, tenant.tenant.id, "SELECT id FROM federation_reactions") == []


# --- refusals -----------------------------------------------------------------------


async def _refused(answer, status: int = 401) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_unsigned_and_badly_signed_posts_are_401(client, factory, db, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice, remote() as mallory:
        follow = alice.activity("Follow", actor_id(world, blog))
        await _refused(await client.post(inbox, json=follow))
        # Signed with another key than the one alice's document shows.
        await _refused(
            await post_signed(client, alice, inbox, follow, private_pem=mallory.private_pem)
        )
        # Alice's key, but an activity in mallory's name.
        forged = {**follow, "actor": mallory.id}
        await _refused(await post_signed(client, alice, inbox, forged))
        broken = alice.signed(inbox, follow)
        broken[1]["Signature"] = 'keyId="x",signature="%%%"'
        await _refused(await client.post(inbox, content=broken[0], headers=broken[1]))
    assert await _followers(client, world, blog) == 0


async def test_a_stale_date_and_a_digest_mismatch_are_401(client, factory, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        stale = clock.now() - timedelta(hours=2)
        await _refused(await post_signed(client, alice, inbox, follow, at=stale))
        other_body = json.dumps({**follow, "object": "https://causerie.test/other"}).encode()
        await _refused(await post_signed(client, alice, inbox, follow, body=other_body))
    assert await _followers(client, world, blog) == 0


async def test_a_key_on_a_private_address_is_never_fetched(client, factory, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        for key_id in ("http://10.0.0.7/users/a#main-key", "http://169.254.169.254/latest#k"):
            answer = await post_signed(client, alice, inbox, follow, key_id=key_id)
            await _refused(answer)
            assert "private" in answer.json()["detail"] or "link-local" in answer.json()["detail"]
        assert alice.server.received == []


async def test_a_huge_or_silent_actor_document_is_refused(client, factory, local, settings):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote(huge_bytes=50 * 1024 * 1024) as big:
        await _refused(
            await post_signed(client, big, inbox, big.activity("Follow", actor_id(world, blog)))
        )
    local.settings = settings.model_copy(
        update={"outbound_allow_loopback": True, "outbound_timeout_seconds": 0.3}
    )
    async with remote(hang=True) as slow:
        await _refused(
            await post_signed(client, slow, inbox, slow.activity("Follow", actor_id(world, blog)))
        )
    assert await _followers(client, world, blog) == 0


async def test_one_instance_flooding_an_inbox_is_rate_limited(client, factory, local, settings):
    local.settings = settings.model_copy(
        update={"outbound_allow_loopback": True, "federation_inbox_per_minute": 3}
    )
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        answers = [
            await post_signed(client, alice, inbox, alice.activity("Like", actor_id(world, blog)))
            for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[3].headers["retry-after"]) >= 1


async def test_what_is_not_an_activity_is_422(client, factory, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    for body in (b"not json", b"[1,2]", b'{"type": "Follow"}', b"[" * 100_000):
        answer = await client.post(
            inbox, content=body, headers={"Content-Type": "application/activity+json"}
        )
        await _refused(answer, 422)


async def test_a_plan_without_federation_has_no_inbox(client, factory, local):
    world = await factory.world(plan="starter")
    blog = await factory.blog(world, role="owner")
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        answer = await post_signed(
            client, alice, inbox, alice.activity("Follow", actor_id(world, blog))
        )
    await _refused(answer, 404)


async def test_the_queue_filters_by_source_and_shows_each_items_channel(client, factory, local):
    world = await factory.world(anonymous_comments=True)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    web = await client.post(
        f"/v1/sites/{world.slug}/posts/{post.id}/comments",
        json={"body": "Depuis le site", "author_name": "Zoé"},
    )
    assert web.status_code in (201, 202), web.text
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        note = alice.note(article_id(world, blog, post), "Depuis le fédivers")
        await post_signed(client, alice, inbox, alice.activity("Create", note))
    url = f"/v1/tenants/{world.slug}/comments"
    moderator = world.headers["moderator"]
    every = (await client.get(url, headers=moderator)).json()["items"]
    assert sorted(c["source"] for c in every) == ["activitypub", "web"]
    fediverse = (await client.get(f"{url}?source=activitypub", headers=moderator)).json()["items"]
    assert [c["author"]["handle"] for c in fediverse] == ["@alice@127.0.0.1"]
    assert fediverse[0]["author"]["avatar"].endswith("/a.png")
    web_only = (await client.get(f"{url}?source=web", headers=moderator)).json()["items"]
    assert [c["author"]["name"] for c in web_only] == ["Zoé"]
    bad = await client.get(f"{url}?source=carrier-pigeon", headers=moderator)
    assert bad.status_code == 422


async def test_an_undo_by_id_ends_only_the_follow_it_names(client, factory, local):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        await post_signed(client, alice, inbox, follow)
        for stray in (alice.activity("Undo", None), alice.activity("Undo", f"{alice.id}/other")):
            assert (await post_signed(client, alice, inbox, stray)).status_code == 202
        assert await _followers(client, world, blog) == 1
        await post_signed(client, alice, inbox, alice.activity("Undo", follow["id"]))
        assert await _followers(client, world, blog) == 0
