"""The audit log as people read it: each entry names its actor and its target (a title,
a person) in the page's one statement, whatever the page size; filters by person, action
(or family), resource and days; bad filters are 422; other tenants see nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.comments.helpers import seed, site
from tests.test_foundation import assert_problem


def log_url(world) -> str:
    return f"/v1/tenants/{world.slug}/audit-log"


async def entries(client, world, **params) -> list[dict]:
    answer = await client.get(log_url(world), params=params, headers=world.headers["owner"])
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def busy_world(client, factory):
    """A post published, a comment approved, a member's role changed, by named people."""
    world, blog, post = await site(factory, policy="pre")
    comment = await seed(factory, world, post.id)
    headers = world.headers
    await client.patch(
        f"/v1/tenants/{world.slug}/blogs/{blog.id}",
        json={"description": "Un blog tenu à jour"},
        headers=headers["owner"],
    )
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{comment.id}/approve", headers=headers["moderator"]
    )
    await client.patch(
        f"/v1/tenants/{world.slug}/members/{world.users['reader'].id}",
        json={"role": "author"},
        headers=headers["manager"],
    )
    return world, blog, post


async def test_entries_name_their_actor_and_target(client, factory):
    world, blog, post = await busy_world(client, factory)
    by_action = {e["action"]: e for e in await entries(client, world)}
    approved = by_action["comment.approve"]
    assert approved["actor_name"] == world.users["moderator"].display_name
    assert approved["target_label"] == post.title  # a comment is named by its post
    role = by_action["member.role_changed"]
    assert role["actor_name"] == world.users["manager"].display_name
    assert role["target_label"] == world.users["reader"].display_name
    assert by_action["blog.updated"]["target_label"] == blog.title
    assert approved["request_id"]  # made in a request: its id is kept


async def test_a_page_is_one_statement_whatever_its_size(client, factory, app_engine):
    world, _, _ = await busy_world(client, factory)
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if "audit_log" in statement:
            seen.append(statement)

    event.listen(app_engine.sync_engine, "before_cursor_execute", count)
    try:
        for limit in (1, 50):
            seen.clear()
            await entries(client, world, limit=limit)
            assert len(seen) == 1, seen
    finally:
        event.remove(app_engine.sync_engine, "before_cursor_execute", count)


async def test_filters_by_person_action_resource_and_days(client, factory):
    world, _, _ = await busy_world(client, factory)
    moderator = world.users["moderator"]
    mine = await entries(client, world, actor=str(moderator.id))
    assert {e["action"] for e in mine} == {"comment.approve"}
    assert {e["action"] for e in await entries(client, world, action="member.")} == {
        "member.role_changed"
    }
    exact = await entries(client, world, action="comment.approve")
    assert [e["action"] for e in exact] == ["comment.approve"]
    assert {e["target_type"] for e in await entries(client, world, target_type="blog")} == {"blog"}
    today = datetime.now(UTC).date()
    assert await entries(client, world, **{"from": str(today), "to": str(today)})
    assert await entries(client, world, to=str(today - timedelta(days=1))) == []


@pytest.mark.parametrize(
    "params",
    [
        {"actor": "not-a-uuid"},
        {"action": "DROP TABLE"},
        {"action": "x" * 61},
        {"target_type": "post;"},
        {"from": "2026-13-01"},
        {"from": "2026-12-02", "to": "2026-12-01"},
    ],
)
async def test_bad_filters_are_refused(client, factory, params):
    world = await factory.world()
    answer = await client.get(log_url(world), params=params, headers=world.headers["owner"])
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] in ("validation_failed", "invalid_input")


async def test_another_tenants_log_stays_out_of_reach(client, factory):
    world, _, _ = await busy_world(client, factory)
    other = await factory.world()
    assert_problem(
        await client.get(log_url(world), headers=other.headers["owner"]), 404, "not_found"
    )
    # Filtering by a person of another tenant finds nothing of theirs here.
    assert await entries(client, other, actor=str(world.users["moderator"].id)) == []
