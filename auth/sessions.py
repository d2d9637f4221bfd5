"""Sign-in sessions: an access JWT plus an opaque refresh token, issued here; the rules
of rotation and reuse are the accounts use cases' (``refresh_session``, ``sign_out``)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

from auth.jwt_tokens import KeyRing
from auth.secrets import new_token, token_hash
from domain.accounts.model import TokenPair, User
from domain.accounts.ports import AccountsUnitOfWork
from domain.kernel import clock


class Sessions:
    """Implements ``domain.accounts.ports.SessionIssuer``."""

    def __init__(self, keyring: KeyRing, refresh_ttl_seconds: int):
        self.keyring = keyring
        self.refresh_ttl = timedelta(seconds=refresh_ttl_seconds)

    async def open(
        self, uow: AccountsUnitOfWork, user: User, family_id: UUID | None = None
    ) -> TokenPair:
        """Issue a pair; the caller commits. The access token names its session (the
        refresh family) and is refused once that family is revoked."""
        family_id = family_id or uuid4()
        access, expires_in = self.keyring.issue(user.id, user.token_version, family_id)
        refresh = new_token()
        await uow.refresh_tokens.add(
            uuid4(),
            user.id,
            family_id,
            token_hash(refresh),
            clock.now() + self.refresh_ttl,
        )
        return TokenPair(access, expires_in, refresh)

    def digest(self, refresh_token: str) -> bytes:
        """What is stored of a refresh token: its hash."""
        return token_hash(refresh_token)
