"""The unit of work: one transaction, the tenant context, and the repositories on it."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self
from uuid import UUID

from sqlalchemy import text

from domain.kernel.errors import Conflict
from domain.kernel.events import DomainEvent, EventCollector, EventType
from persistence.accounts.repositories import SqlRefreshTokenRepository, SqlUserRepository
from persistence.blogs.repositories import SqlBlogRepository
from persistence.comments.repositories import SqlCommentRepository
from persistence.database import Database, Transaction
from persistence.errors import unique_violation
from persistence.federation.repositories import SqlFederationStore
from persistence.imports.repositories import SqlImportRepository
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
from persistence.mail.repositories import (
    SqlAccountTokenRepository,
    SqlEmailChangeRepository,
    SqlMailQueue,
    SqlNotificationPreferences,
    SqlResetRequests,
)
from persistence.members.repositories import SqlInvitationRepository, SqlMembershipRepository
from persistence.moderation.repositories import SqlModerationRepository
from persistence.outbox import write_events
from persistence.portability.repositories import SqlPortabilityRepository
from persistence.posts.repositories import SqlPostRepository
from persistence.public_changes import CHANNEL, MAX_POSTS, PublicChange, announce
from persistence.ratings.repositories import SqlRatingRepository
from persistence.tenants.repositories import SqlApiKeyRepository, SqlAuditLog, SqlTenantRepository
from persistence.webhooks.repositories import SqlWebhookRepository
from persistence.webmention.repositories import SqlWebmentionStore

# Events that say which posts' activity changed (their payload names the post): a
# transaction that recorded only these changed those posts' answers and the post lists.
_ACTIVITY_EVENTS = frozenset(
    {
        EventType.COMMENT_CREATED,
        EventType.COMMENT_HELD,
        EventType.COMMENT_APPROVED,
        EventType.COMMENT_REJECTED,
        EventType.COMMENT_REPORTED,
        EventType.RATING_CHANGED,
    }
)
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


class SqlUnitOfWork:
    """``async with SqlUnitOfWork(db, tenant_id=…) as uow: …; await uow.commit()``.

    Leaving the block without ``commit()`` rolls everything back.

    A commit also tells every API process what it may have changed on the tenant's
    public site (``persistence/public_changes.py``): by default everything of the
    transaction's tenant (of every tenant without one); only some posts' activity when
    the route said so (``public_change_limited_to``) or when the recorded events are
    all comments' and votes'; nothing when the route said so (``public_site_unchanged``).
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
        self._public_posts: set[UUID] | None = None
        self._public_unchanged = False
        self._tenants_seen: set[UUID] = {tenant_id} if tenant_id is not None else set()

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
        self.portability = SqlPortabilityRepository(self._tx)
        self.imports = SqlImportRepository(self._tx)
        self.mail = SqlMailQueue(self._tx)
        self.notification_preferences = SqlNotificationPreferences(self._tx)
        self.account_tokens = SqlAccountTokenRepository(conn)
        self.email_changes = SqlEmailChangeRepository(self._tx)
        self.reset_requests = SqlResetRequests(self._tx)
        self.federation = SqlFederationStore(self._tx)
        self.webmentions = SqlWebmentionStore(self._tx)
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
        events = self._events.take()
        await write_events(self._tx, events)
        change = self._public_change(events)
        if change is not None:
            # Delivered by PostgreSQL at COMMIT, to every listening process, or never.
            await self.connection.execute(
                _NOTIFY, {"channel": CHANNEL, "payload": change.payload()}
            )
        await self._tx.commit()
        if change is not None:
            announce(change)

    def public_change_limited_to(self, *post_ids: UUID) -> None:
        """This transaction changes at most the activity (votes, comments) of these posts."""
        self._public_posts = {*(self._public_posts or ()), *post_ids}

    def public_site_unchanged(self) -> None:
        """This transaction changes nothing a public read shows (a view count, a sign-in)."""
        self._public_unchanged = True

    def _public_change(self, events: list[DomainEvent]) -> PublicChange | None:
        if self._public_unchanged:
            return None
        if len(self._tenants_seen) != 1:  # none (a person's profile, say), or several
            return PublicChange(None)
        (tenant_id,) = self._tenants_seen
        posts = self._public_posts
        if posts is None and events and all(e.type in _ACTIVITY_EVENTS for e in events):
            try:
                posts = {UUID(str(e.payload["post_id"])) for e in events}
            except (KeyError, ValueError):
                posts = None
        if posts is None or len(posts) > MAX_POSTS:
            return PublicChange(tenant_id)
        return PublicChange(tenant_id, frozenset(posts))

    def record(self, event: DomainEvent) -> None:
        self._events.record(event)

    async def set_tenant(self, tenant_id: UUID | None) -> None:
        assert self._tx is not None
        await self._tx.set_context(tenant_id, self._user_id)
        if tenant_id is not None:
            self._tenants_seen.add(tenant_id)
