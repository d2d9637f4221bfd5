"""Request and response models of accounts: tokens, sign-up, the signed-in user."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from api.kit.schemas import Email, Name, NewPassword, Password, StrictModel
from domain.accounts.model import TokenPair


class TokenPairRead(StrictModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str

    @classmethod
    def of(cls, pair: TokenPair) -> TokenPairRead:
        return cls(**vars(pair))


class RefreshRequest(StrictModel):
    refresh_token: Annotated[str, Field(min_length=1, max_length=512)]


class MembershipRead(StrictModel):
    tenant: str
    tenant_name: str
    role: str
    moderates: bool = Field(
        description="Whether this member may read the moderation queue: moderators and "
        "above always, authors (their own posts' comments) when the tenant's "
        "`authors_moderate_own_posts` is on."
    )


class MeRead(StrictModel):
    id: UUID
    email: str
    display_name: str
    is_operator: bool
    memberships: list[MembershipRead]


class MeUpdate(StrictModel):
    display_name: Name | None = None


class PasswordChange(StrictModel):
    current_password: Password
    new_password: NewPassword


class SignUp(StrictModel):
    email: Email
    password: NewPassword
    display_name: Name
