"""The console's domain blocks: ``/v1/tenants/{tenant}/federation/blocks``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Response
from pydantic import Field

from api.access import Requires, TenantActor
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, StrictModel
from domain.federation import blocks
from domain.kernel.access import Action

router = new_router(tags=["federation"])

PROBLEMS: dict[int | str, dict[str, Any]] = {
    **ADMIN_PROBLEMS,
    402: {"description": "The plan has no federation"},
}
Admin = Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)]
Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]
DomainPath = Annotated[str, Path(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]


class DomainBlocks(StrictModel):
    domains: list[str] = Field(description="Blocked instances and sites, each with its subdomains")


class DomainBlocked(StrictModel):
    domain: str
    dropped: int = Field(
        description="Pending deliveries, follows, reactions and held replies dropped"
    )


@router.get(
    "/tenants/{tenant}/federation/blocks",
    operation_id="federation-blocks-list",
    response_model=DomainBlocks,
    responses=PROBLEMS,
)
async def list_blocks(ctx: Admin) -> DomainBlocks:
    return DomainBlocks(domains=await blocks.list_blocks(ctx.uow, ctx.actor))


@router.put(
    "/tenants/{tenant}/federation/blocks/{domain}",
    operation_id="federation-blocks-put",
    response_model=DomainBlocked,
    responses=PROBLEMS,
)
async def block(domain: DomainPath, ctx: Manager) -> DomainBlocked:
    """Block an instance or a site: what is pending from it goes, what comes later is
    dropped, and nothing is delivered to it."""
    dropped = await blocks.block(ctx.uow, ctx.actor, domain)
    return DomainBlocked(domain=blocks.check_domain(domain), dropped=dropped)


@router.delete(
    "/tenants/{tenant}/federation/blocks/{domain}",
    operation_id="federation-blocks-delete",
    status_code=204,
    response_class=Response,
    responses=PROBLEMS,
)
async def unblock(domain: DomainPath, ctx: Manager) -> Response:
    await blocks.unblock(ctx.uow, ctx.actor, domain)
    return Response(status_code=204)
