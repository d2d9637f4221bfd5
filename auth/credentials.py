"""Turn an ``Authorization`` header into a ``Principal``: a user or an API-key service."""

from __future__ import annotations

from typing import Protocol

from auth.jwt_tokens import InvalidToken, KeyRing
from auth.secrets import same_hash, split_api_key, token_hash
from domain.accounts.ports import AccountsUnitOfWork
from domain.accounts.use_cases import current_user
from domain.kernel.access import ANONYMOUS, Principal
from domain.kernel.errors import Unauthenticated
from domain.tenants.ports import ApiKeyRepository

API_KEY_PREFIX = "cau_"  # every API key starts so; anything else is an access token


class CredentialsUnitOfWork(AccountsUnitOfWork, Protocol):
    """Where credentials are checked: users (access tokens) and API keys."""

    @property
    def api_keys(self) -> ApiKeyRepository: ...


async def resolve_principal(
    uow: CredentialsUnitOfWork, keyring: KeyRing, authorization: str | None
) -> Principal:
    """No header: anonymous. A bad header: ``Unauthenticated`` (never anonymous)."""
    if not authorization:
        return ANONYMOUS
    scheme, _, credential = authorization.partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        raise Unauthenticated("Use 'Authorization: Bearer <token or API key>'.")
    if credential.startswith(API_KEY_PREFIX):
        return await _api_key_principal(uow, credential)
    try:
        claims = keyring.verify(credential)
    except InvalidToken as exc:
        raise Unauthenticated("The access token is invalid or expired.") from exc
    user = await current_user(uow, claims.user_id, claims.token_version, claims.session_id)
    return Principal(user_id=user.id, is_operator=user.is_operator)


async def _api_key_principal(uow: CredentialsUnitOfWork, key: str) -> Principal:
    prefix = split_api_key(key)
    found = await uow.api_keys.find(prefix, token_hash(key)) if prefix else None
    if found is None:
        raise Unauthenticated("Unknown API key.")
    key_id, tenant_id, secret_hash, scopes, revoked_at = found
    if revoked_at is not None or not same_hash(secret_hash, key):
        raise Unauthenticated("Unknown API key.")
    await uow.api_keys.touch(tenant_id, key_id)
    return Principal(key_id=key_id, key_tenant_id=tenant_id, scopes=frozenset(scopes))
