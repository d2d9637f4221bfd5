"""Posts, and their publication state machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from domain.kernel.errors import InvalidInput

MAX_PUBLISH_YEAR = 9999
# Back-dating is allowed (imported archives), but not to before the web existed: it also
# keeps far-away dates clear of overflows when they are brought to UTC.
MIN_PUBLISH_YEAR = 1900


class PostStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@dataclass
class Post:
    id: UUID
    tenant_id: UUID
    blog_id: UUID
    author_id: UUID
    slug: str
    title: str
    excerpt: str
    body_markdown: str
    body_html: str
    body_text: str
    cover_image_url: str | None
    language: str
    status: PostStatus
    published_at: datetime | None
    deleted_at: datetime | None
    version: int
    reading_minutes: int
    tag_names: list[str] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def is_public(self, now: datetime) -> bool:
        """Readers see it: published (or scheduled and its time has come), not deleted."""
        return (
            self.deleted_at is None
            and self.status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= now
        )

    def shown_status(self, now: datetime) -> PostStatus:
        """A scheduled post whose time has come is published: no job flips it."""
        if self.status is PostStatus.SCHEDULED and self.published_at and self.published_at <= now:
            return PostStatus.PUBLISHED
        return self.status

    @property
    def keeps_revisions(self) -> bool:
        return self.status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED)

    def publish(self, now: datetime, at: datetime | None = None) -> None:
        if self.status is PostStatus.ARCHIVED:
            raise InvalidInput("An archived post cannot be published; restore it as a draft first.")
        if at is not None and at.year > MAX_PUBLISH_YEAR - 1:
            raise InvalidInput("The publication date is too far in the future.")
        if at is not None and at.year < MIN_PUBLISH_YEAR:
            raise InvalidInput(f"The publication date must be in {MIN_PUBLISH_YEAR} or later.")
        if at is not None:
            if at.tzinfo is None:
                raise InvalidInput("The publication date needs a time zone.")
            at = at.astimezone(UTC)
        if at is not None and at > now:
            self.status, self.published_at = PostStatus.SCHEDULED, at
        else:
            self.status = PostStatus.PUBLISHED
            self.published_at = at or (self.published_at if self._was_live(now) else now)

    def _was_live(self, now: datetime) -> bool:
        return self.published_at is not None and self.published_at <= now

    def unpublish(self) -> None:
        if self.status not in (PostStatus.PUBLISHED, PostStatus.SCHEDULED):
            raise InvalidInput("Only a published or scheduled post can be unpublished.")
        self.status = PostStatus.DRAFT

    def archive(self) -> None:
        if self.status is PostStatus.ARCHIVED:
            raise InvalidInput("This post is already archived.")
        self.status = PostStatus.ARCHIVED

    def unarchive(self) -> None:
        if self.status is not PostStatus.ARCHIVED:
            raise InvalidInput("Only an archived post can be brought back.")
        self.status = PostStatus.DRAFT
