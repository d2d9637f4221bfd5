"""Blogs in the console: list, create, edit, archive, and who writes for each one.

Who may call what:

- Reading (the list, one blog, its authors) is for people who write or moderate: owners,
  managers, moderators, authors and platform operators. Readers get 403, non-members 404.
  Every blog of the tenant is listed to all of them, archived ones included.
- Creating a blog needs the right to write (owners, managers, authors), within the plan's
  ``blogs`` quota (402 ``quota_exceeded``). The creator becomes the blog's first owner.
- Editing a blog and choosing its authors is for the blog's owners, the tenant's owners
  and managers, and operators. A blog keeps at least one owner (409 otherwise), and only
  members who may write (owners, managers, authors) can be made its authors.
- ``status: archived`` archives a blog (no new posts; its posts stay as they are),
  ``status: active`` brings it back.
- While the subscription is suspended or cancelled every write answers 402
  ``subscription_inactive``; reads go on. Every change is written to the audit log.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Request, Response

from api.access import Requires, ServicesDep, TenantActor, TenantSlug
from api.blogs.schemas import (
    PROBLEMS,
    READ_PROBLEMS,
    BlogAuthorPut,
    BlogAuthorRead,
    BlogCreate,
    BlogRead,
    BlogUpdate,
)
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from domain.blogs import use_cases
from domain.blogs.model import BlogRole
from domain.kernel.access import Action

router = new_router(tags=["blogs"])

BLOGS = time_id("blogs")  # oldest first

Console = Annotated[TenantActor, Requires(Action.USE_CONSOLE)]
Writer = Annotated[TenantActor, Requires(Action.WRITE_POSTS)]
# Every route names the tenant first although the gate reads it: the documented path
# parameters keep their order (tenant, then the others), and the route's own parameters
# say where it answers.


@router.get(
    "/tenants/{tenant}/blogs",
    operation_id="blogs-list",
    response_model=Page[BlogRead],
    responses=READ_PROBLEMS,
)
async def list_blogs(
    request: Request, response: Response, tenant: TenantSlug, ctx: Console, paging: PageQuery
) -> Page[BlogRead]:
    """Every blog of the tenant, oldest first (owners, managers, moderators, authors)."""
    rows = await use_cases.list_blogs(ctx.uow, ctx.actor, paging.after(BLOGS), paging.fetch)
    return page_of(request, response, paging, BLOGS, rows, BlogRead.of)


@router.post(
    "/tenants/{tenant}/blogs",
    operation_id="blogs-create",
    status_code=201,
    response_model=BlogRead,
    responses=PROBLEMS,
)
async def create_blog(
    tenant: TenantSlug, ctx: Writer, body: BlogCreate, services: ServicesDep
) -> BlogRead:
    """Create a blog (owners, managers, authors; within the ``blogs`` quota). The caller
    becomes its owner."""
    fields = body.model_dump()
    fields["language"] = body.language or ctx.tenant.default_language
    blog = await use_cases.create_blog(ctx.uow, ctx.actor, services.text, fields)
    return BlogRead.of(blog)


@router.get(
    "/tenants/{tenant}/blogs/{blog_id}",
    operation_id="blogs-get",
    response_model=BlogRead,
    responses=READ_PROBLEMS,
)
async def get_blog(tenant: TenantSlug, ctx: Console, blog_id: UUID) -> BlogRead:
    return BlogRead.of(await use_cases.view_blog(ctx.uow, ctx.actor, blog_id))


@router.patch(
    "/tenants/{tenant}/blogs/{blog_id}",
    operation_id="blogs-update",
    response_model=BlogRead,
    responses=PROBLEMS,
)
async def update_blog(
    tenant: TenantSlug, ctx: Console, blog_id: UUID, body: BlogUpdate
) -> BlogRead:
    """Change the given fields only (the blog's owners, managers, operators). ``status``
    archives or unarchives; ``comment_policy: null`` goes back to the tenant's policy."""
    changes = body.model_dump(exclude_unset=True)
    return BlogRead.of(await use_cases.update_blog(ctx.uow, ctx.actor, blog_id, changes))


@router.get(
    "/tenants/{tenant}/blogs/{blog_id}/authors",
    operation_id="blog-authors-list",
    response_model=list[BlogAuthorRead],
    responses=READ_PROBLEMS,
)
async def list_authors(tenant: TenantSlug, ctx: Console, blog_id: UUID) -> list[BlogAuthorRead]:
    """Who writes for the blog, in the order they joined it."""
    authors = await use_cases.blog_authors(ctx.uow, ctx.actor, blog_id)
    return [BlogAuthorRead.of(a) for a in authors]


@router.put(
    "/tenants/{tenant}/blogs/{blog_id}/authors/{user_id}",
    operation_id="blog-authors-set",
    response_model=list[BlogAuthorRead],
    responses=PROBLEMS,
)
async def set_author(
    tenant: TenantSlug, ctx: Console, blog_id: UUID, user_id: UUID, body: BlogAuthorPut
) -> list[BlogAuthorRead]:
    """Add a member to the blog's authors or change their role there; answers the new list.
    The member must be an owner, manager or author of the tenant."""
    authors = await use_cases.set_blog_author(
        ctx.uow, ctx.actor, blog_id, user_id, BlogRole(body.role)
    )
    return [BlogAuthorRead.of(a) for a in authors]


@router.delete(
    "/tenants/{tenant}/blogs/{blog_id}/authors/{user_id}",
    operation_id="blog-authors-remove",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def remove_author(tenant: TenantSlug, ctx: Console, blog_id: UUID, user_id: UUID) -> Response:
    """Take a member off the blog (their posts stay theirs). The last owner stays."""
    await use_cases.remove_blog_author(ctx.uow, ctx.actor, blog_id, user_id)
    return Response(status_code=204)
