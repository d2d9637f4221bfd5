"""The SMTP client (aiosmtplib): one connection per message, to the configured server."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from api.settings import Settings


class NoMailServer(Exception):
    """No SMTP server is configured (production without CAUSERIE_MAIL_SMTP_HOST)."""


# What a failed exchange raises: the server refused, timed out or dropped us.
SEND_ERRORS: tuple[type[BaseException], ...] = (aiosmtplib.SMTPException, OSError, TimeoutError)


async def send(message: EmailMessage, settings: Settings) -> None:
    target = settings.smtp_target
    if target is None:
        raise NoMailServer("No SMTP server is configured (CAUSERIE_MAIL_SMTP_HOST).")
    host, port, security = target
    password = settings.mail_smtp_password
    await aiosmtplib.send(
        message,
        hostname=host,
        port=port,
        username=settings.mail_smtp_username or None,
        password=password.get_secret_value() if password else None,
        use_tls=security == "tls",
        # "none" never upgrades, even when offered: the catcher and test servers.
        start_tls=security == "starttls",
        timeout=settings.mail_timeout_seconds,
    )
