"""Request and response models shared by several routers.

Request models forbid unknown fields and bound every string; none of them carries
``tenant_id``, ``role`` where a client must not set it, or ``is_operator``.
"""

from __future__ import annotations

from typing import Annotated

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    return value


def _email(value: str) -> str:
    """Syntax only (no DNS). The ``.test`` TLD is accepted so demo and test data work."""
    try:
        return validate_email(value, check_deliverability=False, test_environment=True).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_no_nul),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
