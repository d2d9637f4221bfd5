"""Members of a tenant: list, invite, accept, change role, remove (or leave)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from uuid import UUID

from fastapi import Request, Response

from api.access import Requires, ServicesDep, SignedInCaller, TenantActor, TenantSlug
from api.kit.cursors import time_id
from api.kit.pages import Page, PageQuery, page_of
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS
from api.members.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationRead,
    MemberRead,
    RoleChange,
)
from auth.secrets import new_token, token_hash
from domain.kernel.access import Action, Role
from domain.licensing.limits import PlanLicence
from domain.members import use_cases

router = new_router(tags=["members"])

MEMBERS = time_id("members", ident="user_id")

Manager = Annotated[TenantActor, Requires(Action.MANAGE_TENANT)]


@router.get(
    "/tenants/{tenant}/members",
    operation_id="members-list",
    response_model=Page[MemberRead],
    responses=ADMIN_PROBLEMS,
)
async def list_members(
    request: Request,
    response: Response,
    ctx: Annotated[TenantActor, Requires(Action.READ_TENANT_ADMIN)],
    paging: PageQuery,
) -> Page[MemberRead]:
    """Oldest first."""
    rows = await use_cases.list_members(ctx.uow, ctx.actor, paging.after(MEMBERS), paging.fetch)
    return page_of(request, response, paging, MEMBERS, rows, MemberRead.of)


@router.post(
    "/tenants/{tenant}/invitations",
    operation_id="invitations-create",
    status_code=201,
    response_model=InvitationRead,
    responses=ADMIN_PROBLEMS,
)
async def invite(body: InvitationCreate, ctx: Manager, services: ServicesDep) -> InvitationRead:
    """Invite by e-mail: the link goes by mail, and the answer holds it too (once), for
    flows that hand it over themselves."""
    token = new_token()
    issued = await use_cases.invite_member(
        ctx.uow,
        ctx.actor,
        str(body.email),
        Role(body.role),
        token,
        token_hash(token),
        timedelta(seconds=services.settings.invitation_ttl_seconds),
        PlanLicence(ctx.uow),
    )
    return InvitationRead.of(issued, services.settings.base_url, ctx.tenant.slug)


@router.post(
    "/tenants/{tenant}/invitations/accept",
    operation_id="invitations-accept",
    response_model=MemberRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Used or expired"}},
)
async def accept(tenant: TenantSlug, body: InvitationAccept, caller: SignedInCaller) -> MemberRead:
    """The signed-in user joins with the role they were invited to."""
    member = await use_cases.accept_invitation(
        caller.work, caller.principal, tenant, token_hash(body.token), PlanLicence(caller.work)
    )
    return MemberRead.of(member)


@router.patch(
    "/tenants/{tenant}/members/{user_id}",
    operation_id="members-change-role",
    response_model=MemberRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Last owner"}},
)
async def change_role(
    tenant: TenantSlug, user_id: UUID, body: RoleChange, ctx: Manager
) -> MemberRead:
    member = await use_cases.change_role(
        ctx.uow, ctx.actor, user_id, Role(body.role), PlanLicence(ctx.uow)
    )
    return MemberRead.of(member)


@router.delete(
    "/tenants/{tenant}/members/{user_id}",
    operation_id="members-remove",
    status_code=204,
    response_class=Response,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Last owner"}},
)
async def remove(
    tenant: TenantSlug,
    user_id: UUID,
    # Every member may leave; the use case lets staff (only) remove others.
    ctx: Annotated[TenantActor, Requires(Action.BE_MEMBER)],
) -> Response:
    """Remove a member, or leave (your own id). The last owner cannot leave."""
    await use_cases.remove_member(ctx.uow, ctx.actor, user_id)
    return Response(status_code=204)
