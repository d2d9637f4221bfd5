"""What the insights slice needs from storage: sums over the aggregate tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from domain.insights.model import (
    AmbassadorFigures,
    BlogFigures,
    Brief,
    CommenterFigures,
    Counts,
    ModerationFigures,
    Person,
    PostFigures,
    Ranking,
    RankKey,
    TopBy,
    Topic,
    TopicDays,
    TopicExample,
    TopicTone,
)
from domain.licensing.ports import LicensingUnitOfWork
from domain.members.ports import MembersUnitOfWork

if TYPE_CHECKING:
    from domain.insights.headline import PeriodFigures


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
    ) -> dict[int, tuple[Counts, int, int, int, int]]:
        """Per bucket (1-based index into ``bounds``): sums, posts published, people active,
        likes and boosts received (the last four are zero without ``activity``)."""
        ...

    async def ranking(
        self,
        start: datetime,
        end: datetime,
        *,
        after: RankKey | None,
        limit: int,
        author_id: UUID | None = None,
        ambassadors_only: bool = False,
    ) -> Ranking:
        """The authors ranked by influence over the window (one statement): how many are
        ranked, and the ``limit`` rows after ``after`` in rank order, or with
        ``author_id`` that author's row alone (none without activity)."""
        ...

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
    async def headline(
        self,
        previous_start: datetime,
        start: datetime,
        end: datetime,
        queue_at_end: datetime,
        queue_at_start: datetime,
    ) -> tuple[PeriodFigures, PeriodFigures]:
        """The headline figures of ``[start, end)`` and ``[previous_start, start)``."""
        ...

    async def count_read(
        self, post_id: UUID, day: date, visitor: bytes, at: datetime
    ) -> bool | None:
        """Count one read of a public post: None when the post is not public, False when
        this visitor was already counted today, True when counted."""
        ...


class TopicsRepository(Protocol):
    async def topics(
        self, days: TopicDays, tone: TopicTone, limit: int, minimum: int
    ) -> tuple[int, list[Topic], list[Topic]]:
        """(approved comments of the window, the most frequent terms, the rising ones)."""
        ...

    async def examples(
        self, terms: list[str], days: TopicDays, tone: TopicTone, per_term: int
    ) -> dict[str, list[TopicExample]]: ...


class CommentersRepository(Protocol):
    async def commenters(self, start: datetime, end: datetime) -> list[CommenterFigures]:
        """Every signed-in person with approved comments in the window, with their figures."""
        ...


class AmbassadorsRepository(Protocol):
    async def person(self, user_id: UUID) -> Person | None:
        """A member of the tenant, or someone who commented or wrote here; else None."""
        ...

    async def mark(self, user_id: UUID, by: UUID | None, at: datetime) -> bool:
        """True when newly marked."""
        ...

    async def unmark(self, user_id: UUID) -> bool: ...
    async def ambassadors(self, start: datetime, end: datetime) -> list[AmbassadorFigures]: ...
    async def activity(
        self, user_id: UUID, bounds: list[datetime], start: datetime, end: datetime
    ) -> dict[int, tuple[int, int]]:
        """Per bucket (1-based into ``bounds``): (approved comments, posts published)."""
        ...

    async def add_brief(self, brief: Brief) -> None: ...
    async def brief(self, brief_id: UUID, *, lock: bool = False) -> Brief | None: ...
    async def briefs(self) -> list[Brief]: ...
    async def save_brief(self, brief: Brief) -> None: ...
    async def post_author(self, post_id: UUID) -> UUID | None:
        """The author of a post of the tenant (not deleted), or None."""
        ...


class InsightsUnitOfWork(LicensingUnitOfWork, Protocol):
    """The sums, and the plan that decides which of them a tenant sees."""

    @property
    def insights(self) -> InsightsRepository: ...

    @property
    def topics(self) -> TopicsRepository: ...

    @property
    def commenters(self) -> CommentersRepository: ...


class ActionsUnitOfWork(InsightsUnitOfWork, MembersUnitOfWork, Protocol):
    """From insight to action: the people, the ambassadors and briefs, and invitations."""

    @property
    def ambassadors(self) -> AmbassadorsRepository: ...
