"""API keys: tenant keys (content:read for client front-ends) and platform keys (billing)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Response
from pydantic import Field

from api.access import PrincipalDep, TenantSlug, UowDep, UserPrincipalDep
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, StrictModel
from auth.secrets import new_api_key, token_hash
from domain.identity import use_cases
from domain.identity.model import ApiKey
from domain.kernel.access import Action, Actor, Scope, require
from domain.kernel.errors import Forbidden

router = new_router(tags=["api-keys"])

ScopeName = Literal["billing", "content:read"]


class ApiKeyCreate(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    scopes: Annotated[list[ScopeName], Field(min_length=1, max_length=4)]


class ApiKeyRead(StrictModel):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyRead:
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            scopes=[s.value for s in key.scopes],
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyRead):
    secret: str = Field(description="The whole key. Shown this once; only its hash is kept.")


async def _create(
    uow: UowDep, actor: Actor | None, principal: PrincipalDep, body: ApiKeyCreate
) -> ApiKeyCreated:
    secret, prefix = new_api_key()
    key = await use_cases.create_api_key(
        uow,
        actor,
        principal,
        body.name,
        [Scope(s) for s in body.scopes],
        prefix,
        token_hash(secret),
    )
    return ApiKeyCreated(**ApiKeyRead.of(key).model_dump(), secret=secret)


@router.get(
    "/tenants/{tenant}/api-keys",
    operation_id="api-keys-list",
    response_model=list[ApiKeyRead],
    responses=ADMIN_PROBLEMS,
)
async def list_keys(tenant: TenantSlug, principal: PrincipalDep, uow: UowDep) -> list[ApiKeyRead]:
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        require(actor, Action.MANAGE_TENANT)
        return [ApiKeyRead.of(k) for k in await uow.api_keys.all_for(actor.tenant_id)]


@router.post(
    "/tenants/{tenant}/api-keys",
    operation_id="api-keys-create",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=ADMIN_PROBLEMS,
)
async def create_key(
    tenant: TenantSlug, body: ApiKeyCreate, principal: PrincipalDep, uow: UowDep
) -> ApiKeyCreated:
    """A key for the tenant's own front-ends or integrations (scope ``content:read``)."""
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        return await _create(uow, actor, principal, body)


@router.delete(
    "/tenants/{tenant}/api-keys/{key_id}",
    operation_id="api-keys-revoke",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
)
async def revoke_key(
    tenant: TenantSlug, key_id: UUID, principal: PrincipalDep, uow: UowDep
) -> Response:
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        await use_cases.revoke_api_key(uow, actor, principal, key_id)
    return Response(status_code=204)


def _operator_only(principal: PrincipalDep) -> None:
    if not principal.is_operator:
        raise Forbidden("Only platform operators manage platform keys.")


@router.get(
    "/api-keys",
    operation_id="platform-api-keys-list",
    response_model=list[ApiKeyRead],
    responses=ADMIN_PROBLEMS,
)
async def list_platform_keys(principal: UserPrincipalDep, uow: UowDep) -> list[ApiKeyRead]:
    _operator_only(principal)
    async with uow:
        return [ApiKeyRead.of(k) for k in await uow.api_keys.all_for(None)]


@router.post(
    "/api-keys",
    operation_id="platform-api-keys-create",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=ADMIN_PROBLEMS,
)
async def create_platform_key(
    body: ApiKeyCreate, principal: UserPrincipalDep, uow: UowDep
) -> ApiKeyCreated:
    """A platform key, for example the billing system's (scope ``billing``)."""
    _operator_only(principal)
    async with uow:
        return await _create(uow, None, principal, body)


@router.delete(
    "/api-keys/{key_id}",
    operation_id="platform-api-keys-revoke",
    status_code=204,
    response_class=Response,
    responses=ADMIN_PROBLEMS,
)
async def revoke_platform_key(key_id: UUID, principal: UserPrincipalDep, uow: UowDep) -> Response:
    _operator_only(principal)
    async with uow:
        await use_cases.revoke_api_key(uow, None, principal, key_id)
    return Response(status_code=204)
