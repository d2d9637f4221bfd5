"""The built-in mail catcher: an SMTP server on loopback (aiosmtpd) that keeps every
message it is given in a Maildir under the data directory, instead of delivering it.

``causerie serve`` (so ``make run``) starts it in development when no SMTP server is
configured, and the console shows what it caught: a newcomer opens the demo's mails
(an invitation, a reset link) without any mail set-up. Production refuses it unless told
otherwise (``CAUSERIE_MAIL_CATCHER_IN_PRODUCTION``), since it keeps every mail on disk.
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from api.settings import Settings

CATCHER_HOST = "127.0.0.1"  # loopback only: never reachable from another machine
MAX_LISTED = 200


def maildir_of(settings: Settings) -> Path:
    return Path(settings.data_dir) / "mail-catcher"


def start(settings: Settings) -> Controller:
    """Serve SMTP on loopback in a thread of its own; ``stop()`` the answer to end it."""
    path = maildir_of(settings)
    for sub in ("tmp", "new", "cur"):  # a Maildir's folders, whatever is there already
        (path / sub).mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(path), hostname=CATCHER_HOST, port=settings.mail_catcher_port)
    controller.start()
    return controller


@dataclass(frozen=True)
class Caught:
    key: str
    received: float
    sender: str
    to: str
    subject: str
    message_id: str
    list_unsubscribe: str | None
    text: str
    html: str


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    if body is None or body.get_content_subtype() != subtype:
        return ""
    return str(body.get_content())


def caught(settings: Settings, limit: int = MAX_LISTED) -> list[Caught]:
    """The caught messages, newest first."""
    path = maildir_of(settings)
    if not path.exists():
        return []
    box = mailbox.Maildir(path, create=False)
    found: list[Caught] = []
    for key in box.iterkeys():
        held = box.get_message(key)
        parsed = message_from_bytes(held.as_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(
            Caught(
                key=key,
                received=held.get_date(),
                sender=str(parsed.get("From", "")),
                to=str(parsed.get("To", "")),
                subject=str(parsed.get("Subject", "")),
                message_id=str(parsed.get("Message-ID", "")),
                list_unsubscribe=parsed.get("List-Unsubscribe"),
                text=_part(parsed, "plain"),
                html=_part(parsed, "html"),
            )
        )
    found.sort(key=lambda c: (c.received, c.key), reverse=True)
    return found[:limit]
