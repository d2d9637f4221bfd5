"""Members of a tenant (a person's role there) and the invitations that make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.kernel.access import Role


@dataclass
class Membership:
    tenant_id: UUID
    user_id: UUID
    role: Role
    created_at: datetime
    email: str = ""
    display_name: str = ""


@dataclass
class Invitation:
    id: UUID
    tenant_id: UUID
    email: str
    role: Role
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_at: datetime | None = None

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


@dataclass
class InvitationIssued:
    invitation: Invitation
    token: str


# Roles from most to least power: an invitation never demotes an existing member.
ROLE_ORDER = [Role.OWNER, Role.MANAGER, Role.MODERATOR, Role.AUTHOR, Role.READER]


def rank(role: Role) -> int:
    return ROLE_ORDER.index(role)
