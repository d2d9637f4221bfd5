"""A tenant's webhook endpoints and their delivery log, for its owners and managers, on
plans with the ``webhooks`` feature. Sending is the worker's (api/webhooks/delivery.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.kernel import clock
from domain.kernel.access import Action, Actor, require
from domain.kernel.errors import NotFound
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature
from domain.tenants.use_cases import audit
from domain.webhooks.model import (
    ROTATION_OVERLAP,
    TEST_EVENT,
    Delivery,
    DeliveryStatus,
    Endpoint,
    check_description,
    check_event_types,
    new_secret,
)
from domain.webhooks.ports import SecretBox, UrlCheck, WebhooksUnitOfWork


async def _enter(uow: WebhooksUnitOfWork, actor: Actor, action: Action) -> None:
    require(actor, action)
    await ensure_feature(uow, actor.tenant_id, Feature.WEBHOOKS)


async def _endpoint(
    uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID, *, lock: bool = False
) -> Endpoint:
    endpoint = await uow.webhooks.endpoint(actor.tenant_id, endpoint_id, lock=lock)
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


@dataclass(frozen=True)
class EndpointSpec:
    url: str
    event_types: list[str]
    description: str = ""
    enabled: bool = True


async def list_endpoints(uow: WebhooksUnitOfWork, actor: Actor) -> list[Endpoint]:
    await _enter(uow, actor, Action.READ_TENANT_ADMIN)
    return await uow.webhooks.endpoints(actor.tenant_id)


async def get_endpoint(uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID) -> Endpoint:
    await _enter(uow, actor, Action.READ_TENANT_ADMIN)
    return await _endpoint(uow, actor, endpoint_id)


async def create_endpoint(
    uow: WebhooksUnitOfWork, actor: Actor, spec: EndpointSpec, box: SecretBox, check_url: UrlCheck
) -> tuple[Endpoint, str]:
    """The endpoint and its signing secret, which is shown this once."""
    await _enter(uow, actor, Action.MANAGE_TENANT)
    types = check_event_types(spec.event_types)
    description = check_description(spec.description)
    await check_url(spec.url)
    now = clock.now()
    endpoint = Endpoint(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        url=spec.url,
        description=description,
        event_types=types,
        enabled=spec.enabled,
        disabled_reason=None if spec.enabled else "disabled by a member",
        failing_since=None,
        previous_expires_at=None,
        created_at=now,
        updated_at=now,
    )
    secret = new_secret()
    await uow.webhooks.add_endpoint(endpoint, box.seal(secret, endpoint.tenant_id, endpoint.id))
    await audit(
        uow, actor, "webhook.created", "webhook", endpoint.id, url=spec.url, event_types=types
    )
    await uow.commit()
    return endpoint, secret


async def update_endpoint(
    uow: WebhooksUnitOfWork,
    actor: Actor,
    endpoint_id: UUID,
    changes: dict[str, Any],
    check_url: UrlCheck,
) -> Endpoint:
    await _enter(uow, actor, Action.MANAGE_TENANT)
    endpoint = await _endpoint(uow, actor, endpoint_id, lock=True)
    if "url" in changes and changes["url"] != endpoint.url:
        await check_url(changes["url"])
        endpoint.url = changes["url"]
    if "event_types" in changes:
        endpoint.event_types = check_event_types(changes["event_types"])
    if "description" in changes:
        endpoint.description = check_description(changes["description"])
    if "enabled" in changes and changes["enabled"] != endpoint.enabled:
        endpoint.enabled = bool(changes["enabled"])
        # Enabled again: its failures so far no longer count towards disabling it.
        endpoint.disabled_reason = None if endpoint.enabled else "disabled by a member"
        endpoint.failing_since = None
    endpoint.updated_at = clock.now()
    await uow.webhooks.update_endpoint(endpoint)
    await audit(uow, actor, "webhook.updated", "webhook", endpoint.id, fields=sorted(changes))
    await uow.commit()
    return endpoint


async def delete_endpoint(uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID) -> None:
    await _enter(uow, actor, Action.MANAGE_TENANT)
    if not await uow.webhooks.delete_endpoint(actor.tenant_id, endpoint_id):
        raise NotFound("No such webhook endpoint.")
    await audit(uow, actor, "webhook.deleted", "webhook", endpoint_id)
    await uow.commit()


async def rotate_secret(
    uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID, box: SecretBox
) -> tuple[Endpoint, str]:
    """A new secret, shown this once; the current one keeps signing beside it for
    ``ROTATION_OVERLAP`` (a second rotation within it drops the oldest at once)."""
    await _enter(uow, actor, Action.MANAGE_TENANT)
    endpoint = await _endpoint(uow, actor, endpoint_id, lock=True)
    current, _, _ = await uow.webhooks.sealed_secrets(actor.tenant_id, endpoint_id)
    old = box.open(current, actor.tenant_id, endpoint_id)
    secret = new_secret()
    now = clock.now()
    endpoint.previous_expires_at = now + ROTATION_OVERLAP
    endpoint.updated_at = now
    await uow.webhooks.set_secrets(
        actor.tenant_id,
        endpoint_id,
        box.seal(secret, actor.tenant_id, endpoint_id),
        box.seal(old, actor.tenant_id, endpoint_id),
        endpoint.previous_expires_at,
    )
    await uow.webhooks.update_endpoint(endpoint)
    await audit(
        uow,
        actor,
        "webhook.secret_rotated",
        "webhook",
        endpoint_id,
        previous_expires_at=endpoint.previous_expires_at.isoformat(),
    )
    await uow.commit()
    return endpoint, secret


# --- the delivery log ---------------------------------------------------------------------


async def list_deliveries(
    uow: WebhooksUnitOfWork,
    actor: Actor,
    endpoint_id: UUID,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Delivery]:
    """Newest first: every attempt, with its status, answer, duration and number."""
    await _enter(uow, actor, Action.READ_TENANT_ADMIN)
    await _endpoint(uow, actor, endpoint_id)
    return await uow.webhooks.deliveries(actor.tenant_id, endpoint_id, after=after, limit=limit)


async def get_delivery(
    uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID, delivery_id: UUID
) -> Delivery:
    await _enter(uow, actor, Action.READ_TENANT_ADMIN)
    found = await uow.webhooks.delivery(actor.tenant_id, endpoint_id, delivery_id)
    if found is None:
        raise NotFound("No such delivery.")
    return found


async def resend_delivery(
    uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID, delivery_id: UUID
) -> Delivery:
    """A new attempt of the same message (same ``webhook-id`` and body, fresh timestamp
    and signature), sent by the worker at once; it is not retried if it fails."""
    await _enter(uow, actor, Action.MANAGE_TENANT)
    await _endpoint(uow, actor, endpoint_id)
    original = await uow.webhooks.delivery(actor.tenant_id, endpoint_id, delivery_id)
    if original is None:
        raise NotFound("No such delivery.")
    attempt = await uow.webhooks.last_attempt(actor.tenant_id, endpoint_id, original.event_id)
    again = _pending(
        actor.tenant_id, endpoint_id, original.event_id, original.event_type, original.body
    )
    again.attempt, again.manual = attempt + 1, True
    await uow.webhooks.add_delivery(again, send_now=True)
    await audit(
        uow, actor, "webhook.delivery_resent", "webhook", endpoint_id, delivery_id=str(again.id)
    )
    await uow.commit()
    return again


async def send_test(uow: WebhooksUnitOfWork, actor: Actor, endpoint_id: UUID) -> Delivery:
    """A ``webhook.test`` event to this endpoint only, signed like the others (sent even
    to a disabled endpoint: it is how one checks a receiver before enabling it)."""
    await _enter(uow, actor, Action.MANAGE_TENANT)
    endpoint = await _endpoint(uow, actor, endpoint_id)
    event_id, now = uuid4(), clock.now()
    body = envelope(
        event_id,
        TEST_EVENT,
        actor.tenant_id,
        now,
        1,
        {"endpoint_id": str(endpoint.id), "message": "A test event from Causerie."},
    )
    delivery = _pending(actor.tenant_id, endpoint_id, event_id, TEST_EVENT, body)
    delivery.manual = True
    await uow.webhooks.add_delivery(delivery, send_now=True)
    await uow.commit()
    return delivery


def envelope(
    event_id: UUID,
    event_type: str,
    tenant_id: UUID,
    occurred_at: datetime,
    version: int,
    data: Any,
) -> str:
    """The body every receiver gets: the event's envelope (api/events/schemas.py)."""
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "tenant_id": str(tenant_id),
            "occurred_at": occurred_at.isoformat(),
            "version": version,
            "data": data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def _pending(
    tenant_id: UUID, endpoint_id: UUID, event_id: UUID, event_type: str, body: str
) -> Delivery:
    now = clock.now()
    return Delivery(
        id=uuid4(),
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        body=body,
        attempt=1,
        manual=False,
        status=DeliveryStatus.PENDING,
        due_at=now,
        created_at=now,
    )


def first_attempt(endpoint: Endpoint, event_id: UUID, event_type: str, body: str) -> Delivery:
    """The first automatic attempt of an event to a subscribed endpoint, due at once."""
    return _pending(endpoint.tenant_id, endpoint.id, event_id, event_type, body)
