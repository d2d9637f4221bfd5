"""Sign-in, refresh, sign-out, and the signed-in user's own account (``/v1/me``)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Form, Request, Response
from pydantic import Field

from api.access import ServicesDep, UowDep, UserPrincipalDep, client_ip
from api.kit.routing import new_router
from api.kit.schemas import Name, Password, StrictModel
from domain.identity import use_cases
from domain.identity.model import normalise_email
from domain.kernel.access import Actor, Principal
from domain.kernel.errors import RateLimited, Unauthenticated
from domain.moderation.policy import opens_the_queue

router = new_router(tags=["auth"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Wrong credentials"},
    422: {"description": "Invalid input"},
    429: {"description": "Too many attempts"},
}


class TokenPairRead(StrictModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class RefreshRequest(StrictModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)]


class MembershipRead(StrictModel):
    tenant: str
    tenant_name: str
    role: str
    moderates: bool = Field(
        description="Whether this member may read the moderation queue: moderators and "
        "above always, authors (their own posts' comments) when the tenant's "
        "`authors_moderate_own_posts` is on."
    )


class MeRead(StrictModel):
    id: UUID
    email: str
    display_name: str
    is_operator: bool
    memberships: list[MembershipRead]


class MeUpdate(StrictModel):
    display_name: Name | None = None


class PasswordChange(StrictModel):
    current_password: Password
    new_password: Password


async def _limit_sign_in(services: ServicesDep, ip: str, email: str) -> None:
    settings = services.settings
    for namespace, key, limit in (
        ("sign-in-ip", ip, settings.sign_in_per_ip_per_minute),
        ("sign-in-account", normalise_email(email), settings.sign_in_per_account_per_minute),
    ):
        verdict = await services.limiter.hit(namespace, key, limit)
        if not verdict.allowed:
            raise RateLimited(
                "Too many sign-in attempts; wait a little.", retry_after_seconds=verdict.retry_after
            )


@router.post(
    "/auth/token", operation_id="auth-token", response_model=TokenPairRead, responses=PROBLEMS
)
async def sign_in(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=254, description="The e-mail.")],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    services: ServicesDep,
    uow: UowDep,
) -> TokenPairRead:
    """OAuth2 password grant: e-mail and password in a form; an access and a refresh token out."""
    await _limit_sign_in(services, client_ip(request), username)
    async with uow:
        user = await use_cases.authenticate(uow, services.hasher, username, password)
        pair = await services.sessions.open(uow, user)
        await uow.commit()
    return TokenPairRead(**vars(pair))


@router.post(
    "/auth/refresh", operation_id="auth-refresh", response_model=TokenPairRead, responses=PROBLEMS
)
async def refresh(body: RefreshRequest, services: ServicesDep, uow: UowDep) -> TokenPairRead:
    """Trade a refresh token for a new pair. The old one is spent; reusing it ends the session."""
    async with uow:
        pair = await services.sessions.rotate(uow, body.refresh_token)
    return TokenPairRead(**vars(pair))


@router.post("/auth/revoke", operation_id="auth-revoke", status_code=204, response_class=Response)
async def revoke(body: RefreshRequest, services: ServicesDep, uow: UowDep) -> Response:
    """Sign out: the refresh token and its whole family stop working."""
    async with uow:
        await services.sessions.revoke(uow, body.refresh_token)
    return Response(status_code=204)


async def _me(uow: UowDep, user_id: UUID) -> MeRead:
    user = await uow.users.get(user_id)
    if user is None:
        raise Unauthenticated("Sign in again.")
    memberships = await uow.memberships.for_user(user.id)
    return MeRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        is_operator=user.is_operator,
        memberships=[
            MembershipRead(
                tenant=tenant.slug,
                tenant_name=tenant.name,
                role=m.role.value,
                moderates=opens_the_queue(
                    Actor(Principal(user.id, user.is_operator), tenant.id, m.role), tenant.settings
                ),
            )
            for m, tenant in memberships
        ],
    )


@router.get(
    "/me",
    operation_id="me-get",
    response_model=MeRead,
    responses={401: {"description": "Not signed in"}},
)
async def get_me(principal: UserPrincipalDep, uow: UowDep) -> MeRead:
    """The signed-in user and the tenants they belong to, with their role in each."""
    async with uow:
        assert principal.user_id is not None
        return await _me(uow, principal.user_id)


@router.patch(
    "/me",
    operation_id="me-update",
    response_model=MeRead,
    responses={401: {"description": "Not signed in"}},
)
async def update_me(body: MeUpdate, principal: UserPrincipalDep, uow: UowDep) -> MeRead:
    async with uow:
        assert principal.user_id is not None
        user = await uow.users.get(principal.user_id)
        assert user is not None
        await use_cases.update_profile(uow, user, body.display_name)
    async with uow:
        return await _me(uow, principal.user_id)


@router.post(
    "/me/password",
    operation_id="me-change-password",
    response_model=TokenPairRead,
    responses={
        401: {"description": "Not signed in"},
        403: {"description": "Wrong current password"},
    },
)
async def change_password(
    body: PasswordChange, principal: UserPrincipalDep, services: ServicesDep, uow: UowDep
) -> TokenPairRead:
    """Change the password. Every other session ends; a fresh pair for this one is returned."""
    async with uow:
        assert principal.user_id is not None
        user = await uow.users.get(principal.user_id)
        assert user is not None
        user = await use_cases.change_password(
            uow, services.hasher, user, body.current_password, body.new_password
        )
        pair = await services.sessions.open(uow, user)
        await uow.commit()
    return TokenPairRead(**vars(pair))
