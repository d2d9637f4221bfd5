"""Webhook endpoints over HTTP: who may manage them, what a plan allows, what URLs and
event types are refused, one tenant never seeing another's, and secrets shown once and
stored sealed."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import text

from tests.webhooks.helpers import PUBLIC_URL, create, hooks_url


async def test_an_owner_creates_lists_gets_updates_and_deletes_an_endpoint(client, factory):
    world = await factory.world()
    made = await create(client, world, description="Brand front")
    assert made["secret"].startswith("whsec_")
    assert made["event_types"] == ["comment.created", "post.published"]
    assert made["enabled"] is True
    owner = world.headers["owner"]

    listed = (await client.get(hooks_url(world), headers=owner)).json()
    assert [e["id"] for e in listed] == [made["id"]]
    assert "secret" not in listed[0]
    got = (await client.get(hooks_url(world, made["id"]), headers=owner)).json()
    assert got["description"] == "Brand front" and "secret" not in got

    changed = await client.patch(
        hooks_url(world, made["id"]),
        json={"event_types": ["rating.changed"], "enabled": False, "description": "Off"},
        headers=world.headers["manager"],
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["enabled"] is False
    assert changed.json()["event_types"] == ["rating.changed"]

    gone = await client.delete(hooks_url(world, made["id"]), headers=owner)
    assert gone.status_code == 204
    assert (await client.get(hooks_url(world, made["id"]), headers=owner)).status_code == 404

    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=owner)
    actions = [e["action"] for e in log.json()["items"]]
    assert [a for a in actions if a.startswith("webhook.")] == [
        "webhook.deleted",
        "webhook.updated",
        "webhook.created",
    ]


async def test_the_secret_is_stored_sealed_and_rotation_keeps_the_old_one_a_day(
    client, factory, db
):
    world = await factory.world()
    made = await create(client, world)
    rotated = await client.post(
        hooks_url(world, made["id"], "rotate-secret"), headers=world.headers["owner"]
    )
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["secret"].startswith("whsec_") and new["secret"] != made["secret"]
    assert new["previous_secret_expires_at"] is not None
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        row = (
            await tx.connection.execute(
                text("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = :i"),
                {"i": made["id"]},
            )
        ).one()
    for secret in (made["secret"], new["secret"]):
        raw = secret.removeprefix("whsec_").encode()
        assert raw not in bytes(row.secret) and raw not in bytes(row.previous_secret)
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    assert "webhook.secret_rotated" in [e["action"] for e in log.json()["items"]]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/hook", "scheme_not_allowed"),
        ("javascript:alert(1)", "scheme_not_allowed"),
        ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),
        ("http://2852039166/hook", "address_not_allowed"),  # the metadata address, decimal
        ("http://0xa9fea9fe/hook", "address_not_allowed"),  # and in hex
        ("http://[::ffff:169.254.169.254]/hook", "address_not_allowed"),  # IPv4-mapped
        ("http://10.1.2.3/hook", "address_not_allowed"),
        ("http://127.0.0.1:9000/hook", "address_not_allowed"),  # loopback: not in tests' settings
        ("http://localhost/hook", "address_not_allowed"),
        ("https://user:pw@93.184.215.14/hook", "credentials_in_url"),
        ("https://93.184.215.14:22/hook", "port_not_allowed"),
    ],
)
async def test_urls_the_outbound_guard_refuses_are_422(client, factory, url, reason):
    world = await factory.world()
    answer = await client.post(
        hooks_url(world),
        json={"url": url, "event_types": ["comment.created"]},
        headers=world.headers["owner"],
    )
    assert answer.status_code == 422, answer.text
    assert answer.json().get("reason") == reason, answer.json()


async def test_a_url_over_2000_characters_is_422(client, factory):
    world = await factory.world()
    url = "https://93.184.215.14/" + "a" * 2000
    answer = await client.post(
        hooks_url(world),
        json={"url": url, "event_types": ["comment.created"]},
        headers=world.headers["owner"],
    )
    assert answer.status_code == 422


async def test_an_update_to_a_private_url_is_422_and_changes_nothing(client, factory):
    world = await factory.world()
    made = await create(client, world)
    answer = await client.patch(
        hooks_url(world, made["id"]),
        json={"url": "http://192.168.0.1/hook"},
        headers=world.headers["owner"],
    )
    assert answer.status_code == 422
    got = await client.get(hooks_url(world, made["id"]), headers=world.headers["owner"])
    assert got.json()["url"] == PUBLIC_URL


@pytest.mark.parametrize(
    "types", [["comment.exploded"], [], ["webhook.test"], ["post.published", "nope.nope"]]
)
async def test_unknown_event_types_are_422(client, factory, types):
    world = await factory.world()
    answer = await client.post(
        hooks_url(world),
        json={"url": PUBLIC_URL, "event_types": types},
        headers=world.headers["owner"],
    )
    assert answer.status_code == 422, answer.text


async def test_another_tenants_endpoint_is_404(client, factory):
    mine, theirs = await factory.world(), await factory.world()
    made = await create(client, theirs)
    owner = mine.headers["owner"]
    endpoint = made["id"]
    for method, path in [
        ("GET", hooks_url(mine, endpoint)),
        ("PATCH", hooks_url(mine, endpoint)),
        ("DELETE", hooks_url(mine, endpoint)),
        ("POST", hooks_url(mine, endpoint, "rotate-secret")),
        ("POST", hooks_url(mine, endpoint, "test")),
        ("GET", hooks_url(mine, endpoint, "deliveries")),
        ("GET", hooks_url(mine, endpoint, "deliveries", uuid4())),
        ("POST", hooks_url(mine, endpoint, "deliveries", uuid4(), "resend")),
    ]:
        body = {"description": "x"} if method == "PATCH" else None
        answer = await client.request(method, path, json=body, headers=owner)
        assert answer.status_code == 404, (method, path, answer.text)
    # Their own owner still sees it unchanged.
    got = await client.get(hooks_url(theirs, endpoint), headers=theirs.headers["owner"])
    assert got.status_code == 200


async def test_a_plan_without_webhooks_is_402(client, factory):
    world = await factory.world(plan="starter")
    listed = await client.get(hooks_url(world), headers=world.headers["owner"])
    made = await client.post(
        hooks_url(world),
        json={"url": PUBLIC_URL, "event_types": ["comment.created"]},
        headers=world.headers["owner"],
    )
    assert listed.status_code == made.status_code == 402
    assert made.json()["code"] == "feature_not_in_plan"


@pytest.mark.parametrize(
    ("who", "status"),
    [("moderator", 403), ("author", 403), ("reader", 403), ("outsider", 404), ("anonymous", 404)],
)
async def test_only_owners_and_managers_manage_endpoints(client, factory, who, status):
    world = await factory.world()
    made = await create(client, world)
    headers = world.headers[who]
    listed = await client.get(hooks_url(world), headers=headers)
    created = await client.post(
        hooks_url(world),
        json={"url": PUBLIC_URL, "event_types": ["comment.created"]},
        headers=headers,
    )
    rotated = await client.post(hooks_url(world, made["id"], "rotate-secret"), headers=headers)
    assert listed.status_code == created.status_code == rotated.status_code == status
