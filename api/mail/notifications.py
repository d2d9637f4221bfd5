"""Notifications, planned from the outbox's events in the dispatch's transaction: a reply
that became visible mails the author of the comment it answers (a member), unless that
person turned replies off or is the one replying. A webhook endpoint the worker disables
mails the tenant's owners and managers, in the transaction that disables it.

A flood is capped: a person gets at most ``REPLIES_PER_HOUR`` reply mails an hour; the
replies beyond are not mailed (they stay on the site).
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import sqlalchemy as sa

from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from domain.kernel.mail import OutgoingMail
from domain.mail.model import Notification, Template, language_of
from persistence.database import Transaction
from persistence.mail.repositories import (
    SqlMailQueue,
    SqlNotificationPreferences,
    managers_to_tell,
    reply_context,
)
from persistence.tables import mail_messages
from persistence.tenants.repositories import SqlTenantRepository

REPLIES_PER_HOUR = 10
QUOTE_CHARS = 1000


async def plan(tx: Transaction, event: DomainEvent) -> None:
    if event.type not in (EventType.COMMENT_CREATED, EventType.COMMENT_APPROVED):
        return
    payload = event.payload
    if not payload.get("parent_id"):
        return
    found = await reply_context(tx, UUID(payload["parent_id"]), UUID(payload["post_id"]))
    if found is None or not found["is_active"]:
        return  # an anonymous comment answered, or its author's account is gone
    if str(found["user_id"]) == payload.get("author_user_id"):
        return  # answering oneself
    if not await SqlNotificationPreferences(tx).enabled(found["user_id"], Notification.REPLY):
        return
    if await _recent(tx, found["email"]) >= REPLIES_PER_HOUR:
        return
    tenant = await SqlTenantRepository(tx.connection).get(event.tenant_id)
    if tenant is None:
        return
    quote = str(payload.get("body_markdown") or "")
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
                "replier": str(payload.get("author_name") or ""),
                "post_title": found["title"],
                # Quoted as text: the templates escape it, Markdown is never rendered.
                "quote": quote[:QUOTE_CHARS] + ("…" if len(quote) > QUOTE_CHARS else ""),
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


async def _recent(tx: Transaction, address: str) -> int:
    since = clock.now() - timedelta(hours=1)
    return int(
        (
            await tx.connection.execute(
                sa.select(sa.func.count())
                .select_from(mail_messages)
                .where(
                    mail_messages.c.to_address == address,
                    mail_messages.c.template == Template.REPLY.value,
                    mail_messages.c.created_at > since,
                )
            )
        ).scalar_one()
    )
