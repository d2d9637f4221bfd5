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

from collections.abc import Awaitable, Callable
from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, Response

from api.access import Requires, ServicesDep, TenantActor, TenantSlug
from api.kit.cursors import Keyset, time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.posts.schemas import (
    EDIT_PROBLEMS,
    ETAG,
    ETAG_HEADER,
    PROBLEMS,
    READ_PROBLEMS,
    IfMatch,
    PostCreate,
    PostListItem,
    PostRead,
    PostUpdate,
    PublishBody,
    RevisionRead,
    RevisionSummary,
    StatusName,
)
from api.problems import ApiProblem
from domain.kernel import clock
from domain.kernel.access import Action
from domain.posts import use_cases
from domain.posts.model import Post, PostStatus

MAX_LIST_TEXT = 200

router = new_router(tags=["posts"])

POSTS = time_id("posts", stamp="updated_at")  # most recently changed first
REVISIONS = Keyset("post-revisions", (int,), lambda revision: (revision.version,))

# The console's entry: everyone who writes or moderates. The use cases decide the rest
# (own posts, blogs written for, staff, moderators' unpublishing).
Console = Annotated[TenantActor, Requires(Action.USE_CONSOLE)]
Writer = Annotated[TenantActor, Requires(Action.WRITE_POSTS)]
Staff = Annotated[TenantActor, Requires(Action.EDIT_ANY_POST)]
# Every route names the tenant first although the gate reads it: the documented path
# parameters keep their order (tenant, then the others), and the route's own parameters
# say where it answers.


def _expected_version(if_match: str | None, *, required: bool) -> int | None:
    if if_match is None:
        if required:
            raise ApiProblem(
                "precondition_required",
                'Send If-Match with the ETag you read (like "3"), so no edit is lost.',
            )
        return None
    match = ETAG.match(if_match)
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


# --- reading ----------------------------------------------------------------------------


@router.get(
    "/tenants/{tenant}/posts",
    operation_id="posts-list",
    response_model=Page[PostListItem],
    responses=READ_PROBLEMS,
)
async def list_posts(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    ctx: Console,
    paging: PageQuery,
    blog: Annotated[UUID | None, Query(description="Only this blog's posts.")] = None,
    author: Annotated[UUID | None, Query(description="Only this author's posts.")] = None,
    status: Annotated[StatusName | None, Query(description="Shown status.")] = None,
    deleted: Annotated[bool, Query(description="true: the trash instead.")] = False,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_LIST_TEXT,
            description="Words the title or the excerpt contain, ignoring case and accents "
            "(the first eight).",
        ),
    ] = None,
) -> Page[PostListItem]:
    """The console's post list, most recently changed first (authors: their own posts and
    the public posts of their blogs; staff and moderators: all), each with its author's
    name, approved comments and votes."""
    filters = use_cases.PostFilter(
        blog_id=blog,
        author_id=author,
        status=PostStatus(status) if status else None,
        deleted=deleted,
        text=(q or "").strip() or None,
    )
    rows = await use_cases.list_posts(
        ctx.uow, ctx.actor, filters, paging.after(POSTS), paging.fetch
    )
    figures = await use_cases.listed_figures(ctx.uow, rows[: paging.limit])
    now = clock.now()
    return page_of(
        request,
        response,
        paging,
        POSTS,
        rows,
        lambda p: PostListItem.listed(p, now, figures.get(p.id)),
    )


@router.get(
    "/tenants/{tenant}/posts/{post_id}",
    operation_id="posts-get",
    response_model=PostRead,
    responses={**READ_PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def get_post(response: Response, tenant: TenantSlug, ctx: Console, post_id: UUID) -> PostRead:
    """One post with its bodies; drafts only for their author, the staff and moderators."""
    return _answer(response, await use_cases.view_post(ctx.uow, ctx.actor, post_id))


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
    ctx: Writer,
    blog_id: UUID,
    body: PostCreate,
    services: ServicesDep,
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
    post = await use_cases.create_post(ctx.uow, ctx.actor, services.text, blog_id, draft)
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
    ctx: Console,
    post_id: UUID,
    body: PostUpdate,
    services: ServicesDep,
    if_match: IfMatch = None,
) -> PostRead:
    """Change the given fields (the author, owners, managers). Requires ``If-Match``; the
    answer carries the new ``ETag``. Status changes go through the actions below."""
    expected = _expected_version(if_match, required=True)
    assert expected is not None
    changes = body.model_dump(exclude_unset=True)
    post = await use_cases.edit_post(ctx.uow, ctx.actor, services.text, post_id, expected, changes)
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
    ctx: Console,
    post_id: UUID,
    body: PublishBody | None = None,
    if_match: IfMatch = None,
) -> PostRead:
    """Publish now, or schedule with ``published_at`` in the future (within the
    ``posts_per_blog`` quota). An archived or deleted post must come back first."""
    expected = _expected_version(if_match, required=False)
    at = body.published_at if body else None
    post = await use_cases.publish_post(ctx.uow, ctx.actor, post_id, expected, at)
    return _answer(response, post)


def _status_action(action: str, change: Callable[..., Awaitable[Post]], summary: str) -> None:
    """Register ``POST /posts/{post_id}/<action>``: one status change, ``If-Match``
    optional, the new ``ETag`` in the answer."""

    async def endpoint(
        response: Response,
        tenant: TenantSlug,
        ctx: Console,
        post_id: UUID,
        if_match: IfMatch = None,
    ) -> PostRead:
        expected = _expected_version(if_match, required=False)
        return _answer(response, await change(ctx.uow, ctx.actor, post_id, expected))

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
    tenant: TenantSlug, ctx: Console, post_id: UUID, if_match: IfMatch = None
) -> Response:
    """Move the post to the trash (the author, owners, managers): it leaves the public
    site at once; owners and managers can restore it. Deleting it again changes nothing."""
    expected = _expected_version(if_match, required=False)
    await use_cases.delete_post(ctx.uow, ctx.actor, post_id, expected)
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant}/posts/{post_id}/restore",
    operation_id="posts-restore",
    response_model=PostRead,
    responses={**PROBLEMS, 200: {"headers": ETAG_HEADER}},
)
async def restore_post(
    response: Response, tenant: TenantSlug, ctx: Staff, post_id: UUID
) -> PostRead:
    """Take a post out of the trash, with the status it had (owners, managers, operators).
    A live post needs room in the ``posts_per_blog`` quota."""
    return _answer(response, await use_cases.restore_post(ctx.uow, ctx.actor, post_id))


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
    ctx: Console,
    post_id: UUID,
    paging: PageQuery,
) -> Page[RevisionSummary]:
    """What the post was before each save while published or scheduled, newest first
    (its author, owners, managers, moderators)."""
    after = paging.after(REVISIONS)
    before = after[0] if after is not None else None
    rows = await use_cases.list_revisions(ctx.uow, ctx.actor, post_id, before, paging.fetch)
    return page_of(
        request,
        response,
        paging,
        REVISIONS,
        rows,
        lambda r: RevisionSummary.model_validate(r, from_attributes=True),
    )


@router.get(
    "/tenants/{tenant}/posts/{post_id}/revisions/{revision_id}",
    operation_id="post-revisions-get",
    response_model=RevisionRead,
    responses=READ_PROBLEMS,
)
async def get_revision(
    tenant: TenantSlug, ctx: Console, post_id: UUID, revision_id: UUID
) -> RevisionRead:
    revision = await use_cases.get_revision(ctx.uow, ctx.actor, post_id, revision_id)
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
    ctx: Console,
    post_id: UUID,
    revision_id: UUID,
    services: ServicesDep,
    if_match: IfMatch = None,
) -> PostRead:
    """Bring a revision's text back as a new version (the current text becomes a revision
    if the post is live). Requires ``If-Match``."""
    expected = _expected_version(if_match, required=True)
    assert expected is not None
    post = await use_cases.restore_revision(
        ctx.uow, ctx.actor, services.text, post_id, revision_id, expected
    )
    return _answer(response, post)
