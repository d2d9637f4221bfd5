"""Notifications, planned from the outbox's events in the dispatch's transaction: a reply
that became visible mails the author of the comment it answers (a member), unless that
person turned replies off or is the one replying; a comment that became visible mails the
post's author (``new_comment``), unless it is theirs or answers one of their comments. A
webhook endpoint the worker disables mails the tenant's owners and managers, in the
transaction that disables it.

A flood is capped: an address gets at most ``REPLIES_PER_HOUR`` reply and new-comment
mails together an hour. The replies beyond are held back and mailed together in one
digest an hour after the first of them (``api/mail/digest.py``); new comments beyond the
cap are not mailed (they stay on the site).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from domain.kernel.mail import OutgoingMail
from domain.mail.model import Notification, Template, language_of
from domain.tenants.model import Tenant
from persistence.database import Transaction
from persistence.mail.repositories import (
    SqlMailQueue,
    SqlNotificationPreferences,
    hold_back_reply,
    mailed_since,
    managers_to_tell,
    post_author_context,
    reply_context,
)
from persistence.tenants.repositories import SqlTenantRepository

REPLIES_PER_HOUR = 10
# The notifications about comments share the hourly cap of one address.
CAPPED = (Template.REPLY.value, Template.NEW_COMMENT.value)
QUOTE_CHARS = 1000


async def plan(tx: Transaction, event: DomainEvent) -> None:
    if event.type not in (EventType.COMMENT_CREATED, EventType.COMMENT_APPROVED):
        return
    tenant = await SqlTenantRepository(tx.connection).get(event.tenant_id)
    if tenant is None:
        return
    replied_to = await _plan_reply(tx, event, tenant)
    await _plan_new_comment(tx, event, tenant, replied_to)


def _quote(payload: Mapping[str, Any]) -> str:
    # Quoted as text: the templates escape it, Markdown is never rendered.
    quote = str(payload.get("body_markdown") or "")
    return quote[:QUOTE_CHARS] + ("…" if len(quote) > QUOTE_CHARS else "")


async def _under_cap(tx: Transaction, address: str) -> bool:
    since = clock.now() - timedelta(hours=1)
    return await mailed_since(tx, address, CAPPED, since) < REPLIES_PER_HOUR


async def _plan_reply(tx: Transaction, event: DomainEvent, tenant: Tenant) -> UUID | None:
    """Mail the author of the comment answered; the id of that author (mailed or not)."""
    payload = event.payload
    if not payload.get("parent_id"):
        return None
    found = await reply_context(tx, UUID(payload["parent_id"]), UUID(payload["post_id"]))
    if found is None:
        return None  # an anonymous comment answered
    answered: UUID = found["user_id"]
    if not found["is_active"] or str(found["user_id"]) == payload.get("author_user_id"):
        return answered  # the account is gone, or one answers oneself
    if not await SqlNotificationPreferences(tx).enabled(found["user_id"], Notification.REPLY):
        return answered
    told = {
        "replier": str(payload.get("author_name") or ""),
        "post_title": found["title"],
        "quote": _quote(payload),
        "path": f"/blogs/{found['blog_slug']}/{found['post_slug']}",
        "comment_id": payload["comment_id"],
    }
    if not await _under_cap(tx, found["email"]):
        await hold_back_reply(tx, answered, told)  # for the digest, when the hour closes
        return answered
    await SqlMailQueue(tx).queue(
        OutgoingMail(
            tenant_id=event.tenant_id,
            to_address=found["email"],
            to_name=found["display_name"],
            template=Template.REPLY,
            language=language_of(tenant.default_language),
            context={
                "notification": Notification.REPLY.value,
                "user_id": str(found["user_id"]),
                **told,
            },
        )
    )
    return answered


async def _plan_new_comment(
    tx: Transaction, event: DomainEvent, tenant: Tenant, replied_to: UUID | None
) -> None:
    """Mail the post's author of a new visible comment on it: not their own, and not a
    reply to one of their comments (the reply mail says it already)."""
    payload = event.payload
    found = await post_author_context(tx, UUID(payload["post_id"]))
    if found is None or not found["is_active"]:
        return
    if str(found["user_id"]) == payload.get("author_user_id") or found["user_id"] == replied_to:
        return
    if not await SqlNotificationPreferences(tx).enabled(found["user_id"], Notification.NEW_COMMENT):
        return
    if not await _under_cap(tx, found["email"]):
        return
    await SqlMailQueue(tx).queue(
        OutgoingMail(
            tenant_id=event.tenant_id,
            to_address=found["email"],
            to_name=found["display_name"],
            template=Template.NEW_COMMENT,
            language=language_of(tenant.default_language),
            context={
                "notification": Notification.NEW_COMMENT.value,
                "user_id": str(found["user_id"]),
                "commenter": str(payload.get("author_name") or ""),
                "post_title": found["title"],
                "quote": _quote(payload),
                "path": f"/blogs/{found['blog_slug']}/{found['post_slug']}",
                "comment_id": payload["comment_id"],
            },
        )
    )


async def webhook_disabled(tx: Transaction, tenant_id: UUID, url: str, reason: str) -> None:
    """Tell the tenant's owners and managers (who did not turn it off) that the worker
    disabled an endpoint, why, and where to turn it on again."""
    tenant = await SqlTenantRepository(tx.connection).get(tenant_id)
    if tenant is None:
        return
    preferences = SqlNotificationPreferences(tx)
    for person in await managers_to_tell(tx):
        if not await preferences.enabled(person["user_id"], Notification.WEBHOOK_DISABLED):
            continue
        await SqlMailQueue(tx).queue(
            OutgoingMail(
                tenant_id=tenant_id,
                to_address=person["email"],
                to_name=person["display_name"],
                template=Template.WEBHOOK_DISABLED,
                language=language_of(tenant.default_language),
                context={
                    "notification": Notification.WEBHOOK_DISABLED.value,
                    "user_id": str(person["user_id"]),
                    "endpoint_url": url,
                    "reason": reason,
                },
            )
        )
