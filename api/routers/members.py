"""Members of a tenant: list, invite, accept, change role, remove (or leave)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from fastapi import Request, Response
from pydantic import Field

from api.access import PrincipalDep, ServicesDep, TenantSlug, UowDep, UserPrincipalDep
from api.kit.pages import CursorQuery, LimitQuery, Page, decode_time_id_cursor, keyset_page
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, Email, StrictModel
from api.routers.tenants import InvitationRead, invitation_read
from auth.secrets import new_token, token_hash
from domain.identity import use_cases
from domain.kernel.access import Action, Role, require

router = new_router(tags=["members"])

RoleName = Literal["owner", "manager", "moderator", "author", "reader"]


class MemberRead(StrictModel):
    user_id: UUID
    email: str
    display_name: str
    role: str
    joined_at: datetime


class InvitationCreate(StrictModel):
    email: Email
    role: RoleName


class InvitationAccept(StrictModel):
    token: Annotated[str, Field(min_length=10, max_length=128)]


class RoleChange(StrictModel):
    role: RoleName


@router.get(
    "/tenants/{tenant}/members",
    operation_id="members-list",
    response_model=Page[MemberRead],
    responses=ADMIN_PROBLEMS,
)
async def list_members(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[MemberRead]:
    after = decode_time_id_cursor(cursor)
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        require(actor, Action.READ_TENANT_ADMIN)
        rows = await uow.memberships.page(actor.tenant_id, after=after, limit=limit + 1)
    page, next_cursor = keyset_page(
        request, response, rows, limit, lambda m: (m.created_at, m.user_id)
    )
    items = [
        MemberRead(
            user_id=m.user_id,
            email=m.email,
            display_name=m.display_name,
            role=m.role.value,
            joined_at=m.created_at,
        )
        for m in page
    ]
    return Page[MemberRead](items=items, next_cursor=next_cursor)


@router.post(
    "/tenants/{tenant}/invitations",
    operation_id="invitations-create",
    status_code=201,
    response_model=InvitationRead,
    responses=ADMIN_PROBLEMS,
)
async def invite(
    tenant: TenantSlug,
    body: InvitationCreate,
    principal: PrincipalDep,
    services: ServicesDep,
    uow: UowDep,
) -> InvitationRead:
    """Invite by e-mail. No mail is sent: the answer holds the link to hand over (once)."""
    token = new_token()
    async with uow:
        found, actor = await use_cases.actor_in(uow, principal, tenant)
        issued = await use_cases.invite_member(
            uow,
            actor,
            str(body.email),
            Role(body.role),
            token,
            token_hash(token),
            timedelta(seconds=services.settings.invitation_ttl_seconds),
        )
    return invitation_read(issued, services.settings.base_url, found.slug)


@router.post(
    "/tenants/{tenant}/invitations/accept",
    operation_id="invitations-accept",
    response_model=MemberRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Used or expired"}},
)
async def accept(
    tenant: TenantSlug, body: InvitationAccept, principal: UserPrincipalDep, uow: UowDep
) -> MemberRead:
    """The signed-in user joins with the role they were invited to."""
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        assert principal.user_id is not None
        user = await uow.users.get(principal.user_id)
        assert user is not None
        membership = await use_cases.accept_invitation(uow, actor, user, token_hash(body.token))
    return MemberRead(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=membership.role.value,
        joined_at=membership.created_at,
    )


async def _member_read(uow: UowDep, tenant_id: UUID, user_id: UUID) -> MemberRead:
    m = await uow.memberships.get(tenant_id, user_id)
    user = await uow.users.get(user_id)
    assert m is not None and user is not None
    return MemberRead(
        user_id=user_id,
        email=user.email,
        display_name=user.display_name,
        role=m.role.value,
        joined_at=m.created_at,
    )


@router.patch(
    "/tenants/{tenant}/members/{user_id}",
    operation_id="members-change-role",
    response_model=MemberRead,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Last owner"}},
)
async def change_role(
    tenant: TenantSlug, user_id: UUID, body: RoleChange, principal: PrincipalDep, uow: UowDep
) -> MemberRead:
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        await use_cases.change_role(uow, actor, user_id, Role(body.role))
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        return await _member_read(uow, actor.tenant_id, user_id)


@router.delete(
    "/tenants/{tenant}/members/{user_id}",
    operation_id="members-remove",
    status_code=204,
    response_class=Response,
    responses={**ADMIN_PROBLEMS, 409: {"description": "Last owner"}},
)
async def remove(
    tenant: TenantSlug, user_id: UUID, principal: PrincipalDep, uow: UowDep
) -> Response:
    """Remove a member, or leave (your own id). The last owner cannot leave."""
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        await use_cases.remove_member(uow, actor, user_id)
    return Response(status_code=204)
