"""The plan catalogue: public to read, edited by platform operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response

from api.access import Caller, OpenCallerWithTransaction, Platform, get_principal
from api.kit.routing import new_router
from api.licensing.schemas import OPERATOR_PROBLEMS, PlanCreate, PlanId, PlanRead, PlanUpdate
from domain.kernel.access import Action
from domain.licensing import use_cases

router = new_router(tags=["plans"])

Operator = Annotated[Caller, Platform(Action.MANAGE_PLANS)]
# The catalogue is open, but credentials sent with a read are still checked (a bad token
# is a 401), as everywhere else.
CHECKED = [Depends(get_principal)]


@router.get(
    "/plans", operation_id="plans-list", response_model=list[PlanRead], dependencies=CHECKED
)
async def list_plans(caller: OpenCallerWithTransaction) -> list[PlanRead]:
    """The licence tiers on sale, with their quotas (null: unlimited) and features."""
    return [PlanRead.of(p) for p in await use_cases.list_plans(caller.work)]


@router.get(
    "/plans/{plan_id}",
    operation_id="plans-get",
    response_model=PlanRead,
    responses={404: {"description": "No such plan"}},
    dependencies=CHECKED,
)
async def get_plan(plan_id: PlanId, caller: OpenCallerWithTransaction) -> PlanRead:
    return PlanRead.of(await use_cases.get_plan(caller.work, plan_id))


@router.post(
    "/plans",
    operation_id="plans-create",
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
    status_code=204,
    response_class=Response,
    responses=OPERATOR_PROBLEMS,
)
async def delete_plan(plan_id: PlanId, caller: Operator) -> Response:
    """Only a plan no tenant uses can be deleted."""
    await use_cases.delete_plan(caller.work, caller.principal, plan_id)
    return Response(status_code=204)
