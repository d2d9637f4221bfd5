"""Password reset by mail on a public site (ask for a link, then set a new password), and
the built-in catcher's mailbox for operators and development."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Query, Request, Response

from api.access import (
    Contributes,
    OpenCaller,
    OpenCallerWithTransaction,
    PrincipalDep,
    ServicesDep,
    TenantActor,
    TenantSlug,
    client_ip,
)
from api.adapters import mail_catcher
from api.bootstrap import Services, mail_key
from api.kit.routing import new_router
from api.mail import unsubscribe
from api.mail.schemas import (
    CaughtMailRead,
    EmailChangeConfirm,
    EmailChangeRequest,
    EmailVerification,
    NotificationsRead,
    NotificationsUpdate,
    PasswordResetConfirm,
    PasswordResetRequest,
    UnsubscribeRead,
)
from auth.secrets import new_token, token_hash
from domain.accounts.model import normalise_email
from domain.kernel.access import Action, Principal
from domain.kernel.errors import Forbidden, NotFound, RateLimited, Unauthenticated
from domain.mail import email_change, use_cases

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
    await use_cases.accept_password_reset_request(caller.work, tenant, str(body.email), body.page)
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


@router.post(
    "/sites/{tenant}/verify-email",
    operation_id="sites-verify-email",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def verify_email(
    tenant: TenantSlug,
    body: EmailVerification,
    _credentials: PrincipalDep,
    caller: OpenCallerWithTransaction,
) -> Response:
    """Confirm a reader's e-mail address with the token of the mail sent at sign-up
    (once, no sign-in needed)."""
    caller.work.public_site_unchanged()
    await use_cases.verify_email(caller.work, tenant, token_hash(body.token))
    return Response(status_code=204)


@router.post(
    "/sites/{tenant}/unsubscribe",
    operation_id="sites-unsubscribe",
    response_model=UnsubscribeRead,
    responses=PROBLEMS,
)
async def unsubscribe_one_click(
    tenant: TenantSlug,
    token: Annotated[str, Query(min_length=1, max_length=200)],
    services: ServicesDep,
    _credentials: PrincipalDep,
    caller: OpenCallerWithTransaction,
) -> UnsubscribeRead:
    """RFC 8058 one-click unsubscribe: the address of a notification's
    `List-Unsubscribe` header (a mail client POSTs `List-Unsubscribe=One-Click` to it;
    the body is not needed), also called by the unsubscribe page. No sign-in: the signed
    token names the person and the notification."""
    caller.work.public_site_unchanged()
    kind = await use_cases.unsubscribe(
        caller.work,
        tenant,
        lambda tenant_id: unsubscribe.read(mail_key(services.settings), tenant_id, token),
    )
    return UnsubscribeRead(notification=kind.value, enabled=False)


# Any signed-in member of the site, whatever their role (readers and staff alike).
SignedInMember = Annotated[TenantActor, Contributes(Action.COMMENT_RATE)]
MEMBER_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Not a member of this site"},
    404: {"description": "No such site"},
    422: {"description": "Invalid input"},
}


@router.get(
    "/sites/{tenant}/me/notifications",
    operation_id="sites-notifications-get",
    response_model=NotificationsRead,
    responses=MEMBER_PROBLEMS,
)
async def get_notifications(tenant: TenantSlug, ctx: SignedInMember) -> NotificationsRead:
    """The notifications the signed-in member gets by mail on this site (all on unless
    turned off here or by an unsubscribe link)."""
    ctx.uow.public_site_unchanged()
    return NotificationsRead(**await use_cases.my_notifications(ctx.uow, ctx.actor))


@router.patch(
    "/sites/{tenant}/me/notifications",
    operation_id="sites-notifications-update",
    response_model=NotificationsRead,
    responses=MEMBER_PROBLEMS,
)
async def update_notifications(
    tenant: TenantSlug, body: NotificationsUpdate, ctx: SignedInMember
) -> NotificationsRead:
    """Turn notifications on or off; fields left out stay as they are."""
    ctx.uow.public_site_unchanged()
    changes = {k: v for k, v in body.model_dump(exclude_none=True).items()}
    return NotificationsRead(**await use_cases.set_my_notifications(ctx.uow, ctx.actor, changes))


@router.post(
    "/sites/{tenant}/me/email",
    operation_id="sites-email-change-request",
    status_code=202,
    response_class=Response,
    responses={
        **MEMBER_PROBLEMS,
        403: {"description": "Not a member of this site, or a wrong current password"},
        422: {"description": "Invalid input, or the account's own address"},
        429: {"description": "Too many requests"},
    },
)
async def request_email_change(
    tenant: TenantSlug,
    body: EmailChangeRequest,
    services: ServicesDep,
    ctx: SignedInMember,
) -> Response:
    """Ask to move the signed-in account to another address (the current password is
    needed). A link to confirm goes to the new address, a notice to the current one;
    nothing changes until the link is followed. The answer is the same whether or not
    the new address already has an account (that address is told by mail, with no link)."""
    assert ctx.actor.user_id is not None
    ctx.uow.public_site_unchanged()
    settings = services.settings
    verdict = await services.limiter.hit(
        "email-change",
        str(ctx.actor.user_id),
        settings.email_change_requests_per_account_per_minute,
    )
    if not verdict.allowed:
        raise RateLimited(
            "Too many address changes asked; wait a little.",
            retry_after_seconds=verdict.retry_after,
        )
    token = new_token()
    await email_change.request_email_change(
        ctx.uow,
        services.hasher,
        ctx.actor,
        str(body.new_email),
        body.current_password,
        token,
        token_hash(token),
        timedelta(seconds=settings.email_change_ttl_seconds),
        settings.email_changes_per_account_per_hour,
    )
    return Response(status_code=202)


@router.post(
    "/sites/{tenant}/email-change/confirm",
    operation_id="sites-email-change-confirm",
    status_code=204,
    response_class=Response,
    responses={**PROBLEMS, 409: {"description": "The address belongs to another account"}},
)
async def confirm_email_change(
    tenant: TenantSlug,
    body: EmailChangeConfirm,
    _credentials: PrincipalDep,
    caller: OpenCallerWithTransaction,
) -> Response:
    """Apply an address change with the token of the link mailed to the new address
    (once, no sign-in needed). Every session of the account ends: sign in again with
    the new address."""
    caller.work.public_site_unchanged()
    await email_change.confirm_email_change(caller.work, tenant, token_hash(body.token))
    return Response(status_code=204)


@router.get(
    "/mail-catcher/messages",
    operation_id="mail-catcher-list",
    response_model=list[CaughtMailRead],
    responses={
        401: {"description": "Not signed in"},
        403: {"description": "Operators only (outside development)"},
        404: {"description": "No catcher runs"},
    },
    tags=["meta"],
)
async def caught_mail(
    services: ServicesDep, principal: PrincipalDep, _open: OpenCaller
) -> list[CaughtMailRead]:
    """What the built-in mail catcher received, newest first (200 at most). Open to
    anyone in development, so a reset link of the demo can be followed without a
    session; to operators only elsewhere."""
    settings = services.settings
    if not settings.catcher_enabled:
        raise NotFound("No mail catcher runs here: mail goes to the configured SMTP server.")
    _may_read_catcher(principal, settings.environment)
    return [
        CaughtMailRead(
            id=c.key,
            received_at=datetime.fromtimestamp(c.received, UTC),
            sender=c.sender,
            to=c.to,
            subject=c.subject,
            message_id=c.message_id,
            list_unsubscribe=c.list_unsubscribe,
            text=c.text,
            html=c.html,
        )
        for c in mail_catcher.caught(settings)
    ]


def _may_read_catcher(principal: Principal, environment: str) -> None:
    if environment == "development" or principal.is_operator:
        return
    if principal.user_id is None and principal.key_id is None:
        raise Unauthenticated("Sign in first.")
    raise Forbidden("Only platform operators may read the caught mail.")
