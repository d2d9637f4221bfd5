"""Password reset by mail: ask on a site, get a single-use, short-lived link, set a new
password. The request answers the same whether or not the address has an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID, uuid4

from domain.accounts.model import check_password, normalise_email
from domain.accounts.ports import PasswordHasher
from domain.kernel import clock
from domain.kernel.access import Actor
from domain.kernel.errors import NotFound
from domain.kernel.mail import OutgoingMail
from domain.mail.model import Notification, ResetPage, Template, language_of
from domain.mail.ports import MailUnitOfWork

# A link whose token names nothing (made up, altered, spent or expired) is a 404, as an
# unknown invitation is: a reference to nothing, whatever its shape.
INVALID_TOKEN = "This reset link is not valid any more: ask for a new one."
INVALID_VERIFICATION = "This confirmation link is not valid any more: sign in to get a new one."
RESET, VERIFY = "reset", "verify"


async def accept_password_reset_request(
    uow: MailUnitOfWork, tenant_slug: str, email: str, page: ResetPage = ResetPage.SITE
) -> None:
    """The request's part of a reset: the same work whether or not the address has an
    account (a job for the worker, which looks it up and mails), so that neither the
    answer nor its time tells one from the other. ``page`` is where the link will lead."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    await uow.reset_requests.defer(tenant.id, tenant.slug, normalise_email(email), page.value)
    await uow.commit()


async def request_password_reset(
    uow: MailUnitOfWork,
    tenant_slug: str,
    email: str,
    token: str,
    token_hash: bytes,
    ttl: timedelta,
    per_hour: int,
    page: ResetPage = ResetPage.SITE,
) -> None:
    """The worker's part: a reset mail to the address, branded by the site, if it belongs
    to one of the site's people and has had fewer than ``per_hour`` in the last hour;
    nothing otherwise."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    user = await uow.users.by_email(normalise_email(email))
    if user is None or not user.is_active:
        return
    if await uow.memberships.get(tenant.id, user.id) is None:
        return
    now = clock.now()
    if await uow.account_tokens.recent_count(user.id, RESET, now - timedelta(hours=1)) >= per_hour:
        return  # a flood of requests is not a flood of mail
    await uow.account_tokens.add(uuid4(), user.id, RESET, token_hash, now, now + ttl)
    await uow.mail.queue(
        OutgoingMail(
            tenant_id=tenant.id,
            to_address=user.email,
            to_name=user.display_name,
            template=Template.PASSWORD_RESET,
            language=language_of(tenant.default_language),
            context={"minutes": int(ttl.total_seconds() // 60), "page": page.value},
            secret=token,
        )
    )
    await uow.commit()


async def reset_password(
    uow: MailUnitOfWork,
    hasher: PasswordHasher,
    tenant_slug: str,
    token_hash: bytes,
    new_password: str,
) -> None:
    """Spend the token and set the password. Every session of the user ends (access
    tokens by their version, refresh tokens revoked), and a notice goes to the address."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    check_password(new_password)
    row = await uow.account_tokens.by_hash(token_hash, RESET)
    now = clock.now()
    if row is None or row["used_at"] is not None or row["expires_at"] <= now:
        raise NotFound(INVALID_TOKEN)
    user = await uow.users.get(row["user_id"])
    if user is None or not user.is_active:
        raise NotFound(INVALID_TOKEN)
    user.password_hash = await hasher.hash(new_password)
    user.token_version += 1
    await uow.users.update(user)
    await uow.refresh_tokens.revoke_user(user.id, now)
    await uow.account_tokens.spend_all(user.id, RESET, now)
    await uow.mail.queue(
        OutgoingMail(
            tenant_id=tenant.id,
            to_address=user.email,
            to_name=user.display_name,
            template=Template.PASSWORD_CHANGED,
            language=language_of(tenant.default_language),
        )
    )
    await uow.commit()


async def verify_email(uow: MailUnitOfWork, tenant_slug: str, token_hash: bytes) -> None:
    """Confirm the address with the link's token (once): the reader's comments then
    follow the site's policy for members instead of the one for anonymous readers."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    row = await uow.account_tokens.by_hash(token_hash, VERIFY)
    now = clock.now()
    if row is None or row["used_at"] is not None or row["expires_at"] <= now:
        raise NotFound(INVALID_VERIFICATION)
    await uow.account_tokens.mark_email_verified(row["user_id"], now)
    await uow.account_tokens.spend_all(row["user_id"], VERIFY, now)
    await uow.commit()


async def unsubscribe(
    uow: MailUnitOfWork,
    tenant_slug: str,
    read_token: Callable[[UUID], tuple[UUID, Notification] | None],
) -> Notification:
    """Turn a notification off for the person a signed token names (no sign-in)."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    found = read_token(tenant.id)
    if found is None:
        raise NotFound("This unsubscribe link is not valid.")
    user_id, kind = found
    await uow.notification_preferences.set(tenant.id, user_id, kind.value, False)
    await uow.commit()
    return kind


async def my_notifications(uow: MailUnitOfWork, actor: Actor) -> dict[str, bool]:
    """Each notification and whether it is on for the signed-in member (on by default)."""
    assert actor.user_id is not None
    stored = await uow.notification_preferences.all_for(actor.user_id)
    return {kind.value: stored.get(kind.value, True) for kind in Notification}


async def set_my_notifications(
    uow: MailUnitOfWork, actor: Actor, changes: dict[str, bool]
) -> dict[str, bool]:
    assert actor.user_id is not None
    for kind, enabled in changes.items():
        await uow.notification_preferences.set(
            actor.tenant_id, actor.user_id, Notification(kind).value, enabled
        )
    answer = await my_notifications(uow, actor)
    await uow.commit()
    return answer
