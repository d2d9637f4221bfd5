"""Plans, subscriptions and their status machine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.kernel.errors import FeatureNotInPlan, InvalidInput, QuotaExceeded, SubscriptionInactive

PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")


class Quota(StrEnum):
    BLOGS = "blogs"
    MEMBERS = "members"  # members who are not readers
    POSTS_PER_BLOG = "posts_per_blog"
    CUSTOM_DOMAINS = "custom_domains"
    API_REQUESTS_PER_MINUTE = "api_requests_per_minute"


class Feature(StrEnum):
    RATINGS = "ratings"
    CUSTOM_DOMAIN = "custom_domain"
    INSIGHTS = "insights"  # "none", "basic" or "full"
    WEBHOOKS = "webhooks"
    WHITE_LABEL = "white_label"
    FEDERATION = "federation"  # ActivityPub actors for the blogs (migration 0025)


INSIGHTS_LEVELS = ("none", "basic", "full")
ON_OFF_FEATURES = tuple(f.value for f in Feature if f is not Feature.INSIGHTS)


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


S = SubscriptionStatus
# Which status may follow which. Staying in the same status (a plan change, a new
# period end) is always allowed. A trial never restarts; a cancelled tenant comes
# back only as active (a new paid subscription).
TRANSITIONS: dict[SubscriptionStatus, frozenset[SubscriptionStatus]] = {
    S.TRIALING: frozenset({S.ACTIVE, S.PAST_DUE, S.SUSPENDED, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAST_DUE, S.SUSPENDED, S.CANCELLED}),
    S.PAST_DUE: frozenset({S.ACTIVE, S.SUSPENDED, S.CANCELLED}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.PAST_DUE, S.CANCELLED}),
    S.CANCELLED: frozenset({S.ACTIVE}),
}

# Statuses in which the tenant may change anything at all.
WRITABLE = frozenset({S.TRIALING, S.ACTIVE, S.PAST_DUE})


@dataclass
class Plan:
    id: str
    name: str
    quotas: dict[str, int | None]  # None: unlimited
    features: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not PLAN_ID.match(self.id):
            raise InvalidInput("A plan id is 2 to 40 of a-z, 0-9 and inner hyphens.")
        missing = {q.value for q in Quota} - set(self.quotas)
        unknown = set(self.quotas) - {q.value for q in Quota}
        if missing or unknown:
            raise InvalidInput(f"Quotas must be exactly: {', '.join(q.value for q in Quota)}.")
        for name, value in self.quotas.items():
            if value is not None and (not isinstance(value, int) or value < 0):
                raise InvalidInput(f"Quota {name} must be a whole number ≥ 0, or null.")
        if set(self.features) != {f.value for f in Feature}:
            raise InvalidInput(f"Features must be exactly: {', '.join(f.value for f in Feature)}.")
        if self.features[Feature.INSIGHTS] not in INSIGHTS_LEVELS:
            raise InvalidInput("The insights feature is one of none, basic, full.")
        for name in ON_OFF_FEATURES:
            if not isinstance(self.features[name], bool):
                raise InvalidInput(f"Feature {name} must be true or false.")

    @classmethod
    def restored(
        cls,
        *,
        id: str,
        name: str,
        quotas: object,
        features: object,
        created_at: datetime,
        updated_at: datetime,
    ) -> Plan:
        """A plan as stored, made to follow the rules whatever the row says, so that a
        row edited by hand never breaks a read of the catalogue: a quota that is missing
        or not a whole number ≥ 0 gives no room (0), a feature that is missing or of the
        wrong kind is off. Unknown keys are ignored."""
        stored_quotas = quotas if isinstance(quotas, dict) else {}
        stored_features = features if isinstance(features, dict) else {}
        kept_quotas: dict[str, int | None] = {}
        for quota in Quota:
            value = stored_quotas.get(quota.value, 0)
            valid = value is None or (
                isinstance(value, int) and not isinstance(value, bool) and value >= 0
            )
            kept_quotas[quota.value] = value if valid else 0
        kept_features: dict[str, Any] = {}
        for feature in Feature:
            value = stored_features.get(feature.value)
            if feature is Feature.INSIGHTS:
                kept_features[feature.value] = value if value in INSIGHTS_LEVELS else "none"
            else:
                kept_features[feature.value] = value if isinstance(value, bool) else False
        return cls(
            id=id,
            name=name,
            quotas=kept_quotas,
            features=kept_features,
            created_at=created_at,
            updated_at=updated_at,
        )

    def limit(self, quota: Quota) -> int | None:
        return self.quotas.get(quota.value)

    def has(self, feature: Feature) -> bool:
        value = self.features.get(feature.value)
        return value not in (False, None, "none")

    def check_room(self, quota: Quota, used: int, adding: int = 1) -> None:
        """Raise ``QuotaExceeded`` unless ``adding`` more fits under the quota."""
        limit = self.limit(quota)
        if limit is not None and used + adding > limit:
            raise QuotaExceeded(
                f"Your plan ({self.name}) allows {limit} {quota.value.replace('_', ' ')}; "
                f"{used} are in use.",
                extra={"quota": quota.value, "limit": limit, "usage": used, "plan": self.id},
            )

    def require_feature(self, feature: Feature) -> None:
        if not self.has(feature):
            raise FeatureNotInPlan(
                f"Your plan ({self.name}) does not include {feature.value.replace('_', ' ')}.",
                extra={"feature": feature.value, "plan": self.id},
            )


@dataclass
class Subscription:
    tenant_id: Any
    plan_id: str
    status: SubscriptionStatus
    current_period_end: datetime | None
    external_ref: str | None
    created_at: datetime
    updated_at: datetime
    # The billing system's time of the newest change applied (None: none carried one).
    last_event_at: datetime | None = None

    def is_stale(self, event_at: datetime | None) -> bool:
        """A change the billing system made before the last one applied here: it arrived
        late (out of order) and must not undo the newer one."""
        return (
            event_at is not None
            and self.last_event_at is not None
            and event_at < self.last_event_at
        )

    def can_move_to(self, status: SubscriptionStatus) -> bool:
        return status is self.status or status in TRANSITIONS[self.status]

    @property
    def writable(self) -> bool:
        return self.status in WRITABLE

    def require_writable(self) -> None:
        if not self.writable:
            raise SubscriptionInactive(
                f"The subscription is {self.status.value}: changes are refused until it is resumed.",
                extra={"subscription_status": self.status.value},
            )

    @property
    def site_online(self) -> bool:
        return self.status is not SubscriptionStatus.CANCELLED
