"""Identity use cases: each takes a unit of work, checks the policy, changes, commits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.identity.model import (
    LANGUAGES,
    ApiKey,
    AuditEntry,
    Branding,
    Invitation,
    Membership,
    Tenant,
    TenantSettings,
    TenantStatus,
    User,
    check_host,
    check_password,
    check_tenant_slug,
    normalise_email,
)
from domain.kernel import clock
from domain.kernel.access import Action, Actor, Principal, Role, Scope, can_assign_role, require
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from domain.kernel.text import TextEngine, slugify
from domain.licensing.model import WRITABLE, Feature, Quota
from domain.licensing.quotas import ensure_feature, ensure_room
from domain.ports import AuditUnitOfWork, PasswordHasher, UnitOfWork


async def audit(
    uow: AuditUnitOfWork,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    **details: Any,
) -> None:
    await uow.audit.record(
        AuditEntry(
            id=uuid4(),
            tenant_id=actor.tenant_id,
            actor_user_id=actor.principal.user_id,
            actor_key_id=actor.principal.key_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            details=details,
            request_id=uow.request_id,
            created_at=clock.now(),
        )
    )


# --- users and sign-in ------------------------------------------------------------


HANDLE_BASE_LENGTH = 30


async def free_handle(uow: UnitOfWork, display_name: str, text: TextEngine) -> str:
    """The slug of the display name, with a short random suffix when it is taken."""
    base = slugify(display_name, text, HANDLE_BASE_LENGTH)
    if len(base) < 2 or base == "post":
        base = "author"
    handle = base
    while await uow.users.handle_taken(handle):
        handle = f"{base}-{secrets.token_hex(3)}"
    return handle


async def register_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    email: str,
    password: str,
    display_name: str,
    *,
    text: TextEngine,
    is_operator: bool = False,
) -> User:
    email = normalise_email(email)
    check_password(password)
    if await uow.users.by_email(email):
        raise Conflict("An account with this e-mail exists already: sign in instead.")
    display_name = display_name.strip() or email.split("@")[0]
    user = User(
        id=uuid4(),
        email=email,
        display_name=display_name,
        handle=await free_handle(uow, display_name, text),
        password_hash=await hasher.hash(password),
        is_operator=is_operator,
        is_active=True,
        token_version=1,
        created_at=clock.now(),
    )
    await uow.users.add(user)
    return user


async def create_operator(
    uow: UnitOfWork, hasher: PasswordHasher, email: str, password: str, *, text: TextEngine
) -> User:
    existing = await uow.users.by_email(normalise_email(email))
    if existing:
        existing.is_operator = True
        existing.token_version += 1
        await uow.users.update(existing)
        await uow.commit()
        return existing
    user = await register_user(
        uow, hasher, email, password, "Operator", text=text, is_operator=True
    )
    await uow.commit()
    return user


async def authenticate(uow: UnitOfWork, hasher: PasswordHasher, email: str, password: str) -> User:
    """The same answer, and about the same time, for an unknown e-mail and a wrong password."""
    user = await uow.users.by_email(normalise_email(email))
    if user is None:
        await hasher.verify_dummy(password)
        raise Unauthenticated("Wrong e-mail or password.")
    if not await hasher.verify(user.password_hash, password) or not user.is_active:
        raise Unauthenticated("Wrong e-mail or password.")
    return user


async def current_user(uow: UnitOfWork, user_id: UUID, token_version: int) -> User:
    """The user behind an access token, if the token is still honoured."""
    user = await uow.users.get(user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        raise Unauthenticated("The access token has been revoked.")
    return user


async def update_profile(uow: UnitOfWork, user: User, display_name: str | None) -> User:
    if display_name is not None:
        user.display_name = display_name.strip() or user.display_name
    await uow.users.update(user)
    await uow.commit()
    return user


async def change_password(
    uow: UnitOfWork, hasher: PasswordHasher, user: User, current: str, new: str
) -> User:
    """Every existing session ends: access tokens (token version) and refresh tokens."""
    if not await hasher.verify(user.password_hash, current):
        raise Forbidden("The current password is wrong.")
    check_password(new)
    user.password_hash = await hasher.hash(new)
    user.token_version += 1
    await uow.users.update(user)
    await uow.refresh_tokens.revoke_user(user.id, clock.now())
    return user  # the caller opens the new session in this same transaction, then commits


async def sign_up_reader(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    tenant: Tenant,
    email: str,
    password: str,
    display_name: str,
    *,
    text: TextEngine,
) -> User:
    """Readers join a tenant that allows it; an existing account joins with its password."""
    if not tenant.settings.reader_signup or tenant.status is not TenantStatus.ACTIVE:
        raise Forbidden("This site does not take sign-ups.")
    existing = await uow.users.by_email(normalise_email(email))
    if existing is not None:
        # A disabled account answers like a wrong password: nothing to learn from it.
        if not await hasher.verify(existing.password_hash, password) or not existing.is_active:
            raise Conflict("An account with this e-mail exists: sign in with its password.")
        user = existing
    else:
        user = await register_user(uow, hasher, email, password, display_name, text=text)
    if await uow.memberships.get(tenant.id, user.id) is None:
        await uow.memberships.add(
            Membership(
                tenant_id=tenant.id, user_id=user.id, role=Role.READER, created_at=clock.now()
            )
        )
    return user


# --- tenants ------------------------------------------------------------------------


async def actor_in(uow: UnitOfWork, principal: Principal, tenant_slug: str) -> tuple[Tenant, Actor]:
    """Find the tenant by slug, enter its context, and learn the caller's role there."""
    tenant = await uow.tenants.by_slug(tenant_slug)
    if tenant is None:
        raise NotFound("No such tenant.")
    await uow.set_tenant(tenant.id)
    role, status = await uow.tenants.standing(tenant.id, principal.user_id)
    writable = status in WRITABLE if status is not None else True
    return tenant, Actor(principal=principal, tenant_id=tenant.id, role=role, writable=writable)


@dataclass
class NewTenant:
    slug: str
    name: str
    default_language: str
    owner_email: str


@dataclass
class InvitationIssued:
    invitation: Invitation
    token: str


async def create_tenant(
    uow: UnitOfWork,
    principal: Principal,
    spec: NewTenant,
    owner_token: str,
    owner_token_hash: bytes,
    invitation_ttl: timedelta,
) -> tuple[Tenant, InvitationIssued]:
    """A tenant and its owner's invitation, in one transaction (committed by the caller)."""
    check_tenant_slug(spec.slug)
    if spec.default_language not in LANGUAGES:
        raise InvalidInput(f"default_language must be one of {', '.join(LANGUAGES)}.")
    if await uow.tenants.by_slug(spec.slug):
        raise Conflict("That tenant slug is taken.")
    now = clock.now()
    tenant = Tenant(
        id=uuid4(),
        slug=spec.slug,
        name=spec.name,
        status=TenantStatus.ACTIVE,
        default_language=spec.default_language,
        branding=Branding(),
        settings=TenantSettings(),
        created_at=now,
        updated_at=now,
    )
    if not await uow.tenants.add(tenant):
        raise Conflict("That tenant slug is taken.")
    await uow.set_tenant(tenant.id)
    actor = Actor(principal=principal, tenant_id=tenant.id, role=None)
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
    await audit(uow, actor, "tenant.created", "tenant", tenant.id, slug=tenant.slug)
    return tenant, InvitationIssued(invitation, owner_token)


async def update_tenant(
    uow: UnitOfWork, tenant: Tenant, actor: Actor, changes: dict[str, Any]
) -> Tenant:
    require(actor, Action.MANAGE_TENANT)
    tenant.apply_changes(changes)
    tenant.updated_at = clock.now()
    await uow.tenants.update(tenant)
    await audit(uow, actor, "tenant.updated", "tenant", tenant.id, fields=sorted(changes))
    await uow.commit()
    return tenant


async def add_domain(uow: UnitOfWork, actor: Actor, host: str) -> tuple[UUID, str]:
    require(actor, Action.MANAGE_TENANT)
    host = check_host(host)
    await ensure_feature(uow, actor.tenant_id, Feature.CUSTOM_DOMAIN)
    await ensure_room(uow, actor.tenant_id, Quota.CUSTOM_DOMAINS)
    domain_id = uuid4()
    if not await uow.tenants.add_domain(actor.tenant_id, domain_id, host):
        raise Conflict("That domain is already in use.")
    await audit(uow, actor, "domain.added", "domain", domain_id, host=host)
    await uow.commit()
    return domain_id, host


async def remove_domain(uow: UnitOfWork, actor: Actor, domain_id: UUID) -> None:
    require(actor, Action.MANAGE_TENANT)
    if not await uow.tenants.remove_domain(actor.tenant_id, domain_id):
        raise NotFound("No such domain.")
    await audit(uow, actor, "domain.removed", "domain", domain_id)
    await uow.commit()


# --- members and invitations --------------------------------------------------------


async def invite_member(
    uow: UnitOfWork,
    actor: Actor,
    email: str,
    role: Role,
    token: str,
    token_hash: bytes,
    ttl: timedelta,
) -> InvitationIssued:
    require(actor, Action.MANAGE_TENANT)
    if not can_assign_role(actor, None, role):
        raise Forbidden("Only owners may invite owners.")
    if role is not Role.READER:
        await ensure_room(uow, actor.tenant_id, Quota.MEMBERS)
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
    await uow.commit()
    return InvitationIssued(invitation, token)


async def accept_invitation(
    uow: UnitOfWork, actor: Actor, user: User, token_hash: bytes
) -> Membership:
    """Single use, unexpired, and for this tenant; the invited role is granted."""
    invitation = await uow.invitations.by_token_hash(token_hash)
    now = clock.now()
    if invitation is None or invitation.tenant_id != actor.tenant_id:
        raise NotFound("No such invitation.")
    if not invitation.is_open(now):
        raise Conflict("This invitation has been used or has expired.")
    if invitation.email != normalise_email(user.email):
        raise Forbidden("This invitation was sent to another e-mail address.")
    if not await uow.invitations.mark_accepted(invitation.id, user.id, now):
        raise Conflict("This invitation has been used or has expired.")
    existing = await uow.memberships.get(actor.tenant_id, user.id)
    if invitation.role is not Role.READER and (existing is None or existing.role is Role.READER):
        await ensure_room(uow, actor.tenant_id, Quota.MEMBERS)
    if existing is None:
        membership = Membership(actor.tenant_id, user.id, invitation.role, now)
        await uow.memberships.add(membership)
    else:
        membership = existing
        if _rank(invitation.role) < _rank(existing.role):  # never a demotion by invitation
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
    await uow.commit()
    return membership


_ORDER = [Role.OWNER, Role.MANAGER, Role.MODERATOR, Role.AUTHOR, Role.READER]


def _rank(role: Role) -> int:
    return _ORDER.index(role)


async def change_role(uow: UnitOfWork, actor: Actor, user_id: UUID, role: Role) -> Membership:
    require(actor, Action.MANAGE_TENANT)
    membership = await uow.memberships.get(actor.tenant_id, user_id)
    if membership is None:
        raise NotFound("No such member.")
    if not can_assign_role(actor, membership.role, role):
        raise Forbidden("Managers cannot change owners or make owners.")
    if membership.role is Role.OWNER and role is not Role.OWNER:
        await _keep_an_owner(uow, actor.tenant_id)
    if membership.role is Role.READER and role is not Role.READER:
        await ensure_room(uow, actor.tenant_id, Quota.MEMBERS)
    await uow.memberships.set_role(actor.tenant_id, user_id, role)
    await _revoke_access(uow, user_id)
    await audit(
        uow,
        actor,
        "member.role_changed",
        "user",
        user_id,
        old=membership.role.value,
        new=role.value,
    )
    await uow.commit()
    membership.role = role
    return membership


async def remove_member(uow: UnitOfWork, actor: Actor, user_id: UUID) -> None:
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
    await uow.commit()


async def _keep_an_owner(uow: UnitOfWork, tenant_id: UUID) -> None:
    if await uow.memberships.count_owners(tenant_id, lock=True) <= 1:
        raise Conflict("A tenant keeps at least one owner: make someone else owner first.")


async def _revoke_access(uow: UnitOfWork, user_id: UUID) -> None:
    """A role change takes effect at once: outstanding access tokens stop working."""
    user = await uow.users.get(user_id)
    if user is not None:
        user.token_version += 1
        await uow.users.update(user)


# --- API keys -----------------------------------------------------------------------


async def create_api_key(
    uow: UnitOfWork,
    actor: Actor | None,
    principal: Principal,
    name: str,
    scopes: list[Scope],
    prefix: str,
    secret_hash: bytes,
) -> ApiKey:
    """A tenant key (``actor`` given) or a platform key (operators only)."""
    if actor is not None:
        require(actor, Action.MANAGE_TENANT)
        if Scope.BILLING in scopes:
            raise Forbidden("The billing scope is for platform keys only.")
    elif not principal.is_operator:
        raise Forbidden("Only platform operators create platform keys.")
    if not scopes:
        raise InvalidInput("Give the key at least one scope.")
    key = ApiKey(
        id=uuid4(),
        tenant_id=actor.tenant_id if actor else None,
        name=name,
        prefix=prefix,
        scopes=sorted(set(scopes)),
        created_at=clock.now(),
    )
    await uow.api_keys.add(key, secret_hash, principal.user_id)
    if actor is not None:
        await audit(
            uow,
            actor,
            "api_key.created",
            "api_key",
            key.id,
            name=name,
            scopes=[s.value for s in key.scopes],
        )
    await uow.commit()
    return key


async def revoke_api_key(
    uow: UnitOfWork, actor: Actor | None, principal: Principal, key_id: UUID
) -> None:
    if actor is not None:
        require(actor, Action.MANAGE_TENANT)
    elif not principal.is_operator:
        raise Forbidden("Only platform operators revoke platform keys.")
    tenant_id = actor.tenant_id if actor is not None else None
    if not await uow.api_keys.revoke(tenant_id, key_id, clock.now()):
        raise NotFound("No such API key.")
    if actor is not None:
        await audit(uow, actor, "api_key.revoked", "api_key", key_id)
    await uow.commit()
