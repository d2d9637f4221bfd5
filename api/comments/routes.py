"""The public comments under ``/v1/sites/{tenant}``: a post's threads, posting, editing
and deleting one's comment, and reporting someone else's.

Readers sign in with their access token; anonymous readers comment where the tenant
allows it. Client addresses are only ever used as a keyed hash (``ip_fingerprint``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any
from uuid import UUID

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse

from api.access import (
    Contributes,
    ServicesDep,
    TenantActor,
    TenantSlug,
    client_ip,
)
from api.bootstrap import Services
from api.comments.schemas import (
    CommentCreate,
    CommentEdit,
    CommentThreadsPage,
    CommentWriteRead,
    PublicCommentRead,
    ReportCreate,
)
from api.kit.caching import PRIVATE, json_answer
from api.kit.cursors import time_id
from api.kit.fingerprints import ip_fingerprint
from api.kit.pages import PageQuery, link_header
from api.kit.routing import new_router
from api.kit.schemas import IDEMPOTENCY_KEY
from api.kit.sites import CONTRIBUTION_PROBLEMS, ReaderDep, SiteDep, site_unit_of_work
from api.problems import ApiProblem
from api.public_cache import cached
from domain.comments import use_cases
from domain.comments.model import Comment, NewComment, Origin, ReportReason
from domain.comments.threads import has_held
from domain.kernel.access import Action
from domain.kernel.errors import RateLimited
from domain.tenants.model import TenantSettings

router = new_router(tags=["conversation"])

# Top-level comments of a post, oldest first.
THREADS = time_id("comment-threads")


def anonymous_comments(settings: TenantSettings) -> bool:
    """Whether the tenant takes comments from readers who are not signed in."""
    return settings.anonymous_comments


# A reader commenting: members, and anonymous readers where the tenant allows it.
Commenting = Annotated[
    TenantActor, Contributes(Action.COMMENT_RATE, anonymous_if=anonymous_comments)
]
# A signed-in member acting on their own comment, or on someone else's (reporting).
Member = Annotated[TenantActor, Contributes(Action.COMMENT_RATE)]


async def _limit_comments(
    services: Services, tenant_slug: str, fingerprint: bytes, user_id: UUID | None
) -> None:
    checks = [("comments-ip", fingerprint.hex(), services.settings.comments_per_ip_per_minute)]
    if user_id is not None:
        checks.append(
            (
                "comments-user",
                f"{tenant_slug}:{user_id}",
                services.settings.comments_per_user_per_minute,
            )
        )
    for namespace, key, per_minute in checks:
        verdict = await services.limiter.hit(namespace, key, per_minute)
        if not verdict.allowed:
            raise RateLimited(
                f"At most {per_minute} comments a minute; wait a little.",
                retry_after_seconds=verdict.retry_after,
            )


def _answer(comment: Comment) -> tuple[int, Any]:
    """201 and the comment when it is visible at once, 202 when it is held."""
    written = CommentWriteRead.of(comment)
    return (201 if written.status == "approved" else 202), written.model_dump(mode="json")


@router.get(
    "/sites/{tenant}/posts/{post_id}/comments",
    operation_id="comments-list",
    response_model=CommentThreadsPage,
    responses={
        304: {"description": "Not modified (If-None-Match)"},
        404: {"description": "No such site or post"},
        422: {"description": "Malformed cursor or limit"},
    },
)
@cached("post")
async def list_comments(
    request: Request,
    site: SiteDep,
    principal: ReaderDep,
    tenant: TenantSlug,
    post_id: UUID,
    paging: PageQuery,
) -> Response:
    """Approved comments as threads: top-level comments oldest first, a page at a time
    (signed keyset cursor), each with its replies nested (at most 3 levels). A signed-in
    reader also sees their own comments awaiting review, marked ``held``; such answers
    are ``Cache-Control: private, no-store`` (and every variant says ``Vary: Authorization``).
    The pinned comment (``pinned: true``, at most one per post) comes first on the first
    page, before the page's ``limit`` threads, and never again on a later page.
    Strong ``ETag``; ``If-None-Match`` answers 304."""
    async with site_unit_of_work(request, site, principal) as uow:
        pinned, rows = await use_cases.threads(
            uow,
            principal,
            site.row.id,
            post_id,
            after=paging.after(THREADS),
            fetch=paging.fetch,
        )
    page, next_cursor = paging.split(THREADS, rows)
    threads = [row.thread for row in page if row.thread is not None]
    if pinned is not None:
        threads.insert(0, pinned)
    body = CommentThreadsPage(
        items=[PublicCommentRead.of(n) for n in threads], next_cursor=next_cursor
    )
    headers = {"Vary": "Authorization", **link_header(request, next_cursor)}
    if principal.user_id is not None or has_held(threads):
        return json_answer(request, body, headers, PRIVATE)
    return json_answer(request, body, headers)


@router.post(
    "/sites/{tenant}/posts/{post_id}/comments",
    operation_id="comments-create",
    status_code=201,
    response_model=CommentWriteRead,
    responses={**CONTRIBUTION_PROBLEMS, 202: {"model": CommentWriteRead, "description": "Held"}},
)
async def create_comment(
    request: Request,
    ctx: Commenting,
    tenant: TenantSlug,
    post_id: UUID,
    body: CommentCreate,
    services: ServicesDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=300)] = None,
) -> Response:
    """Comment on a published post: 201 when visible at once, 202 when held for review.
    The site's policy (or its blog's) decides: ``open``, ``trusted`` (members at once,
    anonymous readers held), ``pre`` (all held), ``closed`` (403 ``comments_closed``).
    Limited per client address and per reader (429 with ``Retry-After``). With an
    ``Idempotency-Key`` a retried post is taken once and its first answer replayed."""
    if idempotency_key is not None and not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise ApiProblem(
            "idempotency_key_invalid",
            "An Idempotency-Key has 8 to 255 characters from A-Z a-z 0-9 . _ : -.",
        )
    user_id = ctx.actor.user_id
    fingerprint = ip_fingerprint(services, tenant, client_ip(request))
    await _limit_comments(services, tenant, fingerprint, user_id)
    new = NewComment(
        body=body.body,
        parent_id=body.parent_id,
        author_name=body.author_name,
        author_email=body.author_email,
        author_url=body.author_url,
        honeypot=body.honeypot,
    )
    origin = Origin(ip_hash=fingerprint)
    ctx.uow.public_change_limited_to(post_id)  # its thread, its count, the post lists
    if idempotency_key is None:
        comment = await use_cases.post_comment(
            ctx.uow,
            ctx.actor,
            ctx.tenant,
            post_id,
            new,
            origin,
            renderer=services.comment_text,
            tone=services.tone,
        )
        status, payload = _answer(comment)
        return JSONResponse(payload, status_code=status)
    request_body = json.dumps(
        {"tenant": tenant, "post": str(post_id), "body": body.model_dump(mode="json")},
        sort_keys=True,
    )
    retry = use_cases.Retry(
        caller=f"user:{user_id}" if user_id else f"ip:{fingerprint.hex()}",
        key=idempotency_key,
        request_hash=hashlib.sha256(request_body.encode()).digest(),
        answer=_answer,
    )
    status, payload, replayed = await use_cases.post_comment_once(
        ctx.uow,
        ctx.actor,
        ctx.tenant,
        post_id,
        new,
        origin,
        retry,
        renderer=services.comment_text,
        tone=services.tone,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(payload, status_code=status, headers=headers)


@router.patch(
    "/sites/{tenant}/comments/{comment_id}",
    operation_id="comments-edit",
    response_model=CommentWriteRead,
    responses=CONTRIBUTION_PROBLEMS,
)
async def edit_comment(
    ctx: Member, tenant: TenantSlug, comment_id: UUID, body: CommentEdit, services: ServicesDep
) -> CommentWriteRead:
    """The author rewrites their comment within 15 minutes of posting (409 after)."""
    comment = await use_cases.edit_comment(
        ctx.uow,
        ctx.actor,
        ctx.tenant,
        comment_id,
        body.body,
        renderer=services.comment_text,
        tone=services.tone,
    )
    return CommentWriteRead.of(comment)


@router.delete(
    "/sites/{tenant}/comments/{comment_id}",
    operation_id="comments-delete",
    status_code=204,
    response_class=Response,
    responses=CONTRIBUTION_PROBLEMS,
)
async def delete_comment(ctx: Member, tenant: TenantSlug, comment_id: UUID) -> Response:
    """The author deletes their comment: its text goes, its place in the thread stays
    (shown as ``deleted`` while replies hang below it)."""
    await use_cases.delete_comment(ctx.uow, ctx.actor, comment_id)
    return Response(status_code=204)


@router.post(
    "/sites/{tenant}/comments/{comment_id}/reports",
    operation_id="comments-report",
    status_code=204,
    response_class=Response,
    responses=CONTRIBUTION_PROBLEMS,
)
async def report_comment(
    ctx: Member, tenant: TenantSlug, comment_id: UUID, body: ReportCreate
) -> Response:
    """A signed-in reader flags a comment (once). Three readers' reports hide it until a
    moderator reviews it."""
    await use_cases.report_comment(
        ctx.uow, ctx.actor, comment_id, ReportReason(body.reason), body.note
    )
    return Response(status_code=204)
