"""Public, per-site endpoints for readers: sign-up (content endpoints join here later)."""

from __future__ import annotations

from fastapi import Request

from api.access import ServicesDep, TenantSlug, UowDep, client_ip
from api.kit.routing import new_router
from api.kit.schemas import Email, Name, Password, StrictModel
from api.routers.auth import TokenPairRead, _limit_sign_in
from domain.identity import use_cases
from domain.kernel.errors import NotFound
from domain.licensing.quotas import require_site_online

router = new_router(tags=["sites"])


class SignUp(StrictModel):
    email: Email
    password: Password
    display_name: Name


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
)
async def sign_up(
    request: Request, tenant: TenantSlug, body: SignUp, services: ServicesDep, uow: UowDep
) -> TokenPairRead:
    """A reader creates an account on a site that allows it (or joins with an existing one)."""
    # An existing account joins with its password: the sign-in limits apply.
    await _limit_sign_in(services, client_ip(request), str(body.email))
    async with uow:
        found = await uow.tenants.by_slug(tenant)
        if found is None:
            raise NotFound("No such site.")
        await uow.set_tenant(found.id)
        await require_site_online(uow, found.id)
        user = await use_cases.sign_up_reader(
            uow,
            services.hasher,
            found,
            str(body.email),
            body.password,
            body.display_name,
            text=services.text,
        )
        pair = await services.sessions.open(uow, user)
        await uow.commit()
    return TokenPairRead(**vars(pair))
