"""Endpoints, delivery attempts, the retry schedule and the signing secrets' rules."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.kernel.errors import InvalidInput
from domain.kernel.events import EventType

# What "send a test event" sends: never recorded in the outbox, never subscribed to.
TEST_EVENT = "webhook.test"
SUBSCRIBABLE = tuple(e.value for e in EventType)
MAX_DESCRIPTION = 500

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# After a rotation the previous secret still signs (beside the new one) for this long,
# so a receiver can switch over without losing a delivery.
ROTATION_OVERLAP = timedelta(hours=24)

# The wait before each retry (after the first attempt, the second, …); each is stretched
# or shrunk by up to 10 % at random so that a receiver coming back is not hit by every
# sender at once. Ten attempts over about 3 days 3 hours.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
JITTER = 0.1
# An endpoint that has not answered one delivery with a 2xx for this long, and whose
# delivery has used up its retries, is disabled.
FAILING_WINDOW = timedelta(days=3)

# What the delivery log keeps of an answer.
MAX_RESPONSE_CHARS = 4096


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its time or a worker
    SUCCEEDED = "succeeded"  # answered 2xx
    FAILED = "failed"  # anything else: another status, a refusal, a timeout, no answer
    CANCELLED = "cancelled"  # its endpoint was disabled before it went


@dataclass
class Endpoint:
    id: UUID
    tenant_id: UUID
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    previous_expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def subscribes(self, event_type: str) -> bool:
        return self.enabled and event_type in self.event_types


@dataclass
class Delivery:
    id: UUID
    tenant_id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    body: str
    attempt: int
    manual: bool
    status: DeliveryStatus
    due_at: datetime
    created_at: datetime
    attempted_at: datetime | None = None
    response_status: int | None = None
    duration_ms: int | None = None
    error: str | None = None
    request_headers: str | None = None
    response_body: str | None = None
    next_attempt_at: datetime | None = None


def new_secret() -> str:
    """``whsec_`` and the base64 of 32 random bytes: the Standard Webhooks form."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_event_types(types: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(types))
    if not chosen:
        raise InvalidInput("Choose at least one event type.")
    unknown = [t for t in chosen if t not in SUBSCRIBABLE]
    if unknown:
        raise InvalidInput(
            f"Unknown event types: {', '.join(unknown)}.",
            extra={"unknown": unknown, "known": list(SUBSCRIBABLE)},
        )
    return sorted(chosen)


def check_description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"A description has at most {MAX_DESCRIPTION} characters.")
    return description


def retry_delay(attempt: int, jitter: float) -> timedelta | None:
    """The wait before the next attempt after automatic attempt ``attempt`` (1-based)
    failed, or None once the schedule is used up. ``jitter`` is uniform in [0, 1)."""
    if attempt < 1 or attempt > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempt - 1] * (1 - JITTER + 2 * JITTER * jitter)


def is_success(status: int | None) -> bool:
    return status is not None and 200 <= status < 300
