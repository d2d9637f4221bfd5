"""Password reset by mail on a public site: ask for a link, then set a new password."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request, Response

from api.access import (
    OpenCallerWithTransaction,
    PrincipalDep,
    ServicesDep,
    TenantSlug,
    client_ip,
)
from api.bootstrap import Services
from api.kit.routing import new_router
from api.mail.schemas import PasswordResetConfirm, PasswordResetRequest
from auth.secrets import new_token, token_hash
from domain.accounts.model import normalise_email
from domain.kernel.errors import RateLimited
from domain.mail import use_cases

router = new_router(tags=["auth"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such site"},
    422: {"description": "Invalid input, or a used, expired or unknown token"},
    429: {"description": "Too many requests"},
}


async def _limit(services: Services, ip: str, email: str) -> None:
    settings = services.settings
    for namespace, key, limit in (
        ("reset-ip", ip, settings.sign_in_per_ip_per_minute),
        (
            "reset-address",
            normalise_email(email),
            settings.password_reset_requests_per_address_per_minute,
        ),
    ):
        verdict = await services.limiter.hit(namespace, key, limit)
        if not verdict.allowed:
            raise RateLimited(
                "Too many reset requests; wait a little.", retry_after_seconds=verdict.retry_after
            )


@router.post(
    "/sites/{tenant}/password-reset",
    operation_id="sites-password-reset-request",
    status_code=202,
    response_class=Response,
    responses=PROBLEMS,
)
async def request_reset(
    request: Request,
    tenant: TenantSlug,
    body: PasswordResetRequest,
    services: ServicesDep,
    _credentials: PrincipalDep,
    caller: OpenCallerWithTransaction,
) -> Response:
    """Ask for a reset link by mail. The answer is the same whether or not the address
    has an account on this site: 202, and a mail only when it has."""
    await _limit(services, client_ip(request), str(body.email))
    caller.work.public_site_unchanged()
    token = new_token()
    await use_cases.request_password_reset(
        caller.work,
        tenant,
        str(body.email),
        token,
        token_hash(token),
        timedelta(seconds=services.settings.password_reset_ttl_seconds),
        services.settings.password_resets_per_address_per_hour,
    )
    return Response(status_code=202)


@router.post(
    "/sites/{tenant}/password-reset/confirm",
    operation_id="sites-password-reset-confirm",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def confirm_reset(
    tenant: TenantSlug,
    body: PasswordResetConfirm,
    services: ServicesDep,
    _credentials: PrincipalDep,
    caller: OpenCallerWithTransaction,
) -> Response:
    """Set a new password with the link's token (once). Every session of the account
    ends; sign in again with the new password."""
    caller.work.public_site_unchanged()
    await use_cases.reset_password(
        caller.work, services.hasher, tenant, token_hash(body.token), body.new_password
    )
    return Response(status_code=204)
