"""Delivering a blog's activities: the Accept of a follow, a published post's Create to
every follower's (shared) inbox, its Update and Delete; signed with the blog's key; with
retries, each inbox's health, and 410 Gone dropping the inbox's followers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from api.adapters.federation_keys import RemoteActors, verified_sender
from api.worker import Worker
from domain.kernel import clock
from tests.factories import edit_post, post_transition
from tests.federation.helpers import LOCAL, actor_id, actor_path, article_id, post_signed, remote


async def _pending(db, tenant_id, *, due_by=None) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        rows = await tx.connection.execute(
            text(
                "SELECT id, inbox, activity_type, attempt FROM federation_deliveries "
                "WHERE status = 'pending' AND due_at <= :now ORDER BY created_at, id"
            ),
            {"now": due_by or clock.now()},
        )
        return list(rows)


async def _all(db, tenant_id) -> list[Any]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        return list(
            await tx.connection.execute(
                text("SELECT * FROM federation_deliveries ORDER BY created_at, attempt, id")
            )
        )


async def _run(worker: Worker, tenant_id, *, due_by=None) -> list[str]:
    await worker.dispatch(tenant_id)
    out = []
    for row in await _pending(worker.db, tenant_id, due_by=due_by):
        out.append(str(await worker.federation.deliver(tenant_id, row.id)))
    return out


def _worker(db, settings) -> Worker:
    return Worker(db, settings.model_copy(update=LOCAL))


async def _our_signature_holds(client, got, local) -> dict[str, Any]:
    """Verify what the remote server received as any receiver would: our actor's key,
    fetched over HTTP from the app, checks the signature, the Date and the Digest."""

    class AppActors(RemoteActors):
        async def _fetch(self, key_id, base, signer=None):  # the app is not on a socket here
            from api.adapters.federation_keys import actor_of

            document = (
                await client.get(key_id.split("#")[0].replace("https://causerie.test", ""))
            ).json()
            return actor_of(document, key_id)

    signer = await verified_sender(
        AppActors(),
        local.settings.outbound_policy,
        got.method,
        f"http://{got.headers['host']}{got.path}",
        got.headers,
        got.body,
        clock.now(),
    )
    return {"signer": signer.id, "activity": json.loads(got.body)}


async def test_a_follow_gets_a_signed_accept_and_a_post_reaches_the_shared_inbox_once(
    client, factory, db, local, settings
):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    worker = _worker(db, settings)
    async with remote() as alice:
        follow = alice.activity("Follow", actor_id(world, blog))
        assert (await post_signed(client, alice, inbox, follow)).status_code == 202
        # A second account on the same server, with the same shared inbox.
        alice.username = "bob"
        alice.serve()
        assert (
            await post_signed(client, alice, inbox, alice.activity("Follow", actor_id(world, blog)))
        ).status_code == 202
        assert await _run(worker, world.tenant.id) == ["succeeded", "succeeded"]
        accepts = [r for r in alice.server.received if r.method == "POST"]
        assert [r.path for r in accepts] == ["/users/alice/inbox", "/users/bob/inbox"]
        checked = await _our_signature_holds(client, accepts[0], local)
        assert checked["signer"] == actor_id(world, blog)
        assert checked["activity"]["type"] == "Accept"
        assert checked["activity"]["object"]["id"] == follow["id"]

        alice.server.received.clear()
        post = await factory.post(world, blog, "Nouveau", "Un *billet*.")
        assert await _run(worker, world.tenant.id) == ["succeeded"]
        [create] = alice.server.received
        assert create.path == "/inbox"  # the shared inbox, once for both followers
        checked = await _our_signature_holds(client, create, local)
        activity = checked["activity"]
        assert activity["type"] == "Create"
        assert activity["object"]["id"] == article_id(world, blog, post)
        assert activity["object"]["name"] == "Nouveau"

        alice.server.received.clear()
        post = await edit_post(factory, world, post, title="Nouveau titre")
        assert await _run(worker, world.tenant.id) == ["succeeded"]
        assert json.loads(alice.server.received[0].body)["type"] == "Update"
        alice.server.received.clear()
        await post_transition(factory, world, post, "delete")
        assert await _run(worker, world.tenant.id) == ["succeeded"]
        gone = json.loads(alice.server.received[0].body)
        assert gone["type"] == "Delete" and gone["object"]["type"] == "Tombstone"


async def test_a_failing_inbox_is_retried_with_backoff_and_tracked(
    client, factory, db, local, settings, monkeypatch
):
    from tests.factories import FrozenClock

    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    worker = _worker(db, settings)
    async with remote() as alice:
        await post_signed(client, alice, inbox, alice.activity("Follow", actor_id(world, blog)))
        alice.server.status = 503  # the actor document was served; the inbox now fails
        now = clock.now()
        frozen = FrozenClock(monkeypatch, now)
        assert await _run(worker, world.tenant.id) == ["failed"]
        rows = await _all(db, world.tenant.id)
        assert [(r.attempt, r.status) for r in rows] == [(1, "failed"), (2, "pending")]
        assert rows[1].due_at == now + timedelta(minutes=1)
        assert await _pending(db, world.tenant.id) == []  # not due yet
        async with db.transaction(tenant_id=world.tenant.id) as tx:
            health = (
                await tx.connection.execute(
                    text("SELECT failures, failing_since FROM federation_inboxes")
                )
            ).one()
        assert health.failures == 1 and health.failing_since == now
        alice.server.status = 200
        frozen.set(now + timedelta(minutes=1))
        assert await worker.federation.sweep() == 1
        assert await _run(worker, world.tenant.id) == ["succeeded"]
        async with db.transaction(tenant_id=world.tenant.id) as tx:
            health = (
                await tx.connection.execute(
                    text("SELECT failures, failing_since FROM federation_inboxes")
                )
            ).one()
        assert health.failures == 0 and health.failing_since is None


async def test_an_inbox_that_is_gone_loses_its_followers(client, factory, db, local, settings):
    world = await factory.world()
    blog = await factory.blog(world)
    inbox = f"{actor_path(world, blog)}/inbox"
    worker = _worker(db, settings)
    async with remote() as alice:
        await post_signed(client, alice, inbox, alice.activity("Follow", actor_id(world, blog)))
        alice.server.status = 410
        assert await _run(worker, world.tenant.id) == ["failed"]
    followers = await client.get(f"{actor_path(world, blog)}/followers")
    assert followers.json()["totalItems"] == 0
    assert [r.status for r in await _all(db, world.tenant.id)] == ["failed"]
