"""Request models of mail: asking for a reset link, and using it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from api.kit.schemas import Email, NewPassword, Password, StrictModel
from domain.mail.model import ResetPage


class PasswordResetRequest(StrictModel):
    email: Email
    page: ResetPage = Field(
        default=ResetPage.SITE,
        description="Where the mailed link leads: the site's reset page (`site`, the"
        " default) or the console's (`console`). One of these names, never an address.",
    )


class EmailVerification(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class EmailChangeRequest(StrictModel):
    new_email: Email
    current_password: Password


class EmailChangeConfirm(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]


class PasswordResetConfirm(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: NewPassword


class CaughtMailRead(StrictModel):
    id: str
    received_at: datetime
    sender: str = Field(description="The From header.")
    to: str
    subject: str
    message_id: str
    list_unsubscribe: str | None
    text: str = Field(description="The plain-text part.")
    html: str = Field(
        description="The HTML part, as sent: show it only in a sandboxed frame "
        '(`<iframe sandbox srcdoc="…">`), where no script runs.'
    )


class UnsubscribeRead(StrictModel):
    notification: str = Field(
        description="The notification turned off (`reply`, `new_comment`, "
        "`moderation_digest`, `webhook_disabled`)."
    )
    enabled: bool


class NotificationsRead(StrictModel):
    reply: bool = Field(description="A mail when someone answers one of your comments.")
    new_comment: bool = Field(description="Authors: a mail when someone comments on your post.")
    moderation_digest: bool = Field(
        description="Owners, managers and moderators: at most one mail an hour listing the "
        "comments that wait in the moderation queue."
    )
    webhook_disabled: bool = Field(
        description="Owners and managers: a mail when a webhook endpoint is disabled."
    )


class NotificationsUpdate(StrictModel):
    reply: bool | None = None
    new_comment: bool | None = None
    moderation_digest: bool | None = None
    webhook_disabled: bool | None = None
