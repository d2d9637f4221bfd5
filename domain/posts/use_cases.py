"""Post use cases: drafts, edits, the publication life cycle, the trash, revisions."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.blogs.model import Blog, BlogStatus
from domain.blogs.use_cases import check_language, require_console
from domain.kernel import clock
from domain.kernel.access import Action, Actor, allows, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from domain.kernel.events import DomainEvent, EventType, post_event
from domain.kernel.text import TextEngine, slugify, unique_slug
from domain.licensing.model import Quota
from domain.licensing.quotas import plan_of
from domain.posts.model import Post, PostStatus
from domain.posts.ports import ListedFigures, PostsUnitOfWork, Revision
from domain.posts.text import excerpt_of, render_body
from domain.tenants.use_cases import audit

MAX_TAGS = 20
POST_SLUG_LENGTH = 120
TAG_SLUG_LENGTH = 60


def sees_every_post(actor: Actor) -> bool:
    """Owners, managers, moderators and operators see every post, drafts and trash included."""
    return allows(actor, Action.UNPUBLISH_ANY_POST)


async def _blog(uow: PostsUnitOfWork, blog_id: UUID) -> Blog:
    blog = await uow.blogs.get(blog_id)
    if blog is None:
        raise NotFound("No such blog.")
    return blog


def tag_slug_of(name: str, text: TextEngine) -> str:
    """The slug a tag name is known by: case and accents do not make a new tag."""
    return slugify(name, text, TAG_SLUG_LENGTH)


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


def _tags(names: list[str], text: TextEngine) -> dict[str, str]:
    """Tag slug -> display name; case and accents do not make a new tag."""
    tags: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())
        if clean:
            tags.setdefault(tag_slug_of(clean, text), clean)
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"A post takes at most {MAX_TAGS} tags.")
    return tags


def _has_own_excerpt(post: Post) -> bool:
    """Whether the excerpt was written by hand rather than derived from the body."""
    return post.excerpt != excerpt_of(post.body_text)


def _render_into(text: TextEngine, post: Post, body: str, excerpt: str | None) -> None:
    rendered = render_body(text, body, excerpt)
    post.body_markdown, post.body_html, post.body_text = (
        rendered.markdown,
        rendered.html,
        rendered.text,
    )
    post.excerpt, post.reading_minutes = rendered.excerpt, rendered.reading_minutes


async def _may_write_in(uow: PostsUnitOfWork, actor: Actor, blog: Blog) -> None:
    require(actor, Action.WRITE_POSTS)
    if allows(actor, Action.EDIT_ANY_POST):
        return
    assert actor.user_id is not None
    if await uow.blogs.author_role(blog.id, actor.user_id) is None:
        raise Forbidden("You do not write for this blog.")


async def create_post(
    uow: PostsUnitOfWork, actor: Actor, text: TextEngine, blog_id: UUID, draft: PostDraft
) -> Post:
    blog = await _blog(uow, blog_id)
    await _may_write_in(uow, actor, blog)
    if blog.status is BlogStatus.ARCHIVED:
        raise InvalidInput("This blog is archived.")
    assert actor.user_id is not None
    tags = _tags(draft.tags, text)
    base = draft.slug or slugify(draft.title, text, 100)
    language = check_language(draft.language or blog.language)
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
        slug=await unique_slug(base, taken, POST_SLUG_LENGTH),
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
    _render_into(text, post, draft.body_markdown, draft.excerpt)
    await uow.posts.ensure_tags(tags)
    await uow.posts.add(post)
    await audit(uow, actor, "post.created", "post", post.id, blog=str(blog.id), slug=post.slug)
    await uow.commit()
    return post


async def load_post(uow: PostsUnitOfWork, post_id: UUID, *, lock: bool = False) -> Post:
    post = await uow.posts.get(post_id, lock=lock)
    if post is None:
        raise NotFound("No such post.")
    return post


async def _may_see(uow: PostsUnitOfWork, actor: Actor, post: Post) -> None:
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


async def view_post(uow: PostsUnitOfWork, actor: Actor, post_id: UUID) -> Post:
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
    text: str | None = None  # words the title or excerpt contain


async def list_posts(
    uow: PostsUnitOfWork,
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
        text=filters.text,
    )


async def listed_figures(uow: PostsUnitOfWork, posts: list[Post]) -> dict[UUID, ListedFigures]:
    """Beside each post of a list page: its author's name, approved comments and votes."""
    return await uow.posts.listed_figures([p.id for p in posts])


async def _may_read_revisions(uow: PostsUnitOfWork, actor: Actor, post_id: UUID) -> Post:
    post = await view_post(uow, actor, post_id)
    if not (sees_every_post(actor) or post.author_id == actor.user_id):
        raise Forbidden("Only the post's author and the staff read its revisions.")
    return post


async def list_revisions(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, before_version: int | None, limit: int
) -> list[Revision]:
    """The versions a published or scheduled post went through, newest first."""
    post = await _may_read_revisions(uow, actor, post_id)
    return await uow.posts.revisions(post.id, before_version=before_version, limit=limit)


async def get_revision(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, revision_id: UUID
) -> Revision:
    post = await _may_read_revisions(uow, actor, post_id)
    revision = await uow.posts.revision(post.id, revision_id)
    if revision is None:
        raise NotFound("No such revision.")
    return revision


def _not_deleted(post: Post) -> None:
    if post.deleted_at is not None:
        raise Conflict("This post is in the trash: restore it first.")


async def _may_edit(
    uow: PostsUnitOfWork, actor: Actor, post: Post, *, any_post: Action = Action.EDIT_ANY_POST
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


async def _save(uow: PostsUnitOfWork, actor: Actor, post: Post, before: Post | None) -> None:
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
    uow: PostsUnitOfWork,
    actor: Actor,
    text: TextEngine,
    post_id: UUID,
    expected_version: int,
    changes: dict[str, Any],
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
            text,
            post,
            changes.get("body_markdown", post.body_markdown),
            changes.get("excerpt", kept),
        )
    if "cover_image_url" in changes:
        post.cover_image_url = changes["cover_image_url"]
    if "language" in changes:
        post.language = check_language(changes["language"])
    if "tags" in changes:
        tags = _tags(changes["tags"], text)
        await uow.posts.ensure_tags(tags)
        post.tag_names = list(tags)
    if "slug" in changes and changes["slug"] != post.slug:
        if await uow.posts.slug_taken(post.blog_id, changes["slug"], exclude=post.id):
            raise Conflict("That slug is taken in this blog.")
        await uow.posts.remember_slug(post.blog_id, post.slug, post.id)
        post.slug = changes["slug"]
    await _save(uow, actor, post, before)
    await audit(uow, actor, "post.updated", "post", post.id, fields=sorted(changes))
    _record_update(uow, post)
    await uow.commit()
    return post


async def publish_post(
    uow: PostsUnitOfWork,
    actor: Actor,
    post_id: UUID,
    expected_version: int | None,
    at: datetime | None,
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
    if not before.is_public(clock.now()) or before.published_at != post.published_at:
        uow.record(publication_event(post))
    await uow.commit()
    return post


def _record_update(uow: PostsUnitOfWork, post: Post) -> None:
    """Readers' front-ends care about what they can show: drafts change silently."""
    if post.is_public(clock.now()):
        uow.record(post_event(EventType.POST_UPDATED, post))


def publication_event(post: Post) -> DomainEvent:
    """``post.published``, to leave at the publication time: at once, or when a scheduled
    post's time comes (the worker then checks that it is still due). Publishing or
    scheduling again before then replaces the pending one."""
    event = post_event(EventType.POST_PUBLISHED, post)
    return replace(event, available_at=post.published_at, coalesce_key=f"post.published:{post.id}")


async def _transition(
    uow: PostsUnitOfWork,
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
    if name == "unpublish" or (name == "delete" and before.is_public(now)):
        kind = EventType.POST_UNPUBLISHED if name == "unpublish" else EventType.POST_DELETED
        uow.record(post_event(kind, post))
    await uow.commit()
    return post


async def unpublish_post(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, version: int | None
) -> Post:
    return await _transition(uow, actor, post_id, version, "unpublish", Action.UNPUBLISH_ANY_POST)


async def archive_post(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, version: int | None
) -> Post:
    return await _transition(uow, actor, post_id, version, "archive")


async def unarchive_post(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, version: int | None
) -> Post:
    return await _transition(uow, actor, post_id, version, "unarchive")


async def delete_post(
    uow: PostsUnitOfWork, actor: Actor, post_id: UUID, version: int | None
) -> Post:
    """Soft: the post disappears everywhere public; managers can restore it."""
    return await _transition(uow, actor, post_id, version, "delete")


async def restore_post(uow: PostsUnitOfWork, actor: Actor, post_id: UUID) -> Post:
    require(actor, Action.EDIT_ANY_POST)
    return await _transition(uow, actor, post_id, None, "restore")


async def restore_revision(
    uow: PostsUnitOfWork,
    actor: Actor,
    text: TextEngine,
    post_id: UUID,
    revision_id: UUID,
    expected_version: int,
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
    _render_into(text, post, revision.body_markdown, revision.excerpt)
    post.cover_image_url = revision.cover_image_url
    post.tag_names = list(revision.tag_names)
    await _save(uow, actor, post, before)
    await audit(uow, actor, "post.revision_restored", "post", post.id, version=revision.version)
    _record_update(uow, post)
    await uow.commit()
    return post
