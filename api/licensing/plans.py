"""The plan catalogue: public to read, edited by platform operators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Response
from pydantic import Field

from api.access import UowDep, UserPrincipalDep
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from domain.kernel.errors import NotFound
from domain.licensing import use_cases
from domain.licensing.model import Plan

router = new_router(tags=["plans"])

PlanId = Annotated[
    str, Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")
]
Limit = Annotated[int, Field(ge=0, le=10_000_000)] | None
OPERATOR_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Operators only"},
    404: {"description": "No such plan"},
    409: {"description": "Exists, or in use"},
    422: {"description": "Invalid plan"},
}


class Quotas(StrictModel):
    blogs: Limit
    members: Limit = Field(description="Members who are not readers; null is unlimited.")
    posts_per_blog: Limit
    custom_domains: Limit
    api_requests_per_minute: Limit


class Features(StrictModel):
    ratings: bool
    custom_domain: bool
    insights: Literal["none", "basic", "full"]
    webhooks: bool
    white_label: bool


class QuotasUpdate(StrictModel):
    blogs: Limit = None
    members: Limit = None
    posts_per_blog: Limit = None
    custom_domains: Limit = None
    api_requests_per_minute: Limit = None


class FeaturesUpdate(StrictModel):
    ratings: bool | None = None
    custom_domain: bool | None = None
    insights: Literal["none", "basic", "full"] | None = None
    webhooks: bool | None = None
    white_label: bool | None = None


class PlanRead(StrictModel):
    id: str
    name: str
    quotas: Quotas
    features: Features
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, plan: Plan) -> PlanRead:
        return cls(
            id=plan.id,
            name=plan.name,
            quotas=Quotas(**plan.quotas),
            features=Features(**plan.features),
            created_at=plan.created_at,
            updated_at=plan.updated_at,
        )


class PlanCreate(StrictModel):
    id: PlanId
    name: Annotated[str, Field(min_length=1, max_length=80)]
    quotas: Quotas
    features: Features


class PlanUpdate(StrictModel):
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    quotas: QuotasUpdate | None = None
    features: FeaturesUpdate | None = None


@router.get("/plans", operation_id="plans-list", response_model=list[PlanRead])
async def list_plans(uow: UowDep) -> list[PlanRead]:
    """The licence tiers on sale, with their quotas (null: unlimited) and features."""
    async with uow:
        return [PlanRead.of(p) for p in await uow.plans.all()]


@router.get(
    "/plans/{plan_id}",
    operation_id="plans-get",
    response_model=PlanRead,
    responses={404: {"description": "No such plan"}},
)
async def get_plan(plan_id: PlanId, uow: UowDep) -> PlanRead:
    async with uow:
        plan = await uow.plans.get(plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    return PlanRead.of(plan)


@router.post(
    "/plans",
    operation_id="plans-create",
    status_code=201,
    response_model=PlanRead,
    responses=OPERATOR_PROBLEMS,
)
async def create_plan(body: PlanCreate, principal: UserPrincipalDep, uow: UowDep) -> PlanRead:
    async with uow:
        plan = await use_cases.create_plan(uow, principal, body.model_dump())
    return PlanRead.of(plan)


@router.patch(
    "/plans/{plan_id}",
    operation_id="plans-update",
    response_model=PlanRead,
    responses=OPERATOR_PROBLEMS,
)
async def update_plan(
    plan_id: PlanId, body: PlanUpdate, principal: UserPrincipalDep, uow: UowDep
) -> PlanRead:
    """Quotas and features merge key by key; a quota sent as null becomes unlimited."""
    changes = body.model_dump(exclude_unset=True)
    async with uow:
        plan = await use_cases.update_plan(uow, principal, plan_id, changes)
    return PlanRead.of(plan)


@router.delete(
    "/plans/{plan_id}",
    operation_id="plans-delete",
    status_code=204,
    response_class=Response,
    responses=OPERATOR_PROBLEMS,
)
async def delete_plan(plan_id: PlanId, principal: UserPrincipalDep, uow: UowDep) -> Response:
    """Only a plan no tenant uses can be deleted."""
    async with uow:
        await use_cases.delete_plan(uow, principal, plan_id)
    return Response(status_code=204)
