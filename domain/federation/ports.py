"""What the federation use cases need from storage."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.comments.model import Comment
from domain.federation.model import Follower, ReactionKind, RemoteActor
from domain.licensing.ports import LicensingUnitOfWork
from domain.tenants.ports import AuditUnitOfWork


class FederationStore(Protocol):
    async def blocked_domains(self) -> set[str]: ...
    async def add_follower(self, follower: Follower) -> None:
        """Add or refresh (same blog and actor: new inbox, new follow id)."""
        ...

    async def remove_follower(
        self, blog_id: UUID, actor_url: str, follow_activity: str | None = None
    ) -> bool: ...
    async def add_reaction(
        self, post_id: UUID, kind: ReactionKind, actor: RemoteActor, activity_url: str
    ) -> bool: ...
    async def remove_reaction(self, actor_url: str, activity_url: str) -> UUID | None:
        """The post whose reaction was removed, or None when there was none."""
        ...

    async def post_in_blog(self, post_id: UUID, blog_id: UUID) -> bool:
        """The post exists in this tenant and in this blog."""
        ...

    async def remote_comment(self, remote_id: str) -> Comment | None: ...
    async def mark_remote(
        self, comment_id: UUID, source: str, remote_id: str, actor: RemoteActor
    ) -> None: ...
    async def remove_actor(self, actor_url: str) -> int:
        """Everything of a deleted remote actor: follows, reactions; their comments are
        marked deleted by the caller. How many rows went."""
        ...

    async def remote_author(self, comment_id: UUID) -> str | None:
        """The remote actor who wrote a federated comment."""
        ...

    async def comments_of_actor(self, actor_url: str) -> list[Comment]: ...
    async def queue_delivery(
        self, blog_id: UUID, inbox: str, activity_type: str, body: dict[str, Any], due: datetime
    ) -> None: ...


class Blocks(Protocol):
    async def blocked_domains(self) -> set[str]: ...
    async def block_domain(self, domain: str, now: datetime) -> int: ...
    async def unblock_domain(self, domain: str) -> bool: ...


class FederationUnitOfWork(LicensingUnitOfWork, AuditUnitOfWork, Protocol):
    @property
    def federation(self) -> Blocks: ...
