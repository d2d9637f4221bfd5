"""Sign-in, refresh, sign-out, the signed-in user's own account (``/v1/me``), and
readers signing up on a public site (``/v1/sites/{tenant}/signup``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import Form, Request, Response

from api.access import (
    OpenCallerWithShortTransactions,
    OpenCallerWithTransaction,
    PrincipalDep,
    ServicesDep,
    SignedInCaller,
    TenantSlug,
    client_ip,
)
from api.accounts.schemas import (
    MembershipRead,
    MeRead,
    MeUpdate,
    PasswordChange,
    RefreshRequest,
    SignUp,
    TokenPairRead,
)
from api.bootstrap import Services
from api.kit.routing import new_router
from auth.secrets import new_token, token_hash
from domain.accounts import use_cases
from domain.accounts.model import normalise_email
from domain.kernel.access import Actor, Principal
from domain.kernel.errors import RateLimited
from domain.licensing.limits import PlanLicence
from domain.members import use_cases as members
from domain.moderation.policy import opens_the_queue

router = new_router()

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Wrong credentials"},
    422: {"description": "Invalid input"},
    429: {"description": "Too many attempts"},
}


async def _limit_sign_in(services: Services, ip: str, email: str) -> None:
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


# The open routes still read the credentials (``PrincipalDep``), as they always did: a
# malformed ``Authorization`` header is a 401 everywhere, never silently ignored.


# --- sessions -------------------------------------------------------------------------


@router.post(
    "/auth/token",
    operation_id="auth-token",
    response_model=TokenPairRead,
    responses=PROBLEMS,
    tags=["auth"],
)
async def sign_in(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=254, description="The e-mail.")],
    password: Annotated[str, Form(min_length=1, max_length=256)],
    services: ServicesDep,
    _credentials: PrincipalDep,
    caller: OpenCallerWithShortTransactions,
) -> TokenPairRead:
    """OAuth2 password grant: e-mail and password in a form; an access and a refresh token out."""
    await _limit_sign_in(services, client_ip(request), username)
    pair = await use_cases.sign_in(
        caller.quiet_short_units, services.hasher, services.sessions, username, password
    )
    return TokenPairRead.of(pair)


@router.post(
    "/auth/refresh",
    operation_id="auth-refresh",
    response_model=TokenPairRead,
    responses=PROBLEMS,
    tags=["auth"],
)
async def refresh(
    body: RefreshRequest,
    services: ServicesDep,
    _credentials: PrincipalDep,  # before the gate's transaction: never two at once
    caller: OpenCallerWithTransaction,
) -> TokenPairRead:
    """Trade a refresh token for a new pair. The old one is spent; reusing it ends the session."""
    caller.work.public_site_unchanged()
    pair = await use_cases.refresh_session(caller.work, services.sessions, body.refresh_token)
    return TokenPairRead.of(pair)


@router.post(
    "/auth/revoke",
    operation_id="auth-revoke",
    status_code=204,
    response_class=Response,
    tags=["auth"],
)
async def revoke(
    body: RefreshRequest,
    services: ServicesDep,
    _credentials: PrincipalDep,  # before the gate's transaction: never two at once
    caller: OpenCallerWithTransaction,
) -> Response:
    """Sign out: the refresh token and its whole family stop working."""
    caller.work.public_site_unchanged()
    await use_cases.sign_out(caller.work, services.sessions, body.refresh_token)
    return Response(status_code=204)


# --- the signed-in user ---------------------------------------------------------------


def _me(account: members.Account) -> MeRead:
    user = account.user
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
            for m, tenant in account.memberships
        ],
    )


@router.get(
    "/me",
    operation_id="me-get",
    response_model=MeRead,
    responses={401: {"description": "Not signed in"}},
    tags=["auth"],
)
async def get_me(caller: SignedInCaller) -> MeRead:
    """The signed-in user and the tenants they belong to, with their role in each."""
    assert caller.principal.user_id is not None
    return _me(await members.my_account(caller.work, caller.principal.user_id))


@router.patch(
    "/me",
    operation_id="me-update",
    response_model=MeRead,
    responses={401: {"description": "Not signed in"}},
    tags=["auth"],
)
async def update_me(body: MeUpdate, caller: SignedInCaller) -> MeRead:
    assert caller.principal.user_id is not None
    account = await members.update_my_account(
        caller.work, caller.principal.user_id, body.display_name
    )
    return _me(account)


@router.post(
    "/me/password",
    operation_id="me-change-password",
    response_model=TokenPairRead,
    responses={
        401: {"description": "Not signed in"},
        403: {"description": "Wrong current password"},
    },
    tags=["auth"],
)
async def change_password(
    body: PasswordChange, caller: SignedInCaller, services: ServicesDep
) -> TokenPairRead:
    """Change the password. Every other session ends; a fresh pair for this one is returned."""
    assert caller.principal.user_id is not None
    caller.work.public_site_unchanged()
    pair = await use_cases.change_password(
        caller.work,
        services.hasher,
        services.sessions,
        caller.principal.user_id,
        body.current_password,
        body.new_password,
    )
    return TokenPairRead.of(pair)


# --- readers signing up on a public site ----------------------------------------------


@router.post(
    "/sites/{tenant}/signup",
    operation_id="sites-signup",
    status_code=201,
    response_model=TokenPairRead,
    responses={
        403: {"description": "Sign-up closed"},
        404: {"description": "No such site"},
        409: {"description": "E-mail taken"},
        422: {"description": "Invalid input"},
        429: {"description": "Too many attempts"},
    },
    tags=["sites"],
)
async def sign_up(
    request: Request,
    tenant: TenantSlug,
    body: SignUp,
    services: ServicesDep,
    _credentials: PrincipalDep,
    caller: OpenCallerWithShortTransactions,
) -> TokenPairRead:
    """A reader creates an account on a site that allows it (or joins with an existing one).
    A new account gets a mail to confirm its address; until then its comments follow the
    site's policy for anonymous ones."""
    # An existing account joins with its password: the sign-in limits apply.
    await _limit_sign_in(services, client_ip(request), str(body.email))
    pair = await members.sign_up_reader(
        caller.quiet_short_units,
        PlanLicence,
        services.hasher,
        services.text,
        services.sessions,
        tenant,
        str(body.email),
        body.password,
        body.display_name,
        verification=(
            token := new_token(),
            token_hash(token),
            timedelta(seconds=services.settings.email_verification_ttl_seconds),
        ),
    )
    return TokenPairRead.of(pair)
