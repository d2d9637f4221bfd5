"""From insight to action: invite a person from a ranking to write (the member
invitation, its link), mark ambassadors and follow their activity, and briefs that an
ambassador claims and links to the post they wrote; roles, plan, audit and tenants."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.kernel.access import Role
from tests.comments.helpers import add_reader, seed
from tests.factories import FrozenClock
from tests.insights.test_insights import _plan
from tests.posts import test_public_cache
from tests.posts.test_public import site
from tests.test_foundation import assert_problem

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
cache = test_public_cache.cache  # the fixture: this process's public-read cache, started
hits_of = test_public_cache.hits_of


def turl(world, rest: str) -> str:
    return f"/v1/tenants/{world.slug}/{rest}"


async def _audit(factory, world) -> list[str]:
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        rows = await tx.connection.execute(
            text("SELECT action FROM audit_log ORDER BY created_at, action")
        )
        return [r.action for r in rows]


async def _world_with_a_commenter(factory, monkeypatch):
    frozen = FrozenClock(monkeypatch, NOW - timedelta(days=10))
    world = await factory.world()
    # A signed-in commenter who is not a member: known to the tenant by their comment.
    user = await factory.user(name="Cora Commenter")
    world.users["cora"], world.headers["cora"] = user, factory.auth(user)
    post = await factory.post(world, await factory.blog(world))
    await add_reader(factory, world, "rita")
    frozen.set(NOW - timedelta(days=3))
    await seed(factory, world, post.id, who="rita", body="Très bon billet, merci.")
    frozen.set(NOW)
    return world, post, frozen


async def test_a_manager_invites_a_reader_from_the_ranking_in_one_step(
    client, factory, monkeypatch
):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    rita = world.users["rita"]
    answer = await client.post(
        turl(world, f"insights/people/{rita.id}/invitation"), headers=world.headers["manager"]
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["role"] == "author" and body["email"] == rita.email.lower()
    assert "accept-invitation" in body["accept_url"] and body["token"] in body["accept_url"]
    accepted = await client.post(
        turl(world, "invitations/accept"),
        json={"token": body["token"]},
        headers=world.headers["rita"],
    )
    assert accepted.status_code in (200, 201), accepted.text
    assert "member.invited" in await _audit(factory, world)
    # Now an author: a second invitation says so.
    again = await client.post(
        turl(world, f"insights/people/{rita.id}/invitation"), headers=world.headers["manager"]
    )
    assert_problem(again, 409, "conflict")


async def test_an_author_may_not_invite(client, factory, monkeypatch):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    answer = await client.post(
        turl(world, f"insights/people/{world.users['rita'].id}/invitation"),
        headers=world.headers["author"],
    )
    assert_problem(answer, 403, "forbidden")


async def test_someone_outside_the_tenant_is_not_found(client, factory, monkeypatch):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    other = await factory.world()
    stranger = other.users["reader"]  # a member of another tenant only
    owner = world.headers["owner"]
    for method, path in (
        ("PUT", f"insights/ambassadors/{stranger.id}"),
        ("POST", f"insights/people/{stranger.id}/invitation"),
        ("GET", f"insights/ambassadors/{stranger.id}"),
        ("DELETE", f"insights/ambassadors/{world.users['rita'].id}"),  # known, not marked
        ("PUT", f"insights/ambassadors/{uuid.uuid4()}"),
    ):
        answer = await client.request(method, turl(world, path), headers=owner)
        assert_problem(answer, 404, "not_found")


async def test_an_ambassador_is_marked_followed_and_unmarked(client, factory, monkeypatch):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    rita = world.users["rita"]
    manager = world.headers["manager"]
    marked = await client.put(turl(world, f"insights/ambassadors/{rita.id}"), headers=manager)
    assert marked.status_code == 200 and marked.json()["ambassador"] is True, marked.text
    twice = await client.put(turl(world, f"insights/ambassadors/{rita.id}"), headers=manager)
    assert twice.status_code == 200
    listed = await client.get(
        turl(world, "insights/ambassadors?from=2026-06-01&to=2026-06-15"), headers=manager
    )
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["user_id"] == str(rita.id) and item["comments"] == 1
    activity = await client.get(
        turl(world, f"insights/ambassadors/{rita.id}?from=2026-06-01&to=2026-06-15&bucket=day"),
        headers=manager,
    )
    assert activity.status_code == 200, activity.text
    days = activity.json()["items"]
    assert len(days) == 15 and sum(d["comments"] for d in days) == 1
    assert next(d for d in days if d["start"].startswith("2026-06-12"))["comments"] == 1
    ranked = await client.get(
        turl(world, "insights/commenters?from=2026-06-01&to=2026-06-15&filter=ambassadors"),
        headers=manager,
    )
    assert [i["user_id"] for i in ranked.json()["items"]] == [str(rita.id)]
    assert ranked.json()["items"][0]["ambassador"] is True
    gone = await client.delete(turl(world, f"insights/ambassadors/{rita.id}"), headers=manager)
    assert gone.status_code == 204
    log = await _audit(factory, world)
    assert log.count("ambassador.marked") == 1 and "ambassador.unmarked" in log
    # Another tenant's owner sees none of it.
    other = await factory.world()
    foreign = await client.get(turl(world, "insights/ambassadors"), headers=other.headers["owner"])
    assert_problem(foreign, 404, "not_found")


async def test_an_ambassador_claims_a_brief_and_links_the_post(client, factory, monkeypatch):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    author = world.users["author"]
    manager, mine = world.headers["manager"], world.headers["author"]
    created = await client.post(
        turl(world, "briefs"),
        json={
            "topic": "Nos recettes d'été",
            "body": "Trois idées fraîches.",
            "due_on": "2026-07-01",
        },
        headers=manager,
    )
    assert created.status_code == 201, created.text
    brief = created.json()
    assert brief["status"] == "open"
    # Not yet an ambassador: the author neither sees nor claims briefs.
    assert_problem(await client.get(turl(world, "briefs"), headers=mine), 403, "forbidden")
    claim = turl(world, f"briefs/{brief['id']}/claim")
    assert_problem(await client.post(claim, headers=mine), 403, "forbidden")
    await client.put(turl(world, f"insights/ambassadors/{author.id}"), headers=manager)
    listed = await client.get(turl(world, "briefs"), headers=mine)
    assert [b["id"] for b in listed.json()["items"]] == [brief["id"]]
    claimed = await client.post(claim, headers=mine)
    assert claimed.status_code == 200 and claimed.json()["claimed_by"] == str(author.id)
    assert_problem(await client.post(claim, headers=mine), 409, "conflict")
    post = await factory.post(world, await factory.blog(world), "Recettes d'été")
    link = turl(world, f"briefs/{brief['id']}/post")
    done = await client.post(link, json={"post_id": str(post.id)}, headers=mine)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["post_id"] == str(post.id)
    # Someone else's post, a stranger's claim, an unknown post.
    other_post = await factory.post(
        world, await factory.blog(world, role="manager"), role="manager"
    )
    assert_problem(
        await client.post(link, json={"post_id": str(other_post.id)}, headers=mine),
        403,
        "forbidden",
    )
    assert_problem(
        await client.post(link, json={"post_id": str(uuid.uuid4())}, headers=mine),
        404,
        "not_found",
    )
    log = await _audit(factory, world)
    assert {"brief.created", "brief.claimed", "brief.done"} <= set(log)


async def test_a_brief_in_another_tenant_is_not_found(client, factory, monkeypatch):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    other = await factory.world()
    created = await client.post(
        turl(other, "briefs"),
        json={"topic": "Ailleurs", "due_on": "2026-07-01"},
        headers=other.headers["manager"],
    )
    assert created.status_code == 201, created.text
    theirs = created.json()["id"]
    await client.put(
        turl(world, f"insights/ambassadors/{world.users['author'].id}"),
        headers=world.headers["manager"],
    )
    mine = world.headers["author"]
    for path, body in (
        (f"briefs/{theirs}/claim", None),
        (f"briefs/{theirs}/post", {"post_id": str(uuid.uuid4())}),
    ):
        answer = await client.post(turl(world, path), json=body, headers=mine)
        assert_problem(answer, 404, "not_found")
    assert (await client.get(turl(world, "briefs"), headers=mine)).json()["items"] == []
    foreign = await client.get(turl(world, "briefs"), headers=other.headers["owner"])
    assert_problem(foreign, 404, "not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"topic": "", "due_on": "2026-07-01"}, "validation_failed"),
        ({"topic": "   ", "due_on": "2026-07-01"}, "validation_failed"),
        ({"topic": "Nul\u0000", "due_on": "2026-07-01"}, "validation_failed"),
        ({"topic": "Corps", "body": "\u0000", "due_on": "2026-07-01"}, "validation_failed"),
        ({"topic": "x" * 201, "due_on": "2026-07-01"}, "validation_failed"),
        ({"topic": "Hier", "due_on": "2026-06-14"}, "invalid_input"),  # in the past
        ({"topic": "Loin", "due_on": "2028-01-01"}, "invalid_input"),  # over a year ahead
        ({"topic": "Quand ?", "due_on": "bientôt"}, "validation_failed"),
        ({"topic": "Long", "body": "x" * 2001, "due_on": "2026-07-01"}, "validation_failed"),
    ],
)
async def test_bad_briefs_are_422(client, factory, monkeypatch, body, code):
    FrozenClock(monkeypatch, NOW)
    world = await factory.world()
    answer = await client.post(turl(world, "briefs"), json=body, headers=world.headers["owner"])
    assert_problem(answer, 422, code)


async def test_plans_gate_ambassadors_and_briefs(client, factory):
    basic = await factory.world(plan="starter")
    owner = basic.headers["owner"]
    for method, path, body in (
        ("GET", "insights/ambassadors", None),
        ("PUT", f"insights/ambassadors/{basic.users['reader'].id}", None),
        (
            "POST",
            "briefs",
            {"topic": "Été", "due_on": (date.today() + timedelta(days=9)).isoformat()},
        ),
    ):
        answer = await client.request(method, turl(basic, path), json=body, headers=owner)
        assert_problem(answer, 402, "feature_not_in_plan")
    none = await factory.world(plan=await _plan(client, factory, "none"))
    answer = await client.get(turl(none, "briefs"), headers=none.headers["owner"])
    assert_problem(answer, 402, "feature_not_in_plan")


async def test_the_author_ranking_filters_ambassadors_at_their_rank_among_all(
    client, factory, monkeypatch
):
    world, _, frozen = await _world_with_a_commenter(factory, monkeypatch)
    # The manager writes too, and draws more conversation: first in the ranking.
    frozen.set(NOW - timedelta(days=2))
    busy = await factory.post(world, await factory.blog(world, "Autre"), role="manager")
    await add_reader(factory, world, "rosa")
    for who in ("rita", "rosa"):
        await seed(factory, world, busy.id, who=who, body="Bien vu, et merci.")
    frozen.set(NOW)
    manager, window = world.headers["manager"], "from=2026-06-01&to=2026-06-15"
    author = world.users["author"]
    marked = await client.put(turl(world, f"insights/ambassadors/{author.id}"), headers=manager)
    assert marked.status_code == 200, marked.text
    everyone = (await client.get(turl(world, f"insights/authors?{window}"), headers=manager)).json()
    assert [(i["handle"], i["ambassador"]) for i in everyone["items"]] == [
        (world.users["manager"].handle, False),
        (author.handle, True),
    ]
    only = await client.get(
        turl(world, f"insights/authors?{window}&filter=ambassadors"), headers=manager
    )
    assert only.status_code == 200, only.text
    [item] = only.json()["items"]
    assert (item["author_id"], item["rank"], item["ambassador"]) == (str(author.id), 2, True)
    assert only.json()["ranked_authors"] == 2  # the rank is among everyone
    wrong = await client.get(
        turl(world, f"insights/authors?{window}&filter=stars"), headers=manager
    )
    assert_problem(wrong, 422, "validation_failed")


# --- the badge on the public site -------------------------------------------------------------


async def _public(client, cache, path: str) -> tuple[int, dict]:
    hit, answer = await hits_of(cache, client, path)
    assert answer.status_code == 200, (path, answer.text)
    return hit, answer.json()


async def test_the_public_site_badges_ambassadors_and_forgets_kept_answers(
    client, factory, monkeypatch, cache
):
    world, post, _ = await _world_with_a_commenter(factory, monkeypatch)
    rita, author = world.users["rita"], world.users["author"]
    blog_slug = (await client.get(f"{site(world)}/posts")).json()["items"][0]["blog"]["slug"]
    thread = f"{site(world)}/posts/{post.id}/comments"
    single = f"{site(world)}/blogs/{blog_slug}/posts/{post.slug}"
    listed = f"{site(world)}/posts"
    page = f"{site(world)}/authors/{author.handle}"

    def badges(answers: dict[str, dict]) -> dict[str, object]:
        by_name = {c["author"]["name"]: c["author"] for c in answers[thread]["items"]}
        return {
            "rita": by_name[rita.display_name]["ambassador"],
            "post": answers[single]["author"]["ambassador"],
            "list": answers[listed]["items"][0]["author"]["ambassador"],
            "page": answers[page]["ambassador"],
        }

    async def read_all(expect_hit: int | None) -> dict[str, dict]:
        answers = {}
        for path in (thread, single, listed, page):
            hit, answers[path] = await _public(client, cache, path)
            assert expect_hit is None or hit == expect_hit, path
        return answers

    await read_all(None)  # the list was read once already, for the blog's slug
    before = await read_all(1)  # kept
    assert set(badges(before).values()) == {False}

    manager = world.headers["manager"]
    for person in (rita, author):
        marked = await client.put(turl(world, f"insights/ambassadors/{person.id}"), headers=manager)
        assert marked.status_code == 200, marked.text
    after = await read_all(0)  # every kept answer of the tenant was forgotten
    assert badges(after) == {
        "rita": True,
        "post": True,
        "list": True,
        "page": True,
    }
    await read_all(1)

    gone = await client.delete(turl(world, f"insights/ambassadors/{rita.id}"), headers=manager)
    assert gone.status_code == 204
    unmarked = await read_all(0)
    assert badges(unmarked)["rita"] is False and badges(unmarked)["post"] is True
    # A failed mark (someone outside the tenant) changes nothing: the kept answers stay.
    stranger = (await factory.world()).users["reader"]  # a new tenant: everything forgotten
    await read_all(None)
    await read_all(1)
    refused = await client.put(turl(world, f"insights/ambassadors/{stranger.id}"), headers=manager)
    assert_problem(refused, 404, "not_found")
    await read_all(1)


async def test_an_ambassador_of_one_tenant_is_not_badged_on_another(
    client, factory, monkeypatch, cache
):
    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    rita = world.users["rita"]
    other = await factory.world()
    other.users["rita"], other.headers["rita"] = rita, world.headers["rita"]
    await factory.member(other.tenant, rita, Role.READER)
    there = await factory.post(other, await factory.blog(other))
    await seed(factory, other, there.id, who="rita", body="Ailleurs aussi.")
    marked = await client.put(
        turl(world, f"insights/ambassadors/{rita.id}"), headers=world.headers["manager"]
    )
    assert marked.status_code == 200, marked.text
    _, answer = await _public(client, cache, f"{site(other)}/posts/{there.id}/comments")
    [comment] = answer["items"]
    assert comment["author"]["member"] is True and comment["author"]["ambassador"] is False
