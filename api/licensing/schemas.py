"""Request and response models of the plan catalogue and of subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, Field, StrictBool, StrictInt, StringConstraints

from api.kit.schemas import NOT_BLANK, WHOLE, StrictModel, storable, unchanged
from domain.licensing.model import Plan, Subscription
from domain.licensing.ports import SubscriptionEvent
from domain.licensing.use_cases import QuotaUsage

# --- plans ----------------------------------------------------------------------------------

PlanId = Annotated[
    str, Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")
]
# Strict: a plan is edited by hand, so `true` is no quota and `0` no feature.
Limit = Annotated[StrictInt, Field(ge=0, le=10_000_000), WHOLE] | None
PlanName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    NOT_BLANK,
    AfterValidator(storable),
]
InsightsLevel = Literal["none", "basic", "full"]
OPERATOR_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    403: {"description": "Operators only"},
    404: {"description": "No such plan"},
    409: {"description": "Exists, or in use"},
    422: {"description": "Invalid plan"},
}


class Quotas(StrictModel):
    blogs: Limit
    members: Limit = Field(description="Members who are not readers; null is unlimited.")
    posts_per_blog: Limit
    custom_domains: Limit
    api_requests_per_minute: Limit


class Features(StrictModel):
    ratings: StrictBool
    custom_domain: StrictBool
    insights: InsightsLevel
    webhooks: StrictBool
    white_label: StrictBool
    federation: StrictBool = Field(
        default=False, description="Each blog is an ActivityPub actor (off when left out)."
    )


class QuotasUpdate(StrictModel):
    blogs: Limit = None
    members: Limit = None
    posts_per_blog: Limit = None
    custom_domains: Limit = None
    api_requests_per_minute: Limit = None


class FeaturesUpdate(StrictModel):
    """Features left out stay as they are; none can be null."""

    ratings: StrictBool = unchanged()
    custom_domain: StrictBool = unchanged()
    insights: InsightsLevel = unchanged()
    webhooks: StrictBool = unchanged()
    white_label: StrictBool = unchanged()
    federation: StrictBool = unchanged()


class PlanRead(StrictModel):
    id: str
    name: str
    quotas: Quotas
    features: Features
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, plan: Plan) -> PlanRead:
        return cls(
            id=plan.id,
            name=plan.name,
            quotas=Quotas(**plan.quotas),
            features=Features(**plan.features),
            created_at=plan.created_at,
            updated_at=plan.updated_at,
        )


class PlanCreate(StrictModel):
    id: PlanId
    name: PlanName
    quotas: Quotas
    features: Features


class PlanUpdate(StrictModel):
    """Each section left out stays as it is; a section cannot be null."""

    name: PlanName = unchanged()
    quotas: QuotasUpdate = unchanged("Quotas to change; one sent as null becomes unlimited.")
    features: FeaturesUpdate = unchanged()


# --- subscriptions ----------------------------------------------------------------------------

StatusName = Literal["trialing", "active", "past_due", "suspended", "cancelled"]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Missing or malformed Idempotency-Key"},
    401: {"description": "No credentials"},
    403: {"description": "Not the billing system"},
    404: {"description": "No such tenant, or no such plan"},
    409: {"description": "Idempotency-Key reused with another request"},
    422: {"description": "Invalid status transition"},
}


class SubscriptionRead(StrictModel):
    tenant: str
    plan: str
    status: StatusName
    current_period_end: datetime | None
    external_ref: str | None
    writable: bool = Field(description="False while suspended or cancelled: writes get 402.")
    site_online: bool = Field(description="False once cancelled: the public site answers 404.")
    updated_at: datetime
    last_event_at: datetime | None = Field(
        description="The billing system's event_at of the newest change applied (null: none sent one)."
    )

    @classmethod
    def of(cls, slug: str, s: Subscription) -> SubscriptionRead:
        return cls(
            tenant=slug,
            plan=s.plan_id,
            status=s.status.value,
            current_period_end=s.current_period_end,
            external_ref=s.external_ref,
            writable=s.writable,
            site_online=s.site_online,
            updated_at=s.updated_at,
            last_event_at=s.last_event_at,
        )


class SubscriptionSet(SubscriptionRead):
    applied: bool = Field(
        description="False: the change's event_at is older than the last applied change's; "
        "it was acknowledged and ignored, and the subscription shown is unchanged."
    )


class SubscriptionPut(StrictModel):
    plan: Annotated[str, Field(min_length=2, max_length=40)]
    status: StatusName
    current_period_end: datetime | None = None
    external_ref: Annotated[str, Field(max_length=200)] | None = None
    event_at: AwareDatetime | None = Field(
        default=None,
        description="When the billing system made this change (with its offset). A change "
        "older than the last applied one arrived out of order: it is answered 200 with "
        "applied false and changes nothing. Without it the change is applied as it comes.",
    )


class SubscriptionEventRead(StrictModel):
    id: UUID
    from_plan: str | None
    to_plan: str
    from_status: str | None
    to_status: str
    current_period_end: datetime | None
    external_ref: str | None
    actor_user_id: UUID | None
    actor_key_id: UUID | None
    request_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, e: SubscriptionEvent) -> SubscriptionEventRead:
        return cls(**{k: v for k, v in vars(e).items() if k != "tenant_id"})


class QuotaUsageRead(StrictModel):
    quota: str
    limit: int | None = Field(description="null: unlimited")
    used: int

    @classmethod
    def of(cls, u: QuotaUsage) -> QuotaUsageRead:
        return cls(quota=u.quota.value, limit=u.limit, used=u.used)


class UsageRead(StrictModel):
    plan: str
    status: StatusName
    quotas: list[QuotaUsageRead]
