"""What the posts slice needs from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.blogs.ports import BlogRepository
from domain.licensing.ports import LicensingUnitOfWork
from domain.posts.model import Post
from domain.tenants.ports import AuditUnitOfWork


@dataclass(frozen=True)
class ListedFigures:
    """What the console's post list shows beside a post: who wrote it and how readers
    answered (approved comments, votes and their stars)."""

    author_name: str
    comments: int
    ratings: int
    rating_sum: int


@dataclass(frozen=True)
class Revision:
    id: UUID
    post_id: UUID
    version: int
    title: str
    excerpt: str
    body_markdown: str
    cover_image_url: str | None
    tag_names: list[str]
    status: str
    published_at: datetime | None
    saved_by: UUID | None
    created_at: datetime


class PostRepository(Protocol):
    async def get(self, post_id: UUID, *, lock: bool = False) -> Post | None: ...
    async def slug_taken(self, blog_id: UUID, slug: str, *, exclude: UUID | None = None) -> bool:
        """Whether a post of the blog holds ``slug``, now or in its slug history (the
        history of ``exclude`` does not count: a post may take back its own old slug)."""
        ...

    async def add(self, post: Post) -> None: ...
    async def update(self, post: Post) -> None: ...
    async def remember_slug(self, blog_id: UUID, slug: str, post_id: UUID) -> None: ...
    async def count_live(self, blog_id: UUID) -> int: ...
    async def page(
        self,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
        status: str | None,
        deleted: bool,
        after: tuple[datetime, UUID] | None,
        limit: int,
        now: datetime,
        visible_to: UUID | None = None,
        text: str | None = None,
    ) -> list[Post]:
        """Newest change first. ``status`` is the shown status (a scheduled post whose time
        has come counts as published). ``visible_to``: only that user's own posts and the
        public posts of the blogs they write for. ``text``: every word is in the title
        or the excerpt (ignoring case and accents)."""
        ...

    async def listed_figures(self, post_ids: list[UUID]) -> dict[UUID, ListedFigures]:
        """Author names and readers' figures of the posts of a list page (one statement)."""
        ...

    async def ensure_tags(self, names: dict[str, str]) -> None:
        """Create the tags (slug -> display name) that do not exist yet."""
        ...

    async def add_revision(self, revision: Revision) -> None: ...
    async def revisions(
        self, post_id: UUID, *, before_version: int | None = None, limit: int | None = None
    ) -> list[Revision]:
        """Newest first; ``before_version`` continues a previous page."""
        ...

    async def revision(self, post_id: UUID, revision_id: UUID) -> Revision | None: ...


class PostsUnitOfWork(LicensingUnitOfWork, AuditUnitOfWork, Protocol):
    """The posts, the blogs they belong to (and who writes for them), the plan's quotas
    and the audit log, in one transaction."""

    @property
    def blogs(self) -> BlogRepository: ...
    @property
    def posts(self) -> PostRepository: ...
