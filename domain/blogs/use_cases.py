"""Blog use cases: the console's blogs, and who writes for each one."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.blogs.model import Blog, BlogAuthor, BlogRole, BlogStatus
from domain.blogs.ports import BlogsUnitOfWork
from domain.kernel import clock
from domain.kernel.access import Action, Actor, Role, allows, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.kernel.text import TextEngine, slugify, unique_slug
from domain.licensing.model import Quota
from domain.licensing.quotas import ensure_room
from domain.tenants.model import LANGUAGES, CommentPolicy
from domain.tenants.use_cases import audit

BLOG_SLUG_LENGTH = 80


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}.")
    return language


def _policy(value: Any) -> CommentPolicy | None:
    return CommentPolicy(value) if value else None


def require_console(actor: Actor) -> None:
    """Owners, managers, moderators, authors and operators read the console's content;
    readers get 403, non-members 404."""
    require(actor, Action.USE_CONSOLE)


async def get_blog(uow: BlogsUnitOfWork, blog_id: UUID) -> Blog:
    blog = await uow.blogs.get(blog_id)
    if blog is None:
        raise NotFound("No such blog.")
    return blog


async def view_blog(uow: BlogsUnitOfWork, actor: Actor, blog_id: UUID) -> Blog:
    require_console(actor)
    return await get_blog(uow, blog_id)


async def list_blogs(
    uow: BlogsUnitOfWork, actor: Actor, after: tuple[datetime, UUID] | None, limit: int
) -> list[Blog]:
    """Every blog of the tenant, archived ones included, oldest first."""
    require_console(actor)
    return await uow.blogs.page(after=after, limit=limit)


async def blog_authors(uow: BlogsUnitOfWork, actor: Actor, blog_id: UUID) -> list[BlogAuthor]:
    require_console(actor)
    blog = await get_blog(uow, blog_id)
    return await uow.blogs.author_list(blog.id)


def blog_slug_of(title: str, text: TextEngine) -> str:
    """The slug a blog titled ``title`` starts from (before -2, -3… if taken)."""
    return slugify(title, text, BLOG_SLUG_LENGTH, fallback="blog")


async def create_blog(
    uow: BlogsUnitOfWork, actor: Actor, text: TextEngine, fields: dict[str, Any]
) -> Blog:
    require(actor, Action.WRITE_POSTS)
    if actor.user_id is None:
        raise Forbidden("Blogs are created by people, not keys.")
    await ensure_room(uow, actor.tenant_id, Quota.BLOGS)
    slug = fields.get("slug") or blog_slug_of(fields["title"], text)
    if fields.get("slug") and await uow.blogs.slug_taken(slug):
        raise Conflict("That blog slug is taken.")
    slug = await unique_slug(slug, uow.blogs.slug_taken, BLOG_SLUG_LENGTH)
    now = clock.now()
    blog = Blog(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        slug=slug,
        title=fields["title"],
        description=fields.get("description") or "",
        language=check_language(fields.get("language") or "en"),
        comment_policy=_policy(fields.get("comment_policy")),
        status=BlogStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    await uow.blogs.add(blog)
    await uow.blogs.set_author(blog.id, actor.user_id, BlogRole.OWNER)
    await audit(uow, actor, "blog.created", "blog", blog.id, slug=blog.slug)
    await uow.commit()
    return blog


async def _may_manage_blog(uow: BlogsUnitOfWork, actor: Actor, blog: Blog) -> None:
    if allows(actor, Action.EDIT_ANY_POST):
        require(actor, Action.EDIT_ANY_POST)  # refuses writes on an inactive subscription
        return
    require(actor, Action.WRITE_POSTS)
    assert actor.user_id is not None
    if await uow.blogs.author_role(blog.id, actor.user_id) is not BlogRole.OWNER:
        raise Forbidden("Only the blog's owners and the community managers may change it.")


async def update_blog(
    uow: BlogsUnitOfWork, actor: Actor, blog_id: UUID, changes: dict[str, Any]
) -> Blog:
    blog = await get_blog(uow, blog_id)
    await _may_manage_blog(uow, actor, blog)
    if "slug" in changes and changes["slug"] != blog.slug:
        if await uow.blogs.slug_taken(changes["slug"]):
            raise Conflict("That blog slug is taken.")
        blog.slug = changes["slug"]
    if "title" in changes:
        blog.title = changes["title"]
    if "description" in changes:
        blog.description = changes["description"] or ""
    if "language" in changes:
        blog.language = check_language(changes["language"])
    if "comment_policy" in changes:
        blog.comment_policy = _policy(changes["comment_policy"])
    if "status" in changes:
        blog.status = BlogStatus(changes["status"])
    blog.updated_at = clock.now()
    await uow.blogs.update(blog)
    await audit(uow, actor, "blog.updated", "blog", blog.id, fields=sorted(changes))
    await uow.commit()
    return blog


async def set_blog_author(
    uow: BlogsUnitOfWork, actor: Actor, blog_id: UUID, user_id: UUID, role: BlogRole
) -> list[BlogAuthor]:
    """Add a member to the blog's authors or change their role; the new list of authors,
    read in the same transaction."""
    blog = await get_blog(uow, blog_id)
    await _may_manage_blog(uow, actor, blog)
    membership = await uow.memberships.get(actor.tenant_id, user_id)
    if membership is None:
        raise NotFound("No such member.")
    if membership.role not in (Role.OWNER, Role.MANAGER, Role.AUTHOR):
        raise InvalidInput("Only owners, managers and authors write: give them the author role.")
    current = await uow.blogs.author_role(blog.id, user_id)
    if current is BlogRole.OWNER and role is not BlogRole.OWNER:
        await _keep_an_owner(uow, blog.id)
    await uow.blogs.set_author(blog.id, user_id, role)
    await audit(uow, actor, "blog.author_set", "blog", blog.id, user=str(user_id), role=role.value)
    authors = await uow.blogs.author_list(blog.id)
    await uow.commit()
    return authors


async def remove_blog_author(
    uow: BlogsUnitOfWork, actor: Actor, blog_id: UUID, user_id: UUID
) -> None:
    blog = await get_blog(uow, blog_id)
    await _may_manage_blog(uow, actor, blog)
    if await uow.blogs.author_role(blog.id, user_id) is BlogRole.OWNER:
        await _keep_an_owner(uow, blog.id)
    if not await uow.blogs.remove_author(blog.id, user_id):
        raise NotFound("That member does not write for this blog.")
    await audit(uow, actor, "blog.author_removed", "blog", blog.id, user=str(user_id))
    await uow.commit()


async def _keep_an_owner(uow: BlogsUnitOfWork, blog_id: UUID) -> None:
    """Refuse to take away a blog's last owner: someone below staff must answer for it."""
    owners = [u for u, role in await uow.blogs.authors(blog_id) if role is BlogRole.OWNER]
    if len(owners) <= 1:
        raise Conflict("A blog keeps at least one owner: name another owner first.")
