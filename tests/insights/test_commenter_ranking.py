"""People who matter, readers included: ``GET /v1/tenants/{tenant}/insights/commenters``
ranks signed-in commenters by the conversation they create, explains each score, and
filters by new, members and authors; roles, plan level, bad input and tenants."""

from __future__ import annotations

import csv
import io
import math
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.insights.model import CommenterFigures, commenter_influence, rank_commenters
from domain.kernel.access import Role
from tests.comments.helpers import add_reader, seed
from tests.factories import FrozenClock, add_member
from tests.test_foundation import assert_problem

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
WINDOW = "from=2026-06-01&to=2026-06-15"


def ranking_url(world, query: str = "") -> str:
    return f"/v1/tenants/{world.slug}/insights/commenters{'?' + query if query else ''}"


def test_the_commenter_score_explains_itself_and_rewards_the_conversation_started():
    uid = uuid.uuid4
    talker = CommenterFigures(uid(), "Talker", "talker", comments=20, active_days=1)
    starter = CommenterFigures(
        uid(), "Starter", "starter", comments=3, replies=6, repliers=5, active_days=3
    )
    ranked = rank_commenters([talker, starter])
    assert [r.figures.name for r in ranked] == ["Starter", "Talker"]
    parts = {p.name: p for p in commenter_influence(starter).parts}
    assert parts["repliers"].points == round(3 * math.log1p(5), 3)
    assert parts["active_days"].points == round(2 * math.log1p(3), 3)
    assert parts["ratings"].points == 0 and parts["rating_average"].figure == 3.0
    assert ranked[0].score == round(sum(p.points for p in ranked[0].parts), 3)


async def _conversation(client, factory, monkeypatch):
    """Rita starts threads that three people answer, over three days; Tom comments a lot
    on one day and nobody answers; the author comments once and is answered once."""
    frozen = FrozenClock(monkeypatch, NOW - timedelta(days=30))
    world = await factory.world()
    for name in ("rita", "tom", "ann", "bob"):
        await add_reader(factory, world, name)
    await add_member(factory, world, "old-timer", Role.READER)
    await add_reader(factory, world, "cora")  # she comments, then leaves the site
    post = await factory.post(world, await factory.blog(world))
    frozen.set(NOW - timedelta(days=20))  # before the window: the old-timer is not new
    await seed(factory, world, post.id, who="old-timer", body="Premier passage ici.")
    for day in range(3):
        frozen.set(NOW - timedelta(days=6 - day))
        rita = await seed(factory, world, post.id, who="rita", body=f"Qu'en pensez-vous ? {day}")
        for who in ("tom", "ann", "bob")[: day + 1]:
            await seed(
                factory, world, post.id, who=who, body=f"Réponse {who} {day}", parent_id=rita.id
            )
    frozen.set(NOW - timedelta(days=2))
    for n in range(6):
        await seed(factory, world, post.id, who="tom", body=f"Encore moi, Tom, {n}.")
    mine = await seed(factory, world, post.id, who="author", body="Merci à tous !")
    await seed(factory, world, post.id, who="cora", body="Je passais par là.")
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        await tx.connection.execute(
            text("DELETE FROM memberships WHERE user_id = :u"), {"u": world.users["cora"].id}
        )
        await tx.commit()
    await seed(factory, world, post.id, who="old-timer", body="De rien.", parent_id=mine.id)
    await seed(factory, world, post.id, who="rita", body="Je réponds à moi-même", parent_id=mine.id)
    frozen.set(NOW)
    answer = await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": 5},
        headers=world.headers["ann"],
    )
    assert answer.status_code == 200, answer.text
    return world


def _parts(item) -> dict[str, dict]:
    return {p["name"]: p for p in item["parts"]}


async def test_the_ranking_finds_the_reader_who_starts_conversations(client, factory, monkeypatch):
    world = await _conversation(client, factory, monkeypatch)
    answer = await client.get(ranking_url(world, WINDOW), headers=world.headers["owner"])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    names = [i["name"] for i in body["items"]]
    assert names[0] == world.users["rita"].display_name
    assert body["ranked_commenters"] == 7  # rita, tom, ann, bob, author, old-timer, cora
    rita = _parts(body["items"][0])
    assert rita["repliers"]["figure"] == 3 and rita["replies"]["figure"] == 6
    assert rita["active_days"]["figure"] == 4 and rita["comments"]["figure"] == 4
    assert rita["ratings"]["figure"] == 1 and rita["rating_average"]["figure"] == round(20 / 6, 3)
    tom = next(i for i in body["items"] if i["handle"] == world.users["tom"].handle)
    assert _parts(tom)["repliers"]["figure"] == 0 and _parts(tom)["comments"]["figure"] == 9
    author = next(i for i in body["items"] if i["user_id"] == str(world.users["author"].id))
    # Rita's reply to the author counts; nobody's reply to themselves would.
    assert _parts(author)["repliers"]["figure"] == 2
    assert body["formula"].startswith("3 ln(1+repliers)")
    for item in body["items"]:
        assert item["score"] == round(sum(p["points"] for p in item["parts"]), 3)


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("new", {"rita", "tom", "ann", "bob", "author", "cora"}),
        ("members", {"rita", "tom", "ann", "bob", "author", "old-timer"}),
        ("authors", {"author"}),
    ],
)
async def test_the_filters_new_members_and_authors(client, factory, monkeypatch, which, expected):
    world = await _conversation(client, factory, monkeypatch)
    answer = await client.get(
        ranking_url(world, f"{WINDOW}&filter={which}"), headers=world.headers["manager"]
    )
    assert answer.status_code == 200, answer.text
    ids = {i["user_id"] for i in answer.json()["items"]}
    assert ids == {str(world.users[k].id) for k in expected}
    assert answer.json()["ranked_commenters"] == 7  # the rank is over everyone


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-06-10&to=2026-06-01", "invalid_input"),
        ("from=2024-01-01&to=2026-01-01", "invalid_input"),
        ("from=2099-01-01&to=2099-01-02", "invalid_input"),
        ("tz=Mars/Olympus", "invalid_input"),
        ("from=yesterday", "validation_failed"),
        ("filter=ambassadors-only", "validation_failed"),
        ("limit=0", "validation_failed"),
        ("limit=101", "validation_failed"),
    ],
)
async def test_bad_windows_and_filters_are_422(client, factory, query, code):
    world = await factory.world()
    answer = await client.get(ranking_url(world, query), headers=world.headers["owner"])
    assert_problem(answer, 422, code)


async def test_another_tenants_commenters_are_never_ranked(client, factory, monkeypatch):
    world = await _conversation(client, factory, monkeypatch)
    other = await factory.world()
    theirs = await client.get(ranking_url(other, WINDOW), headers=other.headers["owner"])
    assert theirs.status_code == 200 and theirs.json()["items"] == []
    foreign = await client.get(ranking_url(world), headers=other.headers["owner"])
    assert_problem(foreign, 404, "not_found")


async def test_the_commenter_ranking_exports_csv(client, factory, monkeypatch):
    world = await _conversation(client, factory, monkeypatch)
    answer = await client.get(
        ranking_url(world, f"{WINDOW}&format=csv"), headers=world.headers["owner"]
    )
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows[0]["name"] == world.users["rita"].display_name and rows[0]["repliers"] == "3.0"
