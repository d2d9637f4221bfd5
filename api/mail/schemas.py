"""Request models of mail: asking for a reset link, and using it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.kit.schemas import Email, NewPassword, StrictModel


class PasswordResetRequest(StrictModel):
    email: Email


class PasswordResetConfirm(StrictModel):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: NewPassword
