"""Public, per-site endpoints for readers: sign-up (content endpoints join here later)."""

from __future__ import annotations

from api.deps import ServicesDep, TenantSlug, UowDep
from api.routers.auth import TokenPairRead
from api.routing import new_router
from api.schemas import Email, Name, Password, StrictModel
from domain.errors import NotFound
from domain.identity import use_cases

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
    },
)
async def sign_up(
    tenant: TenantSlug, body: SignUp, services: ServicesDep, uow: UowDep
) -> TokenPairRead:
    """A reader creates an account on a site that allows it (or joins with an existing one)."""
    async with uow:
        found = await uow.tenants.by_slug(tenant)
        if found is None:
            raise NotFound("No such site.")
        await uow.set_tenant(found.id)
        user = await use_cases.sign_up_reader(
            uow, services.hasher, found, str(body.email), body.password, body.display_name
        )
        pair = await services.sessions.open(uow, user)
        await uow.commit()
    return TokenPairRead(**vars(pair))
