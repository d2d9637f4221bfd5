"""Content use cases: blogs, their authors, posts and their life cycle, revisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.content.model import Blog, BlogRole, BlogStatus, Post, PostStatus
from domain.content.ports import BlogAuthor, Revision
from domain.content.text import excerpt_of, plain_text, reading_minutes, render_markdown, slugify
from domain.kernel import clock
from domain.kernel.access import Action, Actor, Role, allows, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from domain.licensing.model import Quota
from domain.licensing.quotas import ensure_room, plan_of
from domain.ports import UnitOfWork
from domain.tenants.model import LANGUAGES, CommentPolicy
from domain.tenants.use_cases import audit

MAX_TAGS = 20
BLOG_SLUG_LENGTH = 80
POST_SLUG_LENGTH = 120


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"language must be one of {', '.join(LANGUAGES)}.")
    return language


async def _unique_slug(base: str, taken: Any, max_length: int) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first one not taken, never longer than
    ``max_length`` (the column's width)."""
    candidate, n = base[:max_length], 1
    while await taken(candidate):
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def _policy(value: Any) -> CommentPolicy | None:
    return CommentPolicy(value) if value else None


def sees_every_post(actor: Actor) -> bool:
    """Owners, managers, moderators and operators see every post, drafts and trash included."""
    return allows(actor, Action.UNPUBLISH_ANY_POST)


def require_console(actor: Actor) -> None:
    """Owners, managers, moderators, authors and operators read the console's content;
    readers get 403, non-members 404."""
    require(actor, Action.USE_CONSOLE)


# --- blogs ----------------------------------------------------------------------------


async def get_blog(uow: UnitOfWork, blog_id: UUID) -> Blog:
    blog = await uow.blogs.get(blog_id)
    if blog is None:
        raise NotFound("No such blog.")
    return blog


async def view_blog(uow: UnitOfWork, actor: Actor, blog_id: UUID) -> Blog:
    require_console(actor)
    return await get_blog(uow, blog_id)


async def list_blogs(
    uow: UnitOfWork, actor: Actor, after: tuple[datetime, UUID] | None, limit: int
) -> list[Blog]:
    """Every blog of the tenant, archived ones included, oldest first."""
    require_console(actor)
    return await uow.blogs.page(after=after, limit=limit)


async def blog_authors(uow: UnitOfWork, actor: Actor, blog_id: UUID) -> list[BlogAuthor]:
    require_console(actor)
    blog = await get_blog(uow, blog_id)
    return await uow.blogs.author_list(blog.id)


async def create_blog(uow: UnitOfWork, actor: Actor, fields: dict[str, Any]) -> Blog:
    require(actor, Action.WRITE_POSTS)
    if actor.user_id is None:
        raise Forbidden("Blogs are created by people, not keys.")
    await ensure_room(uow, actor.tenant_id, Quota.BLOGS)
    slug = fields.get("slug") or slugify(fields["title"], BLOG_SLUG_LENGTH, fallback="blog")
    if fields.get("slug") and await uow.blogs.slug_taken(slug):
        raise Conflict("That blog slug is taken.")
    slug = await _unique_slug(slug, uow.blogs.slug_taken, BLOG_SLUG_LENGTH)
    now = clock.now()
    blog = Blog(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        slug=slug,
        title=fields["title"],
        description=fields.get("description") or "",
        language=_check_language(fields.get("language") or "en"),
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


async def _may_manage_blog(uow: UnitOfWork, actor: Actor, blog: Blog) -> None:
    if allows(actor, Action.EDIT_ANY_POST):
        require(actor, Action.EDIT_ANY_POST)  # refuses writes on an inactive subscription
        return
    require(actor, Action.WRITE_POSTS)
    assert actor.user_id is not None
    if await uow.blogs.author_role(blog.id, actor.user_id) is not BlogRole.OWNER:
        raise Forbidden("Only the blog's owners and the community managers may change it.")


async def update_blog(
    uow: UnitOfWork, actor: Actor, blog_id: UUID, changes: dict[str, Any]
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
        blog.language = _check_language(changes["language"])
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
    uow: UnitOfWork, actor: Actor, blog_id: UUID, user_id: UUID, role: BlogRole
) -> None:
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
    await uow.commit()


async def remove_blog_author(uow: UnitOfWork, actor: Actor, blog_id: UUID, user_id: UUID) -> None:
    blog = await get_blog(uow, blog_id)
    await _may_manage_blog(uow, actor, blog)
    if await uow.blogs.author_role(blog.id, user_id) is BlogRole.OWNER:
        await _keep_an_owner(uow, blog.id)
    if not await uow.blogs.remove_author(blog.id, user_id):
        raise NotFound("That member does not write for this blog.")
    await audit(uow, actor, "blog.author_removed", "blog", blog.id, user=str(user_id))
    await uow.commit()


async def _keep_an_owner(uow: UnitOfWork, blog_id: UUID) -> None:
    """Refuse to take away a blog's last owner: someone below staff must answer for it."""
    owners = [u for u, role in await uow.blogs.authors(blog_id) if role is BlogRole.OWNER]
    if len(owners) <= 1:
        raise Conflict("A blog keeps at least one owner: name another owner first.")


# --- posts ----------------------------------------------------------------------------


@dataclass
class PostDraft:
    title: str
    body_markdown: str = ""
    excerpt: str | None = None
    cover_image_url: str | None = None
    tags: list[str] = field(default_factory=list)
    slug: str | None = None
    language: str | None = None


def _tags(names: list[str]) -> dict[str, str]:
    """Tag slug -> display name; case and accents do not make a new tag."""
    tags: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            tags.setdefault(slugify(clean, 60), clean)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"A post takes at most {MAX_TAGS} tags.")
    return tags


def _has_own_excerpt(post: Post) -> bool:
    """Whether the excerpt was written by hand rather than derived from the body."""
    return post.excerpt != excerpt_of(post.body_text)


def _render_into(post: Post, body: str, excerpt: str | None) -> None:
    post.body_markdown = body
    post.body_html = render_markdown(body)
    post.body_text = plain_text(post.body_html)
    post.excerpt = excerpt.strip() if excerpt and excerpt.strip() else excerpt_of(post.body_text)
    post.reading_minutes = reading_minutes(post.body_text)


async def _may_write_in(uow: UnitOfWork, actor: Actor, blog: Blog) -> None:
    require(actor, Action.WRITE_POSTS)
    if allows(actor, Action.EDIT_ANY_POST):
        return
    assert actor.user_id is not None
    if await uow.blogs.author_role(blog.id, actor.user_id) is None:
        raise Forbidden("You do not write for this blog.")


async def create_post(uow: UnitOfWork, actor: Actor, blog_id: UUID, draft: PostDraft) -> Post:
    blog = await get_blog(uow, blog_id)
    await _may_write_in(uow, actor, blog)
    if blog.status is BlogStatus.ARCHIVED:
        raise InvalidInput("This blog is archived.")
    assert actor.user_id is not None
    tags = _tags(draft.tags)
    base = draft.slug or slugify(draft.title, 100)
    language = _check_language(draft.language or blog.language)
    if draft.slug and await uow.posts.slug_taken(blog.id, draft.slug):
        raise Conflict("That slug is taken in this blog.")

    async def taken(slug: str) -> bool:
        return await uow.posts.slug_taken(blog.id, slug)

    now = clock.now()
    post = Post(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        blog_id=blog.id,
        author_id=actor.user_id,
        slug=await _unique_slug(base, taken, POST_SLUG_LENGTH),
        title=draft.title,
        excerpt="",
        body_markdown="",
        body_html="",
        body_text="",
        cover_image_url=draft.cover_image_url,
        language=language,
        status=PostStatus.DRAFT,
        published_at=None,
        deleted_at=None,
        version=1,
        reading_minutes=1,
        tag_names=list(tags),
        created_at=now,
        updated_at=now,
    )
    _render_into(post, draft.body_markdown, draft.excerpt)
    await uow.posts.ensure_tags(tags)
    await uow.posts.add(post)
    await audit(uow, actor, "post.created", "post", post.id, blog=str(blog.id), slug=post.slug)
    await uow.commit()
    return post


async def load_post(uow: UnitOfWork, post_id: UUID, *, lock: bool = False) -> Post:
    post = await uow.posts.get(post_id, lock=lock)
    if post is None:
        raise NotFound("No such post.")
    return post


async def _may_see(uow: UnitOfWork, actor: Actor, post: Post) -> None:
    """Staff and moderators see every post; an author sees their own posts, and the public
    posts of the blogs they write for. Anything else is not found (drafts stay private)."""
    if sees_every_post(actor) or post.author_id == actor.user_id:
        return
    if (
        actor.user_id is not None
        and post.is_public(clock.now())
        and await uow.blogs.author_role(post.blog_id, actor.user_id) is not None
    ):
        return
    raise NotFound("No such post.")


async def view_post(uow: UnitOfWork, actor: Actor, post_id: UUID) -> Post:
    require_console(actor)
    post = await load_post(uow, post_id)
    await _may_see(uow, actor, post)
    return post


@dataclass(frozen=True)
class PostFilter:
    blog_id: UUID | None = None
    author_id: UUID | None = None
    status: PostStatus | None = None
    deleted: bool = False


async def list_posts(
    uow: UnitOfWork,
    actor: Actor,
    filters: PostFilter,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Post]:
    """The console's list, most recently changed first, under the rules of ``_may_see``.

    ``deleted=True`` lists the trash instead of the live posts.
    """
    require_console(actor)
    return await uow.posts.page(
        blog_id=filters.blog_id,
        author_id=filters.author_id,
        status=filters.status.value if filters.status else None,
        deleted=filters.deleted,
        after=after,
        limit=limit,
        now=clock.now(),
        visible_to=None if sees_every_post(actor) else actor.user_id,
    )


async def _may_read_revisions(uow: UnitOfWork, actor: Actor, post_id: UUID) -> Post:
    post = await view_post(uow, actor, post_id)
    if not (sees_every_post(actor) or post.author_id == actor.user_id):
        raise Forbidden("Only the post's author and the staff read its revisions.")
    return post


async def list_revisions(
    uow: UnitOfWork, actor: Actor, post_id: UUID, before_version: int | None, limit: int
) -> list[Revision]:
    """The versions a published or scheduled post went through, newest first."""
    post = await _may_read_revisions(uow, actor, post_id)
    return await uow.posts.revisions(post.id, before_version=before_version, limit=limit)


async def get_revision(uow: UnitOfWork, actor: Actor, post_id: UUID, revision_id: UUID) -> Revision:
    post = await _may_read_revisions(uow, actor, post_id)
    revision = await uow.posts.revision(post.id, revision_id)
    if revision is None:
        raise NotFound("No such revision.")
    return revision


def _not_deleted(post: Post) -> None:
    if post.deleted_at is not None:
        raise Conflict("This post is in the trash: restore it first.")


async def _may_edit(
    uow: UnitOfWork, actor: Actor, post: Post, *, any_post: Action = Action.EDIT_ANY_POST
) -> None:
    if allows(actor, any_post):
        require(actor, any_post)
        return
    require(actor, Action.WRITE_POSTS)
    if post.author_id != actor.user_id:
        await _may_see(uow, actor, post)  # someone else's draft is not found, not forbidden
        raise Forbidden("You may only change your own posts.")


def _check_version(post: Post, expected: int) -> None:
    if post.version != expected:
        raise PreconditionFailed(
            f"The post changed since you read it (now version {post.version}).",
            extra={"current_version": post.version},
        )


async def _save(uow: UnitOfWork, actor: Actor, post: Post, before: Post | None) -> None:
    """Bump the version and, for a live or scheduled post, keep what it was."""
    if before is not None and before.keeps_revisions:
        await uow.posts.add_revision(
            Revision(
                id=uuid4(),
                post_id=post.id,
                version=before.version,
                title=before.title,
                excerpt=before.excerpt,
                body_markdown=before.body_markdown,
                cover_image_url=before.cover_image_url,
                tag_names=before.tag_names,
                status=before.status.value,
                published_at=before.published_at,
                saved_by=actor.user_id,
                created_at=clock.now(),
            )
        )
    post.version += 1
    post.updated_at = clock.now()
    await uow.posts.update(post)


def _copy(post: Post) -> Post:
    return Post(**{**vars(post), "tag_names": list(post.tag_names)})


async def edit_post(
    uow: UnitOfWork, actor: Actor, post_id: UUID, expected_version: int, changes: dict[str, Any]
) -> Post:
    post = await load_post(uow, post_id, lock=True)
    await _may_edit(uow, actor, post)
    _check_version(post, expected_version)
    _not_deleted(post)
    if not changes:
        return post
    before = _copy(post)
    if "title" in changes:
        post.title = changes["title"]
    if "body_markdown" in changes or "excerpt" in changes:
        # A hand-written excerpt survives a body change; a derived one follows the body.
        # Sending ``excerpt: null`` goes back to deriving it.
        kept = post.excerpt if _has_own_excerpt(post) else None
        _render_into(
            post,
            changes.get("body_markdown", post.body_markdown),
            changes.get("excerpt", kept),
        )
    if "cover_image_url" in changes:
        post.cover_image_url = changes["cover_image_url"]
    if "language" in changes:
        post.language = _check_language(changes["language"])
    if "tags" in changes:
        tags = _tags(changes["tags"])
        await uow.posts.ensure_tags(tags)
        post.tag_names = list(tags)
    if "slug" in changes and changes["slug"] != post.slug:
        if await uow.posts.slug_taken(post.blog_id, changes["slug"], exclude=post.id):
            raise Conflict("That slug is taken in this blog.")
        await uow.posts.remember_slug(post.blog_id, post.slug, post.id)
        post.slug = changes["slug"]
    await _save(uow, actor, post, before)
    await audit(uow, actor, "post.updated", "post", post.id, fields=sorted(changes))
    await uow.commit()
    return post


async def publish_post(
    uow: UnitOfWork, actor: Actor, post_id: UUID, expected_version: int | None, at: datetime | None
) -> Post:
    """Publish now, or schedule for ``at``: readers see it from that instant."""
    post = await load_post(uow, post_id, lock=True)
    await _may_edit(uow, actor, post)
    if expected_version is not None:
        _check_version(post, expected_version)
    _not_deleted(post)
    if post.status not in (PostStatus.PUBLISHED, PostStatus.SCHEDULED):
        _, plan = await plan_of(uow, actor.tenant_id, lock=True)  # serialises racing publishes
        plan.check_room(Quota.POSTS_PER_BLOG, await uow.posts.count_live(post.blog_id))
    before = _copy(post)
    post.publish(clock.now(), at)
    await _save(uow, actor, post, before)
    await audit(
        uow,
        actor,
        "post.published" if post.status is PostStatus.PUBLISHED else "post.scheduled",
        "post",
        post.id,
        published_at=post.published_at.isoformat() if post.published_at else None,
    )
    await uow.commit()
    return post


async def _transition(
    uow: UnitOfWork,
    actor: Actor,
    post_id: UUID,
    expected_version: int | None,
    name: str,
    any_post: Action = Action.EDIT_ANY_POST,
) -> Post:
    post = await load_post(uow, post_id, lock=True)
    await _may_edit(uow, actor, post, any_post=any_post)
    if expected_version is not None:
        _check_version(post, expected_version)
    if name == "delete" and post.deleted_at is not None:
        return post  # already in the trash: deleting again changes nothing
    if name != "restore":
        _not_deleted(post)
    before = _copy(post)
    now = clock.now()
    if name == "unpublish":
        post.unpublish()
    elif name == "archive":
        post.archive()
    elif name == "unarchive":
        post.unarchive()
    elif name == "delete":
        post.deleted_at = now
    elif name == "restore":
        if post.deleted_at is None:
            raise InvalidInput("This post is not deleted.")
        if post.status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED):
            # It goes live again: it needs room in the blog like any publication.
            _, plan = await plan_of(uow, actor.tenant_id, lock=True)
            plan.check_room(Quota.POSTS_PER_BLOG, await uow.posts.count_live(post.blog_id))
        post.deleted_at = None
    await _save(uow, actor, post, before)
    await audit(uow, actor, f"post.{name}", "post", post.id)
    await uow.commit()
    return post


async def unpublish_post(uow: UnitOfWork, actor: Actor, post_id: UUID, version: int | None) -> Post:
    return await _transition(uow, actor, post_id, version, "unpublish", Action.UNPUBLISH_ANY_POST)


async def archive_post(uow: UnitOfWork, actor: Actor, post_id: UUID, version: int | None) -> Post:
    return await _transition(uow, actor, post_id, version, "archive")


async def unarchive_post(uow: UnitOfWork, actor: Actor, post_id: UUID, version: int | None) -> Post:
    return await _transition(uow, actor, post_id, version, "unarchive")


async def delete_post(uow: UnitOfWork, actor: Actor, post_id: UUID, version: int | None) -> Post:
    """Soft: the post disappears everywhere public; managers can restore it."""
    return await _transition(uow, actor, post_id, version, "delete")


async def restore_post(uow: UnitOfWork, actor: Actor, post_id: UUID) -> Post:
    require(actor, Action.EDIT_ANY_POST)
    return await _transition(uow, actor, post_id, None, "restore")


async def restore_revision(
    uow: UnitOfWork, actor: Actor, post_id: UUID, revision_id: UUID, expected_version: int
) -> Post:
    """The revision's text comes back as a new version (the current one is kept too)."""
    post = await load_post(uow, post_id, lock=True)
    await _may_edit(uow, actor, post)
    _check_version(post, expected_version)
    _not_deleted(post)
    revision = await uow.posts.revision(post.id, revision_id)
    if revision is None:
        raise NotFound("No such revision.")
    before = _copy(post)
    post.title = revision.title
    _render_into(post, revision.body_markdown, revision.excerpt)
    post.cover_image_url = revision.cover_image_url
    post.tag_names = list(revision.tag_names)
    await _save(uow, actor, post, before)
    await audit(uow, actor, "post.revision_restored", "post", post.id, version=revision.version)
    await uow.commit()
    return post
