"""The licensing slice's routes: the plan catalogue (public to read, edited by platform
operators) and a tenant's subscription (set by the billing system), its history, and
usage."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from api.access import (
    Caller,
    OpenCallerWithTransaction,
    Platform,
    Requires,
    ServicesDep,
    TenantActor,
    TenantSlug,
    get_principal,
)
from api.kit.caching import PLANS_CACHE_CONTROL, cacheable
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.kit.schemas import CHECKED_REQUIRED, IDEMPOTENCY_KEY
from api.licensing.schemas import (
    OPERATOR_PROBLEMS,
    PROBLEMS,
    PlanCreate,
    PlanId,
    PlanRead,
    PlanUpdate,
    QuotaUsageRead,
    SubscriptionEventRead,
    SubscriptionPut,
    SubscriptionRead,
    SubscriptionSet,
    UsageRead,
)
from api.problems import ApiProblem
from domain.kernel.access import Action
from domain.licensing import use_cases
from domain.licensing.model import SubscriptionStatus

router = new_router()

# --- the plan catalogue ---------------------------------------------------------------------

Operator = Annotated[Caller, Platform(Action.MANAGE_PLANS)]
# The catalogue is open, but credentials sent with a read are still checked (a bad token
# is a 401), as everywhere else.
CHECKED = [Depends(get_principal)]
PLAN_LIST = TypeAdapter(list[PlanRead])
CATALOGUE_ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "ETag": {"description": "Validator of this answer", "schema": {"type": "string"}},
            "Cache-Control": {
                "description": "Public, with max-age and s-maxage",
                "schema": {"type": "string"},
            },
        }
    },
    304: {"description": "Not modified: the ETag in If-None-Match is current"},
}


@router.get(
    "/plans",
    operation_id="plans-list",
    tags=["plans"],
    response_model=list[PlanRead],
    responses=CATALOGUE_ANSWERS,
    dependencies=CHECKED,
)
async def list_plans(request: Request, caller: OpenCallerWithTransaction) -> Response:
    """The licence tiers on sale, with their quotas (null: unlimited) and features. The
    same for every caller: public, with a strong ``ETag`` (``If-None-Match`` answers 304)."""
    plans = [PlanRead.of(p) for p in await use_cases.list_plans(caller.work)]
    return _catalogue_answer(request, PLAN_LIST.dump_json(plans))


@router.get(
    "/plans/{plan_id}",
    operation_id="plans-get",
    tags=["plans"],
    response_model=PlanRead,
    responses={**CATALOGUE_ANSWERS, 404: {"description": "No such plan"}},
    dependencies=CHECKED,
)
async def get_plan(
    request: Request, plan_id: PlanId, caller: OpenCallerWithTransaction
) -> Response:
    plan = PlanRead.of(await use_cases.get_plan(caller.work, plan_id))
    return _catalogue_answer(request, plan.__pydantic_serializer__.to_json(plan))


def _catalogue_answer(request: Request, body: bytes) -> Response:
    return cacheable(request, body, "application/json", cache_control=PLANS_CACHE_CONTROL)


@router.post(
    "/plans",
    operation_id="plans-create",
    tags=["plans"],
    status_code=201,
    response_model=PlanRead,
    responses=OPERATOR_PROBLEMS,
)
async def create_plan(body: PlanCreate, caller: Operator) -> PlanRead:
    plan = await use_cases.create_plan(caller.work, caller.principal, body.model_dump())
    return PlanRead.of(plan)


@router.patch(
    "/plans/{plan_id}",
    operation_id="plans-update",
    tags=["plans"],
    response_model=PlanRead,
    responses=OPERATOR_PROBLEMS,
)
async def update_plan(plan_id: PlanId, body: PlanUpdate, caller: Operator) -> PlanRead:
    """Quotas and features merge key by key; a quota sent as null becomes unlimited."""
    changes = body.model_dump(exclude_unset=True)
    plan = await use_cases.update_plan(caller.work, caller.principal, plan_id, changes)
    return PlanRead.of(plan)


@router.delete(
    "/plans/{plan_id}",
    operation_id="plans-delete",
    tags=["plans"],
    status_code=204,
    response_class=Response,
    responses=OPERATOR_PROBLEMS,
)
async def delete_plan(plan_id: PlanId, caller: Operator) -> Response:
    """Only a plan no tenant uses can be deleted."""
    await use_cases.delete_plan(caller.work, caller.principal, plan_id)
    return Response(status_code=204)


# --- a tenant's subscription ---------------------------------------------------------------

HISTORY = time_id("subscription-history")

Reader = Annotated[TenantActor, Requires(Action.READ_SUBSCRIPTION)]
Billing = Annotated[TenantActor, Requires(Action.SET_SUBSCRIPTION)]


@router.get(
    "/tenants/{tenant}/subscription",
    operation_id="subscription-get",
    tags=["subscriptions"],
    response_model=SubscriptionRead,
    responses=PROBLEMS,
)
async def get_subscription(tenant: TenantSlug, ctx: Reader) -> SubscriptionRead:
    """Plan and status, for the tenant's owners and managers, operators and the billing key."""
    subscription = await use_cases.get_subscription(ctx.uow, ctx.actor)
    return SubscriptionRead.of(ctx.tenant.slug, subscription)


@router.put(
    "/tenants/{tenant}/subscription",
    operation_id="subscription-set",
    tags=["subscriptions"],
    response_model=SubscriptionSet,
    responses=PROBLEMS,
)
async def set_subscription(
    tenant: TenantSlug,
    body: SubscriptionPut,
    ctx: Billing,
    services: ServicesDep,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", max_length=300, json_schema_extra={CHECKED_REQUIRED: True}),
    ] = None,
) -> Response:
    """Set the plan and status (billing system or operators). Needs an ``Idempotency-Key``:
    the same key and body replay the first answer (``Idempotent-Replayed: true``); the
    same key with another body, or for another tenant, is a 409.

    Status machine: trialing → active, past_due, suspended, cancelled; active →
    past_due, suspended, cancelled; past_due → active, suspended, cancelled; suspended →
    active, past_due, cancelled; cancelled → active. Staying put (a plan change) is allowed.

    Out-of-order deliveries: send ``event_at``, the billing system's time of the change.
    One older than the last applied change is answered 200 with ``applied: false`` and
    ignored (no transition check, no history entry).
    """
    if idempotency_key is None or not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise ApiProblem(
            "idempotency_key_invalid",
            "Send an Idempotency-Key header of 8 to 255 characters from A-Z a-z 0-9 . _ : -.",
        )
    slug = ctx.tenant.slug
    change = use_cases.SubscriptionChange(
        plan_id=body.plan,
        status=SubscriptionStatus(body.status),
        current_period_end=body.current_period_end,
        external_ref=body.external_ref,
        event_at=body.event_at.astimezone(UTC) if body.event_at else None,
    )
    fingerprint = json.dumps({"tenant": slug, "body": body.model_dump(mode="json")}, sort_keys=True)
    retry = use_cases.Retry(idempotency_key, hashlib.sha256(fingerprint.encode()).digest())
    status, payload, replayed = await use_cases.set_subscription(
        ctx.uow,
        ctx.actor,
        change,
        retry,
        answer=lambda s, applied: SubscriptionSet(
            **dict(SubscriptionRead.of(slug, s)), applied=applied
        ).model_dump(mode="json"),
    )
    services.sites.forget(slug)  # a cancellation takes the public site offline at once
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(payload, status_code=status, headers=headers)


@router.get(
    "/tenants/{tenant}/subscription/history",
    operation_id="subscription-history",
    tags=["subscriptions"],
    response_model=Page[SubscriptionEventRead],
    responses=PROBLEMS,
)
async def subscription_history(
    request: Request, response: Response, tenant: TenantSlug, ctx: Reader, paging: PageQuery
) -> Page[SubscriptionEventRead]:
    """Every change of plan or status, newest first."""
    rows = await use_cases.subscription_history(
        ctx.uow, ctx.actor, after=paging.after(HISTORY), limit=paging.fetch
    )
    return page_of(request, response, paging, HISTORY, rows, SubscriptionEventRead.of)


@router.get(
    "/tenants/{tenant}/usage",
    operation_id="usage-get",
    tags=["subscriptions"],
    response_model=UsageRead,
    responses=PROBLEMS,
)
async def get_usage(tenant: TenantSlug, ctx: Reader) -> UsageRead:
    """Usage against every quota of the plan (null limit: unlimited)."""
    subscription, plan, rows = await use_cases.usage(ctx.uow, ctx.actor)
    return UsageRead(
        plan=plan.id,
        status=subscription.status.value,
        quotas=[QuotaUsageRead.of(r) for r in rows],
    )
