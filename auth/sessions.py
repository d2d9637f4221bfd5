"""Sign-in sessions: an access JWT plus an opaque refresh token, rotated on every use.

Refresh tokens of one sign-in form a *family*. Presenting a token that was already
used means it was copied: the whole family is revoked, the thief's and the owner's.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from auth.jwt_tokens import KeyRing
from auth.secrets import new_token, token_hash
from domain.accounts.model import TokenPair, User
from domain.accounts.ports import AccountsUnitOfWork
from domain.kernel import clock
from domain.kernel.errors import Unauthenticated


class Sessions:
    """Implements ``domain.accounts.ports.SessionIssuer``."""

    def __init__(self, keyring: KeyRing, refresh_ttl_seconds: int):
        self.keyring = keyring
        self.refresh_ttl = timedelta(seconds=refresh_ttl_seconds)

    async def open(
        self, uow: AccountsUnitOfWork, user: User, family_id: UUID | None = None
    ) -> TokenPair:
        """Issue a pair; the caller commits."""
        access, expires_in = self.keyring.issue(user.id, user.token_version)
        refresh = new_token()
        await uow.refresh_tokens.add(
            uuid4(),
            user.id,
            family_id or uuid4(),
            token_hash(refresh),
            clock.now() + self.refresh_ttl,
        )
        return TokenPair(access, expires_in, refresh)

    async def rotate(self, uow: AccountsUnitOfWork, refresh_token: str) -> TokenPair:
        row = await uow.refresh_tokens.by_hash(token_hash(refresh_token), lock=True)
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
        pair = await self.open(uow, user, family_id=row["family_id"])
        await uow.commit()
        return pair

    async def revoke(self, uow: AccountsUnitOfWork, refresh_token: str) -> None:
        """Sign out: the token's family ends. Unknown tokens are ignored (idempotent)."""
        row = await uow.refresh_tokens.by_hash(token_hash(refresh_token))
        if row is not None:
            await uow.refresh_tokens.revoke_family(row["family_id"], clock.now())
            await uow.commit()
