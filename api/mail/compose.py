"""Turning a queued message into a MIME message: the tenant's brand, the recipient's
language, an HTML part and a plain-text part, from the Jinja2 templates beside this file.

HTML templates are autoescaped, so a name, a title or a quoted comment is always text in
the HTML part, never markup. Header values are checked for line breaks before they reach
a header: a name with CR/LF in it never writes a header of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.mail import unsubscribe
from api.settings import Settings
from domain.kernel import clock
from domain.kernel.errors import InvalidInput
from domain.kernel.mail import header_safe
from domain.mail.model import LANGUAGES, MailMessage, ResetPage, Template, language_of
from domain.tenants.model import Tenant

TEMPLATES = Path(__file__).parent / "templates"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


class Unsendable(Exception):
    """The message cannot be built (a header would break): retrying will not help."""


@dataclass(frozen=True)
class Site:
    tenant: Tenant
    url: str  # the tenant's public site: its custom domain when it has one


def site_url(settings: Settings, tenant: Tenant, domains: list[str]) -> str:
    if domains:
        return f"https://{sorted(domains)[0]}"
    return f"{settings.base_url}/s/{quote(tenant.slug)}"


def link_for(settings: Settings, site: Site, message: MailMessage) -> str | None:
    secret = message.secret
    if message.template == Template.PASSWORD_RESET and secret:
        if message.context.get("page") == ResetPage.CONSOLE:
            query = urlencode({"tenant": site.tenant.slug, "token": secret})
            return f"{settings.base_url}/console/reset-password?{query}"
        return f"{site.url}/reset-password?{urlencode({'token': secret})}"
    if message.template == Template.VERIFY_EMAIL and secret:
        return f"{site.url}/verify-email?{urlencode({'token': secret})}"
    if message.template == Template.EMAIL_CHANGE_CONFIRM and secret:
        return f"{site.url}/confirm-email?{urlencode({'token': secret})}"
    if message.template in (Template.EMAIL_CHANGE_NOTICE, Template.EMAIL_CHANGE_TAKEN):
        return f"{site.url}/forgot-password"
    if message.template == Template.MODERATION_DIGEST:
        return f"{settings.base_url}/console/t/{quote(site.tenant.slug)}/moderation"
    if message.template == Template.REPLY_DIGEST:
        first = message.context["replies"][0]
        return f"{site.url}{first['path']}#comment-{first['comment_id']}"
    if message.template in (Template.REPLY, Template.NEW_COMMENT):
        return f"{site.url}{message.context['path']}#comment-{message.context['comment_id']}"
    if message.template == Template.WEBHOOK_DISABLED:
        return f"{settings.base_url}/console/webhooks"
    if message.template == Template.INVITATION and secret:
        query = urlencode({"tenant": site.tenant.slug, "token": secret})
        return f"{settings.base_url}/console/accept-invitation?{query}"
    return None


def unsubscribe_links(
    settings: Settings, site: Site, message: MailMessage, key: bytes
) -> tuple[str, str] | None:
    """(the one-click POST address for List-Unsubscribe, the page a person opens) of a
    notification; None for the other mail."""
    kind = message.context.get("notification")
    user = message.context.get("user_id")
    if not kind or not user:
        return None
    token = unsubscribe.sign(key, site.tenant.id, UUID(str(user)), str(kind))
    query = urlencode({"token": token})
    one_click = f"{settings.base_url}/v1/sites/{quote(site.tenant.slug)}/unsubscribe?{query}"
    return one_click, f"{site.url}/unsubscribe?{query}"


def render(
    settings: Settings, site: Site, message: MailMessage, key: bytes = b""
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the message."""
    language = language_of(message.language)
    assert language in LANGUAGES
    context: dict[str, Any] = {
        **message.context,
        "language": language,
        "name": message.to_name or message.to_address.split("@")[0],
        "site_name": site.tenant.name,
        "site_url": site.url,
        "brand": site.tenant.branding,
        "link": link_for(settings, site, message),
    }
    links = unsubscribe_links(settings, site, message, key) if key else None
    context["unsubscribe"] = links[1] if links else None
    base = f"{language}/{message.template}"
    subject = _environment.get_template(f"{base}.subject.txt").render(context).strip()
    context["subject"] = subject
    text = _environment.get_template(f"{base}.txt").render(context)
    html = _environment.get_template(f"{base}.html").render(context)
    return subject, text, html


def compose(settings: Settings, site: Site, message: MailMessage, key: bytes = b"") -> EmailMessage:
    subject, text, html = render(settings, site, message, key)
    sender_domain = settings.mail_from_address.rpartition("@")[2] or "causerie.localhost"
    try:
        from_name = header_safe(site.tenant.name, "site name")
        header_safe(subject, "subject")
        header_safe(message.to_address, "e-mail address")
        sender = Address(from_name, addr_spec=settings.mail_from_address)
        try:
            to_name = header_safe(message.to_name, "recipient's name")
        except InvalidInput:
            to_name = ""  # never in a header; the address alone is enough
        recipient = Address(to_name, addr_spec=message.to_address)
    except (InvalidInput, ValueError) as refused:
        raise Unsendable(str(refused)) from refused
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = recipient
    mime["Subject"] = subject
    mime["Date"] = format_datetime(clock.now())
    mime["Message-ID"] = make_msgid(idstring=message.id.hex, domain=sender_domain)
    mime["Auto-Submitted"] = "auto-generated"
    mime["Content-Language"] = language_of(message.language)
    links = unsubscribe_links(settings, site, message, key) if key else None
    if links is not None:
        # RFC 8058: a POST to this address unsubscribes, no sign-in, no page to confirm.
        mime["List-Unsubscribe"] = f"<{links[0]}>"
        mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mime.set_content(text)
    mime.add_alternative(html, subtype="html")
    return mime
