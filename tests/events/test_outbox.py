"""Domain events: recorded by the use cases, written to the outbox by the unit of work in
the transaction of the change, and only if it commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.kernel.access import Role
from domain.kernel.events import DomainEvent, EventType
from persistence.database import Transaction
from persistence.uow import SqlUnitOfWork
from tests.comments.helpers import say, seed, site
from tests.events.helpers import outbox_rows, outbox_types
from tests.factories import FrozenClock, add_member, post_transition
from tests.licensing.test_licensing import billing_key, put_subscription

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


async def test_a_published_post_has_its_event_with_the_injected_time(factory, monkeypatch):
    FrozenClock(monkeypatch, AT)
    world = await factory.world()
    post = await factory.post(world, await factory.blog(world))
    [row] = await outbox_rows(factory.db, world.tenant.id)
    assert (row.type, row.tenant_id, row.version) == ("post.published", world.tenant.id, 1)
    assert row.occurred_at == row.available_at == AT
    assert row.payload["post_id"] == str(post.id)
    assert row.payload["status"] == "published"
    assert "body_markdown" not in row.payload


async def test_a_unit_of_work_left_without_commit_writes_no_event(factory):
    world = await factory.world()
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id) as uow:
        uow.record(DomainEvent(EventType.POST_UPDATED, world.tenant.id, {"post_id": "x"}))
    assert await outbox_types(factory.db, world.tenant.id) == []


async def test_a_failed_commit_takes_the_change_and_its_events_with_it(factory, monkeypatch):
    world = await factory.world()
    blog = await factory.blog(world)
    draft = await factory.post(world, blog, publish=False)

    async def refused(self: Transaction) -> None:
        raise RuntimeError("the server refused the commit")

    monkeypatch.setattr(Transaction, "commit", refused)
    with pytest.raises(RuntimeError):
        await post_transition_publish(factory, world, draft)
    monkeypatch.undo()
    assert await outbox_types(factory.db, world.tenant.id) == []


async def post_transition_publish(factory, world, post):
    from domain.posts import use_cases as content

    actor = await factory._actor(world, "author")
    async with SqlUnitOfWork(factory.db, tenant_id=world.tenant.id, user_id=actor.user_id) as uow:
        return await content.publish_post(uow, actor, post.id, None, None)


async def test_post_life_cycle_events(factory, monkeypatch):
    clock = FrozenClock(monkeypatch, AT)
    world = await factory.world()
    blog = await factory.blog(world)
    later = AT + timedelta(hours=2)
    post = await factory.post(world, blog, at=later)
    [scheduled] = await outbox_rows(factory.db, world.tenant.id)
    # Waits for its time: the worker lets it go at ``later``, not at the commit.
    assert (scheduled.type, scheduled.occurred_at, scheduled.available_at) == (
        "post.published",
        AT,
        later,
    )
    clock.set(later + timedelta(minutes=1))
    await post_transition(factory, world, post, "unpublish")
    await post_transition(factory, world, post, "delete")  # a draft's deletion says nothing
    assert await outbox_types(factory.db, world.tenant.id) == [
        "post.published",
        "post.unpublished",
    ]


async def test_comment_events_follow_where_the_comment_lands(client, factory):
    world, _, post = await site(factory, policy="open")
    assert (await say(client, world, post.id)).status_code == 201
    held_world, _, held_post = await site(factory, policy="pre")
    assert (await say(client, held_world, held_post.id)).status_code == 202
    await seed(factory, held_world, held_post.id, honeypot="bot")  # spam says nothing
    assert await outbox_types(factory.db, world.tenant.id) == [
        "post.published",
        "comment.created",
    ]
    assert await outbox_types(factory.db, held_world.tenant.id) == [
        "post.published",
        "comment.held",
    ]
    created = (await outbox_rows(factory.db, world.tenant.id))[-1].payload
    assert created["post_id"] == str(post.id) and created["status"] == "approved"
    assert "author_email" not in created and "ip_hash" not in created


async def test_moderation_and_reports_are_events(client, factory):
    world, _, post = await site(factory, policy="pre")
    held = await seed(factory, world, post.id)
    approved = await client.post(
        f"/v1/tenants/{world.slug}/comments/{held.id}/approve", headers=world.headers["moderator"]
    )
    assert approved.status_code == 200, approved.text
    await add_member(factory, world, "critic", Role.READER)
    reported = await client.post(
        f"/v1/sites/{world.slug}/comments/{held.id}/reports",
        json={"reason": "spam"},
        headers=world.headers["critic"],
    )
    assert reported.status_code in (201, 204), reported.text
    assert (await outbox_types(factory.db, world.tenant.id))[-3:] == [
        "comment.held",
        "comment.approved",
        "comment.reported",
    ]


async def test_votes_on_a_post_fold_into_one_pending_rating_event(client, factory):
    world, _, post = await site(factory)
    for who, stars in (("reader", 5), ("author", 2), ("reader", 4)):
        answer = await client.put(
            f"/v1/sites/{world.slug}/posts/{post.id}/rating",
            json={"stars": stars},
            headers=world.headers[who],
        )
        assert answer.status_code == 200, answer.text
    ratings = [
        r for r in await outbox_rows(factory.db, world.tenant.id) if r.type == "rating.changed"
    ]
    assert len(ratings) == 1
    assert ratings[0].payload["count"] == 2
    assert ratings[0].payload["histogram"] == [0, 1, 0, 1, 0]


async def test_member_events(client, factory):
    world = await factory.world()
    moderator = world.users["moderator"].id
    changed = await client.patch(
        f"/v1/tenants/{world.slug}/members/{moderator}",
        json={"role": "author"},
        headers=world.headers["owner"],
    )
    assert changed.status_code == 200, changed.text
    removed = await client.delete(
        f"/v1/tenants/{world.slug}/members/{moderator}", headers=world.headers["owner"]
    )
    assert removed.status_code == 204, removed.text
    rows = await outbox_rows(factory.db, world.tenant.id)
    assert [(r.type, r.payload) for r in rows] == [
        (
            "member.role_changed",
            {"user_id": str(moderator), "role": "author", "previous_role": "moderator"},
        ),
        ("member.removed", {"user_id": str(moderator), "role": "author", "left": False}),
    ]


async def test_a_suspension_is_a_subscription_change_and_a_suspended_tenant(client, factory):
    world = await factory.world()
    billing = await billing_key(client, factory)
    answer = await put_subscription(client, world.slug, billing, "business", "suspended")
    assert answer.status_code == 200, answer.text
    rows = await outbox_rows(factory.db, world.tenant.id)
    assert [r.type for r in rows] == ["subscription.changed", "tenant.suspended"]
    assert rows[0].payload["previous_status"] == "active"


async def test_events_never_cross_tenants(factory):
    world, other = await factory.world(), await factory.world()
    await factory.post(world, await factory.blog(world))
    assert await outbox_types(factory.db, other.tenant.id) == []
