"""Moving an account to another e-mail address.

A signed-in person asks on a site, with their current password (a session alone cannot
move an account away from its owner). The link that applies the change goes to the NEW
address, so only someone who reads that mailbox can finish it; a notice goes at once to
the OLD address, saying what was asked and what to do if it was not its owner. Nothing
changes until the link is followed.

Whether the new address already has an account is never told to the person asking: the
answer is the same 202, and it is the new address's mailbox that hears, by a mail saying
an account exists there already (no link). Only the holder of that mailbox learns it.

Following the link ends every session of the account (access tokens by their version,
refresh tokens revoked): the address is the sign-in name, and a session opened by
someone who should not have it does not survive the owner's change of address. The OLD
address then hears that the change was made: its owner learns it even when the request's
notice was missed.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from domain.accounts.model import normalise_email
from domain.accounts.ports import PasswordHasher
from domain.kernel import clock
from domain.kernel.access import Actor, Principal
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from domain.kernel.mail import OutgoingMail
from domain.mail.model import Template, language_of
from domain.mail.ports import MailUnitOfWork
from domain.mail.use_cases import RESET
from domain.tenants.use_cases import audit

INVALID_LINK = "This confirmation link is not valid any more: ask for the change again."


async def request_email_change(
    uow: MailUnitOfWork,
    hasher: PasswordHasher,
    actor: Actor,
    new_email: str,
    current_password: str,
    token: str,
    token_hash: bytes,
    ttl: timedelta,
    per_hour: int,
) -> None:
    """Mail a confirmation link to ``new_email`` (or, when that address has an account,
    a notice without one) and a notice to the current address. Beyond ``per_hour``
    requests an hour, the answer is the same and nothing is mailed."""
    assert actor.user_id is not None
    user = await uow.users.get(actor.user_id)
    if user is None or not user.is_active:
        raise NotFound("No such account.")
    if not await hasher.verify(user.password_hash, current_password):
        raise Forbidden("The current password is wrong.")
    new = normalise_email(new_email)
    if new == normalise_email(user.email):
        raise InvalidInput("This is already the address of your account.")
    now = clock.now()
    if await uow.email_changes.recent_count(user.id, now - timedelta(hours=1)) >= per_hour:
        return  # the person is told nothing new; the mailboxes are not flooded
    tenant = await uow.tenants.get(actor.tenant_id)
    assert tenant is not None
    language = language_of(tenant.default_language)
    await uow.email_changes.spend_all(user.id, now)  # one open request at a time
    # A row is kept even when the address is taken: it counts towards the hourly cap.
    taken = await uow.users.by_email(new) is not None
    await uow.email_changes.add(
        uuid4(), user.id, new, token_hash, user.token_version, now, now + ttl
    )
    if taken:
        await uow.email_changes.spend_all(user.id, now)  # nothing to confirm
    await uow.mail.queue(
        OutgoingMail(
            tenant_id=tenant.id,
            to_address=new,
            to_name=user.display_name,
            template=Template.EMAIL_CHANGE_TAKEN if taken else Template.EMAIL_CHANGE_CONFIRM,
            language=language,
            context={"minutes": int(ttl.total_seconds() // 60)},
            secret=None if taken else token,
        )
    )
    await uow.mail.queue(
        OutgoingMail(
            tenant_id=tenant.id,
            to_address=user.email,
            to_name=user.display_name,
            template=Template.EMAIL_CHANGE_NOTICE,
            language=language,
            context={"new_address": new},
        )
    )
    await audit(uow, actor, "account.email_change_requested", "user", user.id)
    await uow.commit()


async def confirm_email_change(uow: MailUnitOfWork, tenant_slug: str, token_hash: bytes) -> None:
    """Apply the change the link names (once, before it expires, on the site it was
    asked on). The new address counts as confirmed; every session of the account ends."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    row = await uow.email_changes.by_hash(token_hash)
    now = clock.now()
    if row is None or row["used_at"] is not None or row["expires_at"] <= now:
        raise NotFound(INVALID_LINK)
    user = await uow.users.get(row["user_id"])
    if user is None or not user.is_active or user.token_version != row["token_version"]:
        # A reset or change of password since the request voids it.
        raise NotFound(INVALID_LINK)
    holder = await uow.users.by_email(row["new_email"])
    if holder is not None and holder.id != user.id:
        # Taken since it was asked: the one who reads that mailbox may know it.
        raise Conflict("This address now belongs to another account.")
    old_address = user.email
    user.email = row["new_email"]
    user.token_version += 1
    await uow.users.update(user)
    await uow.email_changes.confirm_address(user.id, now)
    await uow.refresh_tokens.revoke_user(user.id, now)
    await uow.email_changes.spend_all(user.id, now)
    await uow.account_tokens.spend_all(user.id, RESET, now)  # they went to the old address
    membership = await uow.memberships.get(tenant.id, user.id)
    actor = Actor(
        Principal(user.id, user.is_operator),
        tenant.id,
        membership.role if membership is not None else None,
    )
    await uow.mail.queue(
        OutgoingMail(
            tenant_id=tenant.id,
            to_address=old_address,
            to_name=user.display_name,
            template=Template.EMAIL_CHANGED,
            language=language_of(tenant.default_language),
            context={"new_address": user.email},
        )
    )
    await audit(uow, actor, "account.email_changed", "user", user.id)
    await uow.commit()
