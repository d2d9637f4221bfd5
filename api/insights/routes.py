"""Community insights under ``/v1/tenants/{tenant}/insights``, and the public read counter
``POST /v1/sites/{tenant}/posts/{post_id}/views``.

Every insight answers JSON, or CSV with ``?format=csv`` (or ``Accept: text/csv``).
Windows are whole local days ``from``..``to`` (inclusive) in the IANA zone ``tz``;
the rules (defaults, maximum length, future) live in ``domain/insights/model.py``.

Each route's gate admits the weakest role its use case may answer (authors reach the
engagement, top posts and their own detail; moderators the moderation figures); the use
case holds each caller to what they may see.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, Query, Request, Response

from api.access import (
    Requires,
    ServicesDep,
    TenantActor,
    TenantSlug,
    client_ip,
)
from api.insights.schemas import (
    FORMULA,
    PROBLEMS,
    AmbassadorActivityRead,
    AmbassadorMarkRead,
    AmbassadorsRead,
    AuthorDetailRead,
    AuthorRankingRead,
    AuthorRankRead,
    BriefCreate,
    BriefPostLink,
    BriefRead,
    BriefsRead,
    CommenterRankingRead,
    EngagementPoint,
    EngagementRead,
    ModerationHealthRead,
    ToneRead,
    TopicsRead,
    TopPostRead,
    TopPostsRead,
    WindowRead,
)
from api.kit.csv import CSV_CONTENT, FormatQuery, json_or_csv
from api.kit.cursors import Keyset
from api.kit.fingerprints import ip_fingerprint
from api.kit.pages import CursorQuery, LimitQuery, PageRequest, link_header
from api.kit.routing import new_router
from api.kit.sites import SiteReaderDep
from api.members.schemas import InvitationRead
from auth.secrets import new_token, token_hash
from domain.insights import actions, use_cases
from domain.insights.model import (
    MAX_RANGE_DAYS,
    TOPICS_DEFAULT,
    Bucket,
    CommenterFilter,
    TopBy,
    TopicTone,
    Window,
    rank_key,
    window,
)
from domain.kernel import clock
from domain.kernel.access import Action
from domain.kernel.errors import RateLimited
from domain.licensing.limits import PlanLicence

router = new_router(tags=["insights"])

Own = Annotated[TenantActor, Requires(Action.INSIGHTS_OWN)]
Full = Annotated[TenantActor, Requires(Action.INSIGHTS_FULL)]
Moderation = Annotated[TenantActor, Requires(Action.INSIGHTS_MODERATION)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]
Writer = Annotated[TenantActor, Requires(Action.WRITE_POSTS)]
ACTION_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    404: {"description": "No such tenant, person, brief or post"},
    409: {"description": "Already writes here, or the brief is already taken"},
}
ANSWERS = {**PROBLEMS, **CSV_CONTENT}

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


async def window_query(from_: FromQuery = None, to: ToQuery = None, tz: TzQuery = "UTC") -> Window:
    """The chosen window (local days ``from``..``to`` in ``tz``), validated once."""
    return window(from_, to, tz, now=clock.now())


WindowDep = Annotated[Window, Depends(window_query)]


# --- engagement ---------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/insights/engagement",
    operation_id="insights-engagement",
    response_model=EngagementRead,
    responses=ANSWERS,
)
async def engagement(
    request: Request,
    tenant: TenantSlug,
    ctx: Own,
    win: WindowDep,
    bucket: BucketQuery = "day",
    blog: Annotated[UUID | None, Query(description="One blog's figures")] = None,
    author: Annotated[UUID | None, Query(description="One author's figures (user id)")] = None,
    format: FormatQuery = None,
) -> Any:
    """Posts published, comments by status, tone, ratings, reads, active people, likes and
    boosts per day, week or month. Plan level ``basic``. Staff see the tenant, a blog or an author;
    authors their own figures only (``author`` is set to them; another author is 403)."""
    points = await use_cases.engagement(
        ctx.uow, ctx.actor, win, Bucket(bucket), blog_id=blog, author_id=author
    )
    model = EngagementRead(
        window=WindowRead.of(win),
        bucket=bucket,
        blog=blog,
        author=author if author else None,
        items=[EngagementPoint.of(p) for p in points],
    )
    return json_or_csv(request, format, model, EngagementRead.table, "engagement")


# --- top posts ----------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/insights/top-posts",
    operation_id="insights-top-posts",
    response_model=TopPostsRead,
    responses=ANSWERS,
)
async def top_posts(
    request: Request,
    tenant: TenantSlug,
    ctx: Own,
    win: WindowDep,
    by: Annotated[Literal["comments", "rating", "reads"], Query()] = "comments",
    blog: Annotated[UUID | None, Query()] = None,
    author: Annotated[UUID | None, Query()] = None,
    limit: LimitQuery = 10,
    format: FormatQuery = None,
) -> Any:
    """The window's top posts by approved comments, by Bayesian rating of the window's
    votes, or by reads. Plan level ``basic``; authors see their own posts only."""
    posts = await use_cases.top_posts(
        ctx.uow, ctx.actor, win, TopBy(by), limit, blog_id=blog, author_id=author
    )
    model = TopPostsRead(window=WindowRead.of(win), by=by, items=[TopPostRead.of(p) for p in posts])
    return json_or_csv(request, format, model, TopPostsRead.table, f"top-posts-{by}")


# --- influence ----------------------------------------------------------------------------

# The ranking's keyset: its sort key (score, commenters, name) and the author's id.
AUTHORS = Keyset("insights-authors", (float, int, str, UUID), rank_key)


@router.get(
    "/tenants/{tenant}/insights/authors",
    operation_id="insights-authors",
    response_model=AuthorRankingRead,
    responses=ANSWERS,
)
async def authors(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    ctx: Full,
    win: WindowDep,
    services: ServicesDep,
    filter: Annotated[
        Literal["all", "ambassadors"],
        Query(description="ambassadors: only the authors marked as ambassadors"),
    ] = "all",
    limit: LimitQuery = 10,
    cursor: CursorQuery = None,
    format: FormatQuery = None,
) -> Any:
    """The bloggers who matter: authors ranked by influence over the window, each with
    the parts of their score. Plan level ``full``; owners and managers. Keyset-paged:
    ``next_cursor`` continues after the last author of the page. Filtered to
    ambassadors, each keeps the rank they hold among all authors."""
    paging = PageRequest(limit, cursor, services.cursors)  # the page kit, ten a page
    ranking = await use_cases.authors(
        ctx.uow,
        ctx.actor,
        win,
        after=paging.after(AUTHORS),
        limit=paging.fetch,
        ambassadors_only=filter == "ambassadors",
    )
    page, next_cursor = paging.split(AUTHORS, ranking.items)
    response.headers.update(link_header(request, next_cursor))
    model = AuthorRankingRead(
        window=WindowRead.of(win),
        formula=FORMULA,
        ranked_authors=ranking.ranked,
        items=[AuthorRankRead.of(i) for i in page],
        next_cursor=next_cursor,
    )
    return json_or_csv(request, format, model, AuthorRankingRead.table, "authors")


@router.get(
    "/tenants/{tenant}/insights/authors/{author_id}",
    operation_id="insights-author",
    response_model=AuthorDetailRead,
    responses=ANSWERS,
)
async def author_detail(
    request: Request,
    tenant: TenantSlug,
    author_id: UUID,
    ctx: Own,
    win: WindowDep,
    format: FormatQuery = None,
) -> Any:
    """One author's score, its parts, rank and best posts. Plan level ``full``. Authors
    see their own only: another author's detail is 403; an unknown author 404."""
    detail = await use_cases.author_detail(ctx.uow, ctx.actor, win, author_id)
    model = AuthorDetailRead.of_detail(win, detail)
    return json_or_csv(request, format, model, AuthorDetailRead.table, "author")


@router.get(
    "/tenants/{tenant}/insights/commenters",
    operation_id="insights-commenters",
    response_model=CommenterRankingRead,
    responses=ANSWERS,
)
async def commenters(
    request: Request,
    tenant: TenantSlug,
    ctx: Full,
    win: WindowDep,
    filter: Annotated[
        Literal["all", "new", "members", "authors", "ambassadors"],
        Query(
            description="new: first approved comment here in the window; members: already "
            "members; authors: already wrote a post; ambassadors: marked as ambassadors"
        ),
    ] = "all",
    limit: LimitQuery = 10,
    format: FormatQuery = None,
) -> Any:
    """People who matter, readers included: signed-in commenters ranked by the
    conversation they create (distinct people replying to them, replies, the days they
    came back, their comments, the votes of the posts they talk on), each with the parts
    of their score. Plan level ``full``; owners and managers."""
    ranking = await use_cases.commenters(ctx.uow, ctx.actor, win, CommenterFilter(filter), limit)
    model = CommenterRankingRead.of(win, filter, ranking)
    return json_or_csv(request, format, model, CommenterRankingRead.table, f"commenters-{filter}")


# --- tone ---------------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/insights/tone",
    operation_id="insights-tone",
    response_model=ToneRead,
    responses=ANSWERS,
)
async def tone(
    request: Request,
    tenant: TenantSlug,
    ctx: Full,
    win: WindowDep,
    bucket: BucketQuery = "week",
    format: FormatQuery = None,
) -> Any:
    """What is said: the share and trend of positive and negative approved comments, and
    the posts and blogs where negative conversation concentrates. Plan level ``full``."""
    report = await use_cases.tone(ctx.uow, ctx.actor, win, Bucket(bucket))
    model = ToneRead.of(win, bucket, report)
    return json_or_csv(request, format, model, ToneRead.table, "tone")


# --- what is said ------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/insights/topics",
    operation_id="insights-topics",
    response_model=TopicsRead,
    responses=ANSWERS,
)
async def topics(
    request: Request,
    tenant: TenantSlug,
    ctx: Full,
    win: WindowDep,
    tone: Annotated[
        Literal["all", "negative"],
        Query(description="all approved comments, or the negative ones alone"),
    ] = "all",
    limit: Annotated[int, Query(ge=1, le=50, description="Terms per list")] = TOPICS_DEFAULT,
    format: FormatQuery = None,
) -> Any:
    """What is said: the terms and short phrases most approved comments of the window
    carry, those rising against the previous period of the same length, each with its
    tone split and up to three example comments; ``tone=negative`` gives the same over
    negative comments alone (what the complaints are about). Plan level ``full``; owners
    and managers."""
    report = await use_cases.topics(ctx.uow, ctx.actor, win, TopicTone(tone), limit)
    model = TopicsRead.of(win, report)
    return json_or_csv(request, format, model, TopicsRead.table, f"topics-{tone}")


# --- from insight to action: invitations, ambassadors, briefs -----------------------------


@router.post(
    "/tenants/{tenant}/insights/people/{user_id}/invitation",
    operation_id="insights-invite-to-write",
    status_code=201,
    response_model=InvitationRead,
    responses=ACTION_PROBLEMS,
)
async def invite_to_write(
    tenant: TenantSlug, user_id: UUID, ctx: Manager, services: ServicesDep
) -> InvitationRead:
    """From either ranking, in one step: invite this person to become an author, with the
    member invitation to their own address: the invitation mail goes to them, and the
    answer holds the link too (once). Owners and managers; someone who already writes
    is 409."""
    token = new_token()
    issued = await actions.invite_to_write(
        ctx.uow,
        ctx.actor,
        user_id,
        token,
        token_hash(token),
        timedelta(seconds=services.settings.invitation_ttl_seconds),
        PlanLicence(ctx.uow),
    )
    return InvitationRead.of(issued, services.settings.base_url, ctx.tenant.slug)


@router.put(
    "/tenants/{tenant}/insights/ambassadors/{user_id}",
    operation_id="insights-ambassador-mark",
    response_model=AmbassadorMarkRead,
    responses=ACTION_PROBLEMS,
)
async def mark_ambassador(tenant: TenantSlug, user_id: UUID, ctx: Manager) -> AmbassadorMarkRead:
    """Mark a person the tenant knows (a member, a commenter, an author) as an ambassador;
    marking twice changes nothing. Someone outside the tenant is 404."""
    return AmbassadorMarkRead.of(await actions.mark_ambassador(ctx.uow, ctx.actor, user_id))


@router.delete(
    "/tenants/{tenant}/insights/ambassadors/{user_id}",
    operation_id="insights-ambassador-unmark",
    status_code=204,
    response_class=Response,
    responses=ACTION_PROBLEMS,
)
async def unmark_ambassador(tenant: TenantSlug, user_id: UUID, ctx: Manager) -> Response:
    await actions.unmark_ambassador(ctx.uow, ctx.actor, user_id)
    return Response(status_code=204)


@router.get(
    "/tenants/{tenant}/insights/ambassadors",
    operation_id="insights-ambassadors",
    response_model=AmbassadorsRead,
    responses=PROBLEMS,
)
async def list_ambassadors(tenant: TenantSlug, ctx: Full, win: WindowDep) -> AmbassadorsRead:
    """The ambassadors, with their window's comments, posts and briefs."""
    return AmbassadorsRead.of(win, await actions.ambassadors(ctx.uow, ctx.actor, win))


@router.get(
    "/tenants/{tenant}/insights/ambassadors/{user_id}",
    operation_id="insights-ambassador-activity",
    response_model=AmbassadorActivityRead,
    responses=ACTION_PROBLEMS,
)
async def ambassador_activity(
    tenant: TenantSlug, user_id: UUID, ctx: Full, win: WindowDep, bucket: BucketQuery = "week"
) -> AmbassadorActivityRead:
    """An ambassador's approved comments and published posts per day, week or month."""
    activity = await actions.ambassador_activity(ctx.uow, ctx.actor, win, Bucket(bucket), user_id)
    return AmbassadorActivityRead.of(win, bucket, activity)


@router.get(
    "/tenants/{tenant}/briefs",
    operation_id="briefs-list",
    response_model=BriefsRead,
    responses=ACTION_PROBLEMS,
)
async def list_briefs(tenant: TenantSlug, ctx: Writer) -> BriefsRead:
    """The brand's briefs, open and claimed first, by due date. Staff, and ambassadors who
    write (other authors: 403)."""
    return BriefsRead(
        items=[BriefRead.of(b) for b in await actions.list_briefs(ctx.uow, ctx.actor)]
    )


@router.post(
    "/tenants/{tenant}/briefs",
    operation_id="briefs-create",
    status_code=201,
    response_model=BriefRead,
    responses=ACTION_PROBLEMS,
)
async def create_brief(tenant: TenantSlug, body: BriefCreate, ctx: Manager) -> BriefRead:
    """A topic the brand suggests to its ambassadors, a short text and a due date (today
    to a year ahead). Owners and managers."""
    brief = await actions.create_brief(ctx.uow, ctx.actor, body.topic, body.body, body.due_on)
    return BriefRead.of(brief)


@router.post(
    "/tenants/{tenant}/briefs/{brief_id}/claim",
    operation_id="briefs-claim",
    response_model=BriefRead,
    responses=ACTION_PROBLEMS,
)
async def claim_brief(tenant: TenantSlug, brief_id: UUID, ctx: Writer) -> BriefRead:
    """An ambassador takes an open brief (anyone else: 403; a taken one: 409)."""
    return BriefRead.of(await actions.claim_brief(ctx.uow, ctx.actor, brief_id))


@router.post(
    "/tenants/{tenant}/briefs/{brief_id}/post",
    operation_id="briefs-link-post",
    response_model=BriefRead,
    responses=ACTION_PROBLEMS,
)
async def link_brief_post(
    tenant: TenantSlug, brief_id: UUID, body: BriefPostLink, ctx: Writer
) -> BriefRead:
    """The ambassador who claimed the brief links the post they wrote for it: done."""
    return BriefRead.of(await actions.link_post(ctx.uow, ctx.actor, brief_id, body.post_id))


# --- moderation health --------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/insights/moderation",
    operation_id="insights-moderation",
    response_model=ModerationHealthRead,
    responses=ANSWERS,
)
async def moderation(
    request: Request,
    tenant: TenantSlug,
    ctx: Moderation,
    win: WindowDep,
    format: FormatQuery = None,
) -> Any:
    """Is moderation keeping up: the queue, the time from a comment's creation to its
    first decision (median and 90th percentile), the share of spam, reader reports and
    decisions per moderator. Plan level ``basic``; owners, managers and moderators."""
    figures = await use_cases.moderation(ctx.uow, ctx.actor, win)
    model = ModerationHealthRead.of(win, figures)
    return json_or_csv(request, format, model, ModerationHealthRead.table, "moderation")


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
    request: Request,
    tenant: TenantSlug,
    post_id: UUID,
    visit: SiteReaderDep,
    services: ServicesDep,
) -> Response:
    """The theme reports that a reader opened a post: no cookie, no body. A visitor (a
    keyed hash of the address and user agent under a salt that changes every day, never
    stored as such) is counted once per post and day; robots get 204 and are not counted;
    drafts and other non-public posts are a 404."""
    visit.uow.public_site_unchanged()  # views are counted for insights, never shown
    await use_cases.record_read(
        visit.uow,
        post_id,
        secret=services.hash_secret,
        tenant=tenant,
        address=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    return Response(status_code=204)
