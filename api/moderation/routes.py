"""The console's moderation of comments under ``/v1/tenants/{tenant}/comments``.

Owners, managers and moderators (and operators) moderate everything; authors moderate
comments on their own posts when the tenant's settings allow it. Every route admits the
console's members (``USE_CONSOLE``); the use cases apply that finer rule
(``moderation_scope``). Bulk decisions are all or nothing. Every decision is audited.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse

from api.access import Requires, ServicesDep, TenantActor, TenantSlug
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from api.moderation.schemas import (
    ActionName,
    BulkModeration,
    CommenterRead,
    CommenterStandingWrite,
    ModeratedList,
    ModerationCommentDetail,
    ModerationCommentRead,
    ModerationCounts,
    PinWrite,
    ReportRead,
    SourceName,
    StaffReplyCreate,
    StatusName,
    ToneName,
)
from domain.comments.model import CommentStatus, Standing, Tone
from domain.kernel.access import Action
from domain.moderation import use_cases
from domain.moderation.model import MAX_QUEUE_TEXT, ModerationAction, QueueFilter

router = new_router(tags=["moderation"])

PROBLEMS = {
    **ADMIN_PROBLEMS,
    402: {"description": "Subscription inactive"},
    409: {"description": "A comment cannot take that decision (deleted, not rejected…)"},
}

# The queue, newest first.
QUEUE = time_id("moderation-queue")

# Moderators, and authors where the tenant lets them moderate their own posts: the
# console's members come in, ``moderation_scope`` decides what each may see and do.
Moderating = Annotated[TenantActor, Requires(Action.USE_CONSOLE)]


@router.get(
    "/tenants/{tenant}/comments",
    operation_id="comments-queue",
    response_model=Page[ModerationCommentRead],
    responses=PROBLEMS,
)
async def queue(
    request: Request,
    response: Response,
    ctx: Moderating,
    tenant: TenantSlug,
    paging: PageQuery,
    status: Annotated[StatusName | None, Query()] = None,
    blog: Annotated[UUID | None, Query(description="A blog id")] = None,
    post: Annotated[UUID | None, Query(description="A post id")] = None,
    author: Annotated[UUID | None, Query(description="The commenter's user id")] = None,
    reported: Annotated[
        bool | None,
        Query(
            description="true: only the comments held because readers reported them (the "
            "`reported` count); false: every comment but those."
        ),
    ] = None,
    tone: Annotated[ToneName | None, Query(description="The comment's tone")] = None,
    source: Annotated[
        SourceName | None,
        Query(description="The channel it came from: web, activitypub or webmention"),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUEUE_TEXT,
            description="Words the comment's text or its author's name contain, "
            "ignoring case and accents.",
        ),
    ] = None,
) -> Page[ModerationCommentRead]:
    """The moderation queue, newest first, with the number of open reader reports."""
    where = QueueFilter(
        tone=Tone(tone) if tone else None,
        text=(q or "").strip() or None,
        status=CommentStatus(status) if status else None,
        blog_id=blog,
        post_id=post,
        author_user_id=author,
        held_for_reports=reported,
        source=source,
    )
    rows = await use_cases.moderation_queue(
        ctx.uow, ctx.actor, ctx.tenant, where, after=paging.after(QUEUE), limit=paging.fetch
    )
    return page_of(request, response, paging, QUEUE, rows, ModerationCommentRead.of)


@router.get(
    "/tenants/{tenant}/comments/counts",
    operation_id="comments-counts",
    response_model=ModerationCounts,
    responses=PROBLEMS,
)
async def counts(ctx: Moderating, tenant: TenantSlug) -> ModerationCounts:
    """Comments per status (for the console's badges)."""
    figures = await use_cases.moderation_counts(ctx.uow, ctx.actor, ctx.tenant)
    return ModerationCounts(**figures)


@router.get(
    "/tenants/{tenant}/comments/{comment_id}",
    operation_id="comments-get",
    response_model=ModerationCommentDetail,
    responses=PROBLEMS,
)
async def get_comment(
    ctx: Moderating, tenant: TenantSlug, comment_id: UUID
) -> ModerationCommentDetail:
    """One comment with every reader report on it and its reason."""
    comment, reports = await use_cases.comment_for_moderation(
        ctx.uow, ctx.actor, ctx.tenant, comment_id
    )
    return ModerationCommentDetail(
        **ModerationCommentRead.of(comment).model_dump(),
        reports=[ReportRead.of(r) for r in reports],
    )


@router.post(
    "/tenants/{tenant}/comments/bulk",
    operation_id="comments-moderate-bulk",
    response_model=ModeratedList,
    responses=PROBLEMS,
)
async def moderate_bulk(
    ctx: Moderating, tenant: TenantSlug, body: BulkModeration, services: ServicesDep
) -> ModeratedList:
    """One decision on up to 100 comments, all or nothing: an unknown id (or another
    tenant's) is a 404 and nothing changes."""
    done = await use_cases.moderate(
        ctx.uow, ctx.actor, ctx.tenant, body.ids, ModerationAction(body.action), tone=services.tone
    )
    return ModeratedList(items=[ModerationCommentRead.of(c) for c in done])


# Speaking or pinning in the site's name is the moderators' (and staff's), not an
# author's: the gate asks for MODERATE.
ModeratingAll = Annotated[TenantActor, Requires(Action.MODERATE)]


@router.post(
    "/tenants/{tenant}/comments/{comment_id}/replies",
    operation_id="comments-staff-reply",
    status_code=201,
    response_model=ModerationCommentRead,
    responses={
        **PROBLEMS,
        409: {"description": "The comment is not visible, or the thread is full"},
    },
)
async def staff_reply(
    ctx: ModeratingAll,
    tenant: TenantSlug,
    comment_id: UUID,
    body: StaffReplyCreate,
    services: ServicesDep,
) -> JSONResponse:
    """Reply to a visible comment as the site's staff: published at once (never held by
    the comment policy), a normal reply in the thread, marked ``staff`` in public
    answers. A held comment is answered 409: approve it first."""
    reply = await use_cases.staff_reply(
        ctx.uow,
        ctx.actor,
        ctx.tenant,
        comment_id,
        body.body,
        renderer=services.comment_text,
        tone=services.tone,
    )
    return JSONResponse(ModerationCommentRead.of(reply).model_dump(mode="json"), status_code=201)


@router.put(
    "/tenants/{tenant}/posts/{post_id}/pinned-comment",
    operation_id="comments-pin",
    response_model=ModerationCommentRead,
    responses={
        **PROBLEMS,
        409: {"description": "Not a visible top-level comment"},
    },
)
async def pin(
    ctx: ModeratingAll, tenant: TenantSlug, post_id: UUID, body: PinWrite
) -> ModerationCommentRead:
    """Keep one visible top-level comment first on the post. One per post: pinning
    another replaces it. Rejecting or deleting the comment unpins it. Audited
    (``comment.pin``)."""
    ctx.uow.public_change_limited_to(post_id)  # its thread only, in every public cache
    comment = await use_cases.pin_comment(ctx.uow, ctx.actor, ctx.tenant, post_id, body.comment_id)
    return ModerationCommentRead.of(comment)


@router.delete(
    "/tenants/{tenant}/posts/{post_id}/pinned-comment",
    operation_id="comments-unpin",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def unpin(ctx: ModeratingAll, tenant: TenantSlug, post_id: UUID) -> Response:
    """The post's comments go back to their order (``comment.unpin``, audited); nothing
    pinned: nothing changes."""
    ctx.uow.public_change_limited_to(post_id)
    await use_cases.unpin_comment(ctx.uow, ctx.actor, ctx.tenant, post_id)
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant}/comments/{comment_id}/{action}",
    operation_id="comments-moderate",
    response_model=ModerationCommentRead,
    responses=PROBLEMS,
)
async def moderate_one(
    ctx: Moderating,
    tenant: TenantSlug,
    comment_id: UUID,
    action: ActionName,
    services: ServicesDep,
) -> ModerationCommentRead:
    """``approve`` (visible), ``reject`` (hidden), ``spam`` (hidden, marked spam), or
    ``restore``: a rejected or spam comment goes back to the status it had before."""
    done = await use_cases.moderate(
        ctx.uow, ctx.actor, ctx.tenant, [comment_id], ModerationAction(action), tone=services.tone
    )
    return ModerationCommentRead.of(done[0])


# Judging people across the tenant is the moderators' too (ModeratingAll above).


@router.get(
    "/tenants/{tenant}/commenters/{user_id}",
    operation_id="commenters-get",
    response_model=CommenterRead,
    responses=PROBLEMS,
)
async def get_commenter(ctx: ModeratingAll, tenant: TenantSlug, user_id: UUID) -> CommenterRead:
    """One commenter in this tenant: their comments, approval rate, reports received,
    first comment, standing and the moderators' note."""
    profile = await use_cases.commenter_profile(ctx.uow, ctx.actor, ctx.tenant, user_id)
    return CommenterRead.of(profile)


@router.put(
    "/tenants/{tenant}/commenters/{user_id}",
    operation_id="commenters-set-standing",
    response_model=CommenterRead,
    responses=PROBLEMS,
)
async def set_commenter_standing(
    ctx: ModeratingAll, tenant: TenantSlug, user_id: UUID, body: CommenterStandingWrite
) -> CommenterRead:
    """Trust (their comments skip pre-moderation), ban (their comments are held for a
    moderator, answered like any held comment) or neither, with a note. Audited."""
    profile = await use_cases.set_commenter_standing(
        ctx.uow,
        ctx.actor,
        ctx.tenant,
        user_id,
        Standing(body.standing) if body.standing else None,
        body.note,
    )
    return CommenterRead.of(profile)
