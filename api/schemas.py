"""Request and response models shared by several routers.

Request models forbid unknown fields and bound every string; none of them carries
``tenant_id``, ``role`` where a client must not set it, or ``is_operator``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

Email = Annotated[EmailStr, Field(max_length=254)]
Password = Annotated[str, Field(min_length=1, max_length=256)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
