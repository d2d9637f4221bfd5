"""What the ratings slice needs from storage, and the unit of work it runs in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.kernel.access import Role
from domain.licensing.ports import LicensingUnitOfWork
from domain.ratings.model import RatingSummary, Voter
from domain.tenants.model import Tenant

PUBLIC_POST_STATUSES = ("published", "scheduled")


@dataclass(frozen=True)
class RatedPost:
    """The little a vote needs to know about its post."""

    id: UUID
    status: str
    published_at: datetime | None
    deleted_at: datetime | None

    def is_public(self, now: datetime) -> bool:
        """The same rule as the public read side: live, its time has come, not deleted."""
        return (
            self.deleted_at is None
            and self.status in PUBLIC_POST_STATUSES
            and self.published_at is not None
            and self.published_at <= now
        )


class RatingRepository(Protocol):
    async def post(self, post_id: UUID) -> RatedPost | None:
        """The post, read without locking it."""
        ...

    async def hold_voter(self, post_id: UUID, voter: Voter) -> None:
        """Until the transaction ends, queue this voter's other votes on this post (and
        only those) behind this one."""
        ...

    async def summary(self, post_id: UUID) -> RatingSummary: ...
    async def vote_of(self, post_id: UUID, voter: Voter) -> int | None: ...
    async def put(self, post_id: UUID, voter: Voter, stars: int, at: datetime) -> None: ...
    async def remove(self, post_id: UUID, voter: Voter) -> None: ...
    async def add_to_summary(self, post_id: UUID, change: RatingSummary) -> RatingSummary:
        """Add ``change`` to the post's counters in one relative update (it takes the
        post row's lock until the commit) and return the summary it leaves."""
        ...


class Tenants(Protocol):
    """The tenant a reader rates in, and the reader's role there."""

    async def get(self, tenant_id: UUID) -> Tenant | None: ...
    async def standing(self, tenant_id: UUID, user_id: UUID | None) -> tuple[Role | None, Any]: ...


class RatingsUnitOfWork(LicensingUnitOfWork, Protocol):
    @property
    def ratings(self) -> RatingRepository: ...
    @property
    def tenants(self) -> Tenants: ...
