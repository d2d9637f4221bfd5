"""Insights use cases: who may see what, which plan level each view needs, and the
shaping of the sums the read side returns.

Plan levels: ``basic`` opens engagement over time, top posts and moderation health;
``full`` adds the influence ranking (and an author's detail) and the conversation's
tone. A plan with ``none`` answers 402 ``feature_not_in_plan`` everywhere.

Roles: owners, managers (and operators) see everything; moderators the moderation
figures only; authors their own figures only (engagement and top posts filtered to
their posts, and their own detail in the ranking). Anything else is 403 for a member
and 404 for a non-member.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from uuid import UUID

from domain.insights.model import (
    MAX_COMMENTERS,
    MAX_TOPICS,
    MIN_TOPIC_COMMENTS,
    TOPIC_EXAMPLES,
    AuthorFigures,
    BlogFigures,
    Bucket,
    CommenterFilter,
    CommenterInfluence,
    Counts,
    Influence,
    ModerationFigures,
    PostFigures,
    RankKey,
    SeriesPoint,
    TopBy,
    Topic,
    Topics,
    TopicTone,
    Window,
    explained,
    influence,
    rank_commenters,
    topic_days,
)
from domain.insights.ports import InsightsUnitOfWork
from domain.insights.reads import is_bot, visitor_key
from domain.kernel import clock
from domain.kernel.access import Action, Actor, allows, require
from domain.kernel.errors import FeatureNotInPlan, NotFound
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature

BASIC, FULL = "basic", "full"
MAX_TOP = 100
HOTSPOTS = 10


async def _gate(uow: InsightsUnitOfWork, actor: Actor, level: str) -> None:
    plan = await ensure_feature(uow, actor.tenant_id, Feature.INSIGHTS)
    if level == FULL and plan.features.get(Feature.INSIGHTS.value) != FULL:
        raise FeatureNotInPlan(
            f"Your plan ({plan.name}) includes basic insights only; this view needs full.",
            extra={"feature": Feature.INSIGHTS.value, "level": FULL, "plan": plan.id},
        )


def _scope(actor: Actor, author_id: UUID | None) -> UUID | None:
    """The author filter the caller is held to: None for staff, their own id for authors."""
    if allows(actor, Action.INSIGHTS_FULL):
        return author_id
    if allows(actor, Action.INSIGHTS_OWN) and actor.user_id is not None:
        if author_id not in (None, actor.user_id):
            require(actor, Action.INSIGHTS_FULL)  # another author's figures: 403
        return actor.user_id
    require(actor, Action.INSIGHTS_FULL)
    raise AssertionError("unreachable")  # pragma: no cover


async def _check_filters(
    uow: InsightsUnitOfWork, blog_id: UUID | None, author_id: UUID | None
) -> None:
    if blog_id is not None and not await uow.insights.blog_exists(blog_id):
        raise NotFound("No such blog.")
    if author_id is not None and await uow.insights.author(author_id) is None:
        raise NotFound("No such author.")


def _local(moment: datetime, win: Window) -> datetime:
    return moment.astimezone(win.zone)


async def engagement(
    uow: InsightsUnitOfWork,
    actor: Actor,
    win: Window,
    bucket: Bucket,
    *,
    blog_id: UUID | None = None,
    author_id: UUID | None = None,
) -> list[SeriesPoint]:
    """Posts published, comments by status, tone, ratings, reads, active people, likes
    and boosts per bucket, for the tenant, one blog or one author (authors: themselves only)."""
    author_id = _scope(actor, author_id)
    await _gate(uow, actor, BASIC)
    await _check_filters(uow, blog_id, author_id)
    return await _series(uow, win, bucket, blog_id, author_id)


async def _series(
    uow: InsightsUnitOfWork,
    win: Window,
    bucket: Bucket,
    blog_id: UUID | None,
    author_id: UUID | None,
    *,
    activity: bool = True,
) -> list[SeriesPoint]:
    bounds = win.bounds(bucket)
    sums = await uow.insights.series(
        bounds, win.start, win.end, blog_id=blog_id, author_id=author_id, activity=activity
    )
    points = []
    for i, day in enumerate(win.bucket_starts(bucket), start=1):
        counts, published, people, likes, boosts = sums.get(i, (Counts(), 0, 0, 0, 0))
        start = datetime(day.year, day.month, day.day, tzinfo=win.zone)
        points.append(SeriesPoint(start, counts, published, people, likes, boosts))
    return points


async def top_posts(
    uow: InsightsUnitOfWork,
    actor: Actor,
    win: Window,
    by: TopBy,
    limit: int,
    *,
    blog_id: UUID | None = None,
    author_id: UUID | None = None,
) -> list[PostFigures]:
    author_id = _scope(actor, author_id)
    await _gate(uow, actor, BASIC)
    await _check_filters(uow, blog_id, author_id)
    return await uow.insights.top_posts(
        win.start, win.end, by, min(limit, MAX_TOP), blog_id=blog_id, author_id=author_id
    )


@dataclass(frozen=True)
class AuthorRanking:
    ranked: int  # authors with activity in the window
    items: list[Influence]  # the page asked for, in rank order


async def authors(
    uow: InsightsUnitOfWork,
    actor: Actor,
    win: Window,
    *,
    after: RankKey | None,
    limit: int,
    ambassadors_only: bool = False,
) -> AuthorRanking:
    """The authors with activity in the window, ranked by influence score: ``limit`` of
    them after the one at ``after`` (from the top without it); ambassadors alone, at
    their rank among everyone, with ``ambassadors_only``."""
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    ranking = await uow.insights.ranking(
        win.start, win.end, after=after, limit=limit, ambassadors_only=ambassadors_only
    )
    return AuthorRanking(ranking.ranked, [explained(row) for row in ranking.rows])


@dataclass(frozen=True)
class AuthorDetail:
    influence: Influence
    ranked_authors: int
    posts: list[PostFigures]


async def author_detail(
    uow: InsightsUnitOfWork, actor: Actor, win: Window, author_id: UUID
) -> AuthorDetail:
    """One author's score with its parts, rank and best posts. Authors see their own
    only: another author's detail is a 403 (the roles table gives authors their own
    figures), an unknown or other tenant's author a 404."""
    _scope(actor, author_id)
    await _gate(uow, actor, FULL)
    who = await uow.insights.author(author_id)
    if who is None:
        raise NotFound("No such author.")
    ranking = await uow.insights.ranking(
        win.start, win.end, after=None, limit=1, author_id=author_id
    )
    if ranking.rows:
        mine = explained(ranking.rows[0])
    else:  # no activity in the window: a zero score, unranked
        mine = influence(AuthorFigures(author_id, who[0], who[1]))
    posts = await uow.insights.top_posts(
        win.start, win.end, TopBy.COMMENTS, HOTSPOTS, blog_id=None, author_id=author_id
    )
    return AuthorDetail(mine, ranking.ranked, posts)


@dataclass(frozen=True)
class ToneReport:
    totals: Counts
    series: list[SeriesPoint]
    posts: list[PostFigures]
    blogs: list[BlogFigures]


async def tone(uow: InsightsUnitOfWork, actor: Actor, win: Window, bucket: Bucket) -> ToneReport:
    """Positive, neutral and negative approved comments per bucket, and where the
    negative ones concentrate (posts and blogs with the most)."""
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    # The tone needs the comment counts only: no posts published, no people.
    series = await _series(uow, win, bucket, None, None, activity=False)
    totals = Counts(
        positive=sum(p.counts.positive for p in series),
        neutral=sum(p.counts.neutral for p in series),
        negative=sum(p.counts.negative for p in series),
        comments_approved=sum(p.counts.comments_approved for p in series),
    )
    posts = await uow.insights.negative_posts(win.start, win.end, HOTSPOTS)
    blogs = await uow.insights.negative_blogs(win.start, win.end, HOTSPOTS)
    return ToneReport(totals, series, posts, blogs)


async def topics(
    uow: InsightsUnitOfWork, actor: Actor, win: Window, tone: TopicTone, limit: int
) -> Topics:
    """What is said: the terms and short phrases that most approved comments of the
    window carry, those rising against the previous period of the same length, each
    with its tone split and a few example comments; with ``NEGATIVE``, the same over
    negative comments alone."""
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    days = topic_days(win)
    limit = max(1, min(limit, MAX_TOPICS))
    comments, top, rising = await uow.topics.topics(days, tone, limit, MIN_TOPIC_COMMENTS)
    terms = sorted({t.term for t in top} | {t.term for t in rising})
    examples = await uow.topics.examples(terms, days, tone, TOPIC_EXAMPLES)

    def shown(t: Topic) -> Topic:
        return replace(t, examples=examples.get(t.term, []))

    return Topics(days, tone, comments, [shown(t) for t in top], [shown(t) for t in rising])


@dataclass(frozen=True)
class CommenterRanking:
    ranked: int  # signed-in commenters with approved comments in the window
    items: list[CommenterInfluence]  # those the filter keeps, in rank order, up to limit


def _kept(i: CommenterInfluence, which: CommenterFilter) -> bool:
    f = i.figures
    if which is CommenterFilter.NEW:
        return f.new
    if which is CommenterFilter.MEMBERS:
        return f.role is not None
    if which is CommenterFilter.AUTHORS:
        return f.author
    if which is CommenterFilter.AMBASSADORS:
        return f.ambassador
    return True


async def commenters(
    uow: InsightsUnitOfWork, actor: Actor, win: Window, which: CommenterFilter, limit: int
) -> CommenterRanking:
    """People who matter, readers included: signed-in commenters ranked by the
    conversation they create, each with the parts of their score. The rank is over
    everyone; the filter (new this window, members, authors) only chooses who is shown."""
    require(actor, Action.INSIGHTS_FULL)
    await _gate(uow, actor, FULL)
    ranked = rank_commenters(await uow.commenters.commenters(win.start, win.end))
    kept = [i for i in ranked if _kept(i, which)]
    return CommenterRanking(len(ranked), kept[: max(1, min(limit, MAX_COMMENTERS))])


async def moderation(uow: InsightsUnitOfWork, actor: Actor, win: Window) -> ModerationFigures:
    require(actor, Action.INSIGHTS_MODERATION)
    await _gate(uow, actor, BASIC)
    return await uow.insights.moderation(win.start, win.end)


async def record_read(
    uow: InsightsUnitOfWork,
    post_id: UUID,
    *,
    secret: bytes,
    tenant: str,
    address: str,
    user_agent: str | None,
) -> bool:
    """Count a read of a public post once per visitor and day (UTC days). Robots are
    answered without a look at the database and never counted. A post that is not
    public (a draft, a deleted post, another tenant's) is a 404."""
    if is_bot(user_agent):
        return False
    assert user_agent is not None
    now = clock.now()
    day = now.astimezone(UTC).date()
    visitor = visitor_key(secret, day, tenant, address, user_agent)
    counted = await uow.insights.count_read(post_id, day, visitor, now)
    if counted is None:
        raise NotFound("No such post.")
    await uow.commit()
    return counted
