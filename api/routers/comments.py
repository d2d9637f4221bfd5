"""The public conversation under ``/v1/sites/{tenant}``: comment threads, posting,
editing and deleting one's comment, reporting, and rating a post.

Readers sign in with their access token; anonymous readers take part where the tenant
allows it. Client addresses are only ever used as a keyed hash (``ip_fingerprint``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, StrictInt

from api.access import PrincipalDep, ServicesDep, TenantSlug, UowDep, client_ip
from api.bootstrap import Services
from api.kit.fingerprints import ip_fingerprint
from api.kit.pages import CursorQuery, LimitQuery, decode_time_id_cursor, encode_cursor
from api.kit.routing import new_router
from api.kit.schemas import IDEMPOTENCY_KEY, Email, StrictModel
from api.problems import ApiProblem
from domain.conversation import use_cases
from domain.conversation.model import (
    MAX_BODY_CHARS,
    MAX_NAME_CHARS,
    MAX_URL_CHARS,
    Comment,
    CommentStatus,
    NewComment,
    Origin,
    RatingSummary,
    ReportReason,
)
from domain.conversation.threads import Shown, ThreadNode, has_held
from domain.identity import use_cases as identity
from domain.identity.model import Tenant
from domain.kernel.access import Actor, Principal
from domain.kernel.errors import RateLimited
from domain.kernel.idempotency import run_once
from domain.licensing.quotas import require_site_online
from persistence.uow import SqlUnitOfWork

router = new_router(tags=["conversation"])

VOTER_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
PUBLIC_MAX_AGE = 30

WRITE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed Idempotency-Key"},
    401: {"description": "Sign in (anonymous contributions are off on this site)"},
    402: {"description": "Subscription inactive, or ratings not in the plan"},
    403: {"description": "Comments closed, or not allowed to take part"},
    404: {"description": "No such site, post or comment"},
    409: {"description": "Conflict (edit window passed, already reported, key reused)"},
    413: {"description": "Body too large"},
    422: {"description": "Invalid input"},
    429: {"description": "Too many comments or votes: wait Retry-After seconds"},
}


# --- schemas ----------------------------------------------------------------------------


class CommentAuthorRead(StrictModel):
    name: str
    url: str | None
    member: bool = Field(description="True for a signed-in member, false for an anonymous name.")


class PublicCommentRead(StrictModel):
    id: UUID
    parent_id: UUID | None
    depth: int = Field(description="0 for a top-level comment; threads have 3 levels (0-2).")
    status: Literal["approved", "held", "deleted", "removed"] = Field(
        description="held: your own comment awaiting review (only you see it); deleted and "
        "removed: placeholders kept because replies hang below them."
    )
    held: bool
    mine: bool = Field(
        description="True when the signed-in caller wrote it (they may edit it within the "
        "window and delete it); always false for anonymous readers."
    )
    author: CommentAuthorRead | None
    body_html: str | None
    created_at: datetime
    edited_at: datetime | None
    replies: list[PublicCommentRead]


class CommentThreadsPage(StrictModel):
    items: list[PublicCommentRead]
    next_cursor: str | None


class CommentCreate(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY_CHARS)]
    parent_id: UUID | None = None
    author_name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)] | None = Field(
        default=None, description="Anonymous comments only (required there)."
    )
    author_email: Email | None = Field(
        default=None, description="Anonymous comments only; moderators see it, nobody else."
    )
    author_url: Annotated[str, Field(max_length=MAX_URL_CHARS)] | None = Field(
        default=None, description="An http(s) URL shown with the author's name."
    )
    honeypot: Annotated[str, Field(max_length=200)] | None = Field(
        default=None,
        description="Render it hidden and leave it empty: only robots fill it in.",
    )


class CommentEdit(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY_CHARS)]


class CommentWriteRead(StrictModel):
    id: UUID
    post_id: UUID
    parent_id: UUID | None
    depth: int
    status: Literal["approved", "pending", "deleted"] = Field(
        description="approved: visible now (201); pending: held for review (202)."
    )
    held: bool
    author: CommentAuthorRead
    body_html: str
    created_at: datetime
    edited_at: datetime | None


class ReportCreate(StrictModel):
    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: Annotated[str, Field(max_length=500)] = ""


class RatingPut(StrictModel):
    stars: Annotated[StrictInt, Field(ge=1, le=5, description="An integer from 1 to 5.")]
    voter_token: Annotated[str, Field(pattern=VOTER_TOKEN_PATTERN)] | None = Field(
        default=None,
        description="Anonymous voters: an opaque token the theme keeps (or X-Voter-Token).",
    )


class RatingSummaryRead(StrictModel):
    count: int
    sum: int
    average: float | None
    histogram: list[int] = Field(description="Votes for 1, 2, 3, 4 and 5 stars.")

    @classmethod
    def of(cls, s: RatingSummary) -> RatingSummaryRead:
        return cls(count=s.count, sum=s.total, average=s.average, histogram=list(s.histogram))


class RatingRead(StrictModel):
    stars: int | None = Field(description="Your vote; null once withdrawn.")
    summary: RatingSummaryRead


# --- helpers ----------------------------------------------------------------------------


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


async def _site(uow: SqlUnitOfWork, principal: Principal, tenant: str) -> tuple[Tenant, Actor]:
    found, actor = await identity.actor_in(uow, principal, tenant)
    await require_site_online(uow, found.id)
    return found, actor


def _author(c: Comment) -> CommentAuthorRead:
    return CommentAuthorRead(
        name=c.author_name, url=c.author_url, member=c.author_user_id is not None
    )


def _public(node: ThreadNode) -> PublicCommentRead:
    c, placeholder = node.comment, node.shown in (Shown.DELETED, Shown.REMOVED)
    return PublicCommentRead(
        id=c.id,
        parent_id=c.parent_id,
        depth=c.depth,
        status=node.shown.value,
        held=node.shown is Shown.HELD,
        mine=node.mine,
        author=None if placeholder else _author(c),
        body_html=None if placeholder else c.body_html,
        created_at=c.created_at,
        edited_at=None if placeholder else c.edited_at,
        replies=[_public(n) for n in node.replies],
    )


def _written(c: Comment) -> CommentWriteRead:
    # A spam verdict is not announced: its author sees a comment held for review.
    status = {CommentStatus.APPROVED: "approved", CommentStatus.DELETED: "deleted"}.get(
        c.status, "pending"
    )
    return CommentWriteRead(
        id=c.id,
        post_id=c.post_id,
        parent_id=c.parent_id,
        depth=c.depth,
        status=status,  # type: ignore[arg-type]
        held=status == "pending",
        author=_author(c),
        body_html=c.body_html,
        created_at=c.created_at,
        edited_at=c.edited_at,
    )


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(part.strip().removeprefix("W/") == etag for part in header.split(","))


# --- comments ---------------------------------------------------------------------------


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
async def list_comments(
    request: Request,
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Response:
    """Approved comments as threads: top-level comments oldest first, a page at a time
    (keyset cursor), each with its replies nested (at most 3 levels). A signed-in reader
    also sees their own comments awaiting review, marked ``held``; such answers are
    ``Cache-Control: private``. Strong ``ETag``; ``If-None-Match`` answers 304."""
    after = decode_time_id_cursor(cursor)
    async with uow:
        _, actor = await _site(uow, principal, tenant)
        page = await use_cases.threads(uow, actor, post_id, after=after, limit=limit)
    next_cursor = encode_cursor(*page.next_after) if page.next_after else None
    body = CommentThreadsPage(items=[_public(n) for n in page.threads], next_cursor=next_cursor)
    payload = body.model_dump_json().encode()
    etag = '"' + hashlib.sha256(payload).hexdigest()[:40] + '"'
    personal = principal.user_id is not None or has_held(page.threads)
    headers = {
        "ETag": etag,
        "Cache-Control": "private, max-age=0, must-revalidate"
        if personal
        else f"public, max-age={PUBLIC_MAX_AGE}",
        "Vary": "Authorization",
    }
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        headers["Link"] = f'<{url}>; rel="next"'
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)


@router.post(
    "/sites/{tenant}/posts/{post_id}/comments",
    operation_id="comments-create",
    status_code=201,
    response_model=CommentWriteRead,
    responses={**WRITE_PROBLEMS, 202: {"model": CommentWriteRead, "description": "Held"}},
)
async def create_comment(
    request: Request,
    tenant: TenantSlug,
    post_id: UUID,
    body: CommentCreate,
    principal: PrincipalDep,
    services: ServicesDep,
    uow: UowDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=300)] = None,
) -> Response:
    """Comment on a published post: 201 when visible at once, 202 when held for review.
    The site's policy (or its blog's) decides: ``open``, ``trusted`` (members at once,
    anonymous readers held), ``pre`` (all held), ``closed`` (403 ``comments_closed``).
    Limited per client address and per reader (429 with ``Retry-After``). With an
    ``Idempotency-Key`` a retried post is taken once and its first answer replayed."""
    if idempotency_key is not None and not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ApiProblem(
            "idempotency_key_invalid",
            "An Idempotency-Key has 8 to 255 characters from A-Z a-z 0-9 . _ : -.",
        )
    fingerprint = ip_fingerprint(services, tenant, client_ip(request))
    await _limit_comments(services, tenant, fingerprint, principal.user_id)
    new = NewComment(
        body=body.body,
        parent_id=body.parent_id,
        author_name=body.author_name,
        author_email=body.author_email,
        author_url=body.author_url,
        honeypot=body.honeypot,
    )
    origin = Origin(ip_hash=fingerprint)
    async with uow:
        found, actor = await _site(uow, principal, tenant)
        if idempotency_key is None:
            comment = await use_cases.post_comment(uow, actor, found, post_id, new, origin)
            written = _written(comment)
            code = 201 if written.status == "approved" else 202
            return JSONResponse(written.model_dump(mode="json"), status_code=code)

        async def apply() -> tuple[int, Any]:
            comment = await use_cases.post_comment(
                uow, actor, found, post_id, new, origin, commit=False
            )
            written = _written(comment)
            return (201 if written.status == "approved" else 202), written.model_dump(mode="json")

        caller = f"user:{principal.user_id}" if principal.user_id else f"ip:{fingerprint.hex()}"
        fingerprint_body = json.dumps(
            {"tenant": tenant, "post": str(post_id), "body": body.model_dump(mode="json")},
            sort_keys=True,
        )
        request_hash = hashlib.sha256(fingerprint_body.encode()).digest()
        status, payload, replayed = await run_once(
            uow, caller, idempotency_key, found.id, request_hash, apply
        )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(payload, status_code=status, headers=headers)


@router.patch(
    "/sites/{tenant}/comments/{comment_id}",
    operation_id="comments-edit",
    response_model=CommentWriteRead,
    responses=WRITE_PROBLEMS,
)
async def edit_comment(
    tenant: TenantSlug, comment_id: UUID, body: CommentEdit, principal: PrincipalDep, uow: UowDep
) -> CommentWriteRead:
    """The author rewrites their comment within 15 minutes of posting (409 after)."""
    async with uow:
        found, actor = await _site(uow, principal, tenant)
        comment = await use_cases.edit_comment(uow, actor, found, comment_id, body.body)
    return _written(comment)


@router.delete(
    "/sites/{tenant}/comments/{comment_id}",
    operation_id="comments-delete",
    status_code=204,
    response_class=Response,
    responses=WRITE_PROBLEMS,
)
async def delete_comment(
    tenant: TenantSlug, comment_id: UUID, principal: PrincipalDep, uow: UowDep
) -> Response:
    """The author deletes their comment: its text goes, its place in the thread stays
    (shown as ``deleted`` while replies hang below it)."""
    async with uow:
        _, actor = await _site(uow, principal, tenant)
        await use_cases.delete_comment(uow, actor, comment_id)
    return Response(status_code=204)


@router.post(
    "/sites/{tenant}/comments/{comment_id}/reports",
    operation_id="comments-report",
    status_code=204,
    response_class=Response,
    responses=WRITE_PROBLEMS,
)
async def report_comment(
    tenant: TenantSlug, comment_id: UUID, body: ReportCreate, principal: PrincipalDep, uow: UowDep
) -> Response:
    """A signed-in reader flags a comment (once). Three readers' reports hide it until a
    moderator reviews it."""
    async with uow:
        _, actor = await _site(uow, principal, tenant)
        await use_cases.report_comment(uow, actor, comment_id, ReportReason(body.reason), body.note)
    return Response(status_code=204)


# --- ratings ----------------------------------------------------------------------------


def _token_hash(header: str | None, body_token: str | None) -> bytes | None:
    token = header or body_token
    return hashlib.sha256(token.encode()).digest() if token else None


VoterHeader = Annotated[
    str | None,
    Header(
        alias="X-Voter-Token",
        pattern=VOTER_TOKEN_PATTERN,
        description="Anonymous voters: the opaque token the theme keeps (16-128 of A-Z a-z 0-9 _ -).",
    ),
]


async def _limit_votes(request: Request, services: Services, tenant_slug: str) -> None:
    """Votes per client address: fresh voter tokens cannot stuff the ballot box."""
    fingerprint = ip_fingerprint(services, tenant_slug, client_ip(request))
    per_minute = services.settings.ratings_per_ip_per_minute
    verdict = await services.limiter.hit("ratings-ip", fingerprint.hex(), per_minute)
    if not verdict.allowed:
        raise RateLimited(
            f"At most {per_minute} votes a minute from one address; wait a little.",
            retry_after_seconds=verdict.retry_after,
        )


@router.get(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-get",
    response_model=RatingRead,
    responses={
        401: {"description": "Bad credentials"},
        404: {"description": "No such site or public post"},
    },
)
async def get_rating(
    response: Response,
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """The post's rating summary and the caller's own vote (``stars`` is null when they
    have not voted). Personal, so never stored by shared caches."""
    async with uow:
        found, actor = await _site(uow, principal, tenant)
        summary, stars = await use_cases.my_rating(
            uow, actor, found, post_id, _token_hash(voter_token, None)
        )
    response.headers["Cache-Control"] = "private, no-store"
    return RatingRead(stars=stars, summary=RatingSummaryRead.of(summary))


@router.put(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-put",
    response_model=RatingRead,
    responses=WRITE_PROBLEMS,
)
async def put_rating(
    request: Request,
    tenant: TenantSlug,
    post_id: UUID,
    body: RatingPut,
    principal: PrincipalDep,
    services: ServicesDep,
    uow: UowDep,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """Rate a published post 1 to 5 stars; a new vote replaces the voter's old one.
    Signed-in readers vote as themselves; anonymous readers (where the site allows it)
    by a voter token, of which only a hash is kept. Needs the plan's ``ratings``.
    Votes are limited per client address (429 with Retry-After)."""
    await _limit_votes(request, services, tenant)
    async with uow:
        found, actor = await _site(uow, principal, tenant)
        summary, stars = await use_cases.rate(
            uow, actor, found, post_id, body.stars, _token_hash(voter_token, body.voter_token)
        )
    return RatingRead(stars=stars, summary=RatingSummaryRead.of(summary))


@router.delete(
    "/sites/{tenant}/posts/{post_id}/rating",
    operation_id="ratings-delete",
    response_model=RatingRead,
    responses=WRITE_PROBLEMS,
)
async def delete_rating(
    request: Request,
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    services: ServicesDep,
    uow: UowDep,
    voter_token: VoterHeader = None,
) -> RatingRead:
    """Withdraw one's vote (anonymous voters send their X-Voter-Token)."""
    await _limit_votes(request, services, tenant)
    async with uow:
        found, actor = await _site(uow, principal, tenant)
        summary, stars = await use_cases.withdraw_rating(
            uow, actor, found, post_id, _token_hash(voter_token, None)
        )
    return RatingRead(stars=stars, summary=RatingSummaryRead.of(summary))
