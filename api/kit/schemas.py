"""Request and response models shared by several routers.

Request models forbid unknown fields and bound every string; none of them carries
``tenant_id``, ``role`` where a client must not set it, or ``is_operator``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from domain.accounts.model import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from domain.tenants.model import LANGUAGES


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


# Declared ``format: email``: what the checker accepts is what an e-mail address is.
Email = Annotated[
    str,
    Field(min_length=3, max_length=254, json_schema_extra={"format": "email"}),
    AfterValidator(_email),
]


def _whole(value: Any) -> Any:
    """JSON Schema's ``integer`` is a number without a fraction, ``5.0`` included; a
    boolean or a string is still refused (the strict type checks what is left)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer as the schema's ``type: integer`` means it: 5 and 5.0, never true or "5".
# Placed last in an ``Annotated[StrictInt, Field(…), WHOLE]`` (after the bounds, so the
# schema keeps them as ``minimum``/``maximum``).
WHOLE = BeforeValidator(_whole)
# What the text checks refuse, said as patterns: PostgreSQL text holds no NUL, and a
# trimmed one-line text needs one character that is not a space (the spaces listed are
# those the trimming removes, Unicode's White_Space).
_SPACES = r"\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = Field(pattern=r"^[^\x00]*$")
NOT_BLANK = Field(pattern=rf"^[^\x00]*[^\x00{_SPACES}][^\x00]*$")

Password = Annotated[str, Field(min_length=1, max_length=256)]
# A password being chosen: the length the accounts' rule asks.
NewPassword = Annotated[str, Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    NOT_BLANK,
    AfterValidator(_no_nul),
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


Language = Literal["en", "fr", "de", "es", "it", "nl", "pt"]
assert set(Language.__args__) == set(LANGUAGES)  # type: ignore[attr-defined]

# A header a route takes as optional to answer its absence with a problem of its own (a 400
# ``idempotency_key_invalid`` rather than a 422), marked so the OpenAPI declares it required.
CHECKED_REQUIRED = "x-checked-required"

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{8,255}$")

ADMIN_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Role does not allow it"},
    404: {"description": "No such tenant (or not yours)"},
    422: {"description": "Invalid input"},
}


def storable(value: str) -> str:
    """PostgreSQL text holds neither NUL characters nor lone UTF-16 surrogates."""
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("the text is not valid Unicode") from exc
    return value


def unchanged(description: str | None = None) -> Any:
    """A PATCH field that may be left out (unchanged) but not sent as null."""
    return Field(default=None, description=description)
