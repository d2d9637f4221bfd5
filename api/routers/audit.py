"""The tenant's audit log: who did what, to what, when, in which request."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import Request, Response

from api.access import PrincipalDep, TenantSlug, UowDep
from api.kit.pages import CursorQuery, LimitQuery, Page, decode_time_id_cursor, keyset_page
from api.kit.routing import new_router
from api.kit.schemas import ADMIN_PROBLEMS, StrictModel
from domain.identity import use_cases
from domain.identity.model import AuditEntry
from domain.kernel.access import Action, require

router = new_router(tags=["audit"])


class AuditEntryRead(StrictModel):
    id: UUID
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    action: str
    target_type: str
    target_id: str | None
    details: dict[str, Any]
    request_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        fields = vars(entry).copy()
        fields.pop("tenant_id")
        return cls(**fields)


@router.get(
    "/tenants/{tenant}/audit-log",
    operation_id="audit-log-list",
    response_model=Page[AuditEntryRead],
    responses=ADMIN_PROBLEMS,
)
async def list_audit(
    request: Request,
    response: Response,
    tenant: TenantSlug,
    principal: PrincipalDep,
    uow: UowDep,
    limit: LimitQuery = 20,
    cursor: CursorQuery = None,
) -> Page[AuditEntryRead]:
    """Newest first."""
    after = decode_time_id_cursor(cursor)
    async with uow:
        _, actor = await use_cases.actor_in(uow, principal, tenant)
        require(actor, Action.READ_TENANT_ADMIN)
        rows = await uow.audit.page(actor.tenant_id, after=after, limit=limit + 1)
    page, next_cursor = keyset_page(request, response, rows, limit)
    return Page[AuditEntryRead](items=[AuditEntryRead.of(e) for e in page], next_cursor=next_cursor)
