"""The console's moderation of comments under ``/v1/tenants/{tenant}/comments``.

Owners, managers and moderators (and operators) moderate everything; authors moderate
comments on their own posts when the tenant's settings allow it. Bulk decisions are all
or nothing. Every decision is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Query, Request, Response
from pydantic import Field

from api.access import PrincipalDep, TenantSlug, UowDep
from api.kit.pages import CursorQuery, LimitQuery, Page, decode_time_id_cursor, keyset_page
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, StrictModel
from domain.conversation import use_cases
from domain.conversation.model import MAX_BULK, Comment, CommentStatus, ModerationAction, Report
from domain.conversation.ports import QueueFilter
from domain.tenants import use_cases as identity

router = new_router(tags=["moderation"])

StatusName = Literal["pending", "approved", "rejected", "spam", "deleted"]
ActionName = Literal["approve", "reject", "spam", "restore"]
PROBLEMS = {
    **ADMIN_PROBLEMS,
    402: {"description": "Subscription inactive"},
    409: {"description": "A comment cannot take that decision (deleted, not rejected…)"},
}


class ModerationAuthorRead(StrictModel):
    user_id: UUID | None
    name: str
    email: str | None = Field(description="Anonymous authors' e-mail: for moderators only.")
    url: str | None


class ModerationCommentRead(StrictModel):
    id: UUID
    post_id: UUID
    blog_id: UUID | None
    parent_id: UUID | None
    depth: int
    status: StatusName
    held_reason: str | None = Field(
        description="policy, links, blocked_words, repeat, honeypot or reports"
    )
    author: ModerationAuthorRead
    body_markdown: str
    body_html: str
    open_reports: int
    created_at: datetime
    updated_at: datetime
    edited_at: datetime | None
    moderated_at: datetime | None
    moderated_by: UUID | None

    @classmethod
    def of(cls, c: Comment) -> ModerationCommentRead:
        return cls(
            id=c.id,
            post_id=c.post_id,
            blog_id=c.blog_id,
            parent_id=c.parent_id,
            depth=c.depth,
            status=c.status.value,
            held_reason=c.held_reason.value if c.held_reason else None,
            author=ModerationAuthorRead(
                user_id=c.author_user_id, name=c.author_name, email=c.author_email, url=c.author_url
            ),
            body_markdown=c.body_markdown,
            body_html=c.body_html,
            open_reports=c.open_reports,
            created_at=c.created_at,
            updated_at=c.updated_at,
            edited_at=c.edited_at,
            moderated_at=c.moderated_at,
            moderated_by=c.moderated_by,
        )


class ReportRead(StrictModel):
    reporter_id: UUID
    reporter_name: str
    reason: str
    note: str
    created_at: datetime
    dismissed_at: datetime | None = Field(description="Set once a moderator decided.")

    @classmethod
    def of(cls, r: Report) -> ReportRead:
        return cls(
            reporter_id=r.reporter_id,
            reporter_name=r.reporter_name,
            reason=r.reason.value,
            note=r.note,
            created_at=r.created_at,
            dismissed_at=r.dismissed_at,
        )


class ModerationCommentDetail(ModerationCommentRead):
    reports: list[ReportRead]


class ModerationCounts(StrictModel):
    pending: int
    approved: int
    rejected: int
    spam: int
    deleted: int
    reported: int = Field(description="Held because readers reported them.")


class BulkModeration(StrictModel):
    action: ActionName
    ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_BULK)]


class ModeratedList(StrictModel):
    items: list[ModerationCommentRead]


@router.get(
    "/tenants/{tenant}/comments",
    operation_id="comments-queue",
    response_model=Page[ModerationCommentRead],
    responses=PROBLEMS,
)
async def queue(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
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
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[ModerationCommentRead]:
    """The moderation queue, newest first, with the number of open reader reports."""
    after = decode_time_id_cursor(cursor)
    where = QueueFilter(
        status=CommentStatus(status) if status else None,
        blog_id=blog,
        post_id=post,
        author_user_id=author,
        held_for_reports=reported,
    )
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        rows = await use_cases.moderation_queue(
            uow, actor, found, where, after=after, limit=limit + 1
        )
    page, next_cursor = keyset_page(request, response, rows, limit)
    items = [ModerationCommentRead.of(c) for c in page]
    return Page[ModerationCommentRead](items=items, next_cursor=next_cursor)


@router.get(
    "/tenants/{tenant}/comments/counts",
    operation_id="comments-counts",
    response_model=ModerationCounts,
    responses=PROBLEMS,
)
async def counts(tenant: TenantSlug, principal: PrincipalDep, uow: UowDep) -> ModerationCounts:
    """Comments per status (for the console's badges)."""
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        figures = await use_cases.moderation_counts(uow, actor, found)
    return ModerationCounts(**figures)


@router.get(
    "/tenants/{tenant}/comments/{comment_id}",
    operation_id="comments-get",
    response_model=ModerationCommentDetail,
    responses=PROBLEMS,
)
async def get_comment(
    tenant: TenantSlug, comment_id: UUID, principal: PrincipalDep, uow: UowDep
) -> ModerationCommentDetail:
    """One comment with every reader report on it and its reason."""
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        comment, reports = await use_cases.comment_for_moderation(uow, actor, found, comment_id)
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
    tenant: TenantSlug, body: BulkModeration, principal: PrincipalDep, uow: UowDep
) -> ModeratedList:
    """One decision on up to 100 comments, all or nothing: an unknown id (or another
    tenant's) is a 404 and nothing changes."""
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        done = await use_cases.moderate(uow, actor, found, body.ids, ModerationAction(body.action))
    return ModeratedList(items=[ModerationCommentRead.of(c) for c in done])


@router.post(
    "/tenants/{tenant}/comments/{comment_id}/{action}",
    operation_id="comments-moderate",
    response_model=ModerationCommentRead,
    responses=PROBLEMS,
)
async def moderate_one(
    tenant: TenantSlug,
    comment_id: UUID,
    action: ActionName,
    principal: PrincipalDep,
    uow: UowDep,
) -> ModerationCommentRead:
    """``approve`` (visible), ``reject`` (hidden), ``spam`` (hidden, marked spam), or
    ``restore``: a rejected or spam comment goes back to the status it had before."""
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        done = await use_cases.moderate(uow, actor, found, [comment_id], ModerationAction(action))
    return ModerationCommentRead.of(done[0])
