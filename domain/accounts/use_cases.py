"""Accounts: registering, signing in and out, the signed-in user's own profile and
password. Each use case takes its unit of work and commits what it changes."""

from __future__ import annotations

import secrets
from uuid import UUID, uuid4

from domain.accounts.model import TokenPair, User, check_password, normalise_email
from domain.accounts.ports import AccountsUnitOfWork, PasswordHasher, SessionIssuer
from domain.kernel import clock
from domain.kernel.errors import Conflict, Forbidden, Unauthenticated
from domain.kernel.text import TextEngine, slugify

HANDLE_BASE_LENGTH = 30


async def free_handle(uow: AccountsUnitOfWork, display_name: str, text: TextEngine) -> str:
    """The slug of the display name, with a short random suffix when it is taken."""
    base = slugify(display_name, text, HANDLE_BASE_LENGTH)
    if len(base) < 2 or base == "post":
        base = "author"
    handle = base
    while await uow.users.handle_taken(handle):
        handle = f"{base}-{secrets.token_hex(3)}"
    return handle


async def register_user(
    uow: AccountsUnitOfWork,
    hasher: PasswordHasher,
    email: str,
    password: str,
    display_name: str,
    *,
    text: TextEngine,
    is_operator: bool = False,
) -> User:
    """A new account (the caller commits)."""
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
    uow: AccountsUnitOfWork,
    hasher: PasswordHasher,
    email: str,
    password: str,
    *,
    text: TextEngine,
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


async def authenticate(
    uow: AccountsUnitOfWork, hasher: PasswordHasher, email: str, password: str
) -> User:
    """The same answer, and about the same time, for an unknown e-mail and a wrong password."""
    user = await uow.users.by_email(normalise_email(email))
    if user is None:
        await hasher.verify_dummy(password)
        raise Unauthenticated("Wrong e-mail or password.")
    if not await hasher.verify(user.password_hash, password) or not user.is_active:
        raise Unauthenticated("Wrong e-mail or password.")
    return user


async def sign_in(
    uow: AccountsUnitOfWork,
    hasher: PasswordHasher,
    sessions: SessionIssuer,
    email: str,
    password: str,
) -> TokenPair:
    """E-mail and password in, a new session out."""
    user = await authenticate(uow, hasher, email, password)
    pair = await sessions.open(uow, user)
    await uow.commit()
    return pair


async def refresh_session(
    uow: AccountsUnitOfWork, sessions: SessionIssuer, refresh_token: str
) -> TokenPair:
    """Trade a refresh token for a new pair of the same family; the old one is spent.

    Refresh tokens of one sign-in form a *family*. Presenting a token that was already
    used means it was copied: the whole family is revoked, the thief's and the owner's.
    """
    row = await uow.refresh_tokens.by_hash(sessions.digest(refresh_token), lock=True)
    now = clock.now()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
        raise Unauthenticated("The refresh token is not valid.")
    if row["used_at"] is not None:
        await uow.refresh_tokens.revoke_family(row["family_id"], now)
        await uow.commit()  # the revocation must stick although we answer 401
        raise Unauthenticated("The refresh token was already used; sign in again.")
    user = await uow.users.get(row["user_id"])
    if user is None or not user.is_active:
        raise Unauthenticated("The refresh token is not valid.")
    await uow.refresh_tokens.mark_used(row["id"], now)
    pair = await sessions.open(uow, user, family_id=row["family_id"])
    await uow.commit()
    return pair


async def sign_out(uow: AccountsUnitOfWork, sessions: SessionIssuer, refresh_token: str) -> None:
    """The token's family ends. Unknown tokens are ignored (signing out is idempotent)."""
    row = await uow.refresh_tokens.by_hash(sessions.digest(refresh_token))
    if row is not None:
        await uow.refresh_tokens.revoke_family(row["family_id"], clock.now())
        await uow.commit()


async def current_user(uow: AccountsUnitOfWork, user_id: UUID, token_version: int) -> User:
    """The user behind an access token, if the token is still honoured."""
    user = await uow.users.get(user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        raise Unauthenticated("The access token has been revoked.")
    return user


async def signed_in_user(uow: AccountsUnitOfWork, user_id: UUID) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise Unauthenticated("Sign in again.")
    return user


async def update_profile(uow: AccountsUnitOfWork, user: User, display_name: str | None) -> User:
    """Change the profile (the caller commits)."""
    if display_name is not None:
        user.display_name = display_name.strip() or user.display_name
    await uow.users.update(user)
    return user


async def change_password(
    uow: AccountsUnitOfWork,
    hasher: PasswordHasher,
    sessions: SessionIssuer,
    user_id: UUID,
    current: str,
    new: str,
) -> TokenPair:
    """Every existing session ends: access tokens (token version) and refresh tokens; a
    fresh session for the caller is opened in the same transaction."""
    user = await signed_in_user(uow, user_id)
    if not await hasher.verify(user.password_hash, current):
        raise Forbidden("The current password is wrong.")
    check_password(new)
    user.password_hash = await hasher.hash(new)
    user.token_version += 1
    await uow.users.update(user)
    await uow.refresh_tokens.revoke_user(user.id, clock.now())
    pair = await sessions.open(uow, user)
    await uow.commit()
    return pair
