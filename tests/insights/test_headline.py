"""The dashboard's headline figures: each figure of a window beside the previous period
of the same length, who may read them, which plans, bad windows, and another tenant."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.insights.headline import Figure, PeriodFigures, compare, previous_window
from domain.insights.model import window
from domain.tenants.model import CommentPolicy
from tests.comments.helpers import add_reader, seed
from tests.factories import FrozenClock
from tests.insights.test_insights import _plan, url, views_url
from tests.test_foundation import assert_problem

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}


def test_the_previous_period_has_as_many_days_and_ends_the_day_before():
    win = window(date(2026, 3, 1), date(2026, 3, 31), "Europe/Paris", now=datetime.now(UTC))
    before = previous_window(win)
    assert (before.first, before.last, before.days) == (date(2026, 1, 29), date(2026, 2, 28), 31)
    assert before.end == win.start


def test_changes_are_differences_and_shares_of_the_previous_figure():
    now = PeriodFigures(comments=6, reads=0, ratings=2, rating_sum=10, median_seconds=90)
    before = PeriodFigures(comments=4, reads=0, median_seconds=None)
    figures = {f.name: f for f in compare(now, before)}
    assert (figures["comments"].change, figures["comments"].change_share) == (2, 0.5)
    assert figures["reads"].change == 0 and figures["reads"].change_share is None
    # 5 imaginary votes of 3 stars and two of 5: (15 + 10) / 7.
    assert figures["weighted_rating"].current == round(25 / 7, 3)
    assert figures["weighted_rating"].previous is None
    assert figures["weighted_rating"].change is None
    assert figures["median_minutes_to_decision"].current == 1.5
    assert Figure("queue", 3, 0).change_share is None


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-06-10&to=2026-06-01",
        "from=2024-01-01&to=2026-01-01",
        "from=2099-01-01&to=2099-01-02",
        "tz=Mars/Olympus",
        "from=yesterday",
        "format=xml",
    ],
)
async def test_bad_windows_are_422(client, factory, query):
    world = await factory.world()
    answer = await client.get(f"{url(world, 'headline')}?{query}", headers=world.headers["owner"])
    assert answer.status_code == 422, answer.text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("manager", 200),
        ("operator", 200),
        ("moderator", 403),
        ("author", 403),
        ("reader", 403),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
async def test_who_reads_the_headline(client, factory, role, status):
    world = await factory.world()
    answer = await client.get(url(world, "headline"), headers=world.headers[role])
    assert answer.status_code == status, answer.text


async def test_plans_gate_the_headline(client, factory):
    none = await factory.world(plan=await _plan(client, factory, "none"))
    answer = await client.get(url(none, "headline"), headers=none.headers["owner"])
    assert_problem(answer, 402, "feature_not_in_plan")
    basic = await factory.world(plan="starter")
    answer = await client.get(url(basic, "headline"), headers=basic.headers["owner"])
    assert answer.status_code == 200, answer.text


async def _approve(client, world, comment) -> None:
    answer = await client.post(
        f"/v1/tenants/{world.slug}/comments/{comment.id}/approve",
        headers=world.headers["moderator"],
    )
    assert answer.status_code == 200, answer.text


async def test_each_figure_beside_the_previous_period(client, factory, monkeypatch):
    world = await factory.world(comment_policy=CommentPolicy.TRUSTED, anonymous_comments=True)
    for key in ("reader-0", "reader-1"):
        await add_reader(factory, world, key)
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    day = lambda n, hours=0.0: today - timedelta(days=n) + timedelta(hours=hours)  # noqa: E731
    frozen = FrozenClock(monkeypatch, day(30))
    blog = await factory.blog(world, "Le blog")
    post = await factory.post(world, blog, "Un billet")
    # Another tenant's activity in the same days must not count.
    other = await factory.world(comment_policy=CommentPolicy.TRUSTED, anonymous_comments=True)
    other_post = await factory.post(other, await factory.blog(other, "Ailleurs"), "Ailleurs")

    # The previous period (days 20 to 11 before today).
    frozen.set(day(15))
    await seed(factory, world, post.id, who="reader-0", body="Premier avis")
    quick = await seed(factory, world, post.id, who="anonymous", body="Retenu puis approuvé")
    frozen.set(day(15, 1))
    await _approve(client, world, quick)  # an hour to decide
    frozen.set(day(12))
    late = await seed(factory, world, post.id, who="anonymous", body="Retenu longtemps")
    for n in range(3):
        await seed(factory, other, other_post.id, who="anonymous", body=f"Ailleurs {n}")

    # The window (days 10 to 1 before today).
    frozen.set(day(5))
    await seed(factory, world, post.id, who="reader-0", body="Encore moi")
    await seed(factory, world, post.id, who="reader-1", body="Une nouvelle voix")
    soon = await seed(factory, world, post.id, who="anonymous", body="Décidé vite")
    await seed(factory, world, post.id, who="anonymous", body="Toujours en attente")
    await _approve(client, world, late)  # seven days after it was written
    frozen.set(day(5, 0.5))
    await _approve(client, world, soon)  # half an hour
    vote = await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": 5},
        headers=world.headers["reader-0"],
    )
    assert vote.status_code == 200, vote.text
    assert (await client.post(views_url(world, post.id), headers=BROWSER)).status_code == 204
    await seed(factory, other, other_post.id, who="anonymous", body="Ailleurs encore")
    frozen.set(datetime.now(UTC))

    first, last = (today - timedelta(days=10)).date(), (today - timedelta(days=1)).date()
    answer = await client.get(
        f"{url(world, 'headline')}?from={first}&to={last}", headers=world.headers["manager"]
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["previous"]["from"] == str(first - timedelta(days=10))
    assert body["previous"]["to"] == str(first - timedelta(days=1))
    assert (body["ratings"], body["previous_ratings"]) == (1, 0)
    got = {f["name"]: (f["current"], f["previous"], f["change"]) for f in body["figures"]}
    assert got == {
        "comments": (4, 3, 1),
        # reader-1 and one anonymous address; before: reader-0 and two addresses (a
        # commenter counts from the hour of their first approved comment's writing)
        "new_commenters": (2, 3, -1),
        "reads": (1, 0, 1),
        "weighted_rating": (round(20 / 6, 3), None, None),
        "queue": (1, 1, 0),
        "median_minutes_to_decision": ((30 + 7 * 24 * 60) / 2, 60, (30 + 7 * 24 * 60) / 2 - 60),
    }
    shares = {f["name"]: f["change_share"] for f in body["figures"]}
    assert shares["comments"] == round(1 / 3, 4) and shares["reads"] is None

    # The same figures as CSV.
    csv = await client.get(
        f"{url(world, 'headline')}?from={first}&to={last}&format=csv",
        headers=world.headers["manager"],
    )
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("figure,current")

    # Another tenant's headline is not the manager's to read, and an unknown tenant is 404.
    for slug in (other.slug, f"nobody-{uuid.uuid4().hex[:8]}"):
        answer = await client.get(
            f"/v1/tenants/{slug}/insights/headline", headers=world.headers["manager"]
        )
        assert_problem(answer, 404, "not_found")
    theirs = await client.get(
        f"{url(other, 'headline')}?from={first}&to={last}", headers=other.headers["owner"]
    )
    figures = {f["name"]: (f["current"], f["previous"]) for f in theirs.json()["figures"]}
    assert figures["comments"] == (1, 3) and figures["queue"] == (4, 3)
