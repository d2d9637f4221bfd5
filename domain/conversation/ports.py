"""What the conversation slice needs from storage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.conversation.model import Comment, CommentStatus, RatingSummary, Report
from domain.tenants.model import CommentPolicy

PUBLIC_POST_STATUSES = ("published", "scheduled")


@dataclass(frozen=True)
class PostTarget:
    """The little a comment or a vote needs to know about its post."""

    id: UUID
    blog_id: UUID
    author_id: UUID
    status: str
    published_at: datetime | None
    deleted_at: datetime | None
    blog_policy: CommentPolicy | None

    def is_public(self, now: datetime) -> bool:
        """The same rule as the public read side: live, its time has come, not deleted."""
        return (
            self.deleted_at is None
            and self.status in PUBLIC_POST_STATUSES
            and self.published_at is not None
            and self.published_at <= now
        )


@dataclass(frozen=True)
class Voter:
    """A signed-in reader, or an anonymous one known by the hash of its voter token."""

    user_id: UUID | None = None
    token_hash: bytes | None = None


@dataclass(frozen=True)
class QueueFilter:
    status: CommentStatus | None = None
    blog_id: UUID | None = None
    post_id: UUID | None = None
    author_user_id: UUID | None = None
    post_author_id: UUID | None = None  # an author moderating their own posts only
    # True: only comments held because readers reported them; False: all but those.
    held_for_reports: bool | None = None


class CommentRepository(Protocol):
    async def post_target(self, post_id: UUID, *, lock: bool = False) -> PostTarget | None: ...
    async def get(self, comment_id: UUID, *, lock: bool = False) -> Comment | None: ...
    async def get_many(self, comment_ids: list[UUID], *, lock: bool = False) -> list[Comment]: ...
    async def add(self, comment: Comment) -> None: ...
    async def update(self, comment: Comment) -> None: ...
    async def repeated(
        self, body_hash: bytes, *, user_id: UUID | None, ip_hash: bytes | None, since: datetime
    ) -> bool:
        """The same text from the same user or address since ``since``."""
        ...

    async def add_to_comment_count(self, post_id: UUID, delta: int) -> None: ...
    async def queue(
        self, where: QueueFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Comment]: ...
    async def counts(self, *, post_author_id: UUID | None) -> dict[str, int]: ...
    async def add_report(self, report: Report) -> bool:
        """False when this reader already reported this comment."""
        ...

    async def open_reports(self, comment_id: UUID) -> int: ...
    async def dismiss_reports(self, comment_ids: list[UUID], at: datetime) -> None: ...
    async def reports(self, comment_ids: list[UUID]) -> list[Report]: ...
    async def top_level(
        self,
        post_id: UUID,
        *,
        viewer_id: UUID | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[Comment]:
        """Top-level comments worth showing, oldest first: approved ones, the viewer's
        own held ones, and hidden ones that have approved replies (as placeholders)."""
        ...

    async def replies(self, root_ids: list[UUID]) -> list[Comment]: ...


class RatingRepository(Protocol):
    async def summary(self, post_id: UUID, *, lock: bool = False) -> RatingSummary: ...
    async def vote_of(self, post_id: UUID, voter: Voter) -> int | None: ...
    async def put(self, post_id: UUID, voter: Voter, stars: int, at: datetime) -> None: ...
    async def remove(self, post_id: UUID, voter: Voter) -> None: ...
    async def save_summary(self, post_id: UUID, summary: RatingSummary) -> None: ...
