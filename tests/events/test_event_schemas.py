"""Every event type (and the test event) is documented in the OpenAPI ``webhooks``
section, and what the use cases record validates against its documented payload."""

from __future__ import annotations

from api.events.schemas import DATA, envelope
from domain.kernel.events import EventType
from domain.webhooks.model import TEST_EVENT
from tests.events.helpers import outbox_rows


async def test_every_event_type_has_a_documented_envelope(client):
    spec = (await client.get("/openapi.json")).json()
    assert set(spec["webhooks"]) == {kind.value for kind in EventType} | {TEST_EVENT}
    assert set(DATA) == set(EventType)


async def test_recorded_payloads_match_their_schemas(factory):
    world = await factory.world()
    await factory.post(world, await factory.blog(world))
    for row in await outbox_rows(factory.db, world.tenant.id):
        envelope(EventType(row.type)).model_validate(
            {
                "id": row.id,
                "type": row.type,
                "tenant_id": row.tenant_id,
                "occurred_at": row.occurred_at,
                "version": row.version,
                "data": row.payload,
            }
        )
