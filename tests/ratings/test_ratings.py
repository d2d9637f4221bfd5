"""Ratings: one vote per reader or voter token, the plan's feature, the tenant's consent
for anonymous votes, and a summary on the post row that stays exact under concurrency."""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.bootstrap import Services
from domain.kernel.access import Role
from persistence.database import Database, app_role_url, async_url, create_engine
from persistence.ratings.repositories import SqlRatingRepository
from tests.factories import Factory, post_transition
from tests.test_foundation import assert_problem


def rating_url(world, post_id) -> str:
    return f"/v1/sites/{world.slug}/posts/{post_id}/rating"


def token() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex[:8]


async def rated_site(factory, **settings):
    world = await factory.world(**settings)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    return world, blog, post


async def table_summary(db: Database, tenant_id, post_id) -> tuple[tuple, tuple]:
    """(the post row's summary, the same figures computed from the ratings table)."""
    async with db.transaction(tenant_id=tenant_id) as tx:
        row = (
            await tx.connection.execute(
                text("SELECT rating_count, rating_sum, rating_histogram FROM posts WHERE id = :p"),
                {"p": post_id},
            )
        ).one()
        counted = (
            await tx.connection.execute(
                text(
                    "SELECT count(*) AS n, coalesce(sum(stars), 0) AS s, "
                    "  array[count(*) FILTER (WHERE stars = 1), count(*) FILTER (WHERE stars = 2),"
                    "        count(*) FILTER (WHERE stars = 3), count(*) FILTER (WHERE stars = 4),"
                    "        count(*) FILTER (WHERE stars = 5)] AS h "
                    "FROM ratings WHERE post_id = :p"
                ),
                {"p": post_id},
            )
        ).one()
    return (
        (row.rating_count, row.rating_sum, list(row.rating_histogram)),
        (counted.n, int(counted.s), [int(n) for n in counted.h]),
    )


@pytest.mark.parametrize("stars", [0, 6, -1, 3.5, "5", True, None, [4], {"n": 4}])
async def test_stars_must_be_an_integer_from_one_to_five(client, factory, stars):
    world, _, post = await rated_site(factory)
    answer = await client.put(
        rating_url(world, post.id), json={"stars": stars}, headers=world.headers["reader"]
    )
    assert_problem(answer, 422, "validation_failed")
    missing = await client.put(rating_url(world, post.id), json={}, headers=world.headers["reader"])
    assert_problem(missing, 422, "validation_failed")


async def test_a_new_vote_replaces_the_old_and_delete_withdraws(client, factory):
    world, _, post = await rated_site(factory)
    reader, author = world.headers["reader"], world.headers["author"]
    first = await client.put(rating_url(world, post.id), json={"stars": 4}, headers=reader)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "stars": 4,
        "summary": {"count": 1, "sum": 4, "average": 4.0, "histogram": [0, 0, 0, 1, 0]},
    }
    await client.put(rating_url(world, post.id), json={"stars": 2}, headers=author)
    again = await client.put(rating_url(world, post.id), json={"stars": 5}, headers=reader)
    assert again.json()["summary"] == {
        "count": 2,
        "sum": 7,
        "average": 3.5,
        "histogram": [0, 1, 0, 0, 1],
    }
    gone = await client.delete(rating_url(world, post.id), headers=reader)
    assert gone.status_code == 200
    assert gone.json() == {
        "stars": None,
        "summary": {"count": 1, "sum": 2, "average": 2.0, "histogram": [0, 1, 0, 0, 0]},
    }
    twice = await client.delete(rating_url(world, post.id), headers=reader)
    assert twice.json()["summary"]["count"] == 1
    row, counted = await table_summary(factory.db, world.tenant.id, post.id)
    assert row == counted == (1, 2, [0, 1, 0, 0, 0])


@pytest.mark.parametrize("role", ["owner", "manager", "moderator", "author", "reader"])
async def test_every_member_role_may_rate(client, factory, role):
    world, _, post = await rated_site(factory)
    answer = await client.put(
        rating_url(world, post.id), json={"stars": 3}, headers=world.headers[role]
    )
    assert answer.status_code == 200


async def test_outsiders_operators_and_disabled_anonymous_votes_are_refused(client, factory):
    world, _, post = await rated_site(factory, anonymous_ratings=False)
    url = rating_url(world, post.id)
    anonymous = await client.put(url, json={"stars": 3}, headers={"X-Voter-Token": token()})
    assert_problem(anonymous, 401, "unauthenticated")
    assert_problem(await client.delete(url), 401, "unauthenticated")
    for who in ("outsider", "operator"):
        answer = await client.put(url, json={"stars": 3}, headers=world.headers[who])
        assert_problem(answer, 403, "forbidden")


async def test_anonymous_votes_go_by_voter_token(client, factory):
    world, _, post = await rated_site(factory, anonymous_ratings=True)
    url = rating_url(world, post.id)
    mine = token()
    assert_problem(await client.put(url, json={"stars": 3}), 422, "invalid_input")
    short = await client.put(url, json={"stars": 3}, headers={"X-Voter-Token": "short"})
    assert short.status_code == 422
    by_header = await client.put(url, json={"stars": 3}, headers={"X-Voter-Token": mine})
    assert by_header.json()["summary"]["count"] == 1
    by_body = await client.put(url, json={"stars": 5, "voter_token": mine})
    assert by_body.json()["summary"] == {
        "count": 1,
        "sum": 5,
        "average": 5.0,
        "histogram": [0, 0, 0, 0, 1],
    }
    other = await client.put(url, json={"stars": 1, "voter_token": token()})
    assert other.json()["summary"]["count"] == 2
    withdrawn = await client.delete(url, headers={"X-Voter-Token": mine})
    assert withdrawn.json()["summary"]["histogram"] == [1, 0, 0, 0, 0]
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        stored = (
            await tx.connection.execute(
                text("SELECT voter_hash, row_to_json(r)::text AS everything FROM ratings r")
            )
        ).all()
    assert len(stored) == 1 and mine not in stored[0].everything
    await client.put(url, json={"stars": 2}, headers={"X-Voter-Token": mine})
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        hashes = {
            bytes(r.voter_hash)
            for r in await tx.connection.execute(text("SELECT voter_hash FROM ratings"))
        }
    assert hashlib.sha256(mine.encode()).digest() in hashes


async def test_only_public_posts_of_this_tenant_are_rated(client, factory):
    world, blog, _ = await rated_site(factory)
    reader = world.headers["reader"]
    draft = await factory.post(world, blog, "Brouillon", publish=False)
    archived = await factory.post(world, blog, "Archivé")
    await post_transition(factory, world, archived, "archive")
    _, _, foreign = await rated_site(factory)
    for post_id in (draft.id, archived.id, foreign.id, uuid.uuid4()):
        answer = await client.put(rating_url(world, post_id), json={"stars": 4}, headers=reader)
        assert_problem(answer, 404, "not_found")


async def test_ratings_need_the_feature_in_the_plan(client, factory):
    operator = factory.auth(await factory.user(operator=True))
    business = (await client.get("/v1/plans/business")).json()
    plan_id = f"noratings-{uuid.uuid4().hex[:6]}"
    created = await client.post(
        "/v1/plans",
        json={
            "id": plan_id,
            "name": "Sans étoiles",
            "quotas": business["quotas"],
            "features": {**business["features"], "ratings": False},
        },
        headers=operator,
    )
    assert created.status_code == 201, created.text
    world, _, post = await rated_site(factory, plan=plan_id, anonymous_ratings=True)
    member = await client.put(
        rating_url(world, post.id), json={"stars": 4}, headers=world.headers["reader"]
    )
    assert_problem(member, 402, "feature_not_in_plan")
    anonymous = await client.put(
        rating_url(world, post.id), json={"stars": 4, "voter_token": token()}
    )
    assert_problem(anonymous, 402, "feature_not_in_plan")
    assert_problem(
        await client.delete(rating_url(world, post.id), headers=world.headers["reader"]),
        402,
        "feature_not_in_plan",
    )


# --- real concurrency -------------------------------------------------------------------


@pytest.fixture
async def committed(app, owner_url, settings):
    """A factory whose writes really commit, an app serving from the same database, and
    a clean-up of every tenant and user it made.

    The app's pool has the test run's 4 connections, but a request may wait for one as
    long as the settings allow (300 s) instead of 10 s: on a shared machine two hundred
    requests through four connections can take longer than that for want of CPU alone.
    What these tests check is exactness and that no vote waits for another's transaction
    (the tests that stop a vote halfway), not how fast the machine is."""
    pooled = create_engine(app_role_url(owner_url), pool_size=4, pool_timeout=300)
    real = Database(pooled)
    saved = app.state.db
    app.state.db = real
    # Two hundred voters share the test client's address here: lift the per-address limits.
    crowd = settings.model_copy(
        update={
            "ratings_per_ip_per_minute": 100_000,
            "comments_per_ip_per_minute": 100_000,
            "comments_per_user_per_minute": 100_000,
        }
    )
    app.state.services = Services.from_settings(crowd)
    factory = Factory(real, app.state.services)
    made: list = []
    factory.made = made  # type: ignore[attr-defined]
    yield factory
    app.state.db = saved
    engine = create_async_engine(async_url(owner_url))
    async with engine.begin() as conn:
        for world in made:
            tenant = {"t": world.tenant.id}
            await conn.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(world.tenant.id)}
            )
            for table in ("ratings", "comments", "posts", "blog_authors", "blogs"):
                await conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :t"), tenant)
            await conn.execute(text("DELETE FROM tenants WHERE id = :t"), tenant)
            ids = [u.id for u in world.users.values()]
            await conn.execute(text("DELETE FROM users WHERE id = ANY(:ids)"), {"ids": ids})
    await engine.dispose()
    await real.dispose()


async def test_two_hundred_concurrent_votes_keep_the_summary_exact(client, committed):
    world = await committed.world(anonymous_ratings=True)
    committed.made.append(world)
    blog = await committed.blog(world)
    post = await committed.post(world, blog)
    url = rating_url(world, post.id)
    members = [world.headers[r.value] for r in Role]
    tokens = [token() for _ in range(120)]
    rng = random.Random(7)

    for t in tokens[:40]:  # votes already cast before the rush
        answer = await client.put(
            url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t}
        )
        assert answer.status_code == 200, answer.text

    def vote(t: str):
        return client.put(url, json={"stars": rng.randint(1, 5)}, headers={"X-Voter-Token": t})

    def withdraw(t: str):
        return client.delete(url, headers={"X-Voter-Token": t})

    rush = [vote(t) for t in tokens[40:]]  # 80 new voters
    rush += [vote(tokens[n % 40]) for n in range(60)]  # 60 changed votes, some twice at once
    rush += [withdraw(t) for t in tokens[20:40]]  # 20 withdrawals of earlier votes
    rush += [withdraw(t) for t in tokens[100:120]]  # 20 racing their own new vote
    for headers in members:  # 20 from signed-in members: vote, change, withdraw, vote
        rush += [
            client.put(url, json={"stars": s}, headers=headers) for s in (rng.randint(1, 5), 3)
        ]
        rush += [
            client.delete(url, headers=headers),
            client.put(url, json={"stars": 4}, headers=headers),
        ]
    assert len(rush) == 200
    rng.shuffle(rush)
    answers = await asyncio.gather(*rush)
    assert {a.status_code for a in answers} == {200}, [
        a.text for a in answers if a.status_code != 200
    ][:3]
    for a in answers:
        summary = a.json()["summary"]
        assert summary["count"] == sum(summary["histogram"])
        assert summary["sum"] == sum((i + 1) * n for i, n in enumerate(summary["histogram"]))

    row, counted = await table_summary(committed.db, world.tenant.id, post.id)
    assert row == counted
    assert 0 < row[0] <= 125
    # The insights' figures, added at each commit, agree too: the post's hours and weeks.
    async with committed.db.transaction(tenant_id=world.tenant.id) as tx:
        for table in ("insight_post_hours", "insight_post_weeks"):
            insights = (
                await tx.connection.execute(
                    text(f"SELECT sum(ratings), sum(rating_sum) FROM {table} WHERE post_id = :p"),
                    {"p": post.id},
                )
            ).one()
            assert (int(insights[0]), int(insights[1])) == counted[:2], table
    final = await client.put(url, json={"stars": 5}, headers=world.headers["reader"])
    assert (
        final.json()["summary"]["count"]
        == (await table_summary(committed.db, world.tenant.id, post.id))[1][0]
    )


async def test_a_vote_in_progress_does_not_hold_up_other_voters(client, committed, monkeypatch):
    """The post row is locked only by the counters' update at the end of a vote: a vote
    stopped halfway (its vote row read, not yet counted) lets another voter's vote on
    the same post through, and both are counted once they are done."""
    world = await committed.world(anonymous_ratings=True)
    committed.made.append(world)
    post = await committed.post(world, await committed.blog(world))
    url = rating_url(world, post.id)
    slow, quick = token(), token()
    slow_hash = hashlib.sha256(slow.encode()).digest()
    halfway, release = asyncio.Event(), asyncio.Event()
    read_vote = SqlRatingRepository.vote_of

    async def stopping_halfway(self, post_id, voter):
        stars = await read_vote(self, post_id, voter)
        if voter.token_hash == slow_hash:
            halfway.set()
            await release.wait()
        return stars

    monkeypatch.setattr(SqlRatingRepository, "vote_of", stopping_halfway)
    first = asyncio.create_task(client.put(url, json={"stars": 2}, headers={"X-Voter-Token": slow}))
    try:
        await asyncio.wait_for(halfway.wait(), 60)
        other = await asyncio.wait_for(
            client.put(url, json={"stars": 5}, headers={"X-Voter-Token": quick}), 30
        )
    finally:
        release.set()
    assert other.status_code == 200, other.text
    assert other.json()["summary"]["histogram"] == [0, 0, 0, 0, 1]
    done = await asyncio.wait_for(first, 60)
    assert done.status_code == 200, done.text
    assert done.json()["summary"] == {
        "count": 2,
        "sum": 7,
        "average": 3.5,
        "histogram": [0, 1, 0, 0, 1],
    }
    row, counted = await table_summary(committed.db, world.tenant.id, post.id)
    assert row == counted == (2, 7, [0, 1, 0, 0, 1])


# --- one's own vote, and votes per address -------------------------------------------------


async def test_a_reader_reads_back_their_own_vote(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    path = f"/v1/sites/{world.slug}/posts/{post.id}/rating"
    before = await client.get(path, headers=world.headers["reader"])
    assert before.status_code == 200 and before.json()["stars"] is None
    assert "no-store" in before.headers["cache-control"]
    assert (
        await client.put(path, json={"stars": 4}, headers=world.headers["reader"])
    ).status_code == 200
    mine = (await client.get(path, headers=world.headers["reader"])).json()
    assert mine["stars"] == 4 and mine["summary"]["count"] == 1
    theirs = (await client.get(path, headers=world.headers["author"])).json()
    assert theirs["stars"] is None and theirs["summary"]["count"] == 1
    anonymous = (await client.get(path)).json()
    assert anonymous["stars"] is None


async def test_an_anonymous_voter_reads_back_their_vote_by_token(client, factory):
    world = await factory.world(anonymous_ratings=True)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    path = f"/v1/sites/{world.slug}/posts/{post.id}/rating"
    token = {"X-Voter-Token": "voter-token-0123456789"}
    assert (await client.put(path, json={"stars": 2}, headers=token)).status_code == 200
    assert (await client.get(path, headers=token)).json()["stars"] == 2
    other = {"X-Voter-Token": "another-token-0123456789"}
    assert (await client.get(path, headers=other)).json()["stars"] is None


async def test_reading_a_vote_of_a_hidden_post_is_404(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    draft = await factory.post(world, blog, publish=False)
    response = await client.get(
        f"/v1/sites/{world.slug}/posts/{draft.id}/rating", headers=world.headers["reader"]
    )
    assert response.status_code == 404


async def test_fresh_voter_tokens_cannot_stuff_the_ballot_box(client, factory, services):
    world = await factory.world(anonymous_ratings=True)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    path = f"/v1/sites/{world.slug}/posts/{post.id}/rating"
    limit = services.settings.ratings_per_ip_per_minute
    codes = []
    for n in range(limit + 5):
        response = await client.put(
            path, json={"stars": 5}, headers={"X-Voter-Token": f"stuffing-token-{n:08d}"}
        )
        codes.append(response.status_code)
    assert codes[:limit] == [200] * limit
    assert set(codes[limit:]) == {429}
    assert int(response.headers["retry-after"]) >= 1
    summary = (await client.get(path)).json()["summary"]
    assert summary["count"] == limit


async def test_another_tenants_post_has_no_rating_here(client, factory):
    world, other = await factory.world(), await factory.world()
    blog = await factory.blog(other)
    foreign = await factory.post(other, blog)
    response = await client.get(
        f"/v1/sites/{world.slug}/posts/{foreign.id}/rating", headers=world.headers["reader"]
    )
    assert response.status_code == 404
    malformed = await client.get(f"/v1/sites/{world.slug}/posts/not-a-uuid/rating")
    assert malformed.status_code == 422
