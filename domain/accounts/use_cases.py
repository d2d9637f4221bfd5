"""Accounts: registering, signing in and out, the signed-in user's own profile and
password. Each use case takes its unit of work and commits what it changes."""

from __future__ import annotations

import secrets
from uuid import UUID, uuid4

from domain.accounts.model import TokenPair, User, check_password, normalise_email
from domain.accounts.ports import (
    AccountsUnitOfWork,
    PasswordHasher,
    SessionIssuer,
    UnitsOfWork,
)
from domain.kernel import clock
from domain.kernel.errors import Conflict, Forbidden, Unauthenticated
from domain.kernel.text import TextEngine, slugify

HANDLE_BASE_LENGTH = 30


HANDLE_ATTEMPTS = 8


def handle_base(display_name: str, text: TextEngine) -> str:
    base = slugify(display_name, text, HANDLE_BASE_LENGTH)
    return "author" if len(base) < 2 or base == "post" else base


async def free_handle(uow: AccountsUnitOfWork, display_name: str, text: TextEngine) -> str:
    """The slug of the display name, with a short random suffix when it is taken."""
    base = handle_base(display_name, text)
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
    """A new account (the caller commits). Hashes inside the caller's transaction: for
    the CLI, the demo and tests; requests hash first and call ``register_hashed``."""
    check_password(password)
    return await register_hashed(
        uow,
        email,
        await hasher.hash(password),
        display_name,
        text=text,
        is_operator=is_operator,
    )


async def register_hashed(
    uow: AccountsUnitOfWork,
    email: str,
    password_hash: str,
    display_name: str,
    *,
    text: TextEngine,
    is_operator: bool = False,
    verified: bool = True,
) -> User:
    """A new account whose password is hashed already (the caller commits); a reader
    signing up on a site is ``verified=False`` until the address is confirmed.

    The handle is the display name's slug; when another transaction takes the same one
    between our check and our insert, the insert is retried with a random suffix.
    """
    email = normalise_email(email)
    if await uow.users.by_email(email):
        raise Conflict("An account with this e-mail exists already: sign in instead.")
    display_name = display_name.strip() or email.split("@")[0]
    base = handle_base(display_name, text)
    user = User(
        id=uuid4(),
        email=email,
        display_name=display_name,
        handle=await free_handle(uow, display_name, text),
        password_hash=password_hash,
        is_operator=is_operator,
        is_active=True,
        token_version=1,
        created_at=clock.now(),
    )
    user.email_verified_at = user.created_at if verified else None
    for _ in range(HANDLE_ATTEMPTS):
        if await uow.users.add_unless_handle_taken(user):
            return user
        user.handle = f"{base}-{secrets.token_hex(3)}"
    raise Conflict("No free author handle was found for this display name; try another.")


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
    units: UnitsOfWork, hasher: PasswordHasher, email: str, password: str
) -> User:
    """The same answer, and the same work, for an unknown e-mail and a wrong password.

    The user is read in a short transaction of its own: the hash is checked while no
    database connection is held."""
    async with units() as uow:
        user = await uow.users.by_email(normalise_email(email))
    if user is None:
        await hasher.verify_dummy(password)
        raise Unauthenticated("Wrong e-mail or password.")
    if not await hasher.verify(user.password_hash, password) or not user.is_active:
        raise Unauthenticated("Wrong e-mail or password.")
    return user


async def still_signed_in(uow: AccountsUnitOfWork, checked: User) -> User:
    """The user whose password was checked outside this transaction, unless the password
    changed or the account was disabled meanwhile."""
    user = await uow.users.get(checked.id)
    if user is None or not user.is_active or user.password_hash != checked.password_hash:
        raise Unauthenticated("Wrong e-mail or password.")
    return user


async def sign_in(
    units: UnitsOfWork,
    hasher: PasswordHasher,
    sessions: SessionIssuer,
    email: str,
    password: str,
) -> TokenPair:
    """E-mail and password in, a new session out: read, check the hash with no
    connection held, then write the session in a second short transaction."""
    checked = await authenticate(units, hasher, email, password)
    async with units() as uow:
        user = await still_signed_in(uow, checked)
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


async def current_user(
    uow: AccountsUnitOfWork, user_id: UUID, token_version: int, session_id: UUID
) -> User:
    """The user behind an access token, if the token is still honoured: the account is
    active, its token version unchanged, and the token's session not signed out nor
    revoked for reuse. One look-up."""
    found = await uow.users.in_session(user_id, session_id)
    if found is None:
        raise Unauthenticated("The access token has been revoked.")
    user, session_revoked = found
    if session_revoked or not user.is_active or user.token_version != token_version:
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
