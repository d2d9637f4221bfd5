"""Members: who belongs to a tenant with which role, invitations, readers signing up
on a public site, and the signed-in user's own memberships (``/me``). Each use case
takes its unit of work; writes commit, reads return."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID, uuid4

from domain.accounts import use_cases as accounts
from domain.accounts.model import TokenPair, User, check_password, normalise_email
from domain.accounts.ports import PasswordHasher, SessionIssuer
from domain.kernel import clock
from domain.kernel.access import Action, Actor, Principal, Role, can_assign_role, require
from domain.kernel.errors import Conflict, Forbidden, NotFound, Unauthenticated
from domain.kernel.events import DomainEvent, EventType
from domain.kernel.mail import OutgoingMail
from domain.kernel.text import TextEngine
from domain.members.model import Invitation, InvitationIssued, Membership, rank
from domain.members.ports import MembersUnitOfWork
from domain.tenants.model import NewTenant, Tenant, TenantStatus
from domain.tenants.ports import Licence
from domain.tenants.use_cases import audit, create_tenant, enter_tenant


@dataclass(frozen=True)
class Member:
    """A membership with the person's name and e-mail, as the console lists it."""

    user_id: UUID
    email: str
    display_name: str
    role: Role
    created_at: datetime


@dataclass(frozen=True)
class Account:
    """The signed-in user and every tenant they belong to."""

    user: User
    memberships: list[tuple[Membership, Tenant]]


# --- provisioning ---------------------------------------------------------------------


async def create_tenant_with_owner(
    uow: MembersUnitOfWork,
    principal: Principal,
    spec: NewTenant,
    owner_token: str,
    owner_token_hash: bytes,
    invitation_ttl: timedelta,
) -> tuple[Tenant, InvitationIssued]:
    """A tenant and its owner's invitation, in one transaction (committed by the caller)."""
    tenant = await create_tenant(uow, principal, spec)
    now = clock.now()
    invitation = Invitation(
        id=uuid4(),
        tenant_id=tenant.id,
        email=normalise_email(spec.owner_email),
        role=Role.OWNER,
        invited_by=principal.user_id,
        created_at=now,
        expires_at=now + invitation_ttl,
    )
    await uow.invitations.add(invitation, owner_token_hash)
    return tenant, InvitationIssued(invitation, owner_token)


# --- the signed-in user's own memberships ---------------------------------------------


async def my_account(uow: MembersUnitOfWork, user_id: UUID) -> Account:
    user = await accounts.signed_in_user(uow, user_id)
    return Account(user, await uow.memberships.for_user(user.id))


async def update_my_account(
    uow: MembersUnitOfWork, user_id: UUID, display_name: str | None
) -> Account:
    user = await accounts.signed_in_user(uow, user_id)
    await accounts.update_profile(uow, user, display_name)
    answer = Account(user, await uow.memberships.for_user(user.id))
    await uow.commit()
    return answer


# --- readers signing up on a public site ----------------------------------------------


U = TypeVar("U", bound=MembersUnitOfWork)


async def _open_site(uow: MembersUnitOfWork, licence: Licence, tenant_slug: str) -> Tenant:
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such site.")
    await uow.set_tenant(tenant.id)
    await licence.ensure_site_online(tenant.id)
    if not tenant.settings.reader_signup or tenant.status is not TenantStatus.ACTIVE:
        raise Forbidden("This site does not take sign-ups.")
    return tenant


async def sign_up_reader(
    units: Callable[[], AbstractAsyncContextManager[U]],
    licence_of: Callable[[U], Licence],
    hasher: PasswordHasher,
    text: TextEngine,
    sessions: SessionIssuer,
    tenant_slug: str,
    email: str,
    password: str,
    display_name: str,
    verification: tuple[str, bytes, timedelta] | None = None,
) -> TokenPair:
    """Readers join a tenant that allows it; an existing account joins with its password.
    The answer is a session for the reader. A new account starts unconfirmed and, with
    ``verification`` (token, its hash, lifetime), gets the link to confirm its address.

    Three steps, so that no database connection is held while a password is hashed: read
    (the site, an existing account) in a short transaction; hash or check the password;
    write (account, membership, session) in a second one, which checks the site again."""
    email = normalise_email(email)
    async with units() as uow:
        await _open_site(uow, licence_of(uow), tenant_slug)
        existing = await uow.users.by_email(email)
    password_hash = ""
    if existing is not None:
        # A disabled account answers like a wrong password: nothing to learn from it.
        if not await hasher.verify(existing.password_hash, password) or not existing.is_active:
            raise Conflict("An account with this e-mail exists: sign in with its password.")
    else:
        check_password(password)
        password_hash = await hasher.hash(password)
    async with units() as uow:
        tenant = await _open_site(uow, licence_of(uow), tenant_slug)
        if existing is not None:
            try:
                user = await accounts.still_signed_in(uow, existing)
            except Unauthenticated as exc:
                raise Conflict(
                    "An account with this e-mail exists: sign in with its password."
                ) from exc
        else:
            user = await accounts.register_hashed(
                uow, email, password_hash, display_name, text=text, verified=False
            )
            if verification is not None:
                token, token_hash, ttl = verification
                now = clock.now()
                await uow.account_tokens.add(uuid4(), user.id, "verify", token_hash, now, now + ttl)
                await uow.mail.queue(
                    OutgoingMail(
                        tenant_id=tenant.id,
                        to_address=user.email,
                        to_name=user.display_name,
                        template="verify_email",
                        language="fr" if tenant.default_language == "fr" else "en",
                        context={"hours": int(ttl.total_seconds() // 3600)},
                        secret=token,
                    )
                )
        if await uow.memberships.get(tenant.id, user.id) is None:
            await uow.memberships.add(
                Membership(
                    tenant_id=tenant.id, user_id=user.id, role=Role.READER, created_at=clock.now()
                )
            )
            uow.record(member_event(EventType.MEMBER_JOINED, tenant.id, user.id, role=Role.READER))
        pair = await sessions.open(uow, user)
        await uow.commit()
    return pair


# --- members and invitations ----------------------------------------------------------


async def list_members(
    uow: MembersUnitOfWork, actor: Actor, after: tuple[datetime, UUID] | None, limit: int
) -> list[Membership]:
    """Oldest first."""
    require(actor, Action.READ_TENANT_ADMIN)
    return await uow.memberships.page(actor.tenant_id, after=after, limit=limit)


async def invite_member(
    uow: MembersUnitOfWork,
    actor: Actor,
    email: str,
    role: Role,
    token: str,
    token_hash: bytes,
    ttl: timedelta,
    licence: Licence,
) -> InvitationIssued:
    require(actor, Action.MANAGE_TENANT)
    if not can_assign_role(actor, None, role):
        raise Forbidden("Only owners may invite owners.")
    if role is not Role.READER:
        await licence.ensure_member_room(actor.tenant_id)
    now = clock.now()
    invitation = Invitation(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        email=normalise_email(email),
        role=role,
        invited_by=actor.user_id,
        created_at=now,
        expires_at=now + ttl,
    )
    await uow.invitations.add(invitation, token_hash)
    await audit(
        uow,
        actor,
        "member.invited",
        "invitation",
        invitation.id,
        email=invitation.email,
        role=role.value,
    )
    tenant = await uow.tenants.get(actor.tenant_id)
    inviter = await uow.users.get(actor.user_id) if actor.user_id else None
    if tenant is not None:
        await uow.mail.queue(
            OutgoingMail(
                tenant_id=tenant.id,
                to_address=invitation.email,
                template="invitation",
                language=tenant.default_language if tenant.default_language == "fr" else "en",
                context={
                    "inviter": inviter.display_name if inviter else tenant.name,
                    "role": role.value,
                    "expires": invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC"),
                },
                secret=token,
            )
        )
    await uow.commit()
    return InvitationIssued(invitation, token)


def member_event(
    kind: EventType,
    tenant_id: UUID,
    user_id: UUID,
    *,
    role: Role,
    previous_role: Role | None = None,
    left: bool = False,
) -> DomainEvent:
    payload: dict[str, object] = {"user_id": str(user_id), "role": role.value}
    if previous_role is not None:
        payload["previous_role"] = previous_role.value
    if kind is EventType.MEMBER_REMOVED:
        payload["left"] = left  # true: they left on their own
    return DomainEvent(kind, tenant_id, payload)


async def accept_invitation(
    uow: MembersUnitOfWork,
    principal: Principal,
    tenant_slug: str,
    token_hash: bytes,
    licence: Licence,
) -> Member:
    """Single use, unexpired, and for this tenant; the invited role is granted to the
    signed-in user (who need not be a member yet)."""
    assert principal.user_id is not None, "a signed-in user accepts"
    _, actor = await enter_tenant(uow, principal, tenant_slug)
    user = await accounts.signed_in_user(uow, principal.user_id)
    invitation = await uow.invitations.by_token_hash(actor.tenant_id, token_hash)
    now = clock.now()
    if invitation is None or invitation.tenant_id != actor.tenant_id:
        raise NotFound("No such invitation.")
    if not invitation.is_open(now):
        raise Conflict("This invitation has been used or has expired.")
    if invitation.email != normalise_email(user.email):
        raise Forbidden("This invitation was sent to another e-mail address.")
    if not await uow.invitations.mark_accepted(actor.tenant_id, invitation.id, user.id, now):
        raise Conflict("This invitation has been used or has expired.")
    existing = await uow.memberships.get(actor.tenant_id, user.id)
    if invitation.role is not Role.READER and (existing is None or existing.role is Role.READER):
        await licence.ensure_member_room(actor.tenant_id)
    if existing is None:
        membership = Membership(actor.tenant_id, user.id, invitation.role, now)
        await uow.memberships.add(membership)
    else:
        membership = existing
        existing_role = existing.role
        if rank(invitation.role) < rank(existing.role):  # never a demotion by invitation
            await uow.memberships.set_role(actor.tenant_id, user.id, invitation.role)
            membership.role = invitation.role
    await audit(
        uow,
        actor,
        "member.joined",
        "user",
        user.id,
        role=membership.role.value,
        invitation=str(invitation.id),
    )
    if existing is None:
        uow.record(
            member_event(EventType.MEMBER_JOINED, actor.tenant_id, user.id, role=membership.role)
        )
    elif membership.role is not existing_role:
        uow.record(
            member_event(
                EventType.MEMBER_ROLE_CHANGED,
                actor.tenant_id,
                user.id,
                role=membership.role,
                previous_role=existing_role,
            )
        )
    await uow.commit()
    return Member(user.id, user.email, user.display_name, membership.role, membership.created_at)


async def change_role(
    uow: MembersUnitOfWork, actor: Actor, user_id: UUID, role: Role, licence: Licence
) -> Member:
    """The member's new role; the answer is read in the same transaction."""
    require(actor, Action.MANAGE_TENANT)
    membership = await uow.memberships.get(actor.tenant_id, user_id)
    if membership is None:
        raise NotFound("No such member.")
    if not can_assign_role(actor, membership.role, role):
        raise Forbidden("Managers cannot change owners or make owners.")
    if membership.role is Role.OWNER and role is not Role.OWNER:
        await _keep_an_owner(uow, actor.tenant_id)
    if membership.role is Role.READER and role is not Role.READER:
        await licence.ensure_member_room(actor.tenant_id)
    await uow.memberships.set_role(actor.tenant_id, user_id, role)
    user = await _revoke_access(uow, user_id)
    await audit(
        uow,
        actor,
        "member.role_changed",
        "user",
        user_id,
        old=membership.role.value,
        new=role.value,
    )
    if role is not membership.role:
        uow.record(
            member_event(
                EventType.MEMBER_ROLE_CHANGED,
                actor.tenant_id,
                user_id,
                role=role,
                previous_role=membership.role,
            )
        )
    await uow.commit()
    assert user is not None  # a membership's user exists (foreign key)
    return Member(user_id, user.email, user.display_name, role, membership.created_at)


async def remove_member(uow: MembersUnitOfWork, actor: Actor, user_id: UUID) -> None:
    """Staff remove members; anyone may leave. Owners are removed by owners only."""
    membership = await uow.memberships.get(actor.tenant_id, user_id)
    leaving = actor.user_id == user_id
    if not leaving:
        require(actor, Action.MANAGE_TENANT)
    if membership is None:
        raise NotFound("No such member.")
    if not leaving and not can_assign_role(actor, membership.role, None):
        raise Forbidden("Managers cannot remove owners.")
    if membership.role is Role.OWNER:
        await _keep_an_owner(uow, actor.tenant_id)
    await uow.memberships.remove(actor.tenant_id, user_id)
    await _revoke_access(uow, user_id)
    await audit(uow, actor, "member.left" if leaving else "member.removed", "user", user_id)
    uow.record(
        member_event(
            EventType.MEMBER_REMOVED,
            actor.tenant_id,
            user_id,
            role=membership.role,
            left=leaving,
        )
    )
    await uow.commit()


async def _keep_an_owner(uow: MembersUnitOfWork, tenant_id: UUID) -> None:
    if await uow.memberships.count_owners(tenant_id, lock=True) <= 1:
        raise Conflict("A tenant keeps at least one owner: make someone else owner first.")


async def _revoke_access(uow: MembersUnitOfWork, user_id: UUID) -> User | None:
    """A role change takes effect at once: outstanding access tokens stop working."""
    user = await uow.users.get(user_id)
    if user is not None:
        user.token_version += 1
        await uow.users.update(user)
    return user
