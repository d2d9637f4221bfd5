"""Rules of mail: the messages we send, their states, and when a failed one is retried."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"


class Template(StrEnum):
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    INVITATION = "invitation"
    VERIFY_EMAIL = "verify_email"
    REPLY = "reply"
    NEW_COMMENT = "new_comment"
    MODERATION_DIGEST = "moderation_digest"
    REPLY_DIGEST = "reply_digest"  # the replies held back by the hourly cap
    WEBHOOK_DISABLED = "webhook_disabled"
    EMAIL_CHANGE_CONFIRM = "email_change_confirm"  # to the new address, with the link
    EMAIL_CHANGE_TAKEN = "email_change_taken"  # to the new address, when it has an account
    EMAIL_CHANGE_NOTICE = "email_change_notice"  # to the old address, when asked
    EMAIL_CHANGED = "email_changed"  # to the old address, once confirmed


class ResetPage(StrEnum):
    """Where a reset link leads: the site's own page (the theme's), or the console's.
    An allow-list, never an address: a request cannot send the token elsewhere."""

    SITE = "site"
    CONSOLE = "console"


class Notification(StrEnum):
    """The notifications a person may turn off (each mail of one carries a one-click
    unsubscribe from it)."""

    REPLY = "reply"
    NEW_COMMENT = "new_comment"  # to a post's author
    MODERATION_DIGEST = "moderation_digest"  # to owners, managers and moderators
    WEBHOOK_DISABLED = "webhook_disabled"  # to owners and managers


# The template each notification is sent with.
NOTIFICATION_TEMPLATES = {
    Notification.REPLY: Template.REPLY,
    Notification.NEW_COMMENT: Template.NEW_COMMENT,
    Notification.MODERATION_DIGEST: Template.MODERATION_DIGEST,
    Notification.WEBHOOK_DISABLED: Template.WEBHOOK_DISABLED,
}


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


# After the first attempt fails: 1 min, 5 min, 30 min, 2 h, 6 h; then it is given up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ERROR_CHARS = 500


def retry_delay(attempts: int, jitter: float | None = None) -> timedelta | None:
    """The wait after ``attempts`` failed attempts (up to 10 % more, so a server that
    refused everyone is not hit by every message at once); None: give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS):
        return None
    base = RETRY_DELAYS[attempts - 1]
    share = random.random() if jitter is None else jitter  # noqa: S311 - spreading only
    return base + base * 0.1 * share


def language_of(preferred: str | None) -> str:
    return preferred if preferred in LANGUAGES else DEFAULT_LANGUAGE


@dataclass
class MailMessage:
    """A row of the log."""

    tenant_id: UUID
    id: UUID
    to_address: str
    to_name: str
    template: str
    language: str
    context: dict[str, Any]
    secret: str | None
    status: MailStatus
    attempts: int
    due_at: datetime
    created_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = None
    message_id: str | None = None

    def failed(self, error: str, now: datetime, jitter: float | None = None) -> None:
        """One more failed attempt: retry later, or give up (and forget the secret)."""
        self.attempts += 1
        self.last_error = error[:MAX_ERROR_CHARS]
        delay = retry_delay(self.attempts, jitter)
        if delay is None:
            self.status = MailStatus.FAILED
            self.secret = None
        else:
            self.due_at = now + delay

    def sent(self, message_id: str, now: datetime) -> None:
        self.attempts += 1
        self.status = MailStatus.SENT
        self.sent_at = now
        self.message_id = message_id
        self.secret = None
        self.last_error = None
