"""What the comments slice needs from the outside world: storage, a renderer of comment
bodies, a tone classifier, and a narrow unit of work to run in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.comments.model import Comment, Report, Standing, Tone
from domain.kernel.access import Role
from domain.kernel.idempotency import IdempotencyLedger
from domain.kernel.ports import UnitOfWorkBase
from domain.tenants.model import CommentPolicy

PUBLIC_POST_STATUSES = ("published", "scheduled")


class CommentRenderer(Protocol):
    def render(self, body: str) -> str:
        """A comment's light Markdown as HTML safe to show: emphasis, strong, inline code,
        http(s) links marked ``rel="nofollow ugc noopener"``, line breaks; nothing else."""
        ...


class ToneClassifier(Protocol):
    def classify(self, text: str, language: str | None = None) -> Tone:
        """The tone of ``text``; ``language`` is the language of the post's blog, which
        decides between the English and French rules when the text itself does not."""
        ...


@dataclass(frozen=True)
class PostTarget:
    """The little a comment needs to know about its post."""

    id: UUID
    blog_id: UUID
    author_id: UUID
    status: str
    published_at: datetime | None
    deleted_at: datetime | None
    blog_policy: CommentPolicy | None
    language: str | None = None  # the blog's language

    def is_public(self, now: datetime) -> bool:
        """The same rule as the public read side: live, its time has come, not deleted."""
        return (
            self.deleted_at is None
            and self.status in PUBLIC_POST_STATUSES
            and self.published_at is not None
            and self.published_at <= now
        )


class CommentRepository(Protocol):
    async def post_target(self, post_id: UUID, *, lock: bool = False) -> PostTarget | None: ...
    async def get(self, comment_id: UUID, *, lock: bool = False) -> Comment | None: ...
    async def get_many(self, comment_ids: list[UUID], *, lock: bool = False) -> list[Comment]:
        """The comments found among ``comment_ids``, with their post's author, blog and
        the blog's language."""
        ...

    async def add(self, comment: Comment) -> None: ...
    async def update(self, comment: Comment) -> None: ...
    async def repeated(
        self, body_hash: bytes, *, user_id: UUID | None, ip_hash: bytes | None, since: datetime
    ) -> bool:
        """The same text from the same user or address since ``since``."""
        ...

    async def standing_of(self, user_id: UUID) -> Standing | None:
        """The tenant's standing for this commenter (None: neither trusted nor banned)."""
        ...

    async def add_to_comment_count(self, post_id: UUID, delta: int) -> None: ...
    async def add_report(self, report: Report) -> bool:
        """False when this reader already reported this comment."""
        ...

    async def open_reports(self, comment_id: UUID) -> int: ...
    async def top_level(
        self,
        post_id: UUID,
        *,
        viewer_id: UUID | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
    ) -> list[Comment]:
        """Top-level comments worth showing, oldest first: approved ones, the viewer's
        own held ones, and hidden ones that have approved replies (as placeholders);
        never the pinned one (see ``pinned``)."""
        ...

    async def pinned(self, post_id: UUID) -> Comment | None:
        """The post's pinned top-level comment, when it is visible."""
        ...

    async def pinned_ids(self, post_id: UUID) -> list[UUID]:
        """The post's comments marked pinned, visible or not (none, or one)."""
        ...

    async def replies(self, root_ids: list[UUID]) -> list[Comment]: ...


class Commenter(Protocol):
    @property
    def display_name(self) -> str: ...
    @property
    def email_verified(self) -> bool:
        """Whether the address was confirmed (readers who signed up start without)."""
        ...


class Commenters(Protocol):
    """The signed-in people who write comments (the accounts' users)."""

    async def get(self, user_id: UUID) -> Commenter | None: ...


class Standings(Protocol):
    """A caller's role in a tenant (the tenants' memberships)."""

    async def standing(self, tenant_id: UUID, user_id: UUID | None) -> tuple[Role | None, Any]: ...


class CommentsUnitOfWork(UnitOfWorkBase, Protocol):
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def users(self) -> Commenters: ...
    @property
    def tenants(self) -> Standings: ...
    @property
    def idempotency(self) -> IdempotencyLedger: ...
