"""Readers' rights: a signed-in reader reads and erases what a tenant holds about them;
staff do both for one reader on their request; erasure keeps the threads readable and
the rating summaries exact; nobody reads another reader's data; everything is audited."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import text

from domain.kernel.access import Role
from tests.comments.helpers import seed
from tests.factories import add_member
from tests.portability.helpers import lively
from tests.ratings.test_ratings import table_summary
from tests.test_foundation import assert_problem


def my_data(world) -> str:
    return f"/v1/sites/{world.slug}/me/data"


def me(world) -> str:
    return f"/v1/sites/{world.slug}/me"


def readers(world, user_id) -> str:
    return f"/v1/tenants/{world.slug}/readers/{user_id}"


async def _presence(db, world, user_id) -> int:
    """The insights' "who was active" rows that name this member."""
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        found = await tx.connection.execute(
            text(
                "SELECT count(*) FROM insight_presence WHERE tenant_id = :t"
                " AND person = '\\x75'::bytea || uuid_send(CAST(:u AS uuid))"
            ),
            {"t": world.tenant.id, "u": user_id},
        )
        return int(found.scalar_one())


async def _vote(client, world, post, who: str, stars: int) -> None:
    answer = await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": stars},
        headers=world.headers[who],
    )
    assert answer.status_code == 200, answer.text


async def test_a_reader_downloads_their_own_data(client, factory):
    world, _blog, post, made = await lively(factory)
    await _vote(client, world, post, "reader", 5)
    answer = await client.get(my_data(world), headers=world.headers["reader"])
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    data = answer.json()
    reader = world.users["reader"]
    assert data["format"] == "causerie-reader-data" and data["version"] == 1
    assert data["profile"]["email"] == reader.email and data["profile"]["role"] == "reader"
    assert [c["id"] for c in data["comments"]] == [str(made["first"].id)]
    assert [(r["post_id"], r["stars"]) for r in data["ratings"]] == [(str(post.id), 5)]
    assert "password_hash" not in answer.text
    assert any(a["action"] == "reader.data_exported" for a in data["audit"]) is False
    # Reading is audited (seen on the next read, and in the console's log).
    again = (await client.get(my_data(world), headers=world.headers["reader"])).json()
    assert [a["action"] for a in again["audit"]] == ["reader.data_exported"]


async def test_a_reader_cannot_read_another_readers_data(client, factory):
    world, _blog, post, _made = await lively(factory)
    other = await add_member(factory, world, "other", Role.READER)
    await seed(factory, world, post.id, "other", body="Mon avis à moi")
    mine = (await client.get(my_data(world), headers=world.headers["reader"])).json()
    assert "Mon avis à moi" not in str(mine)
    # The console's route needs staff: a reader asking for another's data is refused.
    answer = await client.get(f"{readers(world, other.id)}/data", headers=world.headers["reader"])
    assert_problem(answer, 403, "forbidden")
    erase = await client.delete(readers(world, other.id), headers=world.headers["reader"])
    assert_problem(erase, 403, "forbidden")
    # The site's own route has no user id to change: it always answers the caller's.
    theirs = (await client.get(my_data(world), headers=world.headers["other"])).json()
    assert [c["body_markdown"] for c in theirs["comments"]] == ["Mon avis à moi"]


async def test_erasure_keeps_threads_readable_and_summaries_exact(client, factory, db):
    world, _blog, post, made = await lively(factory)
    await add_member(factory, world, "other", Role.READER)
    await _vote(client, world, post, "reader", 5)
    await _vote(client, world, post, "other", 2)
    reader = world.users["reader"]
    assert await _presence(db, world, reader.id) > 0
    erased = await client.delete(me(world), headers=world.headers["reader"])
    assert erased.status_code == 200, erased.text
    assert erased.json() == {
        "user_id": str(reader.id),
        "comments_anonymised": 1,
        "ratings_removed": 1,
        "reports_removed": 0,
    }
    stored, counted = await table_summary(db, world.tenant.id, post.id)
    assert stored == counted == (1, 2, [0, 1, 0, 0, 0])
    public = await client.get(f"/v1/sites/{world.slug}/posts/{post.id}/comments")
    assert public.status_code == 200
    (first,) = [c for c in public.json()["items"] if c["id"] == str(made["first"].id)]
    assert first["status"] == "approved" and "Bravo" in first["body_html"]
    assert first["author"] == {
        "name": "[deleted]",
        "url": None,
        "member": False,
        "ambassador": False,
    }
    (reply,) = first["replies"]  # the author's answer is still in its thread
    assert reply["body_html"].startswith("<p>Merci") and reply["author"]["member"]
    assert reader.display_name not in public.text
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        row = (
            await tx.connection.execute(
                text(
                    "SELECT author_user_id, author_name, author_email, ip_hash FROM comments "
                    "WHERE id = :c"
                ),
                {"c": made["first"].id},
            )
        ).one()
        assert tuple(row) == (None, "[deleted]", None, None)
        member = await tx.connection.execute(
            text("SELECT count(*) FROM memberships WHERE tenant_id = :t AND user_id = :u"),
            {"t": world.tenant.id, "u": reader.id},
        )
        assert member.scalar_one() == 0
    assert await _presence(db, world, reader.id) == 0
    # No longer a member: their data is gone from this site.
    assert (await client.get(my_data(world), headers=world.headers["reader"])).status_code == 403
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log?limit=100", headers=world.headers["owner"]
    )
    entries = [(e["action"], e["target_id"]) for e in log.json()["items"]]
    assert ("reader.erased", str(reader.id)) in entries


async def test_a_manager_reads_and_erases_on_a_readers_request(client, factory, db):
    world, _blog, post, _made = await lively(factory)
    reader = world.users["reader"]
    await _vote(client, world, post, "reader", 3)
    data = await client.get(f"{readers(world, reader.id)}/data", headers=world.headers["manager"])
    assert data.status_code == 200 and data.json()["profile"]["email"] == reader.email
    erased = await client.delete(readers(world, reader.id), headers=world.headers["manager"])
    assert erased.status_code == 200 and erased.json()["ratings_removed"] == 1
    stored, counted = await table_summary(db, world.tenant.id, post.id)
    assert stored == counted == (0, 0, [0, 0, 0, 0, 0])
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log?limit=100", headers=world.headers["owner"]
    )
    by_manager = {
        e["action"]
        for e in log.json()["items"]
        if e["target_id"] == str(reader.id) and e["actor_user_id"] == str(world.users["manager"].id)
    }
    assert by_manager == {"reader.data_exported", "reader.erased"}
    again = await client.delete(readers(world, reader.id), headers=world.headers["manager"])
    assert_problem(again, 404, "not_found")


async def test_staff_members_are_not_erased_as_readers(client, factory):
    world = await factory.world()
    for who in ("author", "moderator", "owner"):
        user = world.users[who]
        answer = await client.delete(readers(world, user.id), headers=world.headers["manager"])
        assert_problem(answer, 409, "conflict")
    assert_problem(await client.delete(me(world), headers=world.headers["author"]), 409, "conflict")


async def test_readers_of_another_tenant_are_not_found(client, factory):
    world = await factory.world()
    other = await factory.world()
    stranger = other.users["reader"]
    answer = await client.get(f"{readers(world, stranger.id)}/data", headers=world.headers["owner"])
    assert_problem(answer, 404, "not_found")
    assert_problem(
        await client.delete(readers(world, stranger.id), headers=world.headers["owner"]),
        404,
        "not_found",
    )
    # Another tenant's staff on this tenant's routes: the tenant is not theirs.
    answer = await client.get(
        f"{readers(world, world.users['reader'].id)}/data", headers=other.headers["owner"]
    )
    assert answer.status_code == 404
    # A reader of the other site is not a member here.
    assert (await client.get(my_data(world), headers=other.headers["reader"])).status_code == 403


@pytest.mark.parametrize("bad", ["nope", "1234", str(uuid4())[:-1]])
async def test_bad_reader_ids(client, factory, bad):
    world = await factory.world()
    answer = await client.get(
        f"/v1/tenants/{world.slug}/readers/{bad}/data", headers=world.headers["owner"]
    )
    assert_problem(answer, 422, "validation_failed")


async def test_anonymous_callers_and_unknown_sites_have_no_data(client, factory):
    world = await factory.world()
    assert (await client.get(my_data(world))).status_code == 401
    assert (await client.delete(me(world))).status_code == 401
    unknown = await client.get(
        my_data(world).replace(world.slug, "no-such-site"), headers=world.headers["reader"]
    )
    assert unknown.status_code == 404
