"""The mail log (``mail_messages``), password-reset tokens and e-mail change requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.kernel import clock
from domain.kernel.mail import OutgoingMail
from domain.mail.model import MailMessage, MailStatus
from persistence.comments.repositories import comments
from persistence.database import Transaction
from persistence.jobs import enqueue_mail, enqueue_reset
from persistence.tables import (
    account_tokens,
    blogs,
    email_changes,
    mail_messages,
    memberships,
    notification_preferences,
    posts,
    reply_overflow,
    users,
)


class SqlMailQueue:
    """Queues a message: its row and its job, on the transaction's own connection."""

    def __init__(self, tx: Transaction):
        self.tx = tx

    async def queue(self, mail: OutgoingMail) -> None:
        home = self.tx.tenant_id
        if home != mail.tenant_id:
            await self.tx.set_context(mail.tenant_id, self.tx.user_id)
        now = clock.now()
        await self.tx.connection.execute(
            sa.insert(mail_messages).values(
                tenant_id=mail.tenant_id,
                id=mail.id,
                to_address=mail.to_address,
                to_name=mail.to_name[:120],
                template=str(mail.template),
                language=mail.language,
                context=dict(mail.context),
                secret=mail.secret,
                status=MailStatus.PENDING.value,
                attempts=0,
                due_at=now,
                created_at=now,
            )
        )
        if home != mail.tenant_id:
            await self.tx.set_context(home, self.tx.user_id)
        raw = (await self.tx.connection.get_raw_connection()).driver_connection
        await enqueue_mail(raw, mail.tenant_id, mail.id)


class SqlResetRequests:
    """Reset requests handed to the worker, on the transaction's own connection."""

    def __init__(self, tx: Transaction):
        self.tx = tx

    async def defer(self, tenant_id: UUID, tenant_slug: str, email: str, page: str) -> None:
        raw = (await self.tx.connection.get_raw_connection()).driver_connection
        await enqueue_reset(raw, tenant_id, tenant_slug, email, page)


def _message(row: Any) -> MailMessage:
    return MailMessage(
        tenant_id=row.tenant_id,
        id=row.id,
        to_address=row.to_address,
        to_name=row.to_name,
        template=row.template,
        language=row.language,
        context=dict(row.context),
        secret=row.secret,
        status=MailStatus(row.status),
        attempts=row.attempts,
        due_at=row.due_at,
        created_at=row.created_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
        message_id=row.message_id,
    )


class SqlMailLog:
    """The worker's and the console's view of the log, in the transaction's tenant."""

    def __init__(self, tx: Transaction):
        self.tx = tx

    async def claim(self, message_id: UUID) -> MailMessage | None:
        """The pending message, locked; None when sent already or held by another worker."""
        row = (
            await self.tx.connection.execute(
                sa.select(mail_messages)
                .where(
                    mail_messages.c.id == message_id,
                    mail_messages.c.status == MailStatus.PENDING.value,
                )
                .with_for_update(skip_locked=True)
            )
        ).one_or_none()
        return None if row is None else _message(row)

    async def record(self, message: MailMessage) -> None:
        await self.tx.connection.execute(
            sa.update(mail_messages)
            .where(
                mail_messages.c.tenant_id == message.tenant_id,
                mail_messages.c.id == message.id,
            )
            .values(
                status=message.status.value,
                attempts=message.attempts,
                due_at=message.due_at,
                sent_at=message.sent_at,
                last_error=message.last_error,
                message_id=message.message_id,
                secret=message.secret,
            )
        )

    async def recent(self, limit: int) -> list[MailMessage]:
        rows = await self.tx.connection.execute(
            sa.select(mail_messages)
            .order_by(mail_messages.c.created_at.desc(), mail_messages.c.id.desc())
            .limit(limit)
        )
        return [_message(row) for row in rows]


async def due_messages(tx: Transaction, now: datetime, limit: int) -> list[tuple[UUID, UUID]]:
    result = await tx.connection.execute(
        text("SELECT tenant_id, message_id FROM mail_messages_due(:now, :limit)"),
        {"now": now, "limit": limit},
    )
    return [(row.tenant_id, row.message_id) for row in result]


class SqlAccountTokenRepository:
    """Single-use tokens mailed to a person, by purpose (``reset``, ``verify``)."""

    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def add(
        self,
        token_id: UUID,
        user_id: UUID,
        purpose: str,
        token_hash: bytes,
        now: datetime,
        expires: datetime,
    ) -> None:
        await self.conn.execute(
            sa.insert(account_tokens).values(
                id=token_id,
                user_id=user_id,
                purpose=purpose,
                token_hash=token_hash,
                created_at=now,
                expires_at=expires,
            )
        )

    async def by_hash(self, token_hash: bytes, purpose: str) -> dict[str, Any] | None:
        row = (
            await self.conn.execute(
                sa.select(account_tokens)
                .where(
                    account_tokens.c.token_hash == token_hash,
                    account_tokens.c.purpose == purpose,
                )
                .with_for_update()
            )
        ).one_or_none()
        return None if row is None else dict(row._mapping)

    async def spend_all(self, user_id: UUID, purpose: str, at: datetime) -> None:
        await self.conn.execute(
            sa.update(account_tokens)
            .where(
                account_tokens.c.user_id == user_id,
                account_tokens.c.purpose == purpose,
                account_tokens.c.used_at.is_(None),
            )
            .values(used_at=at)
        )

    async def recent_count(self, user_id: UUID, purpose: str, since: datetime) -> int:
        return int(
            (
                await self.conn.execute(
                    sa.select(sa.func.count())
                    .select_from(account_tokens)
                    .where(
                        account_tokens.c.user_id == user_id,
                        account_tokens.c.purpose == purpose,
                        account_tokens.c.created_at > since,
                    )
                )
            ).scalar_one()
        )

    async def mark_email_verified(self, user_id: UUID, at: datetime) -> None:
        await self.conn.execute(
            sa.update(users)
            .where(users.c.id == user_id, users.c.email_verified_at.is_(None))
            .values(email_verified_at=at)
        )


class SqlEmailChangeRepository:
    """Requests to move an account to another address, in the transaction's tenant."""

    def __init__(self, tx: Transaction):
        self.tx = tx

    async def add(
        self,
        change_id: UUID,
        user_id: UUID,
        new_email: str,
        token_hash: bytes,
        token_version: int,
        now: datetime,
        expires: datetime,
    ) -> None:
        await self.tx.connection.execute(
            sa.insert(email_changes).values(
                tenant_id=self.tx.tenant_id,
                id=change_id,
                user_id=user_id,
                new_email=new_email,
                token_hash=token_hash,
                token_version=token_version,
                created_at=now,
                expires_at=expires,
            )
        )

    async def by_hash(self, token_hash: bytes) -> dict[str, Any] | None:
        row = (
            await self.tx.connection.execute(
                sa.select(email_changes)
                .where(email_changes.c.token_hash == token_hash)
                .with_for_update()
            )
        ).one_or_none()
        return None if row is None else dict(row._mapping)

    async def spend_all(self, user_id: UUID, at: datetime) -> None:
        await self.tx.connection.execute(
            sa.update(email_changes)
            .where(email_changes.c.user_id == user_id, email_changes.c.used_at.is_(None))
            .values(used_at=at)
        )

    async def recent_count(self, user_id: UUID, since: datetime) -> int:
        return int(
            (
                await self.tx.connection.execute(
                    sa.select(sa.func.count())
                    .select_from(email_changes)
                    .where(email_changes.c.user_id == user_id, email_changes.c.created_at > since)
                )
            ).scalar_one()
        )

    async def confirm_address(self, user_id: UUID, at: datetime) -> None:
        """The account's (new) address counts as confirmed from ``at``."""
        await self.tx.connection.execute(
            sa.update(users).where(users.c.id == user_id).values(email_verified_at=at)
        )


class SqlNotificationPreferences:
    """What each person turned off, in the transaction's tenant."""

    def __init__(self, tx: Transaction):
        self.tx = tx

    async def enabled(self, user_id: UUID, kind: str) -> bool:
        row = (
            await self.tx.connection.execute(
                sa.select(notification_preferences.c.enabled).where(
                    notification_preferences.c.user_id == user_id,
                    notification_preferences.c.kind == kind,
                )
            )
        ).first()
        return True if row is None else bool(row.enabled)

    async def set(self, tenant_id: UUID, user_id: UUID, kind: str, enabled: bool) -> None:
        statement = pg_insert(notification_preferences).values(
            tenant_id=tenant_id, user_id=user_id, kind=kind, enabled=enabled, updated_at=clock.now()
        )
        await self.tx.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["tenant_id", "user_id", "kind"],
                set_={"enabled": enabled, "updated_at": statement.excluded.updated_at},
            )
        )

    async def all_for(self, user_id: UUID) -> dict[str, bool]:
        rows = await self.tx.connection.execute(
            sa.select(notification_preferences.c.kind, notification_preferences.c.enabled).where(
                notification_preferences.c.user_id == user_id
            )
        )
        return {row.kind: bool(row.enabled) for row in rows}


# Who is told and where their post is: the columns both contexts answer.
_PERSON_AND_POST = (
    users.c.id.label("user_id"),
    users.c.email,
    users.c.display_name,
    users.c.is_active,
    posts.c.title,
    posts.c.slug.label("post_slug"),
    blogs.c.slug.label("blog_slug"),
)
_POST_BLOG = sa.and_(blogs.c.tenant_id == posts.c.tenant_id, blogs.c.id == posts.c.blog_id)


async def reply_context(tx: Transaction, parent_id: UUID, post_id: UUID) -> dict[str, Any] | None:
    """Who wrote the comment answered (a member), and the post it is on."""
    row = (
        await tx.connection.execute(
            sa.select(*_PERSON_AND_POST)
            .select_from(comments)
            .join(users, users.c.id == comments.c.author_user_id)
            .join(posts, sa.and_(posts.c.tenant_id == comments.c.tenant_id, posts.c.id == post_id))
            .join(blogs, _POST_BLOG)
            .where(comments.c.id == parent_id)
        )
    ).first()
    return None if row is None else dict(row._mapping)


async def managers_to_tell(tx: Transaction) -> list[dict[str, Any]]:
    """The active owners and managers of the transaction's tenant, with their address."""
    rows = await tx.connection.execute(
        sa.select(users.c.id.label("user_id"), users.c.email, users.c.display_name)
        .select_from(memberships)
        .join(users, users.c.id == memberships.c.user_id)
        .where(
            memberships.c.tenant_id == tx.tenant_id,
            memberships.c.role.in_(("owner", "manager")),
            users.c.is_active.is_(True),
        )
        .order_by(users.c.email)
    )
    return [dict(r._mapping) for r in rows]


async def post_author_context(tx: Transaction, post_id: UUID) -> dict[str, Any] | None:
    """Who wrote the post (with their address), and where it is."""
    row = (
        await tx.connection.execute(
            sa.select(*_PERSON_AND_POST)
            .select_from(posts)
            .join(users, users.c.id == posts.c.author_id)
            .join(blogs, _POST_BLOG)
            .where(posts.c.id == post_id)
        )
    ).first()
    return None if row is None else dict(row._mapping)


async def comment_author(tx: Transaction, comment_id: UUID) -> UUID | None:
    row = (
        await tx.connection.execute(
            sa.select(comments.c.author_user_id).where(comments.c.id == comment_id)
        )
    ).first()
    return None if row is None else row.author_user_id


async def mailed_since(
    tx: Transaction, address: str, templates: tuple[str, ...], since: datetime
) -> int:
    """Messages of these templates queued to the address since then (in the tenant)."""
    return int(
        (
            await tx.connection.execute(
                sa.select(sa.func.count())
                .select_from(mail_messages)
                .where(
                    mail_messages.c.to_address == address,
                    mail_messages.c.template.in_(templates),
                    mail_messages.c.created_at > since,
                )
            )
        ).scalar_one()
    )


async def last_mailed(tx: Transaction, address: str, template: str) -> datetime | None:
    last: datetime | None = (
        await tx.connection.execute(
            sa.select(sa.func.max(mail_messages.c.created_at)).where(
                mail_messages.c.to_address == address, mail_messages.c.template == template
            )
        )
    ).scalar_one()
    return last


async def tenants_with_pending_comments(tx: Transaction) -> list[UUID]:
    result = await tx.connection.execute(
        text("SELECT tenant_id FROM tenants_with_pending_comments()")
    )
    return [row.tenant_id for row in result]


async def lock_digest(tx: Transaction) -> None:
    """One digest planner per tenant at a time (two workers sweeping together would
    otherwise both see that nobody was mailed this hour)."""
    await tx.connection.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('moderation-digest:' || :tenant))"),
        {"tenant": str(tx.tenant_id)},
    )


async def moderators_to_tell(tx: Transaction) -> list[dict[str, Any]]:
    """The active owners, managers and moderators of the transaction's tenant."""
    rows = await tx.connection.execute(
        sa.select(users.c.id.label("user_id"), users.c.email, users.c.display_name)
        .select_from(memberships)
        .join(users, users.c.id == memberships.c.user_id)
        .where(
            memberships.c.tenant_id == tx.tenant_id,
            memberships.c.role.in_(("owner", "manager", "moderator")),
            users.c.is_active.is_(True),
        )
        .order_by(users.c.email)
    )
    return [dict(r._mapping) for r in rows]


async def pending_queue(
    tx: Transaction, limit: int
) -> tuple[int, datetime | None, list[dict[str, Any]]]:
    """(how many comments wait, when the newest arrived, the oldest ``limit`` of them with
    their post's title) in the transaction's tenant."""
    waiting = sa.and_(comments.c.status == "pending", comments.c.deleted_at.is_(None))
    count, newest = (
        await tx.connection.execute(
            sa.select(sa.func.count(), sa.func.max(comments.c.created_at)).where(waiting)
        )
    ).one()
    rows = await tx.connection.execute(
        sa.select(
            comments.c.author_name,
            comments.c.body_markdown,
            comments.c.created_at,
            posts.c.title,
        )
        .select_from(comments)
        .join(
            posts,
            sa.and_(posts.c.tenant_id == comments.c.tenant_id, posts.c.id == comments.c.post_id),
        )
        .where(waiting)
        .order_by(comments.c.created_at, comments.c.id)
        .limit(limit)
    )
    return int(count), newest, [dict(r._mapping) for r in rows]


async def hold_back_reply(tx: Transaction, user_id: UUID, context: dict[str, Any]) -> None:
    """Keep a reply that found its recipient's hourly cap full, for the digest."""
    await tx.connection.execute(
        sa.insert(reply_overflow).values(
            tenant_id=tx.tenant_id,
            id=uuid4(),
            user_id=user_id,
            context=context,
            created_at=clock.now(),
        )
    )


async def tenants_with_reply_overflow(tx: Transaction, before: datetime) -> list[UUID]:
    result = await tx.connection.execute(
        text("SELECT tenant_id FROM tenants_with_reply_overflow(:before)"), {"before": before}
    )
    return [row.tenant_id for row in result]


async def held_back_replies(tx: Transaction, before: datetime) -> dict[UUID, list[dict[str, Any]]]:
    """The replies held back, by recipient, of each recipient whose first one is older
    than ``before``, oldest first; locked until the transaction ends."""
    due = (
        sa.select(reply_overflow.c.user_id)
        .where(reply_overflow.c.digested_at.is_(None))
        .group_by(reply_overflow.c.user_id)
        .having(sa.func.min(reply_overflow.c.created_at) <= before)
    )
    rows = await tx.connection.execute(
        sa.select(reply_overflow.c.id, reply_overflow.c.user_id, reply_overflow.c.context)
        .where(reply_overflow.c.digested_at.is_(None), reply_overflow.c.user_id.in_(due))
        .order_by(reply_overflow.c.created_at, reply_overflow.c.id)
        .with_for_update(skip_locked=True)
    )
    found: dict[UUID, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.user_id, []).append({"id": row.id, **dict(row.context)})
    return found


async def mark_digested(tx: Transaction, ids: list[UUID], at: datetime) -> None:
    await tx.connection.execute(
        sa.update(reply_overflow).where(reply_overflow.c.id.in_(ids)).values(digested_at=at)
    )
