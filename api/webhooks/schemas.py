"""Request and response models of webhooks: endpoints, their secrets, the delivery log."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, Field

from api.kit.schemas import NO_NUL, StrictModel, storable, unchanged
from domain.kernel.events import EventType
from domain.webhooks.model import Delivery, Endpoint

Url = Annotated[
    str,
    Field(
        min_length=1,
        max_length=2000,
        # Documented, not enforced here: the outbound guard checks the scheme with the
        # rest (port, addresses) and answers one problem for all of them.
        json_schema_extra={"pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$"},
        description="http(s), ports 80/443, resolving to public addresses only.",
    ),
]
EventTypeName = Annotated[
    str,
    Field(
        max_length=64,
        pattern=r"^[a-z_]+\.[a-z_]+$",
        # The server refuses any other name (422); the list is the one the schema states.
        json_schema_extra={"enum": [str(t) for t in EventType]},
        description="An event type of the `webhooks` section, e.g. `comment.created`.",
    ),
]
EventTypes = Annotated[list[EventTypeName], Field(min_length=1, max_length=32)]
Description = Annotated[str, Field(max_length=500), NO_NUL, AfterValidator(storable)]
# What the log shows of a request's body (the whole body is kept for a resend).
MAX_SHOWN_BODY = 10_000


class EndpointCreate(StrictModel):
    url: Url
    event_types: EventTypes
    description: Description = ""
    enabled: bool = True


class EndpointUpdate(StrictModel):
    url: Url = unchanged()
    event_types: EventTypes = unchanged()
    description: Description = unchanged()
    enabled: bool = unchanged("false disables the endpoint; true enables it again.")


class EndpointRead(StrictModel):
    id: UUID
    url: str
    description: str
    event_types: list[EventTypeName]
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None = Field(description="First failure since the last success.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until then the secret before the last rotation signs too."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, e: Endpoint) -> EndpointRead:
        return cls(
            id=e.id,
            url=e.url,
            description=e.description,
            event_types=e.event_types,
            enabled=e.enabled,
            disabled_reason=e.disabled_reason,
            failing_since=e.failing_since,
            previous_secret_expires_at=e.previous_expires_at,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class EndpointWithSecret(EndpointRead):
    secret: str = Field(description="`whsec_…`: shown this once; give it to the receiver.")


DeliveryStatusName = Literal["pending", "succeeded", "failed", "cancelled"]


class DeliveryRead(StrictModel):
    id: UUID
    endpoint_id: UUID
    event_id: UUID = Field(description="The `webhook-id` header: the same on every attempt.")
    event_type: str
    attempt: int
    manual: bool = Field(description="A resend or a test event (never retried).")
    status: DeliveryStatusName
    response_status: int | None
    duration_ms: int | None
    error: str | None
    due_at: datetime
    attempted_at: datetime | None
    next_attempt_at: datetime | None = Field(description="When the retry of a failure goes.")
    created_at: datetime

    @classmethod
    def of(cls, d: Delivery) -> DeliveryRead:
        return cls(
            id=d.id,
            endpoint_id=d.endpoint_id,
            event_id=d.event_id,
            event_type=d.event_type,
            attempt=d.attempt,
            manual=d.manual,
            status=d.status.value,
            response_status=d.response_status,
            duration_ms=d.duration_ms,
            error=d.error,
            due_at=d.due_at,
            attempted_at=d.attempted_at,
            next_attempt_at=d.next_attempt_at,
            created_at=d.created_at,
        )


class DeliveryDetail(DeliveryRead):
    request_headers: dict[str, str] | None
    request_body: str = Field(description=f"Up to {MAX_SHOWN_BODY} characters.")
    response_body: str | None = Field(description="Up to 4,096 characters of the answer.")

    @classmethod
    def detail(cls, d: Delivery) -> DeliveryDetail:
        return cls(
            **DeliveryRead.of(d).model_dump(),
            request_headers=json.loads(d.request_headers) if d.request_headers else None,
            request_body=d.body[:MAX_SHOWN_BODY],
            response_body=d.response_body,
        )
