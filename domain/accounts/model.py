"""Accounts: people who sign in, across every tenant."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.kernel.errors import InvalidInput

MAX_PASSWORD_LENGTH = 256
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """E-mails compare case-insensitively; NFKC folds width and compatibility forms."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"The password may have at most {MAX_PASSWORD_LENGTH} characters.")
    return password


@dataclass
class User:
    id: UUID
    email: str
    display_name: str
    password_hash: str
    is_operator: bool
    is_active: bool
    token_version: int
    created_at: datetime
    handle: str = ""  # public name in author URLs, unique across the platform
    # When the address was confirmed; None: a reader who signed up and has not yet.
    email_verified_at: datetime | None = None

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


@dataclass(frozen=True)
class TokenPair:
    """A signed-in session: a short-lived access token and the refresh token to renew it."""

    access_token: str
    expires_in: int
    refresh_token: str
    token_type: str = "bearer"
