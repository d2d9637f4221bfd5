"""What moderation needs from storage, and the unit of work it runs in."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments.model import Comment, Report, Standing
from domain.comments.ports import Commenters, CommentRepository
from domain.kernel.ports import UnitOfWorkBase
from domain.moderation.model import CommenterProfile, QueueFilter
from domain.tenants.ports import AuditLog


class ModerationRepository(Protocol):
    async def queue(
        self, where: QueueFilter, *, after: tuple[datetime, UUID] | None, limit: int
    ) -> list[Comment]:
        """Comments newest first, with their open reports, post author and blog."""
        ...

    async def counts(self, *, post_author_id: UUID | None) -> dict[str, int]: ...
    async def dismiss_reports(self, comment_ids: list[UUID], at: datetime) -> None: ...
    async def reports(self, comment_ids: list[UUID]) -> list[Report]: ...
    async def commenter(self, user_id: UUID) -> CommenterProfile | None:
        """None when the person is neither a member of the tenant nor one of its
        commenters."""
        ...

    async def put_standing(
        self, user_id: UUID, standing: Standing | None, note: str, by: UUID | None, at: datetime
    ) -> None: ...


class ModerationUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def moderation(self) -> ModerationRepository: ...
    @property
    def users(self) -> Commenters: ...
    @property
    def audit(self) -> AuditLog: ...
