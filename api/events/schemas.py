"""Every event type's envelope and payload, as receivers get them.

The envelope is the outbox row: ``id`` (stable: a receiver deduplicates on it), ``type``,
``tenant_id``, ``occurred_at`` (UTC, when the change committed its event), ``version``
(of the payload's shape; new fields do not bump it) and ``data``, the payload.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import FastAPI
from pydantic import BaseModel, Field, create_model

from domain.kernel.events import EventType
from domain.webhooks.model import TEST_EVENT


class PostEventData(BaseModel):
    post_id: UUID
    blog_id: UUID
    author_id: UUID
    slug: str
    title: str
    status: Literal["draft", "scheduled", "published", "archived"]
    published_at: datetime | None
    version: int = Field(description="The post's version after the change.")


class CommentEventData(BaseModel):
    comment_id: UUID
    post_id: UUID
    blog_id: UUID | None
    parent_id: UUID | None
    status: Literal["pending", "approved", "rejected", "spam"]
    held_reason: str | None = Field(description="Why a held comment waits for review.")
    author_user_id: UUID | None = Field(description="None for an anonymous comment.")
    author_name: str
    body_markdown: str
    created_at: datetime


class CommentReportedData(CommentEventData):
    reason: Literal["spam", "abuse", "off_topic", "other"]


class RatingEventData(BaseModel):
    """The post's summary after the change. Votes made before a worker took the event
    fold into one event carrying the newest summary."""

    post_id: UUID
    count: int
    average: float | None
    histogram: list[int] = Field(description="Votes of 1 to 5 stars.", min_length=5, max_length=5)


class MemberEventData(BaseModel):
    user_id: UUID
    role: Literal["owner", "manager", "moderator", "author", "reader"]
    previous_role: str | None = Field(None, description="member.role_changed only.")
    left: bool | None = Field(None, description="member.removed only: they left themselves.")


class SubscriptionEventData(BaseModel):
    plan: str
    status: str
    previous_plan: str
    previous_status: str
    current_period_end: datetime | None


class TenantSuspendedData(BaseModel):
    plan: str


class WebhookTestData(BaseModel):
    """What "send a test event" sends: never recorded in the outbox, never subscribed to."""

    endpoint_id: UUID
    message: str


DATA = {
    EventType.POST_PUBLISHED: PostEventData,
    EventType.POST_UPDATED: PostEventData,
    EventType.POST_UNPUBLISHED: PostEventData,
    EventType.POST_DELETED: PostEventData,
    EventType.COMMENT_CREATED: CommentEventData,
    EventType.COMMENT_HELD: CommentEventData,
    EventType.COMMENT_APPROVED: CommentEventData,
    EventType.COMMENT_REJECTED: CommentEventData,
    EventType.COMMENT_REPORTED: CommentReportedData,
    EventType.RATING_CHANGED: RatingEventData,
    EventType.MEMBER_JOINED: MemberEventData,
    EventType.MEMBER_ROLE_CHANGED: MemberEventData,
    EventType.MEMBER_REMOVED: MemberEventData,
    EventType.SUBSCRIPTION_CHANGED: SubscriptionEventData,
    EventType.TENANT_SUSPENDED: TenantSuspendedData,
}

WHEN = {
    EventType.POST_PUBLISHED: "A post went live: at once, or at its scheduled time.",
    EventType.POST_UPDATED: "A public post was edited (or a revision restored).",
    EventType.POST_UNPUBLISHED: "A published or scheduled post went back to draft.",
    EventType.POST_DELETED: "A public post went to the trash.",
    EventType.COMMENT_CREATED: "A comment was posted and is visible.",
    EventType.COMMENT_HELD: "A comment waits for review (policy, links, words, reports).",
    EventType.COMMENT_APPROVED: "A moderator approved (or restored) a comment.",
    EventType.COMMENT_REJECTED: "A moderator rejected a comment or marked it spam.",
    EventType.COMMENT_REPORTED: "A reader reported a comment.",
    EventType.RATING_CHANGED: "A post's rating summary changed.",
    EventType.MEMBER_JOINED: "Someone joined the tenant (invitation or reader sign-up).",
    EventType.MEMBER_ROLE_CHANGED: "A member's role changed.",
    EventType.MEMBER_REMOVED: "A member was removed or left.",
    EventType.SUBSCRIPTION_CHANGED: "The billing system changed the plan or status.",
    EventType.TENANT_SUSPENDED: "The subscription was suspended: writes are refused.",
}


TEST_WHEN = "Sent on request to one endpoint, to check its receiver (also when disabled)."


def envelope(kind: EventType | str) -> type[BaseModel]:
    """The envelope model of an event type, or of ``webhook.test``."""
    value = kind.value if isinstance(kind, EventType) else kind
    data_model = WebhookTestData if value == TEST_EVENT else DATA[EventType(value)]
    name = "Event_" + value.replace(".", "_")
    fields = {
        "id": (UUID, ...),
        "type": (Literal[value], ...),
        "tenant_id": (UUID, ...),
        "occurred_at": (datetime, ...),
        "version": (int, ...),
        "data": (data_model, ...),
    }
    return create_model(name, **fields)  # type: ignore[call-overload,no-any-return]


def document_webhooks(app: FastAPI) -> None:
    """One entry of the OpenAPI ``webhooks`` section per event type, and the test event."""
    described = {kind.value: WHEN[kind] for kind in EventType} | {TEST_EVENT: TEST_WHEN}
    for value, when in described.items():
        model = envelope(value)

        async def receive(body: BaseModel) -> None:
            """Documentation only: what a receiver's endpoint is sent."""

        # Set by hand: postponed annotations would leave FastAPI a name, not the model.
        receive.__annotations__ = {"body": model, "return": None}

        app.webhooks.post(value, summary=when, operation_id=f"webhook-{value}")(receive)
