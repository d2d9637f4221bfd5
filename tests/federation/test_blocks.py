"""Domain blocks: what is pending from a blocked instance goes, what it sends later is
ignored, nothing is delivered to it; managers only, on plans with federation; one
tenant's blocks are its own."""

from __future__ import annotations

from sqlalchemy import text

from api.worker import Worker
from tests.federation.helpers import LOCAL, actor_id, actor_path, article_id, post_signed, remote


def _blocks(world, domain=None) -> str:
    url = f"/v1/tenants/{world.slug}/federation/blocks"
    return f"{url}/{domain}" if domain else url


async def _count(db, tenant_id, sql) -> int:
    async with db.transaction(tenant_id=tenant_id) as tx:
        return int((await tx.connection.execute(text(sql))).scalar_one())


async def test_blocking_an_instance_drops_its_pending_items_and_what_it_sends_later(
    client, factory, db, local, settings
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    inbox = f"{actor_path(world, blog)}/inbox"
    async with remote() as alice:
        await post_signed(client, alice, inbox, alice.activity("Follow", actor_id(world, blog)))
        await post_signed(
            client, alice, inbox, alice.activity("Like", article_id(world, blog, post))
        )
        note = alice.note(article_id(world, blog, post), "En attente")
        await post_signed(client, alice, inbox, alice.activity("Create", note))
        assert (
            await _count(
                db, world.tenant.id, "SELECT count(*) FROM comments WHERE status = 'pending'"
            )
            == 1
        )

        blocked = await client.put(_blocks(world, "127.0.0.1"), headers=world.headers["manager"])
        assert blocked.status_code == 200, blocked.text
        assert blocked.json() == {"domain": "127.0.0.1", "dropped": 4}
        tenant = world.tenant.id
        assert await _count(db, tenant, "SELECT count(*) FROM federation_followers") == 0
        assert await _count(db, tenant, "SELECT count(*) FROM federation_reactions") == 0
        assert (
            await _count(db, tenant, "SELECT count(*) FROM comments WHERE status = 'pending'") == 0
        )
        assert (
            await _count(
                db, tenant, "SELECT count(*) FROM federation_deliveries WHERE status = 'pending'"
            )
            == 0
        )
        # Later activities are accepted and ignored; nothing is delivered there.
        again = await post_signed(
            client, alice, inbox, alice.activity("Follow", actor_id(world, blog))
        )
        assert again.status_code == 202
        assert await _count(db, tenant, "SELECT count(*) FROM federation_followers") == 0
        await factory.post(world, blog, "Après")
        await Worker(db, settings.model_copy(update=LOCAL)).dispatch(tenant)
        assert (
            await _count(
                db, tenant, "SELECT count(*) FROM federation_deliveries WHERE status = 'pending'"
            )
            == 0
        )

    listed = await client.get(_blocks(world), headers=world.headers["owner"])
    assert listed.json() == {"domains": ["127.0.0.1"]}
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    assert "federation.domain_blocked" in [e["action"] for e in log.json()["items"]]
    gone = await client.delete(_blocks(world, "127.0.0.1"), headers=world.headers["manager"])
    assert gone.status_code == 204
    assert (
        await client.delete(_blocks(world, "127.0.0.1"), headers=world.headers["manager"])
    ).status_code == 404


async def test_who_may_block_what_and_where(client, factory):
    world, other = await factory.world(), await factory.world()
    for role in ("moderator", "author", "reader"):
        answer = await client.put(_blocks(world, "bad.example"), headers=world.headers[role])
        assert answer.status_code == 403, (role, answer.text)
    cross = await client.put(_blocks(world, "bad.example"), headers=other.headers["owner"])
    assert cross.status_code == 404
    bad = await client.put(_blocks(world, "-nope-"), headers=world.headers["owner"])
    assert bad.status_code == 422
    assert (
        await client.put(_blocks(world, "bad.example"), headers=world.headers["owner"])
    ).status_code == 200
    assert (await client.get(_blocks(other), headers=other.headers["owner"])).json() == {
        "domains": []
    }
    starter = await factory.world(plan="starter")
    refused = await client.put(_blocks(starter, "bad.example"), headers=starter.headers["owner"])
    assert refused.status_code == 402
