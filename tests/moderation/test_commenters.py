"""The commenter panel and each tenant's trust and ban lists: what moderators see of a
person, how trust and bans change where that person's next comment lands, the audit,
bad input, roles, and isolation between tenants."""

from __future__ import annotations

import uuid

import pytest

from tests.comments.helpers import say, seed, site
from tests.test_foundation import assert_problem


def commenter_url(world, user_id) -> str:
    return f"/v1/tenants/{world.slug}/commenters/{user_id}"


async def put_standing(client, world, user_id, standing, note="", who="moderator"):
    return await client.put(
        commenter_url(world, user_id),
        json={"standing": standing, "note": note},
        headers=world.headers[who],
    )


async def test_the_panel_sums_up_a_commenter_in_this_tenant(client, factory):
    world, _, post = await site(factory, policy="pre")
    reader = world.users["reader"]
    kept, dropped, waiting = [await seed(factory, world, post.id) for _ in range(3)]
    queue = f"/v1/tenants/{world.slug}/comments"
    await client.post(f"{queue}/{kept.id}/approve", headers=world.headers["moderator"])
    await client.post(f"{queue}/{dropped.id}/reject", headers=world.headers["moderator"])
    await client.post(
        f"/v1/sites/{world.slug}/comments/{kept.id}/reports",
        json={"reason": "abuse"},
        headers=world.headers["author"],
    )
    answer = await client.get(commenter_url(world, reader.id), headers=world.headers["moderator"])
    assert answer.status_code == 200, answer.text
    panel = answer.json()
    assert panel["name"] == reader.display_name
    assert panel["comments"] == {"approved": 1, "rejected": 1, "pending": 1}
    assert panel["approval_rate"] == 0.5
    assert panel["reports_received"] == 1
    assert panel["first_seen"] is not None
    assert panel["standing"] is None and panel["note"] == ""
    assert waiting


async def test_a_trusted_commenter_skips_pre_moderation_and_a_banned_one_is_held(client, factory):
    world, _, post = await site(factory, policy="pre")
    reader = world.users["reader"]
    assert (await say(client, world, post.id)).status_code == 202  # pre-moderated

    trusted = await put_standing(client, world, reader.id, "trusted", "Fidèle depuis 2019")
    assert trusted.status_code == 200, trusted.text
    assert trusted.json()["standing"] == "trusted"
    visible = await say(client, world, post.id)
    assert visible.status_code == 201, visible.text
    # Trust skips the policy's hold, not the spam rules.
    links = " ".join(f"https://example.com/{i}" for i in range(2))
    assert (await say(client, world, post.id, body=f"Voir {links}")).status_code == 202

    banned = await put_standing(client, world, reader.id, "banned")
    assert banned.json()["standing"] == "banned"
    held = await say(client, world, post.id)
    assert held.status_code == 202, held.text
    listed = await client.get(
        f"/v1/tenants/{world.slug}/comments",
        params={"author": str(reader.id)},
        headers=world.headers["moderator"],
    )
    reasons = {c["id"]: c["held_reason"] for c in listed.json()["items"]}
    assert reasons[held.json()["id"]] == "banned"
    # Lifting the ban brings the policy back.
    await put_standing(client, world, reader.id, None)
    assert (await say(client, world, post.id)).status_code == 202

    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    actions = [e["action"] for e in log.json()["items"] if e["action"].startswith("commenter.")]
    assert actions == ["commenter.clear", "commenter.ban", "commenter.trust"]  # newest first


async def test_a_note_alone_is_kept_and_audited_and_repeating_changes_nothing(client, factory):
    world, _, post = await site(factory)
    reader = world.users["reader"]
    await seed(factory, world, post.id)
    noted = await put_standing(client, world, reader.id, None, "  Souvent hors sujet  ")
    assert noted.json()["note"] == "Souvent hors sujet"
    again = await put_standing(client, world, reader.id, None, "Souvent hors sujet")
    assert again.status_code == 200
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    actions = [e["action"] for e in log.json()["items"] if e["action"].startswith("commenter.")]
    assert actions == ["commenter.note"]


@pytest.mark.parametrize(
    "body",
    [
        {"standing": "vip", "note": ""},
        {"standing": "trusted", "note": "x" * 1001},
        {"note": "sans statut"},
        {"standing": "trusted", "note": "", "extra": 1},
    ],
)
async def test_bad_standings_are_refused(client, factory, body):
    world, _, _ = await site(factory)
    answer = await client.put(
        commenter_url(world, world.users["reader"].id), json=body, headers=world.headers["owner"]
    )
    assert_problem(answer, 422, "validation_failed")


async def test_roles_and_unknown_people(client, factory):
    world, _, post = await site(factory, authors_moderate_own_posts=True)
    reader = world.users["reader"]
    await seed(factory, world, post.id)
    for who in ("owner", "manager", "moderator"):
        answer = await client.get(commenter_url(world, reader.id), headers=world.headers[who])
        assert answer.status_code == 200, (who, answer.text)
    # An author moderating their own posts does not judge people across the tenant.
    for who in ("author", "reader"):
        answer = await put_standing(client, world, reader.id, "banned", who=who)
        assert_problem(answer, 403, "forbidden")
    stranger = await factory.user(name="Inconnu")
    for user_id in (stranger.id, uuid.uuid4()):
        assert_problem(
            await client.get(commenter_url(world, user_id), headers=world.headers["moderator"]),
            404,
            "not_found",
        )
        assert_problem(await put_standing(client, world, user_id, "trusted"), 404, "not_found")


async def test_a_ban_in_one_tenant_does_not_reach_another(client, factory):
    world, _, post = await site(factory, policy="pre")
    other, _, other_post = await site(factory, policy="open")
    reader = world.users["reader"]
    await seed(factory, world, post.id)
    await put_standing(client, world, reader.id, "banned")
    # Another tenant's moderator cannot read or change this tenant's lists.
    assert_problem(
        await client.get(commenter_url(world, reader.id), headers=other.headers["moderator"]),
        404,
        "not_found",
    )
    assert_problem(
        await client.put(
            commenter_url(world, reader.id),
            json={"standing": None, "note": ""},
            headers=other.headers["owner"],
        ),
        404,
        "not_found",
    )
    # The same person (as that tenant's reader) is not banned there.
    assert (await say(client, other, other_post.id)).status_code == 201
    assert (
        await client.get(
            commenter_url(other, other.users["reader"].id), headers=other.headers["moderator"]
        )
    ).json()["standing"] is None
