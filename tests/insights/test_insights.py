"""Community insights: windows and buckets, the tone classifier's accuracy, who sees what
under which plan, the read counter, CSV export, statement counts, and one month of a
community seen through the API."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text

from api.adapters.tone import choose_language, default_classifier
from api.insights.routes import AUTHORS
from api.kit.cursors import time_id
from domain.comments.model import Tone
from domain.insights.model import (
    PRIOR_MEAN,
    PRIOR_VOTES,
    AuthorFigures,
    Bucket,
    influence,
    rank,
    window,
)
from domain.insights.reads import is_bot
from domain.kernel import clock
from domain.kernel.access import Role
from domain.kernel.errors import InvalidInput
from domain.tenants.model import CommentPolicy
from persistence.insights.repositories import COUNTERS, spans
from tests.comments.helpers import add_reader, seed
from tests.factories import FrozenClock, add_member, post_transition
from tests.insights.test_people_days import equals_a_people_rebuild
from tests.test_foundation import assert_problem

DATA = Path(__file__).parent.parent / "data"
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def url(world, what: str) -> str:
    return f"/v1/tenants/{world.slug}/insights/{what}"


def views_url(world, post_id) -> str:
    return f"/v1/sites/{world.slug}/posts/{post_id}/views"


BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"}

# --- the tone classifier ----------------------------------------------------------------
# Its accuracy on text from elsewhere is measured by bench/tone/evaluate.py (README); the
# sets below were written in this project and read while writing the French rules, so
# they only guard against regressions.


def _polar_accuracy(language: str) -> tuple[float, int, int]:
    classifier = default_classifier()
    rows = (DATA / f"sentiment_eval_{language}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    polar = [line.rsplit("\t", 1) for line in rows if not line.endswith("\tneutral")]
    right = sum(classifier.classify(t, language).value == label for t, label in polar)
    return right / len(polar), right, len(polar)


# Measured with the classifier of this commit (a neutral answer counts wrong): English,
# the trained model, 144/173 = 0.832; French, the rules, 171/174 = 0.983 (read while
# writing them, so optimistic). The floor is the measured figure less 0.02.
PROJECT_SET_MEASURED = {"en": 0.832, "fr": 0.983}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_tone_does_not_regress_on_the_projects_own_sentences(language):
    rows = (DATA / f"sentiment_eval_{language}.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "text\tlabel" and len(rows) - 1 >= 200
    accuracy, right, total = _polar_accuracy(language)
    print(f"tone accuracy ({language}, positive vs negative): {right}/{total} = {accuracy:.4f}")
    assert accuracy >= PROJECT_SET_MEASURED[language] - 0.02


def test_french_rules_contrast_idioms_and_inflections():
    c = default_classifier()
    assert c.classify("Je ne peux que le recommander.", "fr") is Tone.POSITIVE
    assert c.classify("Rien à redire, la livraison était parfaite.", "fr") is Tone.POSITIVE
    assert c.classify("Le colis n'est jamais arrivé.", "fr") is Tone.NEGATIVE
    assert c.classify("La finition est belle mais la qualité est décevante.", "fr") is Tone.NEGATIVE
    assert c.classify("Des explications décevantes.", "fr") is Tone.NEGATIVE
    assert c.classify("Ce n'est pas terrible.", "fr") is Tone.NEGATIVE
    assert c.classify("La réunion a été déplacée à jeudi.", "fr") is Tone.NEUTRAL


def test_the_english_model_reads_plain_opinions():
    # Not asserted: a negated positive word ("not good at all") still reads positive more
    # often than not, an error the README lists.
    c = default_classifier()
    assert c.classify("This is a great article, thank you!", "en") is Tone.POSITIVE
    assert c.classify("Terrible service, I want my money back.", "en") is Tone.NEGATIVE
    assert c.classify("Awful, it broke after a day.", "en") is Tone.NEGATIVE
    assert c.classify("   ", "en") is Tone.NEUTRAL


def test_the_posts_language_decides_unless_the_comment_clearly_says_otherwise():
    assert choose_language("Great post!", "fr") == "fr"  # too little to overrule the post
    assert choose_language("Je ne suis pas du tout d'accord avec cet article.", "en") == "fr"
    assert choose_language("I do not agree with this at all, it is wrong.", "fr") == "en"
    assert choose_language("Je ne suis pas d'accord.", None) == "fr"  # no post language: guessed
    assert choose_language("Sehr gut geschrieben.", "de") == "en"  # neither: guessed, English


@pytest.mark.parametrize(
    "body",
    [
        "😊" * 5000,
        "Great post! Mais je ne suis pas d'accord avec la fin, the ending is rushed.",
        " ".join(["https://example.com/a?b=c"] * 150)[:5000],
        "",
    ],
    ids=["5000-emoji", "mixed-languages", "only-urls", "empty"],
)
@pytest.mark.parametrize("language", ["en", "fr", None])
def test_odd_comments_get_a_tone_and_never_an_error(body, language):
    assert isinstance(default_classifier().classify(body, language), Tone)


def test_a_comment_of_nothing_but_urls_is_neutral():
    urls = " ".join(["https://example.com/a?b=c", "http://example.org/x"] * 50)
    assert default_classifier().classify(urls, "en") is Tone.NEUTRAL
    assert default_classifier().classify(urls, "fr") is Tone.NEUTRAL


# --- windows, buckets and the score, without a database ------------------------------------


def test_windows_are_validated():
    with pytest.raises(InvalidInput, match="reversed"):
        window(date(2026, 6, 10), date(2026, 6, 1), "UTC", now=NOW)
    with pytest.raises(InvalidInput, match="too long"):
        window(date(2025, 1, 1), date(2026, 6, 1), "UTC", now=NOW)
    with pytest.raises(InvalidInput, match="future"):
        window(date(2026, 6, 1), date(2027, 1, 1), "UTC", now=NOW)
    with pytest.raises(InvalidInput, match="time zone"):
        window(None, None, "Mars/Olympus", now=NOW)
    w = window(None, None, "Europe/Paris", now=NOW)
    assert (w.first, w.last, w.days) == (date(2026, 5, 17), date(2026, 6, 15), 30)


def test_buckets_start_at_local_midnight_across_a_daylight_saving_change():
    w = window(date(2026, 3, 28), date(2026, 3, 30), "Europe/Paris", now=NOW)
    assert [b.isoformat() for b in w.bounds(Bucket.DAY)] == [
        "2026-03-27T23:00:00+00:00",
        "2026-03-28T23:00:00+00:00",  # summer time from the 29th
        "2026-03-29T22:00:00+00:00",
    ]
    weeks = window(date(2026, 3, 4), date(2026, 3, 20), "UTC", now=NOW).bucket_starts(Bucket.WEEK)
    assert [d.isoformat() for d in weeks] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    months = window(date(2026, 1, 15), date(2026, 3, 2), "UTC", now=NOW)
    assert len(months.bucket_starts(Bucket.MONTH)) == 3


def test_the_score_rewards_breadth_and_explains_itself():
    broad = AuthorFigures(uuid.uuid4(), "Broad", "broad", posts=2, comments=20, commenters=15)
    narrow = AuthorFigures(uuid.uuid4(), "Narrow", "narrow", posts=2, comments=40, commenters=2)
    ranked = rank([narrow, broad])
    assert [i.figures.name for i in ranked] == ["Broad", "Narrow"]
    assert ranked[0].rank == 1
    parts = {p.name: p for p in influence(broad).parts}
    assert set(parts) == {
        "commenters",
        "comments",
        "replies",
        "ratings",
        "reads",
        "posts",
        "rating_average",
    }
    assert round(sum(p.points for p in parts.values()), 3) == influence(broad).score
    well_rated = AuthorFigures(uuid.uuid4(), "W", "w", ratings=10, rating_sum=50)
    badly_rated = AuthorFigures(uuid.uuid4(), "B", "b", ratings=10, rating_sum=10)
    assert influence(well_rated).score > influence(badly_rated).score


@pytest.mark.parametrize(
    ("first", "last", "zone"),
    [
        ("2026-05-17", "2026-06-15", "UTC"),
        ("2026-05-17", "2026-06-15", "Europe/Paris"),
        ("2026-03-02", "2026-03-30", "Asia/Kolkata"),
        ("2026-06-10", "2026-06-12", "America/New_York"),
        ("2026-06-10", "2026-06-10", "Europe/Paris"),
        ("2025-06-16", "2026-06-15", "Pacific/Auckland"),
    ],
)
def test_a_window_is_cut_into_hours_days_and_weeks_covering_each_hour_once(first, last, zone):
    w = window(date.fromisoformat(first), date.fromisoformat(last), zone, now=NOW)
    s = spans(w.start, w.end)
    assert s.d1 <= s.w1 <= s.w2 <= s.d2
    assert s.w1 == s.w2 or s.w1.weekday() == s.w2.weekday() == 0

    def pieces(hour: datetime) -> int:
        day = hour.date()
        monday = day - timedelta(days=day.weekday())
        return (
            (s.a <= hour < s.ha or s.hb <= hour < s.b)
            + (s.d1 <= day < s.w1 or s.w2 <= day < s.d2)
            + (s.w1 <= monday < s.w2)
        )

    hour = w.start.astimezone(UTC).replace(minute=0) - timedelta(days=8)
    while hour < w.end + timedelta(days=8):
        assert pieces(hour) == (1 if w.start <= hour < w.end else 0), hour
        hour += timedelta(hours=1)


def test_robots_are_recognised():
    assert is_bot(None) and is_bot("") and is_bot("Googlebot/2.1") and is_bot("curl/8.0")
    assert not is_bot(BROWSER["User-Agent"])


# --- bad input over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-06-10&to=2026-06-01", "invalid_input"),  # reversed
        ("from=2024-01-01&to=2026-01-01", "invalid_input"),  # longer than the maximum
        ("from=2099-01-01&to=2099-01-02", "invalid_input"),  # far future
        ("tz=Mars/Olympus", "invalid_input"),
        ("tz=../../etc/passwd", "invalid_input"),
        ("bucket=fortnight", "validation_failed"),
        ("from=yesterday", "validation_failed"),
    ],
)
async def test_bad_windows_buckets_and_zones_are_422(client, factory, query, code):
    world = await factory.world()
    answer = await client.get(f"{url(world, 'engagement')}?{query}", headers=world.headers["owner"])
    assert_problem(answer, 422, code)


async def test_a_moderator_sees_moderation_but_not_full_insights(client, factory):
    world = await factory.world()
    moderator = world.headers["moderator"]
    assert (await client.get(url(world, "moderation"), headers=moderator)).status_code == 200
    for what in ("authors", "tone", "engagement", "top-posts", f"authors/{uuid.uuid4()}"):
        assert_problem(await client.get(url(world, what), headers=moderator), 403, "forbidden")


# The tenant-wide readings of the full level: the rankings (authors, commenters) and
# what is said (topics).
FULL_READINGS = ("authors", "commenters", "topics", "tone")


@pytest.mark.parametrize("what", ["authors", "commenters", "topics"])
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
        ("anonymous", 401),
    ],
)
async def test_the_tenant_wide_readings_role_matrix(client, factory, what, role, status):
    world = await factory.world()
    answer = await client.get(url(world, what), headers=world.headers[role])
    assert answer.status_code == status, answer.text


async def test_an_author_sees_their_own_figures_only(client, factory):
    world = await factory.world()
    other = await add_member(factory, world, "other-author", Role.AUTHOR)
    me = world.users["author"]
    mine = world.headers["author"]
    own = await client.get(url(world, f"authors/{me.id}"), headers=mine)
    assert own.status_code == 200, own.text
    assert own.json()["author_id"] == str(me.id) and own.json()["rank"] is None
    assert_problem(
        await client.get(url(world, f"authors/{other.id}"), headers=mine), 403, "forbidden"
    )
    engagement = await client.get(url(world, "engagement"), headers=mine)
    assert engagement.status_code == 200 and engagement.json()["author"] is None
    assert_problem(
        await client.get(f"{url(world, 'engagement')}?author={other.id}", headers=mine),
        403,
        "forbidden",
    )


async def _plan(client, factory, insights: str) -> str:
    operator = factory.auth(await factory.user(operator=True))
    business = (await client.get("/v1/plans/business")).json()
    plan_id = f"insights-{insights}-{uuid.uuid4().hex[:6]}"
    created = await client.post(
        "/v1/plans",
        json={
            "id": plan_id,
            "name": f"Insights {insights}",
            "quotas": business["quotas"],
            "features": {**business["features"], "insights": insights},
        },
        headers=operator,
    )
    assert created.status_code == 201, created.text
    return plan_id


async def test_plans_gate_the_insights(client, factory):
    none = await factory.world(plan=await _plan(client, factory, "none"))
    for what in ("engagement", "top-posts", "moderation", *FULL_READINGS):
        answer = await client.get(url(none, what), headers=none.headers["owner"])
        assert_problem(answer, 402, "feature_not_in_plan")
    basic = await factory.world(plan="starter")  # insights: basic
    owner = basic.headers["owner"]
    for what in ("engagement", "top-posts", "moderation"):
        assert (await client.get(url(basic, what), headers=owner)).status_code == 200
    for what in FULL_READINGS:
        body = assert_problem(
            await client.get(url(basic, what), headers=owner), 402, "feature_not_in_plan"
        )
        assert body["level"] == "full"


async def test_another_tenants_blog_or_author_is_not_found(client, factory):
    world = await factory.world()
    other = await factory.world()
    foreign_blog = await factory.blog(other)
    owner = world.headers["owner"]
    for query in (f"blog={foreign_blog.id}", f"author={other.users['author'].id}"):
        for what in ("engagement", "top-posts"):
            answer = await client.get(f"{url(world, what)}?{query}", headers=owner)
            assert_problem(answer, 404, "not_found")
    answer = await client.get(url(world, f"authors/{other.users['author'].id}"), headers=owner)
    assert_problem(answer, 404, "not_found")


# --- the read counter ----------------------------------------------------------------------


async def _reads(client, world, post_id) -> int:
    body = (
        await client.get(f"{url(world, 'top-posts')}?by=reads", headers=world.headers["owner"])
    ).json()
    return next((i["reads"] for i in body["items"] if i["post_id"] == str(post_id)), 0)


async def test_reads_are_counted_once_a_day_per_visitor_and_never_for_robots(
    client, factory, monkeypatch
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    draft = await factory.post(world, blog, "Brouillon", publish=False)
    target = views_url(world, post.id)
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.1", ""):
        answer = await client.post(target, headers={"User-Agent": agent})
        assert answer.status_code == 204
    assert await _reads(client, world, post.id) == 0
    assert (await client.post(target, headers=BROWSER)).status_code == 204
    assert (await client.post(target, headers=BROWSER)).status_code == 204  # same day: once
    assert await _reads(client, world, post.id) == 1
    other_browser = {"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1"}
    assert (await client.post(target, headers=other_browser)).status_code == 204
    assert await _reads(client, world, post.id) == 2
    tomorrow = clock.now() + timedelta(days=1)
    FrozenClock(monkeypatch, tomorrow)
    assert (await client.post(target, headers=BROWSER)).status_code == 204  # a new day
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        rows = await tx.connection.execute(
            text("SELECT sum(reads) FROM insight_post_hours WHERE post_id = :p"), {"p": post.id}
        )
        assert rows.scalar_one() == 3
        kept = await tx.connection.execute(text("SELECT day, visitor FROM post_read_visitors"))
        days = {r.day for r in kept}
        assert days == {tomorrow.date()}  # yesterday's keys are gone
    assert_problem(await client.post(views_url(world, draft.id), headers=BROWSER), 404, "not_found")
    assert_problem(
        await client.post(views_url(world, uuid.uuid4()), headers=BROWSER), 404, "not_found"
    )


async def test_reads_are_rate_limited_per_address(client, factory, services):
    services.settings = services.settings.model_copy(update={"views_per_ip_per_minute": 3})
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    answers = [await client.post(views_url(world, post.id), headers=BROWSER) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [204, 204, 204]
    assert_problem(answers[3], 429, "rate_limited")
    assert int(answers[3].headers["Retry-After"]) >= 1


# --- CSV ---------------------------------------------------------------------------------


async def test_every_insight_exports_csv_with_formula_safe_cells(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, '=HYPERLINK("http://evil.example")')
    await seed(factory, world, post.id, body="Great post, thanks!")
    owner = world.headers["owner"]
    for what in ("engagement", "top-posts", "moderation", "authors", "tone"):
        answer = await client.get(f"{url(world, what)}?format=csv", headers=owner)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        header = next(csv.reader(io.StringIO(answer.text)))
        assert header and all(header)
        by_accept = await client.get(url(world, what), headers={**owner, "Accept": "text/csv"})
        assert by_accept.headers["content-type"].startswith("text/csv")
    answer = await client.get(f"{url(world, 'top-posts')}?format=csv", headers=owner)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example")'
    detail = await client.get(
        f"{url(world, 'authors/' + str(world.users['author'].id))}?format=csv", headers=owner
    )
    assert detail.status_code == 200 and detail.text.count("\r\n") == 2


# Cells a spreadsheet would run: OWASP's starts (=, +, -, @, tab, CR), a line feed, the
# same behind leading blanks (trimmed by importers) and the full-width forms.
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "\u00a0=1+1",
    "\uff1d1+1",
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(1)",
]
FORMULA_STARTS = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def _cells(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [cell for row in csv.reader(io.StringIO(answer.text)) for cell in row]


async def test_hostile_names_titles_and_comments_come_out_of_csv_as_plain_text(client, factory):
    world = await factory.world(anonymous_comments=True)
    post = await factory.post(world, await factory.blog(world))
    owner, author = world.headers["owner"], world.users["author"]
    exports = [
        f"{url(world, what)}?format=csv"
        for what in ("engagement", "top-posts", "moderation", "authors", "tone")
    ] + [f"{url(world, 'authors/' + str(author.id))}?format=csv"]
    for hostile in HOSTILE:
        await seed(factory, world, post.id, who="anonymous", body=hostile, author_name=hostile)
        await seed(factory, world, post.id, body=f"Bien vu. {hostile}")
        async with factory.db.transaction() as tx:
            await tx.connection.execute(
                text("UPDATE users SET display_name = :n WHERE id = :u"),
                {"n": hostile, "u": author.id},
            )
            await tx.commit()
        async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
            await tx.connection.execute(
                text("UPDATE posts SET title = :n WHERE id = :p"), {"n": hostile, "p": post.id}
            )
            await tx.commit()
        shown = []
        for export in exports:
            cells = _cells(await client.get(export, headers=owner))
            armed = [c for c in cells if c.lstrip().startswith(FORMULA_STARTS)]
            assert not armed, (hostile, export, armed)
            shown += [c for c in cells if hostile.strip() in c]
        # The name and the title are exported, defused by a leading quote, never dropped.
        assert shown and all(c == "'" + hostile for c in shown), (hostile, shown)


# --- aggregates stay exact ------------------------------------------------------------------


ROLLUPS = (
    "insight_tenant_hours",
    "insight_blog_hours",
    "insight_author_hours",
    "insight_blog_days",
    "insight_author_days",
    "insight_post_days",
    "insight_post_weeks",
    "insight_post_blocks",
)


async def _rollups(conn) -> dict[str, set[tuple]]:
    """Every roll-up row of the tenant with a figure other than zero."""
    out = {}
    for table in ROLLUPS:
        rows = await conn.execute(
            text(
                f"SELECT * FROM {table} WHERE greatest({', '.join(COUNTERS)}) > 0 "
                f"OR least({', '.join(COUNTERS)}) < 0"
            )
        )
        out[table] = {tuple(r) for r in rows}
    return out


async def test_the_aggregates_follow_every_change_of_comments_and_ratings(client, factory):
    world = await factory.world(comment_policy=CommentPolicy.PRE)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    held = [await seed(factory, world, post.id, body=b) for b in ("Super, merci !", "Awful.")]
    for comment in held:
        answer = await client.post(
            f"/v1/tenants/{world.slug}/comments/{comment.id}/approve",
            headers=world.headers["moderator"],
        )
        assert answer.status_code == 200
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{held[1].id}/spam", headers=world.headers["manager"]
    )
    await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": 4},
        headers=world.headers["reader"],
    )
    await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": 2},
        headers=world.headers["reader"],
    )
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        followed = await _rollups(tx.connection)
        assert followed["insight_tenant_hours"] and followed["insight_post_weeks"]
        sums = (
            await tx.connection.execute(
                text(
                    "SELECT sum(comments_approved) a, sum(comments_spam) s, sum(positive) pos, "
                    "sum(negative) neg, sum(ratings) n, sum(rating_sum) r "
                    "FROM insight_post_hours WHERE post_id = :p"
                ),
                {"p": post.id},
            )
        ).one()
        assert tuple(sums) == (1, 1, 1, 0, 1, 2)
        await tx.connection.execute(text("SELECT insight_rollup()"))
        again = (
            await tx.connection.execute(
                text(
                    "SELECT sum(comments_approved) a, sum(comments_spam) s, sum(positive) pos, "
                    "sum(negative) neg, sum(ratings) n, sum(rating_sum) r "
                    "FROM insight_post_hours WHERE post_id = :p"
                ),
                {"p": post.id},
            )
        ).one()
        assert tuple(again) == tuple(sums)
        # The coarser roll-ups followed every change: rebuilt from the hourly rows, they
        # hold the same figures.
        await tx.connection.execute(text("SELECT insight_rollup_coarse()"))
        assert await _rollups(tx.connection) == followed
        # The day keys of the people present followed the presence rows written by the
        # comments' and votes' triggers, then deleted and written again by the rebuild.
        await equals_a_people_rebuild(tx.connection)
        tones = await tx.connection.execute(
            text("SELECT body_markdown, sentiment FROM comments WHERE post_id = :p"), {"p": post.id}
        )
        assert {r.body_markdown: r.sentiment for r in tones} == {
            "Super, merci !": "positive",
            "Awful.": "negative",
        }


# --- a bounded number of statements -----------------------------------------------------------


async def _statements(client, app_engine, world, paths) -> dict[str, tuple[int, int]]:
    """Per path: (all statements of the request, those after the plan check: the insight's
    own queries). Savepoint bookkeeping of the test harness is left out."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    out = {}
    event.listen(app_engine.sync_engine, "before_cursor_execute", count)
    try:
        for path in paths:
            statements.clear()
            answer = await client.get(url(world, path), headers=world.headers["owner"])
            assert answer.status_code == 200, answer.text
            plan = max(i for i, s in enumerate(statements) if "FROM plans" in s)
            out[path] = (len(statements), len(statements) - plan - 1)
    finally:
        event.remove(app_engine.sync_engine, "before_cursor_execute", count)
    return out


# Statements of the insight itself, after authentication, the tenant and plan checks.
OWN_QUERIES = {
    "engagement": 1,
    "engagement?bucket=month&tz=America/New_York": 1,
    "top-posts?by=rating": 1,
    "authors": 1,
    "author": 3,
    "tone": 3,
    "moderation": 2,
    "headline": 1,
}


async def test_each_insight_costs_a_bounded_number_of_statements(client, factory, app_engine):
    world = await factory.world()
    blog = await factory.blog(world)
    paths = [p if p != "author" else f"authors/{world.users['author'].id}" for p in OWN_QUERIES]

    async def grow(n: int) -> None:
        for i in range(n):
            post = await factory.post(world, blog, f"Billet {uuid.uuid4().hex[:6]}")
            for _ in range(i + 1):
                await seed(factory, world, post.id, body=f"Great read {uuid.uuid4().hex[:6]}")

    await grow(1)
    await _statements(client, app_engine, world, paths)  # warms the plan-rate cache
    small = await _statements(client, app_engine, world, paths)
    await grow(4)
    large = await _statements(client, app_engine, world, paths)
    for path, name in zip(paths, OWN_QUERIES, strict=True):
        print(f"{path}: {small[path][0]} statements in all, {small[path][1]} of its own")
        assert small[path] == large[path], path  # independent of the amount of data
        assert small[path][1] == OWN_QUERIES[name], (path, small[path])
        # Authentication, tenant, standing (role and subscription: one statement), plan.
        assert small[path][0] == 8 + OWN_QUERIES[name], (path, small[path])


# --- one month of a community, seen through the API ---------------------------------------------

POSITIVE = [
    "Great post, thanks for sharing!",
    "Super article, merci beaucoup !",
    "I love this recipe, my kids asked for seconds.",
    "Magnifiques photos, la lumière est superbe.",
    "Really helpful guide, it saved me hours.",
]
NEGATIVE = [
    "This is terrible, the product broke after two days.",
    "Très déçu par la livraison, arrivée avec une semaine de retard.",
    "Worst customer service I have ever dealt with.",
    "C'est nul, je regrette cet achat.",
    "Very disappointed, the app keeps crashing.",
]


async def test_a_community_manager_answers_three_questions_from_the_api(
    client, factory, monkeypatch
):
    """Who are our ten bloggers that matter this month and why; is the conversation getting
    more negative, and where; is moderation keeping up."""
    world = await factory.world(comment_policy=CommentPolicy.TRUSTED, anonymous_comments=True)
    authors = ["author"] + [f"blogger-{i}" for i in range(11)]
    for key in authors[1:]:
        await add_member(factory, world, key, Role.AUTHOR)
    readers = [f"reader-{i}" for i in range(8)]
    for key in readers:
        await add_reader(factory, world, key)
    month_start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(
        days=27
    )
    frozen = FrozenClock(monkeypatch, month_start)
    blogs, posts = {}, {}
    for key in authors:
        blogs[key] = await factory.blog(world, f"Blog de {key}", role=key)
        posts[key] = await factory.post(world, blogs[key], f"Premier billet de {key}", role=key)

    # Week 1-2: the star ("author") gathers praise from many readers; others a little.
    for day in range(12):
        frozen.set(month_start + timedelta(days=day, hours=1))
        await seed(factory, world, posts["author"].id, who=readers[day % 8], body=POSITIVE[day % 5])
        if day % 3 == 0:
            key = authors[1 + day % 11]
            await seed(factory, world, posts[key].id, who=readers[0], body=POSITIVE[(day + 1) % 5])
    # Weeks 3-4: the conversation turns sour, on blogger-1's blog above all.
    for day in range(14, 26):
        frozen.set(month_start + timedelta(days=day, hours=2))
        await seed(
            factory, world, posts["blogger-1"].id, who=readers[day % 8], body=NEGATIVE[day % 5]
        )
        if day % 4 == 0:
            await seed(factory, world, posts["author"].id, who=readers[1], body=NEGATIVE[0])
    # Ratings and reads for the star.
    frozen.set(month_start + timedelta(days=5))
    for key in readers[:4]:
        answer = await client.put(
            f"/v1/sites/{world.slug}/posts/{posts['author'].id}/rating",
            json={"stars": 5},
            headers=world.headers[key],
        )
        assert answer.status_code == 200, answer.text
    for n in range(5):
        agent = {"User-Agent": f"Mozilla/5.0 reader {n}"}
        assert (
            await client.post(views_url(world, posts["author"].id), headers=agent)
        ).status_code == 204

    # Anonymous comments are held; the moderator decides 30 minutes after each one.
    held = []
    for n in range(6):
        frozen.set(month_start + timedelta(days=20, hours=n))
        held.append(
            await seed(factory, world, posts["blogger-2"].id, who="anonymous", body=POSITIVE[n % 5])
        )
    for n, comment in enumerate(held[:5]):
        frozen.set(month_start + timedelta(days=20, hours=n, minutes=30))
        action = "spam" if n == 4 else "approve"
        answer = await client.post(
            f"/v1/tenants/{world.slug}/comments/{comment.id}/{action}",
            headers=world.headers["moderator"],
        )
        assert answer.status_code == 200, answer.text
    frozen.set(datetime.now(UTC))
    owner = world.headers["manager"]

    # 1. Who are our ten bloggers that matter this month, and why?
    ranking = await client.get(f"{url(world, 'authors')}?limit=10", headers=owner)
    assert ranking.status_code == 200, ranking.text
    body = ranking.json()
    assert len(body["items"]) == 10 and body["ranked_authors"] == 12
    assert body["next_cursor"] is not None
    assert ranking.headers["link"].endswith('>; rel="next"')
    top = body["items"][0]
    assert top["author_id"] == str(world.users["author"].id) and top["rank"] == 1
    parts = {p["name"]: p for p in top["parts"]}
    assert parts["commenters"]["figure"] == 8 and parts["ratings"]["figure"] == 4
    assert parts["reads"]["figure"] == 5 and parts["rating_average"]["figure"] > 3
    assert body["items"][1]["author_id"] == str(world.users["blogger-1"].id)
    rest = await client.get(
        f"{url(world, 'authors')}?limit=10&cursor={body['next_cursor']}", headers=owner
    )
    assert [i["rank"] for i in rest.json()["items"]] == [11, 12]
    assert rest.json()["next_cursor"] is None and "link" not in rest.headers
    await _page_through_the_ranking(client, world, owner)

    # 2. Is the conversation about us getting more negative, and where?
    tone = (await client.get(f"{url(world, 'tone')}?bucket=week", headers=owner)).json()
    assert tone["negative_share_change"] > 0.5
    assert tone["totals"]["negative"] >= 12 and tone["totals"]["positive"] >= 12
    assert tone["negative_posts"][0]["post_id"] == str(posts["blogger-1"].id)
    assert tone["negative_blogs"][0]["blog_id"] == str(blogs["blogger-1"].id)
    first_half = next(p for p in tone["series"] if p["approved"])
    last_half = [p for p in tone["series"] if p["approved"]][-1]
    assert first_half["tone"]["negative_share"] < last_half["tone"]["negative_share"]

    # 3. Is moderation keeping up?
    health = (await client.get(url(world, "moderation"), headers=owner)).json()
    assert health["pending_now"] == 1
    assert health["decided"] == 5
    assert health["median_minutes_to_decision"] == 30.0
    assert health["p90_minutes_to_decision"] == 30.0
    assert health["created"]["spam"] == 1 and 0 < health["spam_share"] < 0.05
    [moderator] = health["moderators"]
    assert (moderator["approve"], moderator["spam"], moderator["total"]) == (4, 1, 5)

    # And the same month day by day, in Paris time.
    series = await client.get(
        f"{url(world, 'engagement')}?bucket=day&tz=Europe/Paris", headers=owner
    )
    items = series.json()["items"]
    assert len(items) == 30 and items[0]["start"].endswith(("+01:00", "+02:00"))
    assert sum(i["posts_published"] for i in items) == 12
    assert sum(i["ratings"] for i in items) == 4 and sum(i["reads"] for i in items) == 5
    assert max(i["active_people"] for i in items) >= 1
    await post_transition(factory, world, posts["blogger-3"], "unpublish")


async def _page_through_the_ranking(client, world, headers) -> None:
    """Page by page, the ranking gives every author once, in the order of the whole
    ranking; the read side's scores are the domain's formula, and its order the domain's."""
    whole = (await client.get(f"{url(world, 'authors')}?limit=100", headers=headers)).json()
    assert whole["next_cursor"] is None
    for size in (1, 5):
        seen, cursor = [], None
        while True:
            query = f"?limit={size}" + (f"&cursor={cursor}" if cursor else "")
            page = await client.get(url(world, "authors") + query, headers=headers)
            assert page.status_code == 200, page.text
            assert len(page.json()["items"]) <= size
            assert page.json()["ranked_authors"] == whole["ranked_authors"]
            seen += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if cursor is None:
                break
        assert seen == whole["items"]
    assert [i["rank"] for i in whole["items"]] == list(range(1, whole["ranked_authors"] + 1))
    figures = []
    for item in whole["items"]:
        part = {p["name"]: p["figure"] for p in item["parts"]}
        ratings = int(part["ratings"])  # the sum of stars, back from the Bayesian average
        stars = round(part["rating_average"] * (PRIOR_VOTES + ratings) - PRIOR_VOTES * PRIOR_MEAN)
        f = AuthorFigures(
            uuid.UUID(item["author_id"]),
            item["name"],
            item["handle"],
            **{k: int(part[k]) for k in ("posts", "comments", "commenters", "replies", "reads")},
            ratings=ratings,
            rating_sum=stars,
        )
        figures.append(f)
        assert influence(f).score == item["score"], item  # the SQL score is the domain's
    assert [i.figures.author_id for i in rank(figures)] == [f.author_id for f in figures]


async def test_a_forged_or_foreign_ranking_cursor_is_refused(client, factory, services):
    world = await factory.world()
    owner = world.headers["owner"]
    good = services.cursors.encode(AUTHORS, (1.5, 2, "Ada", uuid.uuid4()))
    assert (await client.get(f"{url(world, 'authors')}?cursor={good}", headers=owner)).is_success
    payload, mac = good.split(".")
    forged = f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}.{mac}"
    elsewhere = services.cursors.encode(time_id("subscription-history"), (NOW, uuid.uuid4()))
    for cursor in (forged, elsewhere, "10", f"{good}x"):
        answer = await client.get(f"{url(world, 'authors')}?cursor={cursor}", headers=owner)
        assert_problem(answer, 422, "validation_failed")


async def test_a_read_of_another_tenants_post_is_not_found_and_not_counted(client, factory, db):
    world, other = await factory.world(), await factory.world()
    blog = await factory.blog(other)
    foreign = await factory.post(other, blog)
    response = await client.post(views_url(world, foreign.id), headers=BROWSER)
    assert_problem(response, 404, "not_found")
    from sqlalchemy import text

    async with db.transaction(tenant_id=other.tenant.id) as tx:
        reads = (
            await tx.connection.execute(
                text("SELECT coalesce(sum(reads), 0) FROM insight_post_hours")
            )
        ).scalar_one()
    assert reads == 0
