"""Posts in the console: drafts, edits with optimistic locking, the publication life cycle,
the trash, and revisions.

Who sees what:

- Owners, managers, moderators and platform operators see every post of the tenant,
  drafts and trash included.
- An author sees their own posts (any status, their own trash too) and the public posts
  of the blogs they write for. Anything else answers 404, so drafts stay private.
- Readers get 403 on every console route; non-members and other tenants get 404.

Who changes what:

- Writing a post in a blog: the blog's authors (owner or contributor), and the tenant's
  owners and managers in any blog. Archived blogs take no new posts.
- Editing, publishing, archiving, deleting: the post's author, owners and managers,
  operators. Unpublishing: moderators too.
- Restoring from the trash: owners, managers and operators only.
- Publishing counts against the plan's ``posts_per_blog`` quota (live posts: published or
  scheduled, not deleted): over it, 402 ``quota_exceeded`` with ``quota``, ``limit`` and
  ``usage``. While the subscription is suspended or cancelled every change answers 402
  ``subscription_inactive``; reading goes on. Every change is written to the audit log.

Versions and ``If-Match``: every post carries a ``version``, sent back as a strong
``ETag: "<version>"`` on each answer holding one post. ``PATCH`` and restoring a revision
require ``If-Match: "<version>"``: without it 428 ``precondition_required``; with another
version 412 ``precondition_failed`` (the problem gives ``current_version``). A weak tag
(``W/"3"``) never matches, as strong comparison demands (412). Anything that is not an
entity tag this API could have sent (``*``, a list, garbage) is a 400 ``bad_request``.
The life-cycle actions accept ``If-Match`` too and check it when it is sent.

Revisions: every save of a published or scheduled post (an edit, an unpublication, a
re-publication…) first keeps what the post was; drafts keep none. Restoring a revision
brings back its title, body, excerpt, cover and tags as a new version.

``status`` is the shown status: a scheduled post whose time has come reads as
``published`` (and filters as such). List items leave out the bodies; fetch one post for
``body_markdown`` and ``body_html``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import Header, Query, Request, Response
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from api.access import PrincipalDep, TenantSlug, UowDep
from api.kit.pages import (
    CursorQuery,
    LimitQuery,
    Page,
    decode_time_id_cursor,
    encode_cursor,
    link_next,
)
from api.kit.routing import new_router
from api.kit.schemas import Language, StrictModel, storable, unchanged
from api.problems import ApiProblem
from domain.content import use_cases
from domain.content.model import Post, PostStatus
from domain.content.ports import Revision
from domain.kernel import clock
from domain.tenants.use_cases import actor_in

router = new_router(tags=["posts"])

MAX_BODY_CHARS = 200_000
_ETAG = re.compile(r'^\s*(W/)?"([0-9]{1,9})"\s*$')


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http(s) URL with a host is required")
    return value


PostTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(storable),
]
PostSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Lower-case letters, digits and single hyphens; unique in the blog.",
    ),
]
Body = Annotated[
    str,
    Field(max_length=MAX_BODY_CHARS, description="Markdown (CommonMark, tables, strikethrough)."),
    AfterValidator(storable),
]
Excerpt = Annotated[str, Field(max_length=1000), AfterValidator(storable)]
CoverUrl = Annotated[
    str,
    Field(max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://\S+$"),
    AfterValidator(_web_url),
]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(storable),
]
Tags = Annotated[
    list[TagName],
    Field(
        max_length=use_cases.MAX_TAGS,
        description="Created on the fly; case and accents do not make a new tag "
        "(Voyage and voyage are one). Answers give the tags' slugs.",
    ),
]
StatusName = Literal["draft", "scheduled", "published", "archived"]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed If-Match"},
    401: {"description": "Not signed in"},
    402: {"description": "Quota exceeded, or the subscription is suspended"},
    403: {"description": "Role does not allow it"},
    404: {"description": "No such tenant, blog or post (or not one you may see)"},
    409: {"description": "Slug taken, or the post is in the trash"},
    412: {"description": "If-Match names a stale version"},
    422: {"description": "Invalid input or status transition"},
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in PROBLEMS.items() if k in (401, 403, 404, 422)
}
EDIT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    428: {"description": "If-Match is required"},
}
ETAG_HEADER = {"ETag": {"description": 'The post\'s version, as "<version>"'}}


class PostSummary(StrictModel):
    id: UUID
    blog_id: UUID
    author_id: UUID
    slug: str
    title: str
    excerpt: str
    cover_image_url: str | None
    tags: list[str]
    language: str
    status: StatusName
    published_at: datetime | None
    deleted_at: datetime | None
    version: int
    reading_minutes: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, post: Post, now: datetime) -> dict[str, Any]:
        return {
            "id": post.id,
            "blog_id": post.blog_id,
            "author_id": post.author_id,
            "slug": post.slug,
            "title": post.title,
            "excerpt": post.excerpt,
            "cover_image_url": post.cover_image_url,
            "tags": post.tag_names,
            "language": post.language,
            "status": post.shown_status(now).value,
            "published_at": post.published_at,
            "deleted_at": post.deleted_at,
            "version": post.version,
            "reading_minutes": post.reading_minutes,
            "created_at": post.created_at,
            "updated_at": post.updated_at,
        }

    @classmethod
    def of(cls, post: Post, now: datetime) -> PostSummary:
        return cls(**cls.fields_of(post, now))


class PostRead(PostSummary):
    body_markdown: str
    body_html: str = Field(description="Sanitised HTML rendered from body_markdown.")

    @classmethod
    def of(cls, post: Post, now: datetime) -> PostRead:
        return cls(
            **cls.fields_of(post, now),
            body_markdown=post.body_markdown,
            body_html=post.body_html,
        )


class PostCreate(StrictModel):
    title: PostTitle
    body_markdown: Body = ""
    excerpt: Excerpt | None = Field(
        default=None, description="Derived from the body (about 280 characters) when absent."
    )
    cover_image_url: CoverUrl | None = None
    tags: Tags = []
    slug: PostSlug | None = Field(
        default=None,
        description="Derived from the title when absent (then -2, -3… if taken); "
        "a slug given and taken is a 409.",
    )
    language: Language | None = Field(default=None, description="The blog's language when absent.")


class PostUpdate(StrictModel):
    title: PostTitle = unchanged()
    body_markdown: Body = unchanged()
    excerpt: Excerpt | None = Field(default=None, description="null: derive it from the body.")
    cover_image_url: CoverUrl | None = None
    tags: Tags = unchanged()
    slug: PostSlug = unchanged("The old slug keeps answering on the public site.")
    language: Language = unchanged()


class PublishBody(StrictModel):
    published_at: AwareDatetime | None = Field(
        default=None,
        description="In the future: scheduled until then. In the past: back-dated. Absent: "
        "now (a post published before keeps its date). Needs a time zone.",
    )


class RevisionSummary(StrictModel):
    id: UUID
    post_id: UUID
    version: int
    title: str
    status: str
    published_at: datetime | None
    saved_by: UUID | None
    created_at: datetime


class RevisionRead(RevisionSummary):
    excerpt: str
    body_markdown: str
    cover_image_url: str | None
    tags: list[str]

    @classmethod
    def of(cls, r: Revision) -> RevisionRead:
        return cls(
            **RevisionSummary.model_validate(r, from_attributes=True).model_dump(),
            excerpt=r.excerpt,
            body_markdown=r.body_markdown,
            cover_image_url=r.cover_image_url,
            tags=list(r.tag_names),
        )


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The version read, as its ETag: "<version>".',
    ),
]


def _expected_version(if_match: str | None, *, required: bool) -> int | None:
    if if_match is None:
        if required:
            raise ApiProblem(
                "precondition_required",
                'Send If-Match with the ETag you read (like "3"), so no edit is lost.',
            )
        return None
    match = _ETAG.match(if_match)
    if match is None:
        raise ApiProblem(
            "bad_request", 'If-Match must be one entity tag as sent in ETag, like "3".'
        )
    if match.group(1):
        return 0  # a weak tag never matches under strong comparison; no version is 0
    return int(match.group(2))


def _answer(response: Response, post: Post) -> PostRead:
    response.headers["ETag"] = f'"{post.version}"'
    return PostRead.of(post, clock.now())


def _decode_version_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        (version,) = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return int(version)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ApiProblem(
            "validation_failed",
            "The cursor is malformed.",
            errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor", "type": "cursor"}],
        ) from exc


# --- reading ----------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/posts",
    operation_id="posts-list",
    response_model=Page[PostSummary],
    responses=READ_PROBLEMS,
)
async def list_posts(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    blog: Annotated[UUID | None, Query(description="Only this blog's posts.")] = None,
    author: Annotated[UUID | None, Query(description="Only this author's posts.")] = None,
    status: Annotated[StatusName | None, Query(description="Shown status.")] = None,
    deleted: Annotated[bool, Query(description="true: the trash instead.")] = False,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[PostSummary]:
    """The console's post list, most recently changed first (authors: their own posts and
    the public posts of their blogs; staff and moderators: all)."""
    after = decode_time_id_cursor(cursor)
    filters = use_cases.PostFilter(
        blog_id=blog,
        author_id=author,
        status=PostStatus(status) if status else None,
        deleted=deleted,
    )
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        rows = await use_cases.list_posts(uow, actor, filters, after, limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = encode_cursor(last.updated_at, last.id) if last is not None else None
    link_next(request, response, next_cursor)
    now = clock.now()
    return Page[PostSummary](
        items=[PostSummary.of(p, now) for p in rows[:limit]], next_cursor=next_cursor
    )


@router.get(
    "/tenants/{tenant}/posts/{post_id}",
    operation_id="posts-get",
    response_model=PostRead,
    responses={**READ_PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def get_post(
    response: Response, tenant: TenantSlug, post_id: UUID, principal: PrincipalDep, uow: UowDep
) -> PostRead:
    """One post with its bodies; drafts only for their author, the staff and moderators."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.view_post(uow, actor, post_id)
    return _answer(response, post)


# --- writing ----------------------------------------------------------------------------


@router.post(
    "/tenants/{tenant}/blogs/{blog_id}/posts",
    operation_id="posts-create",
    status_code=201,
    response_model=PostRead,
    responses={**PROBLEMS, 201: {"headers": ETAG_HEADER}},
)
async def create_post(
    response: Response,
    tenant: TenantSlug,
    blog_id: UUID,
    body: PostCreate,
    principal: PrincipalDep,
    uow: UowDep,
) -> PostRead:
    """Start a draft in a blog (its authors; owners and managers in any blog)."""
    draft = use_cases.PostDraft(
        title=body.title,
        body_markdown=body.body_markdown,
        excerpt=body.excerpt,
        cover_image_url=body.cover_image_url,
        tags=list(body.tags),
        slug=body.slug,
        language=body.language,
    )
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.create_post(uow, actor, blog_id, draft)
    response.headers["Location"] = f"/v1/tenants/{tenant}/posts/{post.id}"
    return _answer(response, post)


@router.patch(
    "/tenants/{tenant}/posts/{post_id}",
    operation_id="posts-update",
    response_model=PostRead,
    responses={**EDIT_PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def update_post(
    response: Response,
    tenant: TenantSlug,
    post_id: UUID,
    body: PostUpdate,
    principal: PrincipalDep,
    uow: UowDep,
    if_match: IfMatch = None,
) -> PostRead:
    """Change the given fields (the author, owners, managers). Requires ``If-Match``; the
    answer carries the new ``ETag``. Status changes go through the actions below."""
    expected = _expected_version(if_match, required=True)
    assert expected is not None
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.edit_post(
            uow, actor, post_id, expected, body.model_dump(exclude_unset=True)
        )
    return _answer(response, post)


@router.post(
    "/tenants/{tenant}/posts/{post_id}/publish",
    operation_id="posts-publish",
    response_model=PostRead,
    responses={**PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def publish_post(
    response: Response,
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    body: PublishBody | None = None,
    if_match: IfMatch = None,
) -> PostRead:
    """Publish now, or schedule with ``published_at`` in the future (within the
    ``posts_per_blog`` quota). An archived or deleted post must come back first."""
    expected = _expected_version(if_match, required=False)
    at = body.published_at if body else None
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.publish_post(uow, actor, post_id, expected, at)
    return _answer(response, post)


def _status_action(action: str, change: Callable[..., Awaitable[Post]], summary: str) -> None:
    """Register ``POST /posts/{post_id}/<action>``: one status change, ``If-Match``
    optional, the new ``ETag`` in the answer."""

    async def endpoint(
        response: Response,
        tenant: TenantSlug,
        post_id: UUID,
        principal: PrincipalDep,
        uow: UowDep,
        if_match: IfMatch = None,
    ) -> PostRead:
        expected = _expected_version(if_match, required=False)
        async with uow:
            _, actor = await actor_in(uow, principal, tenant)
            post = await change(uow, actor, post_id, expected)
        return _answer(response, post)

    endpoint.__doc__ = summary
    router.add_api_route(
        f"/tenants/{{tenant}}/posts/{{post_id}}/{action}",
        endpoint,
        methods=["POST"],
        name=f"{action}_post",
        operation_id=f"posts-{action}",
        response_model=PostRead,
        responses={**PROBLEMS, 200: {"headers": ETAG_HEADER}},
    )


_status_action(
    "unpublish",
    use_cases.unpublish_post,
    "Back to draft (the author, owners, managers, moderators).",
)
_status_action(
    "archive",
    use_cases.archive_post,
    "Take the post off the site and out of the quota, keeping it (unarchive: a draft).",
)
_status_action("unarchive", use_cases.unarchive_post, "An archived post comes back as a draft.")


@router.delete(
    "/tenants/{tenant}/posts/{post_id}",
    operation_id="posts-delete",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def delete_post(
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    if_match: IfMatch = None,
) -> Response:
    """Move the post to the trash (the author, owners, managers): it leaves the public
    site at once; owners and managers can restore it. Deleting it again changes nothing."""
    expected = _expected_version(if_match, required=False)
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        await use_cases.delete_post(uow, actor, post_id, expected)
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant}/posts/{post_id}/restore",
    operation_id="posts-restore",
    response_model=PostRead,
    responses={**PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def restore_post(
    response: Response, tenant: TenantSlug, post_id: UUID, principal: PrincipalDep, uow: UowDep
) -> PostRead:
    """Take a post out of the trash, with the status it had (owners, managers, operators).
    A live post needs room in the ``posts_per_blog`` quota."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.restore_post(uow, actor, post_id)
    return _answer(response, post)


# --- revisions --------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/posts/{post_id}/revisions",
    operation_id="post-revisions-list",
    response_model=Page[RevisionSummary],
    responses=READ_PROBLEMS,
)
async def list_revisions(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    post_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[RevisionSummary]:
    """What the post was before each save while published or scheduled, newest first
    (its author, owners, managers, moderators)."""
    before = _decode_version_cursor(cursor)
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        rows = await use_cases.list_revisions(uow, actor, post_id, before, limit + 1)
    next_cursor = encode_cursor(rows[limit - 1].version) if len(rows) > limit else None
    link_next(request, response, next_cursor)
    items = [RevisionSummary.model_validate(r, from_attributes=True) for r in rows[:limit]]
    return Page[RevisionSummary](items=items, next_cursor=next_cursor)


@router.get(
    "/tenants/{tenant}/posts/{post_id}/revisions/{revision_id}",
    operation_id="post-revisions-get",
    response_model=RevisionRead,
    responses=READ_PROBLEMS,
)
async def get_revision(
    tenant: TenantSlug, post_id: UUID, revision_id: UUID, principal: PrincipalDep, uow: UowDep
) -> RevisionRead:
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        revision = await use_cases.get_revision(uow, actor, post_id, revision_id)
    return RevisionRead.of(revision)


@router.post(
    "/tenants/{tenant}/posts/{post_id}/revisions/{revision_id}/restore",
    operation_id="post-revisions-restore",
    response_model=PostRead,
    responses={**EDIT_PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def restore_revision(
    response: Response,
    tenant: TenantSlug,
    post_id: UUID,
    revision_id: UUID,
    principal: PrincipalDep,
    uow: UowDep,
    if_match: IfMatch = None,
) -> PostRead:
    """Bring a revision's text back as a new version (the current text becomes a revision
    if the post is live). Requires ``If-Match``."""
    expected = _expected_version(if_match, required=True)
    assert expected is not None
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        post = await use_cases.restore_revision(uow, actor, post_id, revision_id, expected)
    return _answer(response, post)
