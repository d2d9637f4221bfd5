"""A tenant's subscription (set by the billing system), its history, and usage."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from api.access import PrincipalDep, ServicesDep, TenantSlug, UowDep
from api.kit.pages import CursorQuery, LimitQuery, Page, decode_time_id_cursor, keyset_page
from api.kit.routing import new_router
from api.kit.schemas import (
    IDEMPOTENCY_KEY,
    StrictModel,
)
from api.problems import ApiProblem
from domain.kernel.access import Action, Principal, require
from domain.kernel.idempotency import run_once
from domain.licensing import use_cases
from domain.licensing.model import Subscription, SubscriptionStatus
from domain.licensing.quotas import plan_of
from domain.tenants import use_cases as identity

router = new_router(tags=["subscriptions"])

StatusName = Literal["trialing", "active", "past_due", "suspended", "cancelled"]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Missing or malformed Idempotency-Key"},
    401: {"description": "No credentials"},
    403: {"description": "Not the billing system"},
    404: {"description": "No such tenant"},
    409: {"description": "Idempotency-Key reused with another request"},
    422: {"description": "Unknown plan or invalid status transition"},
}


class SubscriptionRead(StrictModel):
    tenant: str
    plan: str
    status: StatusName
    current_period_end: datetime | None
    external_ref: str | None
    writable: bool = Field(description="False while suspended or cancelled: writes get 402.")
    site_online: bool = Field(description="False once cancelled: the public site answers 404.")
    updated_at: datetime

    @classmethod
    def of(cls, slug: str, s: Subscription) -> SubscriptionRead:
        return cls(
            tenant=slug,
            plan=s.plan_id,
            status=s.status.value,
            current_period_end=s.current_period_end,
            external_ref=s.external_ref,
            writable=s.writable,
            site_online=s.site_online,
            updated_at=s.updated_at,
        )


class SubscriptionPut(StrictModel):
    plan: Annotated[str, Field(min_length=2, max_length=40)]
    status: StatusName
    current_period_end: datetime | None = None
    external_ref: Annotated[str, Field(max_length=200)] | None = None


class SubscriptionEventRead(StrictModel):
    id: UUID
    from_plan: str | None
    to_plan: str
    from_status: str | None
    to_status: str
    current_period_end: datetime | None
    external_ref: str | None
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    request_id: str | None
    created_at: datetime


class QuotaUsageRead(StrictModel):
    quota: str
    limit: int | None = Field(description="null: unlimited")
    used: int


class UsageRead(StrictModel):
    plan: str
    status: StatusName
    quotas: list[QuotaUsageRead]


def _caller(principal: Principal) -> str:
    if principal.key_id is not None:
        return f"key:{principal.key_id}"
    return f"user:{principal.user_id}"


@router.get(
    "/tenants/{tenant}/subscription",
    operation_id="subscription-get",
    response_model=SubscriptionRead,
    responses=PROBLEMS,
)
async def get_subscription(
    tenant: TenantSlug, principal: PrincipalDep, uow: UowDep
) -> SubscriptionRead:
    """Plan and status, for the tenant's owners and managers, operators and the billing key."""
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        require(actor, Action.READ_SUBSCRIPTION)
        subscription, _ = await plan_of(uow, found.id)
    return SubscriptionRead.of(found.slug, subscription)


@router.put(
    "/tenants/{tenant}/subscription",
    operation_id="subscription-set",
    response_model=SubscriptionRead,
    responses=PROBLEMS,
)
async def set_subscription(
    tenant: TenantSlug,
    body: SubscriptionPut,
    principal: PrincipalDep,
    uow: UowDep,
    services: ServicesDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=300)] = None,
) -> Response:
    """Set the plan and status (billing system or operators). Needs an ``Idempotency-Key``:
    the same key and body replay the first answer (``Idempotent-Replayed: true``); the
    same key with another body, or for another tenant, is a 409.

    Status machine: trialing → active, past_due, suspended, cancelled; active →
    past_due, suspended, cancelled; past_due → active, suspended, cancelled; suspended →
    active, past_due, cancelled; cancelled → active. Staying put (a plan change) is allowed.
    """
    if idempotency_key is None or not IDEMPOTENCY_KEY.match(idempotency_key):
        raise ApiProblem(
            "idempotency_key_invalid",
            "Send an Idempotency-Key header of 8 to 255 characters from A-Z a-z 0-9 . _ : -.",
        )
    change = use_cases.SubscriptionChange(
        plan_id=body.plan,
        status=SubscriptionStatus(body.status),
        current_period_end=body.current_period_end,
        external_ref=body.external_ref,
    )
    fingerprint = json.dumps(
        {"tenant": tenant, "body": body.model_dump(mode="json")}, sort_keys=True
    )
    request_hash = hashlib.sha256(fingerprint.encode()).digest()
    async with uow:
        found, actor = await identity.actor_in(uow, principal, tenant)
        require(actor, Action.SET_SUBSCRIPTION)

        async def apply() -> tuple[int, Any]:
            subscription = await use_cases.set_subscription(uow, actor, change)
            return 200, SubscriptionRead.of(found.slug, subscription).model_dump(mode="json")

        status, payload, replayed = await run_once(
            uow, _caller(principal), idempotency_key, found.id, request_hash, apply
        )
    services.sites.forget(tenant)  # a cancellation takes the public site offline at once
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(payload, status_code=status, headers=headers)


@router.get(
    "/tenants/{tenant}/subscription/history",
    operation_id="subscription-history",
    response_model=Page[SubscriptionEventRead],
    responses=PROBLEMS,
)
async def subscription_history(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[SubscriptionEventRead]:
    """Every change of plan or status, newest first."""
    after = decode_time_id_cursor(cursor)
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        require(actor, Action.READ_SUBSCRIPTION)
        rows = await uow.subscriptions.history(actor.tenant_id, after=after, limit=limit + 1)
    page, next_cursor = keyset_page(request, response, rows, limit)
    items = [
        SubscriptionEventRead(**{k: v for k, v in vars(e).items() if k != "tenant_id"})
        for e in page
    ]
    return Page[SubscriptionEventRead](items=items, next_cursor=next_cursor)


@router.get(
    "/tenants/{tenant}/usage",
    operation_id="usage-get",
    response_model=UsageRead,
    responses=PROBLEMS,
)
async def get_usage(tenant: TenantSlug, principal: PrincipalDep, uow: UowDep) -> UsageRead:
    """Usage against every quota of the plan (null limit: unlimited)."""
    async with uow:
        _, actor = await identity.actor_in(uow, principal, tenant)
        subscription, plan, rows = await use_cases.usage(uow, actor)
    return UsageRead(
        plan=plan.id,
        status=subscription.status.value,
        quotas=[QuotaUsageRead(quota=r.quota.value, limit=r.limit, used=r.used) for r in rows],
    )
