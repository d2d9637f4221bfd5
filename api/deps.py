"""Dependencies that build what a route needs: the principal and a unit of work."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Security
from fastapi.security import HTTPBearer

from api.services import Services
from auth.credentials import resolve_principal
from domain.errors import Unauthenticated
from domain.identity.policy import ANONYMOUS, Principal
from persistence.uow import SqlUnitOfWork

# Documents the scheme in OpenAPI; the header itself is parsed in resolve_principal so
# that a malformed one is a 401, never a silent downgrade to anonymous.
_bearer = HTTPBearer(auto_error=False, description="An access token or an API key (cau_…).")


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def client_ip(request: Request) -> str:
    return getattr(request.state, "client_ip", None) or "unknown"


async def get_principal(request: Request, _: object = Security(_bearer)) -> Principal:
    authorization = request.headers.get("authorization")
    if authorization is None:  # anonymous: no database round trip at all
        return ANONYMOUS
    services = get_services(request)
    async with SqlUnitOfWork(request.app.state.db, request_id=request_id(request)) as uow:
        principal = await resolve_principal(
            uow, services.keyring, request.headers.get("authorization")
        )
        if principal.is_service:
            await uow.commit()  # keeps the key's last-used time
    return principal


async def get_user_principal(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if principal.user_id is None:
        raise Unauthenticated("Sign in first.")
    return principal


# Dependencies are ``async def`` even when they do not await: FastAPI runs a plain
# ``def`` dependency in its thread pool, a thread hop on every request.


async def get_uow(
    request: Request, principal: Annotated[Principal, Depends(get_principal)]
) -> SqlUnitOfWork:
    return SqlUnitOfWork(
        request.app.state.db, user_id=principal.user_id, request_id=request_id(request)
    )


async def _services(request: Request) -> Services:
    return get_services(request)


ServicesDep = Annotated[Services, Depends(_services)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
UserPrincipalDep = Annotated[Principal, Depends(get_user_principal)]
UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
TenantSlug = Annotated[
    str,
    Path(
        min_length=2,
        max_length=63,
        pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
        description="The tenant's slug.",
    ),
]
