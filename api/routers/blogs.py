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

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Request, Response
from pydantic import AfterValidator, Field, StringConstraints

from api.access import PrincipalDep, TenantSlug, UowDep
from api.kit.pages import CursorQuery, LimitQuery, Page, decode_time_id_cursor, keyset_page
from api.kit.routing import new_router
from api.kit.schemas import Language, StrictModel, storable, unchanged
from domain.content import use_cases
from domain.content.model import Blog, BlogRole
from domain.content.ports import BlogAuthor
from domain.tenants.use_cases import actor_in

router = new_router(tags=["blogs"])


# One-line texts are trimmed and may not be empty; free texts may be empty. All bounded.
BlogTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(storable),
]
BlogSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Lower-case letters, digits and single hyphens.",
    ),
]
Description = Annotated[str, Field(max_length=2000), AfterValidator(storable)]
PolicyName = Literal["open", "trusted", "pre", "closed"]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    402: {"description": "Quota exceeded, or the subscription is suspended"},
    403: {"description": "Role does not allow it"},
    404: {"description": "No such tenant, blog or member (or not yours)"},
    409: {"description": "Slug taken, or the blog's last owner"},
    422: {"description": "Invalid input"},
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in PROBLEMS.items() if k in (401, 403, 404, 422)
}


class BlogRead(StrictModel):
    id: UUID
    slug: str
    title: str
    description: str
    language: str
    comment_policy: PolicyName | None = Field(description="null: the tenant's policy applies")
    status: Literal["active", "archived"]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, blog: Blog) -> BlogRead:
        return cls(
            id=blog.id,
            slug=blog.slug,
            title=blog.title,
            description=blog.description,
            language=blog.language,
            comment_policy=blog.comment_policy.value if blog.comment_policy else None,
            status=blog.status.value,
            created_at=blog.created_at,
            updated_at=blog.updated_at,
        )


class BlogCreate(StrictModel):
    title: BlogTitle
    slug: BlogSlug | None = Field(
        default=None,
        description="Derived from the title when absent (then -2, -3… if taken); "
        "a slug given and taken is a 409.",
    )
    description: Description = ""
    language: Language | None = Field(
        default=None, description="The tenant's default language when absent."
    )
    comment_policy: PolicyName | None = Field(
        default=None, description="Overrides the tenant's comment policy; null follows it."
    )


class BlogUpdate(StrictModel):
    title: BlogTitle = unchanged()
    slug: BlogSlug = unchanged()
    description: Description | None = None
    language: Language = unchanged()
    comment_policy: PolicyName | None = Field(
        default=None, description="null clears the override: the tenant's policy applies."
    )
    status: Literal["active", "archived"] = unchanged("archived: no new posts; active: unarchive.")


class BlogAuthorRead(StrictModel):
    user_id: UUID
    display_name: str
    role: Literal["owner", "contributor"]
    added_at: datetime

    @classmethod
    def of(cls, author: BlogAuthor) -> BlogAuthorRead:
        return cls(
            user_id=author.user_id,
            display_name=author.display_name,
            role=author.role.value,
            added_at=author.added_at,
        )


class BlogAuthorPut(StrictModel):
    role: Literal["owner", "contributor"] = Field(
        description="owner: may edit the blog and its authors; contributor: writes in it."
    )


@router.get(
    "/tenants/{tenant}/blogs",
    operation_id="blogs-list",
    response_model=Page[BlogRead],
    responses=READ_PROBLEMS,
)
async def list_blogs(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[BlogRead]:
    """Every blog of the tenant, oldest first (owners, managers, moderators, authors)."""
    after = decode_time_id_cursor(cursor)
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        rows = await use_cases.list_blogs(uow, actor, after, limit + 1)
    page, next_cursor = keyset_page(request, response, rows, limit)
    return Page[BlogRead](items=[BlogRead.of(b) for b in page], next_cursor=next_cursor)


@router.post(
    "/tenants/{tenant}/blogs",
    operation_id="blogs-create",
    status_code=201,
    response_model=BlogRead,
    responses=PROBLEMS,
)
async def create_blog(
    tenant: TenantSlug, body: BlogCreate, principal: PrincipalDep, uow: UowDep
) -> BlogRead:
    """Create a blog (owners, managers, authors; within the ``blogs`` quota). The caller
    becomes its owner."""
    async with uow:
        found, actor = await actor_in(uow, principal, tenant)
        fields = body.model_dump()
        fields["language"] = body.language or found.default_language
        blog = await use_cases.create_blog(uow, actor, fields)
    return BlogRead.of(blog)


@router.get(
    "/tenants/{tenant}/blogs/{blog_id}",
    operation_id="blogs-get",
    response_model=BlogRead,
    responses=READ_PROBLEMS,
)
async def get_blog(
    tenant: TenantSlug, blog_id: UUID, principal: PrincipalDep, uow: UowDep
) -> BlogRead:
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        blog = await use_cases.view_blog(uow, actor, blog_id)
    return BlogRead.of(blog)


@router.patch(
    "/tenants/{tenant}/blogs/{blog_id}",
    operation_id="blogs-update",
    response_model=BlogRead,
    responses=PROBLEMS,
)
async def update_blog(
    tenant: TenantSlug, blog_id: UUID, body: BlogUpdate, principal: PrincipalDep, uow: UowDep
) -> BlogRead:
    """Change the given fields only (the blog's owners, managers, operators). ``status``
    archives or unarchives; ``comment_policy: null`` goes back to the tenant's policy."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        blog = await use_cases.update_blog(uow, actor, blog_id, body.model_dump(exclude_unset=True))
    return BlogRead.of(blog)


@router.get(
    "/tenants/{tenant}/blogs/{blog_id}/authors",
    operation_id="blog-authors-list",
    response_model=list[BlogAuthorRead],
    responses=READ_PROBLEMS,
)
async def list_authors(
    tenant: TenantSlug, blog_id: UUID, principal: PrincipalDep, uow: UowDep
) -> list[BlogAuthorRead]:
    """Who writes for the blog, in the order they joined it."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        authors = await use_cases.blog_authors(uow, actor, blog_id)
    return [BlogAuthorRead.of(a) for a in authors]


@router.put(
    "/tenants/{tenant}/blogs/{blog_id}/authors/{user_id}",
    operation_id="blog-authors-set",
    response_model=list[BlogAuthorRead],
    responses=PROBLEMS,
)
async def set_author(
    tenant: TenantSlug,
    blog_id: UUID,
    user_id: UUID,
    body: BlogAuthorPut,
    principal: PrincipalDep,
    uow: UowDep,
) -> list[BlogAuthorRead]:
    """Add a member to the blog's authors or change their role there; answers the new list.
    The member must be an owner, manager or author of the tenant."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        await use_cases.set_blog_author(uow, actor, blog_id, user_id, BlogRole(body.role))
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        authors = await use_cases.blog_authors(uow, actor, blog_id)
    return [BlogAuthorRead.of(a) for a in authors]


@router.delete(
    "/tenants/{tenant}/blogs/{blog_id}/authors/{user_id}",
    operation_id="blog-authors-remove",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def remove_author(
    tenant: TenantSlug, blog_id: UUID, user_id: UUID, principal: PrincipalDep, uow: UowDep
) -> Response:
    """Take a member off the blog (their posts stay theirs). The last owner stays."""
    async with uow:
        _, actor = await actor_in(uow, principal, tenant)
        await use_cases.remove_blog_author(uow, actor, blog_id, user_id)
    return Response(status_code=204)
