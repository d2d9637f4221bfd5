"""Webhooks: a tenant's endpoints (create, list, get, update, delete, rotate the secret)
and their delivery log (list, one attempt with its request and answer, resend, send a
test event). Owners and managers (and operators), on plans with the ``webhooks`` feature
(402 ``feature_not_in_plan`` otherwise); another tenant's endpoint is a 404."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Request, Response

from api.access import Requires, ServicesDep, TenantActor, TenantSlug
from api.adapters import outbound_http
from api.bootstrap import Services
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from api.webhooks.schemas import (
    DeliveryDetail,
    DeliveryRead,
    EndpointCreate,
    EndpointRead,
    EndpointUpdate,
    EndpointWithSecret,
)
from domain.kernel.access import Action
from domain.kernel.errors import InvalidInput
from domain.webhooks import use_cases
from domain.webhooks.ports import SecretBox, UrlCheck

router = new_router(tags=["webhooks"])

DELIVERIES = time_id("webhook-deliveries")
PROBLEMS = {**ADMIN_PROBLEMS, 402: {"description": "The plan has no webhooks"}}

Admin = Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]


def _url_check(services: Services) -> UrlCheck:
    """The outbound guard's own rules, applied when an endpoint is saved (and again at
    each send): a URL it would refuse is a 422 naming the reason."""

    async def check(url: str) -> None:
        try:
            await outbound_http.check_url(url, services.settings.outbound_policy)
        except outbound_http.OutboundRefused as refused:
            raise InvalidInput(refused.detail, extra={"reason": refused.code}) from refused

    return check


def _box(services: Services) -> SecretBox:
    assert services.webhooks is not None
    return services.webhooks


def _with_secret(endpoint: object, secret: str) -> EndpointWithSecret:
    return EndpointWithSecret(**EndpointRead.of(endpoint).model_dump(), secret=secret)  # type: ignore[arg-type]


@router.get(
    "/tenants/{tenant}/webhooks",
    operation_id="webhooks-list",
    response_model=list[EndpointRead],
    responses=PROBLEMS,
)
async def list_endpoints(ctx: Admin) -> list[EndpointRead]:
    return [EndpointRead.of(e) for e in await use_cases.list_endpoints(ctx.uow, ctx.actor)]


@router.post(
    "/tenants/{tenant}/webhooks",
    operation_id="webhooks-create",
    status_code=201,
    response_model=EndpointWithSecret,
    responses=PROBLEMS,
)
async def create_endpoint(
    body: EndpointCreate, ctx: Manager, services: ServicesDep
) -> EndpointWithSecret:
    """Register a receiver for the chosen event types. The answer carries its signing
    secret (`whsec_…`), shown this once."""
    spec = use_cases.EndpointSpec(body.url, body.event_types, body.description, body.enabled)
    endpoint, secret = await use_cases.create_endpoint(
        ctx.uow, ctx.actor, spec, _box(services), _url_check(services)
    )
    return _with_secret(endpoint, secret)


@router.get(
    "/tenants/{tenant}/webhooks/{endpoint_id}",
    operation_id="webhooks-get",
    response_model=EndpointRead,
    responses=PROBLEMS,
)
async def get_endpoint(tenant: TenantSlug, endpoint_id: UUID, ctx: Admin) -> EndpointRead:
    return EndpointRead.of(await use_cases.get_endpoint(ctx.uow, ctx.actor, endpoint_id))


@router.patch(
    "/tenants/{tenant}/webhooks/{endpoint_id}",
    operation_id="webhooks-update",
    response_model=EndpointRead,
    responses=PROBLEMS,
)
async def update_endpoint(
    tenant: TenantSlug, endpoint_id: UUID, body: EndpointUpdate, ctx: Manager, services: ServicesDep
) -> EndpointRead:
    """Change the URL, description or event types; `enabled` disables or enables it again."""
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None}
    endpoint = await use_cases.update_endpoint(
        ctx.uow, ctx.actor, endpoint_id, changes, _url_check(services)
    )
    return EndpointRead.of(endpoint)


@router.delete(
    "/tenants/{tenant}/webhooks/{endpoint_id}",
    operation_id="webhooks-delete",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def delete_endpoint(tenant: TenantSlug, endpoint_id: UUID, ctx: Manager) -> Response:
    """The endpoint and its delivery log; what is pending for it is not sent."""
    await use_cases.delete_endpoint(ctx.uow, ctx.actor, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/tenants/{tenant}/webhooks/{endpoint_id}/rotate-secret",
    operation_id="webhooks-rotate-secret",
    response_model=EndpointWithSecret,
    responses=PROBLEMS,
)
async def rotate_secret(
    tenant: TenantSlug, endpoint_id: UUID, ctx: Manager, services: ServicesDep
) -> EndpointWithSecret:
    """A new signing secret, shown this once. For 24 hours every delivery is signed with
    both the new and the previous secret, so the receiver can switch without a gap."""
    endpoint, secret = await use_cases.rotate_secret(
        ctx.uow, ctx.actor, endpoint_id, _box(services)
    )
    return _with_secret(endpoint, secret)


@router.get(
    "/tenants/{tenant}/webhooks/{endpoint_id}/deliveries",
    operation_id="webhook-deliveries-list",
    response_model=Page[DeliveryRead],
    responses=PROBLEMS,
)
async def list_deliveries(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    endpoint_id: UUID,
    ctx: Admin,
    paging: PageQuery,
) -> Page[DeliveryRead]:
    """Every attempt, newest first: status, answer's status code, duration, number."""
    rows = await use_cases.list_deliveries(
        ctx.uow, ctx.actor, endpoint_id, paging.after(DELIVERIES), paging.fetch
    )
    return page_of(request, response, paging, DELIVERIES, rows, DeliveryRead.of)


@router.get(
    "/tenants/{tenant}/webhooks/{endpoint_id}/deliveries/{delivery_id}",
    operation_id="webhook-deliveries-get",
    response_model=DeliveryDetail,
    responses=PROBLEMS,
)
async def get_delivery(
    tenant: TenantSlug, endpoint_id: UUID, delivery_id: UUID, ctx: Admin
) -> DeliveryDetail:
    """One attempt with what was sent (headers without the signatures, the body) and the
    start of the answer."""
    found = await use_cases.get_delivery(ctx.uow, ctx.actor, endpoint_id, delivery_id)
    return DeliveryDetail.detail(found)


@router.post(
    "/tenants/{tenant}/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend",
    operation_id="webhook-deliveries-resend",
    status_code=202,
    response_model=DeliveryRead,
    responses=PROBLEMS,
)
async def resend_delivery(
    tenant: TenantSlug, endpoint_id: UUID, delivery_id: UUID, ctx: Manager
) -> DeliveryRead:
    """Send the same message again (same `webhook-id`, fresh timestamp and signature) as
    a new attempt, at once; a failed resend is not retried."""
    again = await use_cases.resend_delivery(ctx.uow, ctx.actor, endpoint_id, delivery_id)
    return DeliveryRead.of(again)


@router.post(
    "/tenants/{tenant}/webhooks/{endpoint_id}/test",
    operation_id="webhooks-send-test",
    status_code=202,
    response_model=DeliveryRead,
    responses=PROBLEMS,
)
async def send_test(tenant: TenantSlug, endpoint_id: UUID, ctx: Manager) -> DeliveryRead:
    """Send a `webhook.test` event to this endpoint only (also when it is disabled)."""
    return DeliveryRead.of(await use_cases.send_test(ctx.uow, ctx.actor, endpoint_id))
