"""The unit of work: one transaction, the tenant context, and the repositories on it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self
from uuid import UUID

from domain.kernel.errors import Conflict
from domain.kernel.events import DomainEvent, EventCollector
from persistence.accounts.repositories import SqlRefreshTokenRepository, SqlUserRepository
from persistence.blogs.repositories import SqlBlogRepository
from persistence.comments.repositories import SqlCommentRepository
from persistence.database import Database, Transaction
from persistence.errors import unique_violation
from persistence.insights.actions import SqlAmbassadorsRepository
from persistence.insights.repositories import (
    SqlCommentersRepository,
    SqlInsightsRepository,
    SqlTopicsRepository,
)
from persistence.licensing.repositories import (
    SqlIdempotencyStore,
    SqlPlanRepository,
    SqlSubscriptionRepository,
    SqlUsageCounter,
)
from persistence.members.repositories import SqlInvitationRepository, SqlMembershipRepository
from persistence.moderation.repositories import SqlModerationRepository
from persistence.outbox import write_events
from persistence.posts.repositories import SqlPostRepository
from persistence.ratings.repositories import SqlRatingRepository
from persistence.tenants.repositories import SqlApiKeyRepository, SqlAuditLog, SqlTenantRepository
from persistence.webhooks.repositories import SqlWebhookRepository


class SqlUnitOfWork:
    """``async with SqlUnitOfWork(db, tenant_id=…) as uow: …; await uow.commit()``.

    Leaving the block without ``commit()`` rolls everything back.
    """

    def __init__(
        self,
        db: Database,
        *,
        tenant_id: UUID | None = None,
        user_id: UUID | None = None,
        request_id: str | None = None,
    ):
        self._db = db
        self._tenant_id, self._user_id = tenant_id, user_id
        self.request_id = request_id
        self._cm: AbstractAsyncContextManager[Transaction] | None = None
        self._tx: Transaction | None = None
        self._events = EventCollector()

    async def __aenter__(self) -> Self:
        self._cm = self._db.transaction(tenant_id=self._tenant_id, user_id=self._user_id)
        self._tx = await self._cm.__aenter__()
        conn = self._tx.connection
        self.connection = conn
        self.users = SqlUserRepository(conn)
        self.tenants = SqlTenantRepository(conn)
        self.memberships = SqlMembershipRepository(conn)
        self.invitations = SqlInvitationRepository(conn)
        self.api_keys = SqlApiKeyRepository(conn)
        self.refresh_tokens = SqlRefreshTokenRepository(conn)
        self.audit = SqlAuditLog(conn)
        self.plans = SqlPlanRepository(conn)
        self.subscriptions = SqlSubscriptionRepository(conn)
        self.idempotency = SqlIdempotencyStore(conn)
        self.usage = SqlUsageCounter(conn)
        self.blogs = SqlBlogRepository(self._tx)
        self.posts = SqlPostRepository(self._tx)
        self.comments = SqlCommentRepository(self._tx)
        self.moderation = SqlModerationRepository(self._tx)
        self.ratings = SqlRatingRepository(self._tx)
        self.insights = SqlInsightsRepository(self._tx)
        self.topics = SqlTopicsRepository(self._tx)
        self.commenters = SqlCommentersRepository(self._tx)
        self.ambassadors = SqlAmbassadorsRepository(self._tx)
        self.webhooks = SqlWebhookRepository(self._tx)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._cm is not None
        self._events.clear()  # whatever was not committed is not an event
        await self._cm.__aexit__(exc_type, exc, tb)
        if exc is not None and unique_violation(exc) is not None:
            # Two requests raced for one unique value (a slug, an e-mail, a handle): the
            # loser's change is rolled back above, and it is told so (409), not a 500.
            raise Conflict(
                "This conflicts with a change made at the same time (a name or address "
                "is taken); read the current state and retry."
            ) from exc

    async def commit(self) -> None:
        assert self._tx is not None
        await write_events(self._tx, self._events.take())
        await self._tx.commit()

    def record(self, event: DomainEvent) -> None:
        self._events.record(event)

    async def set_tenant(self, tenant_id: UUID | None) -> None:
        assert self._tx is not None
        await self._tx.set_context(tenant_id, self._user_id)
