"""Values unique across tenants whose keys are unique per tenant only (migration 0022).

A custom host and a caller's ``Idempotency-Key`` are held unique across tenants by the
definer functions' transaction locks, not by an index: two tenants racing for one, on
real concurrent transactions, get one winner and a 409.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.bootstrap import Services
from persistence.database import Database
from tests.factories import Factory
from tests.licensing.test_licensing import billing_key, new_key, put_subscription
from tests.test_foundation import assert_problem


@pytest.fixture
async def committed(app, app_engine, owner_url, settings):
    """A factory whose writes really commit, and the app serving from that database."""
    real = Database(app_engine)
    saved = app.state.db
    app.state.db = real
    app.state.services = Services.from_settings(settings)
    yield Factory(real, app.state.services)
    app.state.db = saved
    engine = create_async_engine(owner_url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM tenants WHERE slug LIKE 't-%'"))
        await conn.execute(text("DELETE FROM users WHERE email LIKE '%@example.test'"))
        await conn.execute(text("DELETE FROM platform_api_keys WHERE name LIKE 'billing%'"))
    await engine.dispose()


async def test_two_tenants_racing_for_one_host_get_one_winner(client, committed):
    worlds = [await committed.world(plan="business") for _ in range(2)]
    host = f"race-{uuid.uuid4().hex[:10]}.example.com"
    answers = await asyncio.gather(
        *(
            client.post(
                f"/v1/tenants/{w.slug}/domains", json={"host": host}, headers=w.headers["owner"]
            )
            for w in worlds
            for _ in range(3)
        )
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409, 409, 409], [a.text for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            assert_problem(answer, 409, "conflict")
    owners = []
    for w in worlds:
        listed = await client.get(f"/v1/tenants/{w.slug}/domains", headers=w.headers["owner"])
        owners += [w.slug for d in listed.json() if d["host"] == host]
    assert len(owners) == 1
    resolved = await client.get("/v1/sites/resolve", params={"host": host})
    assert resolved.json() == {"tenant": owners[0]}


async def test_one_idempotency_key_racing_on_two_tenants_applies_once(client, committed):
    first, second = await committed.world(), await committed.world()
    billing = await billing_key(client, committed)
    key = new_key()
    answers = await asyncio.gather(
        put_subscription(client, first.slug, billing, "business", "active", key),
        put_subscription(client, second.slug, billing, "business", "active", key),
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    assert_problem(loser, 409, "conflict")
