"""Community insights under ``/v1/tenants/{tenant}/insights``, and the public read counter
``POST /v1/sites/{tenant}/posts/{post_id}/views``.

Every insight answers JSON, or CSV with ``?format=csv`` (or ``Accept: text/csv``).
Windows are whole local days ``from``..``to`` (inclusive) in the IANA zone ``tz``;
the rules (defaults, maximum length, future) live in ``domain/insights/model.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, Field

from api.access import PrincipalDep, ServicesDep, TenantSlug, UowDep, client_ip
from api.kit.fingerprints import ip_fingerprint
from api.kit.pages import LimitQuery
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from api.kit.sites import SiteDep
from api.problems import ApiProblem
from domain.insights import use_cases
from domain.insights.model import (
    MAX_RANGE_DAYS,
    Bucket,
    Counts,
    Influence,
    PostFigures,
    SeriesPoint,
    TopBy,
    Window,
    share,
    window,
)
from domain.kernel import clock
from domain.kernel.errors import RateLimited
from domain.tenants import use_cases as identity
from persistence.uow import SqlUnitOfWork

router = new_router(tags=["insights"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No credentials"},
    402: {"description": "The plan has no insights, or not the level this view needs"},
    403: {"description": "Your role does not see these figures"},
    404: {"description": "No such tenant, blog or author"},
    422: {"description": "Invalid window, bucket, time zone or filter"},
}
CSV_MEDIA = "text/csv"

# --- query parameters ---------------------------------------------------------------------

FromQuery = Annotated[
    date | None,
    Query(
        alias="from",
        description="First local day of the window (YYYY-MM-DD); default: 30 days ending `to`.",
    ),
]
ToQuery = Annotated[
    date | None,
    Query(
        alias="to",
        description=f"Last local day, included (default: today in `tz`). At most "
        f"{MAX_RANGE_DAYS} days from `from`; at most one day after today.",
    ),
]
TzQuery = Annotated[
    str,
    Query(min_length=1, max_length=64, description="IANA time zone of days and buckets."),
]
BucketQuery = Annotated[
    Literal["day", "week", "month"],
    Query(description="day, week (ISO, from Monday) or month, in `tz`."),
]
FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(description="csv for a spreadsheet (or send Accept: text/csv)."),
]


async def window_query(from_: FromQuery = None, to: ToQuery = None, tz: TzQuery = "UTC") -> Window:
    """The chosen window (local days ``from``..``to`` in ``tz``), validated once."""
    return window(from_, to, tz, now=clock.now())


WindowDep = Annotated[Window, Depends(window_query)]


# --- CSV ----------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(columns: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return Response(
        out.getvalue(),
        media_type=f"{CSV_MEDIA}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return CSV_MEDIA in accept and "application/json" not in accept


M = TypeVar("M", bound=BaseModel)


def answer(
    request: Request,
    fmt: str | None,
    model: M,
    table: Callable[[M], tuple[Sequence[str], Iterable[Sequence[Any]]]],
    name: str,
) -> Any:
    if wants_csv(request, fmt):
        columns, rows = table(model)
        return csv_response(columns, rows, name)
    return model


CSV_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {CSV_MEDIA: {"schema": {"type": "string"}}}}
}

# --- shared schemas -----------------------------------------------------------------------


class WindowRead(StrictModel):
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    tz: str
    start: datetime = Field(description="UTC instant the window starts")
    end: datetime = Field(description="UTC instant the window ends (excluded)")

    @classmethod
    def of(cls, w: Window) -> WindowRead:
        return cls.model_validate(
            {"from": w.first, "to": w.last, "tz": w.zone.key, "start": w.start, "end": w.end}
        )


class CommentCounts(StrictModel):
    pending: int
    approved: int
    rejected: int
    spam: int
    deleted: int
    total: int


class ToneCounts(StrictModel):
    positive: int
    neutral: int
    negative: int
    positive_share: float | None
    negative_share: float | None


def _comment_counts(c: Counts) -> CommentCounts:
    return CommentCounts(
        pending=c.comments_pending,
        approved=c.comments_approved,
        rejected=c.comments_rejected,
        spam=c.comments_spam,
        deleted=c.comments_deleted,
        total=c.comments,
    )


def _tone_counts(c: Counts) -> ToneCounts:
    return ToneCounts(
        positive=c.positive,
        neutral=c.neutral,
        negative=c.negative,
        positive_share=share(c.positive, c.toned),
        negative_share=share(c.negative, c.toned),
    )


# --- engagement ---------------------------------------------------------------------------


class EngagementPoint(StrictModel):
    start: datetime = Field(description="The bucket's first local midnight, with its offset")
    posts_published: int
    comments: CommentCounts = Field(description="Comments created in the bucket, by status now")
    replies: int = Field(description="Approved replies among them")
    tone: ToneCounts = Field(description="Approved comments by tone")
    ratings: int
    rating_average: float | None
    reads: int
    active_people: int = Field(
        description="Distinct commenters, voters and readers; anonymous readers count once a day"
    )


class EngagementRead(StrictModel):
    window: WindowRead
    bucket: str
    blog: UUID | None
    author: UUID | None
    items: list[EngagementPoint]


def _point(p: SeriesPoint) -> EngagementPoint:
    c = p.counts
    return EngagementPoint(
        start=p.start,
        posts_published=p.posts_published,
        comments=_comment_counts(c),
        replies=c.replies,
        tone=_tone_counts(c),
        ratings=c.ratings,
        rating_average=round(c.rating_sum / c.ratings, 3) if c.ratings else None,
        reads=c.reads,
        active_people=p.active_people,
    )


def _engagement_table(m: EngagementRead) -> tuple[list[str], list[list[Any]]]:
    columns = [
        "start",
        "posts_published",
        "comments_total",
        "comments_approved",
        "comments_pending",
        "comments_rejected",
        "comments_spam",
        "comments_deleted",
        "replies",
        "positive",
        "neutral",
        "negative",
        "ratings",
        "rating_average",
        "reads",
        "active_people",
    ]
    rows = [
        [
            i.start.isoformat(),
            i.posts_published,
            i.comments.total,
            i.comments.approved,
            i.comments.pending,
            i.comments.rejected,
            i.comments.spam,
            i.comments.deleted,
            i.replies,
            i.tone.positive,
            i.tone.neutral,
            i.tone.negative,
            i.ratings,
            i.rating_average,
            i.reads,
            i.active_people,
        ]
        for i in m.items
    ]
    return columns, rows


@router.get(
    "/tenants/{tenant}/insights/engagement",
    operation_id="insights-engagement",
    response_model=EngagementRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def engagement(
    request: Request,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    bucket: BucketQuery = "day",
    blog: Annotated[UUID | None, Query(description="One blog's figures")] = None,
    author: Annotated[UUID | None, Query(description="One author's figures (user id)")] = None,
    format: FormatQuery = None,
) -> Any:
    """Posts published, comments by status, tone, ratings, reads and active people per
    day, week or month. Plan level ``basic``. Staff see the tenant, a blog or an author;
    authors their own figures only (``author`` is set to them; another author is 403)."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        points = await use_cases.engagement(
            uow, actor, win, Bucket(bucket), blog_id=blog, author_id=author
        )
    model = EngagementRead(
        window=WindowRead.of(win),
        bucket=bucket,
        blog=blog,
        author=author if author else None,
        items=[_point(p) for p in points],
    )
    return answer(request, format, model, _engagement_table, "engagement")


# --- top posts ----------------------------------------------------------------------------


class TopPostRead(StrictModel):
    post_id: UUID
    title: str
    slug: str
    blog_id: UUID
    blog_slug: str
    author_id: UUID
    author_name: str
    comments: int = Field(description="Approved comments created in the window")
    replies: int
    negative: int
    ratings: int
    rating_bayesian: float | None = Field(
        description="Bayesian average of the window's votes (5 imaginary votes of 3 stars)"
    )
    reads: int


class TopPostsRead(StrictModel):
    window: WindowRead
    by: str
    items: list[TopPostRead]


def _top(p: PostFigures) -> TopPostRead:
    c = p.counts
    return TopPostRead(
        post_id=p.post_id,
        title=p.title,
        slug=p.slug,
        blog_id=p.blog_id,
        blog_slug=p.blog_slug,
        author_id=p.author_id,
        author_name=p.author_name,
        comments=c.comments_approved,
        replies=c.replies,
        negative=c.negative,
        ratings=c.ratings,
        rating_bayesian=p.rating_average,
        reads=c.reads,
    )


_POST_COLUMNS = [
    "post_id",
    "title",
    "slug",
    "blog_slug",
    "author_name",
    "comments",
    "replies",
    "negative",
    "ratings",
    "rating_bayesian",
    "reads",
]


def _post_row(i: TopPostRead) -> list[Any]:
    return [
        str(i.post_id),
        i.title,
        i.slug,
        i.blog_slug,
        i.author_name,
        i.comments,
        i.replies,
        i.negative,
        i.ratings,
        i.rating_bayesian,
        i.reads,
    ]


def _top_table(m: TopPostsRead) -> tuple[list[str], list[list[Any]]]:
    return _POST_COLUMNS, [_post_row(i) for i in m.items]


@router.get(
    "/tenants/{tenant}/insights/top-posts",
    operation_id="insights-top-posts",
    response_model=TopPostsRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def top_posts(
    request: Request,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    by: Annotated[Literal["comments", "rating", "reads"], Query()] = "comments",
    blog: Annotated[UUID | None, Query()] = None,
    author: Annotated[UUID | None, Query()] = None,
    limit: LimitQuery = 10,
    format: FormatQuery = None,
) -> Any:
    """The window's top posts by approved comments, by Bayesian rating of the window's
    votes, or by reads. Plan level ``basic``; authors see their own posts only."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        posts = await use_cases.top_posts(
            uow, actor, win, TopBy(by), limit, blog_id=blog, author_id=author
        )
    model = TopPostsRead(window=WindowRead.of(win), by=by, items=[_top(p) for p in posts])
    return answer(request, format, model, _top_table, f"top-posts-{by}")


# --- influence ----------------------------------------------------------------------------


class ScorePartRead(StrictModel):
    name: str = Field(
        description="commenters, comments, replies, ratings, reads, posts, rating_average"
    )
    figure: float
    points: float


class AuthorRankRead(StrictModel):
    rank: int | None = Field(description="null when the author had no activity in the window")
    author_id: UUID
    name: str
    handle: str
    score: float
    parts: list[ScorePartRead] = Field(description="Why they rank where they do")


class AuthorRankingRead(StrictModel):
    window: WindowRead
    formula: str
    ranked_authors: int
    items: list[AuthorRankRead]
    next_cursor: str | None


FORMULA = (
    "3 ln(1+commenters) + 2 ln(1+comments) + ln(1+replies) "
    "+ ln(1+ratings) x (bayesian_average - 1) / 2 + ln(1+reads) + ln(1+posts)"
)


def _ranked(i: Influence) -> AuthorRankRead:
    f = i.figures
    return AuthorRankRead(
        rank=i.rank or None,
        author_id=f.author_id,
        name=f.name,
        handle=f.handle,
        score=i.score,
        parts=[ScorePartRead(name=p.name, figure=p.figure, points=p.points) for p in i.parts],
    )


_PART_NAMES = ["commenters", "comments", "replies", "ratings", "reads", "posts"]


def _rank_row(i: AuthorRankRead) -> list[Any]:
    parts = {p.name: p for p in i.parts}
    row: list[Any] = [i.rank, str(i.author_id), i.name, i.handle, i.score]
    for name in _PART_NAMES:
        row += [parts[name].figure, parts[name].points]
    row.append(parts["rating_average"].figure)
    return row


def _rank_columns() -> list[str]:
    columns = ["rank", "author_id", "name", "handle", "score"]
    for name in _PART_NAMES:
        columns += [name, f"{name}_points"]
    return [*columns, "rating_average"]


def _ranking_table(m: AuthorRankingRead) -> tuple[list[str], list[list[Any]]]:
    return _rank_columns(), [_rank_row(i) for i in m.items]


def _offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    if not cursor.isdigit() or len(cursor) > 7:
        raise ApiProblem(
            "validation_failed",
            "The cursor is malformed.",
            errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor", "type": "cursor"}],
        )
    return int(cursor)


@router.get(
    "/tenants/{tenant}/insights/authors",
    operation_id="insights-authors",
    response_model=AuthorRankingRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def authors(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    limit: LimitQuery = 10,
    cursor: Annotated[str | None, Query(max_length=16)] = None,
    format: FormatQuery = None,
) -> Any:
    """The bloggers who matter: authors ranked by influence over the window, each with
    the parts of their score. Plan level ``full``; owners and managers."""
    skip = _offset(cursor)
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        ranked = await use_cases.authors(uow, actor, win)
    page = ranked[skip : skip + limit]
    next_cursor = str(skip + limit) if len(ranked) > skip + limit else None
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'
    model = AuthorRankingRead(
        window=WindowRead.of(win),
        formula=FORMULA,
        ranked_authors=len(ranked),
        items=[_ranked(i) for i in page],
        next_cursor=next_cursor,
    )
    return answer(request, format, model, _ranking_table, "authors")


class AuthorDetailRead(AuthorRankRead):
    window: WindowRead
    formula: str
    ranked_authors: int
    posts: list[TopPostRead] = Field(description="Their posts with the most comments")


def _detail_table(m: AuthorDetailRead) -> tuple[list[str], list[list[Any]]]:
    return _rank_columns(), [_rank_row(m)]


@router.get(
    "/tenants/{tenant}/insights/authors/{author_id}",
    operation_id="insights-author",
    response_model=AuthorDetailRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def author_detail(
    request: Request,
    tenant: TenantSlug,
    author_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    format: FormatQuery = None,
) -> Any:
    """One author's score, its parts, rank and best posts. Plan level ``full``. Authors
    see their own only: another author's detail is 403; an unknown author 404."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        detail = await use_cases.author_detail(uow, actor, win, author_id)
    model = AuthorDetailRead(
        **_ranked(detail.influence).model_dump(),
        window=WindowRead.of(win),
        formula=FORMULA,
        ranked_authors=detail.ranked_authors,
        posts=[_top(p) for p in detail.posts],
    )
    return answer(request, format, model, _detail_table, "author")


# --- tone ---------------------------------------------------------------------------------


class TonePoint(StrictModel):
    start: datetime
    approved: int
    tone: ToneCounts


class ToneBlogRead(StrictModel):
    blog_id: UUID
    slug: str
    title: str
    approved: int
    tone: ToneCounts


class TonePostRead(StrictModel):
    post_id: UUID
    title: str
    blog_slug: str
    author_name: str
    approved: int
    tone: ToneCounts


class ToneRead(StrictModel):
    window: WindowRead
    bucket: str
    method: str
    totals: ToneCounts
    negative_share_change: float | None = Field(
        description="Negative share of the last bucket with comments minus the first's"
    )
    series: list[TonePoint]
    negative_posts: list[TonePostRead]
    negative_blogs: list[ToneBlogRead]


def _tone_table(m: ToneRead) -> tuple[list[str], list[list[Any]]]:
    columns = ["kind", "start_or_id", "name", "approved", "positive", "neutral", "negative"]
    columns += ["positive_share", "negative_share"]
    rows: list[list[Any]] = []
    for p in m.series:
        rows.append(["bucket", p.start.isoformat(), "", p.approved, *_tone_cells(p.tone)])
    for post in m.negative_posts:
        rows.append(["post", str(post.post_id), post.title, post.approved, *_tone_cells(post.tone)])
    for blog in m.negative_blogs:
        rows.append(["blog", str(blog.blog_id), blog.title, blog.approved, *_tone_cells(blog.tone)])
    return columns, rows


def _tone_cells(t: ToneCounts) -> list[Any]:
    return [t.positive, t.neutral, t.negative, t.positive_share, t.negative_share]


@router.get(
    "/tenants/{tenant}/insights/tone",
    operation_id="insights-tone",
    response_model=ToneRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def tone(
    request: Request,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    bucket: BucketQuery = "week",
    format: FormatQuery = None,
) -> Any:
    """What is said: the share and trend of positive and negative approved comments, and
    the posts and blogs where negative conversation concentrates. Plan level ``full``."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        report = await use_cases.tone(uow, actor, win, Bucket(bucket))
    series = [
        TonePoint(start=p.start, approved=p.counts.toned, tone=_tone_counts(p.counts))
        for p in report.series
    ]
    shares = [p.tone.negative_share for p in series if p.tone.negative_share is not None]
    model = ToneRead(
        window=WindowRead.of(win),
        bucket=bucket,
        method="lexicons: VADER (English), Pattern French lexicon (French), with our supplements",
        totals=_tone_counts(report.totals),
        negative_share_change=round(shares[-1] - shares[0], 4) if len(shares) > 1 else None,
        series=series,
        negative_posts=[
            TonePostRead(
                post_id=p.post_id,
                title=p.title,
                blog_slug=p.blog_slug,
                author_name=p.author_name,
                approved=p.counts.toned,
                tone=_tone_counts(p.counts),
            )
            for p in report.posts
        ],
        negative_blogs=[
            ToneBlogRead(
                blog_id=b.blog_id,
                slug=b.slug,
                title=b.title,
                approved=b.counts.toned,
                tone=_tone_counts(b.counts),
            )
            for b in report.blogs
        ],
    )
    return answer(request, format, model, _tone_table, "tone")


# --- moderation health --------------------------------------------------------------------


class ModeratorRead(StrictModel):
    user_id: UUID | None
    name: str
    approve: int
    reject: int
    spam: int
    restore: int
    total: int


class ModerationHealthRead(StrictModel):
    window: WindowRead
    pending_now: int = Field(description="The queue now: comments waiting for a decision")
    reported_now: int = Field(description="Of which hidden by reader reports")
    created: CommentCounts = Field(description="Comments created in the window, by status now")
    spam_share: float | None
    decided: int = Field(description="Comments whose first decision fell in the window")
    median_minutes_to_decision: float | None
    p90_minutes_to_decision: float | None
    reports_received: int
    moderators: list[ModeratorRead]


def _moderation_table(m: ModerationHealthRead) -> tuple[list[str], list[list[Any]]]:
    rows: list[list[Any]] = [
        ["pending_now", m.pending_now],
        ["reported_now", m.reported_now],
        ["created_total", m.created.total],
        ["created_spam", m.created.spam],
        ["spam_share", m.spam_share],
        ["decided", m.decided],
        ["median_minutes_to_decision", m.median_minutes_to_decision],
        ["p90_minutes_to_decision", m.p90_minutes_to_decision],
        ["reports_received", m.reports_received],
    ]
    rows += [[f"actions:{x.name}", x.total] for x in m.moderators]
    return ["figure", "value"], rows


def _minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 2) if seconds is not None else None


@router.get(
    "/tenants/{tenant}/insights/moderation",
    operation_id="insights-moderation",
    response_model=ModerationHealthRead,
    responses={**PROBLEMS, **CSV_CONTENT},
)
async def moderation(
    request: Request,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    win: WindowDep,
    format: FormatQuery = None,
) -> Any:
    """Is moderation keeping up: the queue, the time from a comment's creation to its
    first decision (median and 90th percentile), the share of spam, reader reports and
    decisions per moderator. Plan level ``basic``; owners, managers and moderators."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        figures = await use_cases.moderation(uow, actor, win)
    model = ModerationHealthRead(
        window=WindowRead.of(win),
        pending_now=figures.pending_now,
        reported_now=figures.reported_now,
        created=_comment_counts(figures.created),
        spam_share=figures.spam_share,
        decided=figures.decided,
        median_minutes_to_decision=_minutes(figures.median_seconds),
        p90_minutes_to_decision=_minutes(figures.p90_seconds),
        reports_received=figures.reports,
        moderators=[
            ModeratorRead(
                user_id=x.user_id,
                name=x.name,
                approve=x.approve,
                reject=x.reject,
                spam=x.spam,
                restore=x.restore,
                total=x.total,
            )
            for x in figures.moderators
        ],
    )
    return answer(request, format, model, _moderation_table, "moderation")


# --- the read counter ---------------------------------------------------------------------


async def _limit_reads(request: Request, services: ServicesDep, tenant: TenantSlug) -> None:
    fingerprint = ip_fingerprint(services, tenant, client_ip(request))
    per_minute = services.settings.views_per_ip_per_minute
    verdict = await services.limiter.hit("views-ip", fingerprint.hex(), per_minute)
    if not verdict.allowed:
        raise RateLimited(
            f"At most {per_minute} reads a minute from one address.",
            retry_after_seconds=verdict.retry_after,
        )


@router.post(
    "/sites/{tenant}/posts/{post_id}/views",
    operation_id="posts-view",
    status_code=204,
    response_class=Response,
    tags=["sites"],
    responses={
        404: {"description": "No such site, or the post is not public"},
        429: {"description": "Too many reads from one address: wait Retry-After seconds"},
    },
    dependencies=[Depends(_limit_reads)],
)
async def record_view(
    request: Request, tenant: TenantSlug, post_id: UUID, site: SiteDep, services: ServicesDep
) -> Response:
    """The theme reports that a reader opened a post: no cookie, no body. A visitor (a
    keyed hash of the address and user agent under a salt that changes every day, never
    stored as such) is counted once per post and day; robots get 204 and are not counted;
    drafts and other non-public posts are a 404."""
    async with SqlUnitOfWork(request.app.state.db, tenant_id=site.row.id) as uow:
        await use_cases.record_read(
            uow,
            post_id,
            secret=services.hash_secret,
            tenant=tenant,
            address=client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    return Response(status_code=204)
