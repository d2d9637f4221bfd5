"""What the insights slice needs from storage: sums over the aggregate tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.insights.model import (
    AuthorFigures,
    BlogFigures,
    Counts,
    ModerationFigures,
    PostFigures,
    TopBy,
)


class InsightsRepository(Protocol):
    async def series(
        self,
        bounds: list[datetime],
        start: datetime,
        end: datetime,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
        activity: bool = True,
    ) -> dict[int, tuple[Counts, int, int]]:
        """Per bucket (1-based index into ``bounds``): sums, posts published, people active
        (the last two are zero without ``activity``)."""
        ...

    async def author_figures(
        self, start: datetime, end: datetime, *, author_id: UUID | None = None
    ) -> list[AuthorFigures]: ...
    async def author(self, user_id: UUID) -> tuple[str, str] | None:
        """(display name, handle) of a member of the tenant or an author of its posts."""
        ...

    async def blog_exists(self, blog_id: UUID) -> bool: ...
    async def top_posts(
        self,
        start: datetime,
        end: datetime,
        by: TopBy,
        limit: int,
        *,
        blog_id: UUID | None,
        author_id: UUID | None,
    ) -> list[PostFigures]: ...
    async def negative_posts(
        self, start: datetime, end: datetime, limit: int
    ) -> list[PostFigures]: ...
    async def negative_blogs(
        self, start: datetime, end: datetime, limit: int
    ) -> list[BlogFigures]: ...
    async def moderation(self, start: datetime, end: datetime) -> ModerationFigures: ...
    async def count_read(
        self, post_id: UUID, day: date, visitor: bytes, at: datetime
    ) -> bool | None:
        """Count one read of a public post: None when the post is not public, False when
        this visitor was already counted today, True when counted."""
        ...
