"""Request and response models of members and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from api.kit.schemas import Email, StrictModel
from domain.members.model import InvitationIssued, Membership
from domain.members.use_cases import Member

RoleName = Literal["owner", "manager", "moderator", "author", "reader"]


class MemberRead(StrictModel):
    user_id: UUID
    email: str
    display_name: str
    role: str
    joined_at: datetime

    @classmethod
    def of(cls, member: Member | Membership) -> MemberRead:
        return cls(
            user_id=member.user_id,
            email=member.email,
            display_name=member.display_name,
            role=member.role.value,
            joined_at=member.created_at,
        )


class InvitationCreate(StrictModel):
    email: Email
    role: RoleName


class InvitationAccept(StrictModel):
    token: Annotated[str, Field(min_length=10, max_length=128)]


class RoleChange(StrictModel):
    role: RoleName


class InvitationRead(StrictModel):
    id: UUID
    email: str
    role: str
    expires_at: datetime
    token: str = Field(description="Shown once: hand it (or accept_url) to the invitee.")
    accept_url: str

    @classmethod
    def of(cls, issued: InvitationIssued, base_url: str, slug: str) -> InvitationRead:
        inv = issued.invitation
        return cls(
            id=inv.id,
            email=inv.email,
            role=inv.role.value,
            expires_at=inv.expires_at,
            token=issued.token,
            accept_url=f"{base_url}/console/accept-invitation?tenant={slug}&token={issued.token}",
        )
