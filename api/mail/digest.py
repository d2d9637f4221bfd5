"""Digests, planned by the worker's sweep.

The replies' digest: the replies that found their recipient's hourly cap full were held
back (``reply_overflow``); an hour after the first of them, one mail lists them all (the
count, and the first ``LISTED_REPLIES`` quoted), unless the person turned replies off
since. It carries the reply notification's one-click unsubscribe.

The moderators' digest: at most one mail an hour to each owner, manager and moderator
who keeps ``moderation_digest`` on, listing the comments that wait in the queue.

It is scheduled work of the worker: each sweep (``Worker.sweep``) asks, at most once a
``DIGEST_EVERY`` by the domain's clock, which tenants have pending comments, and plans in
each tenant's context (row-level security holds). A person is mailed when comments wait,
at least one of them arrived after that person's last digest (the same stale queue is not
mailed again every hour), and their last digest is an hour old or more. Two workers
sweeping at once take the tenant's advisory lock in turn, so nobody gets two.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.kernel import clock
from domain.kernel.mail import OutgoingMail
from domain.mail.model import Notification, Template, language_of
from persistence.accounts.repositories import SqlUserRepository
from persistence.database import Database, Transaction
from persistence.mail.repositories import (
    SqlMailQueue,
    SqlNotificationPreferences,
    held_back_replies,
    last_mailed,
    lock_digest,
    mark_digested,
    moderators_to_tell,
    pending_queue,
    tenants_with_pending_comments,
    tenants_with_reply_overflow,
)
from persistence.tenants.repositories import SqlTenantRepository

HOUR = timedelta(hours=1)
DIGEST_EVERY = timedelta(minutes=1)
LISTED = 5  # comments quoted in a digest; the count says how many wait in all
LISTED_REPLIES = 10
QUOTE_CHARS = 280


class ModerationDigest:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._next: datetime | None = None

    async def sweep(self) -> int:
        """Plan the digests that are due; how many were queued."""
        now = clock.now()
        if self._next is not None and now < self._next:
            return 0
        self._next = now + DIGEST_EVERY
        async with self.db.transaction() as tx:
            tenants = await tenants_with_pending_comments(tx)
            overflowing = await tenants_with_reply_overflow(tx, now - HOUR)
        queued = 0
        for tenant_id in tenants:
            async with self.db.transaction(tenant_id=tenant_id) as tx:
                queued += await plan(tx)
                await tx.commit()
        for tenant_id in overflowing:
            async with self.db.transaction(tenant_id=tenant_id) as tx:
                queued += await plan_replies(tx)
                await tx.commit()
        return queued


async def plan_replies(tx: Transaction) -> int:
    """One mail per person whose held-back replies' hour has closed."""
    assert tx.tenant_id is not None
    tenant = await SqlTenantRepository(tx.connection).get(tx.tenant_id)
    if tenant is None:
        return 0
    now = clock.now()
    preferences = SqlNotificationPreferences(tx)
    users = SqlUserRepository(tx.connection)
    queued = 0
    for user_id, replies in (await held_back_replies(tx, now - HOUR)).items():
        await mark_digested(tx, [r["id"] for r in replies], now)
        user = await users.get(user_id)
        if user is None or not user.is_active:
            continue
        if not await preferences.enabled(user_id, Notification.REPLY):
            continue
        await SqlMailQueue(tx).queue(
            OutgoingMail(
                tenant_id=tenant.id,
                to_address=user.email,
                to_name=user.display_name,
                template=Template.REPLY_DIGEST,
                language=language_of(tenant.default_language),
                context={
                    "notification": Notification.REPLY.value,
                    "user_id": str(user_id),
                    "count": len(replies),
                    "replies": [
                        {k: r[k] for k in ("replier", "post_title", "quote", "path", "comment_id")}
                        for r in replies[:LISTED_REPLIES]
                    ],
                },
            )
        )
        queued += 1
    return queued


async def plan(tx: Transaction) -> int:
    """Queue the digests due in the transaction's tenant."""
    await lock_digest(tx)
    assert tx.tenant_id is not None
    tenant = await SqlTenantRepository(tx.connection).get(tx.tenant_id)
    if tenant is None:
        return 0
    count, newest, oldest = await pending_queue(tx, LISTED)
    if count == 0 or newest is None:
        return 0
    now = clock.now()
    preferences = SqlNotificationPreferences(tx)
    queued = 0
    for person in await moderators_to_tell(tx):
        if not await preferences.enabled(person["user_id"], Notification.MODERATION_DIGEST):
            continue
        last = await last_mailed(tx, person["email"], Template.MODERATION_DIGEST.value)
        if last is not None and (now - last < HOUR or newest <= last):
            continue
        await SqlMailQueue(tx).queue(
            OutgoingMail(
                tenant_id=tenant.id,
                to_address=person["email"],
                to_name=person["display_name"],
                template=Template.MODERATION_DIGEST,
                language=language_of(tenant.default_language),
                context={
                    "notification": Notification.MODERATION_DIGEST.value,
                    "user_id": str(person["user_id"]),
                    "count": count,
                    "comments": [
                        {
                            "author": c["author_name"],
                            "post_title": c["title"],
                            "quote": _cut(c["body_markdown"]),
                        }
                        for c in oldest
                    ],
                },
            )
        )
        queued += 1
    return queued


def _cut(text: str) -> str:
    return text[:QUOTE_CHARS] + ("…" if len(text) > QUOTE_CHARS else "")
