"""Domain errors: a stable machine code and a human message, never an HTTP status.

The API layer maps each class to a status and a problem type (``api/problems.py``).
Adding an error means: a class here, one line in that mapping, one test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    detail: str
    code: str = "domain_error"
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


@dataclass
class NotFound(DomainError):
    """The resource does not exist *for this caller*: another tenant's resource is not found."""

    code: str = "not_found"


@dataclass
class Unauthenticated(DomainError):
    code: str = "unauthenticated"


@dataclass
class Forbidden(DomainError):
    code: str = "forbidden"


@dataclass
class Conflict(DomainError):
    code: str = "conflict"


@dataclass
class InvalidInput(DomainError):
    """Input that is well-formed but breaks a business rule (a taken slug, a bad transition)."""

    code: str = "invalid_input"


@dataclass
class RateLimited(DomainError):
    code: str = "rate_limited"
    retry_after_seconds: int = 60


@dataclass
class QuotaExceeded(DomainError):
    code: str = "quota_exceeded"


@dataclass
class FeatureNotInPlan(DomainError):
    code: str = "feature_not_in_plan"


@dataclass
class SubscriptionInactive(DomainError):
    code: str = "subscription_inactive"


@dataclass
class PreconditionFailed(DomainError):
    """The caller edited a stale version (``If-Match`` no longer matches)."""

    code: str = "precondition_failed"


@dataclass
class Overloaded(DomainError):
    """The work is refused before it starts: too much of it is queued already."""

    code: str = "service_unavailable"
    retry_after_seconds: int = 1
