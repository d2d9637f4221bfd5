"""Domain events: what happened, recorded by a use case, kept by its unit of work.

A use case calls ``uow.record(event)``; the unit of work writes every recorded event to
the outbox in the same transaction as the change when it commits, so a rolled-back use
case leaves no event and a committed one always has its events. What leaves the product
because of an event (a webhook, later a mail) is done by the worker, never in a request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from domain.kernel import clock

# Bumped when a payload loses or changes a field; new fields keep the version.
EVENT_VERSION = 1


class EventType(StrEnum):
    POST_PUBLISHED = "post.published"
    POST_UPDATED = "post.updated"
    POST_UNPUBLISHED = "post.unpublished"
    POST_DELETED = "post.deleted"
    COMMENT_CREATED = "comment.created"
    COMMENT_HELD = "comment.held"
    COMMENT_APPROVED = "comment.approved"
    COMMENT_REJECTED = "comment.rejected"
    COMMENT_REPORTED = "comment.reported"
    RATING_CHANGED = "rating.changed"
    MEMBER_JOINED = "member.joined"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_REMOVED = "member.removed"
    SUBSCRIPTION_CHANGED = "subscription.changed"
    TENANT_SUSPENDED = "tenant.suspended"


@dataclass(frozen=True)
class DomainEvent:
    type: EventType
    tenant_id: UUID
    payload: Mapping[str, Any]
    id: UUID = field(default_factory=uuid4)
    occurred_at: datetime = field(default_factory=lambda: clock.now())
    version: int = EVENT_VERSION
    # When the event may leave, if not at once (a scheduled post's publication time).
    available_at: datetime | None = None
    # Events with the same key that no worker has taken yet are folded into the newest
    # one (a burst of votes on a post is one ``rating.changed`` with the last summary).
    coalesce_key: str | None = None


def post_event(kind: EventType, post: Any) -> DomainEvent:
    """A post's event: the fields a receiver needs to fetch or show it (no body)."""
    return DomainEvent(
        kind,
        post.tenant_id,
        {
            "post_id": str(post.id),
            "blog_id": str(post.blog_id),
            "author_id": str(post.author_id),
            "slug": post.slug,
            "title": post.title,
            "status": str(post.status),
            "published_at": post.published_at.isoformat() if post.published_at else None,
            "version": post.version,
        },
    )


class EventCollector:
    """The recorded events of one transaction, folded by ``coalesce_key``."""

    def __init__(self) -> None:
        self._events: list[DomainEvent] = []

    def record(self, event: DomainEvent) -> None:
        if event.coalesce_key is not None:
            self._events = [e for e in self._events if e.coalesce_key != event.coalesce_key]
        self._events.append(event)

    def take(self) -> list[DomainEvent]:
        events, self._events = self._events, []
        return events

    def clear(self) -> None:
        self._events = []
