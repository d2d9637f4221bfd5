"""Licences: the catalogue, provisioning, the subscription life cycle, quotas, rates."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.bootstrap import Services
from api.kit.cursors import time_id
from domain.kernel import clock
from persistence.database import Database
from tests.factories import PASSWORD, Factory
from tests.test_foundation import assert_problem

STARTER = {"blogs": 3, "members": 5, "posts_per_blog": 200, "custom_domains": 0}


def new_key() -> dict[str, str]:
    return {"Idempotency-Key": f"key-{uuid.uuid4().hex}"}


async def billing_key(client, factory) -> dict[str, str]:
    operator = await factory.user(operator=True)
    created = await client.post(
        "/v1/api-keys",
        json={"name": "billing", "scopes": ["billing"]},
        headers=factory.auth(operator),
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['secret']}"}


async def put_subscription(client, slug, headers, plan, status, key=None):
    return await client.put(
        f"/v1/tenants/{slug}/subscription",
        json={"plan": plan, "status": status},
        headers={**headers, **(key or new_key())},
    )


# --- the catalogue --------------------------------------------------------------------


async def test_default_catalogue_is_public(client):
    response = await client.get("/v1/plans")
    assert response.status_code == 200
    plans = {p["id"]: p for p in response.json()}
    assert {"starter", "business", "enterprise"} <= set(plans)
    assert {k: plans["starter"]["quotas"][k] for k in STARTER} == STARTER
    assert plans["enterprise"]["quotas"]["blogs"] is None  # unlimited
    assert plans["starter"]["features"]["custom_domain"] is False
    assert plans["business"]["features"]["insights"] == "full"


async def test_operators_edit_the_catalogue(client, factory):
    operator = factory.auth(await factory.user(operator=True))
    body = {
        "id": "nano",
        "name": "Nano",
        "quotas": {
            "blogs": 1,
            "members": 1,
            "posts_per_blog": 10,
            "custom_domains": 0,
            "api_requests_per_minute": 60,
        },
        "features": {
            "ratings": False,
            "custom_domain": False,
            "insights": "none",
            "webhooks": False,
            "white_label": False,
        },
    }
    assert (await client.post("/v1/plans", json=body, headers=operator)).status_code == 201
    assert_problem(await client.post("/v1/plans", json=body, headers=operator), 409, "conflict")
    patched = await client.patch(
        "/v1/plans/nano", json={"quotas": {"blogs": None}}, headers=operator
    )
    assert patched.json()["quotas"]["blogs"] is None
    assert patched.json()["quotas"]["members"] == 1  # merged, not replaced
    assert (await client.delete("/v1/plans/nano", headers=operator)).status_code == 204
    assert_problem(await client.get("/v1/plans/nano"), 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"features": {"ratings": None}},
        {"features": {"insights": None}},
        {"features": None},
        {"quotas": None},
        {"name": None},
        {"name": "Busi\x00ness"},
        {"name": "   "},
        {"features": {"white_label": 0}},
        {"features": {"ratings": "yes"}},
        {"quotas": {"blogs": True}},
    ],
)
async def test_a_plan_patch_that_cannot_be_stored_is_refused(client, factory, body):
    """A feature saved as null once made the public catalogue answer 500 for everyone;
    null sections, a NUL or a non-boolean feature are refused before anything is saved."""
    operator = factory.auth(await factory.user(operator=True))
    before = (await client.get("/v1/plans/business")).json()
    refused = await client.patch("/v1/plans/business", json=body, headers=operator)
    assert_problem(refused, 422, "validation_failed")
    listed = await client.get("/v1/plans")
    assert listed.status_code == 200, listed.text
    assert {p["id"]: p for p in listed.json()}["business"] == before


@pytest.mark.parametrize(
    "broken",
    [
        "features = features - 'ratings'",
        "features = jsonb_set(features, '{ratings}', 'null')",
        "features = jsonb_set(features, '{insights}', '\"lots\"')",
        "features = '[]'::jsonb",
        "quotas = jsonb_set(quotas, '{blogs}', '\"many\"')",
        "quotas = jsonb_set(quotas, '{members}', '-3')",
        "quotas = '{}'::jsonb, features = features || '{\"extra\": 1}'",
        "quotas = jsonb_set(quotas, '{api_requests_per_minute}', '\"lots\"')",
    ],
)
async def test_a_stored_plan_that_breaks_the_rules_never_breaks_the_catalogue(
    client, db, factory, broken
):
    """Whatever a row says, the public reads answer: a value that breaks the rules
    reads as the most restrictive one (no room, feature off) until an operator fixes it."""
    tenant = await factory.tenant(plan="business")
    async with db.transaction() as tx:
        await tx.connection.execute(text(f"UPDATE plans SET {broken} WHERE id = 'business'"))
        await tx.commit()
    listed = await client.get("/v1/plans")
    assert listed.status_code == 200, listed.text
    business = {p["id"]: p for p in listed.json()}["business"]
    assert set(business["quotas"]) == set(STARTER) | {"api_requests_per_minute"}
    assert set(business["features"]) == {
        "ratings",
        "custom_domain",
        "insights",
        "webhooks",
        "white_label",
        "federation",
    }
    assert business["features"]["insights"] in ("none", "basic", "full")
    single = await client.get("/v1/plans/business")
    assert single.status_code == 200, single.text
    assert single.json() == business
    site = await client.get(f"/v1/sites/{tenant.slug}")
    assert site.status_code in (200, 429), site.text
    # An operator can still repair it.
    operator = factory.auth(await factory.user(operator=True))
    repaired = await client.patch(
        "/v1/plans/business",
        json={"features": {"ratings": True, "insights": "full"}, "quotas": {"blogs": 25}},
        headers=operator,
    )
    assert repaired.status_code == 200, repaired.text


async def test_a_plan_in_use_cannot_be_deleted(client, factory):
    await factory.tenant(plan="business")
    operator = factory.auth(await factory.user(operator=True))
    assert_problem(await client.delete("/v1/plans/business", headers=operator), 409, "conflict")
    assert (await client.get("/v1/plans/business")).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"id": "Bad Id", "name": "x"},
        {"id": "ok-id", "name": "x", "quotas": {"blogs": -1}},
        {"id": "ok-id", "name": "x", "quotas": {}, "features": {}},
    ],
)
async def test_invalid_plans_are_refused(client, factory, body):
    operator = factory.auth(await factory.user(operator=True))
    assert_problem(
        await client.post("/v1/plans", json=body, headers=operator), 422, "validation_failed"
    )


async def test_only_operators_edit_plans(client, factory):
    world = await factory.world()
    patch = {"name": "Free for all"}
    assert_problem(await client.patch("/v1/plans/starter", json=patch), 401, "unauthenticated")
    assert_problem(
        await client.patch("/v1/plans/starter", json=patch, headers=world.headers["owner"]),
        403,
        "forbidden",
    )


# --- provisioning -----------------------------------------------------------------------


async def test_billing_key_provisions_tenant_owner_and_subscription(client, factory):
    billing = await billing_key(client, factory)
    response = await client.post(
        "/v1/tenants",
        json={
            "slug": "acme",
            "name": "Acme",
            "owner_email": "boss@acme.test",
            "plan": "business",
            "status": "trialing",
            "external_ref": "cus_123",
        },
        headers=billing,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["subscription"]["plan"] == "business"
    assert body["subscription"]["status"] == "trialing"
    assert body["owner_invitation"]["email"] == "boss@acme.test"
    assert body["owner_invitation"]["role"] == "owner"
    history = await client.get("/v1/tenants/acme/subscription/history", headers=billing)
    assert [e["to_status"] for e in history.json()["items"]] == ["trialing"]


async def test_provisioning_with_an_unknown_plan_creates_nothing(client, factory):
    billing = await billing_key(client, factory)
    body = {"slug": "ghost", "name": "Ghost", "owner_email": "g@ghost.test", "plan": "platinum"}
    assert_problem(await client.post("/v1/tenants", json=body, headers=billing), 404, "not_found")
    body["plan"] = "starter"
    assert (await client.post("/v1/tenants", json=body, headers=billing)).status_code == 201


async def test_provisioning_cannot_start_suspended(client, factory):
    billing = await billing_key(client, factory)
    body = {"slug": "late", "name": "Late", "owner_email": "l@late.test", "status": "suspended"}
    assert_problem(
        await client.post("/v1/tenants", json=body, headers=billing), 422, "validation_failed"
    )


# --- the whole life cycle -----------------------------------------------------------------


async def test_billing_life_cycle_end_to_end(client, factory):
    billing = await billing_key(client, factory)
    created = await client.post(
        "/v1/tenants",
        json={"slug": "lifecycle", "name": "Life", "owner_email": "owner@life.test"},
        headers=billing,
    )
    assert created.status_code == 201
    slug = "lifecycle"
    owner_user = await factory.user("owner@life.test")
    owner = factory.auth(owner_user)
    token = created.json()["owner_invitation"]["token"]
    accepted = await client.post(
        f"/v1/tenants/{slug}/invitations/accept", json={"token": token}, headers=owner
    )
    assert accepted.status_code == 200 and accepted.json()["role"] == "owner"

    # trial -> active on starter
    assert (await put_subscription(client, slug, billing, "starter", "active")).status_code == 200

    # starter: 5 non-reader members; the owner is one
    for n in range(4):
        await invite_and_accept(client, factory, slug, owner, f"a{n}@life.test", "author")
    refused = await client.post(
        f"/v1/tenants/{slug}/invitations",
        json={"email": "six@life.test", "role": "author"},
        headers=owner,
    )
    body = assert_problem(refused, 402, "quota_exceeded")
    assert (body["quota"], body["limit"], body["usage"]) == ("members", 5, 5)
    readers_are_free = await client.post(
        f"/v1/tenants/{slug}/invitations",
        json={"email": "r@life.test", "role": "reader"},
        headers=owner,
    )
    assert readers_are_free.status_code == 201
    no_domain = await client.post(
        f"/v1/tenants/{slug}/domains", json={"host": "blog.life.test"}, headers=owner
    )
    assert assert_problem(no_domain, 402, "feature_not_in_plan")["feature"] == "custom_domain"

    # upgrade: the limits lift at once
    assert (await put_subscription(client, slug, billing, "business", "active")).status_code == 200
    await invite_and_accept(client, factory, slug, owner, "six@life.test", "author")
    domain = await client.post(
        f"/v1/tenants/{slug}/domains", json={"host": "blog.life.test"}, headers=owner
    )
    assert domain.status_code == 201

    # downgrade below usage: nothing is deleted, nothing more may be created
    assert (await put_subscription(client, slug, billing, "starter", "active")).status_code == 200
    members = await client.get(f"/v1/tenants/{slug}/members", headers=owner)
    assert len(members.json()["items"]) == 6
    assert len((await client.get(f"/v1/tenants/{slug}/domains", headers=owner)).json()) == 1
    usage = (await client.get(f"/v1/tenants/{slug}/usage", headers=owner)).json()
    by_quota = {q["quota"]: q for q in usage["quotas"]}
    assert by_quota["members"] == {"quota": "members", "limit": 5, "used": 6}
    assert by_quota["custom_domains"]["used"] == 1
    over = await client.post(
        f"/v1/tenants/{slug}/invitations",
        json={"email": "seven@life.test", "role": "moderator"},
        headers=owner,
    )
    assert_problem(over, 402, "quota_exceeded")

    # past due: shown, changes nothing
    assert (await put_subscription(client, slug, billing, "starter", "past_due")).status_code == 200
    rename = await client.patch(f"/v1/tenants/{slug}", json={"name": "Life Co"}, headers=owner)
    assert rename.status_code == 200

    # suspended: every write refused, reads go on
    suspended = await put_subscription(client, slug, billing, "starter", "suspended")
    assert suspended.json()["writable"] is False
    refused = await client.patch(f"/v1/tenants/{slug}", json={"name": "Nope"}, headers=owner)
    assert_problem(refused, 402, "subscription_inactive")
    assert (await client.get(f"/v1/tenants/{slug}", headers=owner)).json()["name"] == "Life Co"
    assert (
        len((await client.get(f"/v1/tenants/{slug}/members", headers=owner)).json()["items"]) == 6
    )
    assert (await client.get(f"/v1/tenants/{slug}/usage", headers=owner)).status_code == 200

    # resume
    assert (await put_subscription(client, slug, billing, "business", "active")).status_code == 200
    assert (
        await client.patch(f"/v1/tenants/{slug}", json={"name": "Back"}, headers=owner)
    ).status_code == 200

    # cancel: the public site goes offline, admins still read everything
    cancelled = await put_subscription(client, slug, billing, "business", "cancelled")
    assert cancelled.json()["site_online"] is False
    signup = await client.post(
        f"/v1/sites/{slug}/signup",
        json={"email": "late@life.test", "password": PASSWORD, "display_name": "Late"},
    )
    assert_problem(signup, 404, "not_found")
    assert (await client.get(f"/v1/tenants/{slug}", headers=owner)).status_code == 200
    assert (await client.get(f"/v1/tenants/{slug}/audit-log", headers=owner)).status_code == 200
    assert len((await client.get(f"/v1/tenants/{slug}/domains", headers=owner)).json()) == 1
    assert_problem(
        await client.patch(f"/v1/tenants/{slug}", json={"name": "x"}, headers=owner),
        402,
        "subscription_inactive",
    )
    # a trial never restarts
    assert_problem(
        await put_subscription(client, slug, billing, "business", "trialing"), 422, "invalid_input"
    )

    history = (
        await client.get(f"/v1/tenants/{slug}/subscription/history?limit=100", headers=owner)
    ).json()
    statuses = [e["to_status"] for e in reversed(history["items"])]
    assert statuses == [
        "trialing",
        "active",
        "active",
        "active",
        "past_due",
        "suspended",
        "active",
        "cancelled",
    ]
    audit = (await client.get(f"/v1/tenants/{slug}/audit-log?limit=100", headers=owner)).json()
    assert sum(e["action"] == "subscription.changed" for e in audit["items"]) == 7


async def invite_and_accept(client, factory, slug, owner_headers, email, role) -> None:
    invited = await client.post(
        f"/v1/tenants/{slug}/invitations",
        json={"email": email, "role": role},
        headers=owner_headers,
    )
    assert invited.status_code == 201, invited.text
    user = await factory.user(email)
    accepted = await client.post(
        f"/v1/tenants/{slug}/invitations/accept",
        json={"token": invited.json()["token"]},
        headers=factory.auth(user),
    )
    assert accepted.status_code == 200, accepted.text


# --- idempotency ------------------------------------------------------------------------


async def test_same_key_and_body_replay_the_first_answer(client, factory):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    key = new_key()
    first = await put_subscription(client, world.slug, billing, "business", "active", key)
    again = await put_subscription(client, world.slug, billing, "business", "active", key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    history = await client.get(f"/v1/tenants/{world.slug}/subscription/history", headers=billing)
    assert len(history.json()["items"]) == 1


# --- billing events delivered out of order -----------------------------------------------

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def put_event(client, slug, headers, plan, status, at, key=None):
    body = {"plan": plan, "status": status, "event_at": at.isoformat()}
    return await client.put(
        f"/v1/tenants/{slug}/subscription", json=body, headers={**headers, **(key or new_key())}
    )


async def test_a_stale_event_is_acknowledged_and_ignored(client, factory):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    later = await put_event(client, world.slug, billing, "starter", "past_due", T0)
    assert later.status_code == 200, later.text
    assert later.json()["applied"] is True and later.json()["status"] == "past_due"
    key = new_key()
    stale_at = T0 - timedelta(minutes=5)
    stale = await put_event(client, world.slug, billing, "business", "active", stale_at, key)
    assert stale.status_code == 200, stale.text
    assert stale.json()["applied"] is False
    assert (stale.json()["status"], stale.json()["plan"]) == ("past_due", "starter")
    assert stale.json()["last_event_at"] == "2026-11-30T09:00:00Z"
    replay = await put_event(client, world.slug, billing, "business", "active", stale_at, key)
    assert replay.json() == stale.json() and replay.headers["idempotent-replayed"] == "true"
    current = await client.get(f"/v1/tenants/{world.slug}/subscription", headers=billing)
    assert current.json()["status"] == "past_due"
    history = await client.get(f"/v1/tenants/{world.slug}/subscription/history", headers=billing)
    assert [e["to_status"] for e in history.json()["items"]] == ["past_due"]
    # A stale event is ignored before the status machine: cancelled -> past_due is no move,
    # yet an older past_due arriving after a cancellation is a 200, not a 422.
    gone = await put_event(client, world.slug, billing, "starter", "cancelled", T0 + timedelta(1))
    assert gone.json()["applied"] is True
    late = await put_event(
        client, world.slug, billing, "starter", "past_due", T0 + timedelta(hours=1)
    )
    assert late.status_code == 200 and late.json()["applied"] is False
    # Clients that send no event time are applied as they come, as before.
    plain = await put_subscription(client, world.slug, billing, "starter", "active")
    assert plain.status_code == 200 and plain.json()["applied"] is True
    assert plain.json()["status"] == "active"


async def test_an_event_time_needs_a_date_time_with_its_offset(client, factory):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    url = f"/v1/tenants/{world.slug}/subscription"
    for at in ("2026-11-30T09:00:00", "yesterday", "", [1]):
        body = {"plan": "starter", "status": "past_due", "event_at": at}
        answer = await client.put(url, json=body, headers={**billing, **new_key()})
        assert_problem(answer, 422, "validation_failed")
    body = {"plan": "starter", "status": "past_due", "event_at": "2026-11-30T10:00:00+01:00"}
    answer = await client.put(url, json=body, headers={**billing, **new_key()})
    assert answer.status_code == 200, answer.text
    assert answer.json()["last_event_at"] == "2026-11-30T09:00:00Z"


async def test_shuffled_deliveries_end_in_the_newest_events_state(client, factory):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    walk = ["active", "past_due", "suspended", "active", "past_due", "active"] * 3
    plans = ["starter", "business", "enterprise"]
    events = [(plans[n % 3], status, T0 + timedelta(minutes=n)) for n, status in enumerate(walk)]
    deliveries = events[:]
    random.Random(14).shuffle(deliveries)
    assert deliveries != events
    newest_seen = None
    for plan, status, at in deliveries:
        answer = await put_event(client, world.slug, billing, plan, status, at)
        assert answer.status_code == 200, answer.text
        newer = newest_seen is None or at > newest_seen
        assert answer.json()["applied"] is newer, (plan, status, at)
        newest_seen = max(newest_seen or at, at)
    plan, status, at = events[-1]
    current = (await client.get(f"/v1/tenants/{world.slug}/subscription", headers=billing)).json()
    assert (current["plan"], current["status"]) == (plan, status)
    assert current["last_event_at"] == at.isoformat().replace("+00:00", "Z")


async def test_same_key_with_another_body_is_a_conflict(client, factory):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    key = new_key()
    assert (
        await put_subscription(client, world.slug, billing, "business", "active", key)
    ).status_code == 200
    clash = await put_subscription(client, world.slug, billing, "enterprise", "active", key)
    assert_problem(clash, 409, "conflict")
    current = await client.get(f"/v1/tenants/{world.slug}/subscription", headers=billing)
    assert current.json()["plan"] == "business"


async def test_a_key_reused_on_another_tenant_is_a_conflict(client, factory):
    first, second = await factory.world(), await factory.world()
    billing = await billing_key(client, factory)
    key = new_key()
    assert (
        await put_subscription(client, first.slug, billing, "business", "active", key)
    ).status_code == 200
    assert_problem(
        await put_subscription(client, second.slug, billing, "business", "active", key),
        409,
        "conflict",
    )


async def test_keys_belong_to_their_caller(client, factory):
    world = await factory.world()
    billing = await billing_key(client, factory)
    key = new_key()
    assert (
        await put_subscription(client, world.slug, billing, "business", "active", key)
    ).status_code == 200
    operator = world.headers["operator"]
    other = await put_subscription(client, world.slug, operator, "enterprise", "active", key)
    assert other.status_code == 200 and other.json()["plan"] == "enterprise"


@pytest.mark.parametrize("key", [None, "", "short", "has spaces in it", "é" * 10, "x" * 256])
async def test_missing_or_malformed_keys_are_refused(client, factory, key):
    world = await factory.world()
    billing = await billing_key(client, factory)
    headers = dict(billing)
    if key is not None:
        headers["Idempotency-Key"] = key.encode() if not key.isascii() else key
    response = await client.put(
        f"/v1/tenants/{world.slug}/subscription",
        json={"plan": "starter", "status": "active"},
        headers=headers,
    )
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("idempotency_key_invalid", "validation_failed")
    current = await client.get(f"/v1/tenants/{world.slug}/subscription", headers=billing)
    assert current.json()["plan"] == "business"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        # A plan the catalogue does not hold is a reference to nothing: 404, as for an id.
        ({"plan": "platinum", "status": "active"}, 404),
        ({"plan": "starter", "status": "frozen"}, 422),
        ({"plan": "starter"}, 422),
        ({"plan": "starter", "status": "active", "tenant_id": str(uuid.uuid4())}, 422),
    ],
)
async def test_bad_subscription_bodies_change_nothing(client, factory, body, status):
    world = await factory.world()
    billing = await billing_key(client, factory)
    response = await client.put(
        f"/v1/tenants/{world.slug}/subscription", json=body, headers={**billing, **new_key()}
    )
    assert response.status_code == status, response.text
    current = await client.get(f"/v1/tenants/{world.slug}/subscription", headers=billing)
    assert (current.json()["plan"], current.json()["status"]) == ("business", "active")


# --- who may do what ----------------------------------------------------------------------


async def test_an_owner_cannot_set_its_own_plan(client, factory):
    world = await factory.world(plan="starter")
    for role in ("owner", "manager"):
        response = await put_subscription(
            client, world.slug, world.headers[role], "enterprise", "active"
        )
        assert_problem(response, 403, "forbidden")
    assert (
        await client.get(f"/v1/tenants/{world.slug}/subscription", headers=world.headers["owner"])
    ).json()["plan"] == "starter"


async def test_subscription_and_usage_are_for_staff(client, factory):
    world, other = await factory.world(), await factory.world()
    for role, status in [
        ("owner", 200),
        ("manager", 200),
        ("moderator", 403),
        ("author", 403),
        ("reader", 403),
        ("outsider", 404),
        ("operator", 200),
    ]:
        for path in ("subscription", "usage", "subscription/history"):
            response = await client.get(
                f"/v1/tenants/{world.slug}/{path}", headers=world.headers[role]
            )
            assert response.status_code == status, (role, path, response.text)
    foreign = await client.get(f"/v1/tenants/{world.slug}/usage", headers=other.headers["owner"])
    assert_problem(foreign, 404, "not_found")


async def test_the_history_pages_with_signed_cursors(client, factory, services):
    world = await factory.world(plan="starter")
    billing = await billing_key(client, factory)
    for plan in ("business", "starter", "business"):
        assert (await put_subscription(client, world.slug, billing, plan, "active")).is_success
    path = f"/v1/tenants/{world.slug}/subscription/history"
    seen, cursor = [], None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = await client.get(path + query, headers=billing)
        assert page.status_code == 200, page.text
        seen += [e["to_plan"] for e in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            assert "link" not in page.headers
            break
        assert page.headers["link"].endswith('>; rel="next"')
    assert seen == ["business", "starter", "business"]

    first = (await client.get(f"{path}?limit=1", headers=billing)).json()["next_cursor"]
    payload, mac = first.split(".")
    tampered = f"{payload[:-2]}{'A' if payload[-2] != 'A' else 'B'}{payload[-1]}.{mac}"
    assert_problem(
        await client.get(f"{path}?cursor={tampered}", headers=billing), 422, "validation_failed"
    )
    elsewhere = services.cursors.encode(time_id("audit-log"), (clock.now(), uuid.uuid4()))
    assert_problem(
        await client.get(f"{path}?cursor={elsewhere}", headers=billing), 422, "validation_failed"
    )


async def test_billing_key_cannot_touch_tenant_content_or_members(client, factory):
    world = await factory.world()
    billing = await billing_key(client, factory)
    for method, path, body in [
        ("GET", f"/v1/tenants/{world.slug}/members", None),
        ("GET", f"/v1/tenants/{world.slug}", None),
        ("PATCH", f"/v1/tenants/{world.slug}", {"name": "Hijacked"}),
        ("POST", f"/v1/tenants/{world.slug}/invitations", {"email": "x@x.test", "role": "owner"}),
    ]:
        response = await client.request(method, path, json=body, headers=billing)
        assert response.status_code in (403, 404), (method, path, response.status_code)
    assert (await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])).json()[
        "name"
    ] == "Test Brand"


# --- the per-tenant request rate -----------------------------------------------------------


async def test_plan_request_rate_is_enforced_with_headers(client, factory):
    operator = factory.auth(await factory.user(operator=True))
    plan = {
        "id": "tiny-rate",
        "name": "Tiny rate",
        "quotas": {
            "blogs": 1,
            "members": 5,
            "posts_per_blog": 1,
            "custom_domains": 0,
            "api_requests_per_minute": 3,
        },
        "features": {
            "ratings": True,
            "custom_domain": False,
            "insights": "basic",
            "webhooks": False,
            "white_label": False,
        },
    }
    assert (await client.post("/v1/plans", json=plan, headers=operator)).status_code == 201
    world = await factory.world(plan="tiny-rate")
    answers = [
        await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])
        for _ in range(4)
    ]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = assert_problem(answers[3], 429, "rate_limited")
    assert int(answers[3].headers["retry-after"]) >= 1
    assert "3" in refused["detail"]
    other = await factory.world()
    assert (
        await client.get(f"/v1/tenants/{other.slug}", headers=other.headers["owner"])
    ).status_code == 200


async def test_the_billing_system_is_not_throttled_by_the_tenants_own_rate(client, factory):
    """The billing key's calls count on the platform's budget: a tenant over its plan's
    request rate can still be moved to a bigger plan (or suspended)."""
    operator = factory.auth(await factory.user(operator=True))
    plan = {
        "id": "one-a-minute",
        "name": "One a minute",
        "quotas": {**STARTER, "api_requests_per_minute": 1},
        "features": {
            "ratings": True,
            "custom_domain": False,
            "insights": "basic",
            "webhooks": False,
            "white_label": False,
        },
    }
    assert (await client.post("/v1/plans", json=plan, headers=operator)).status_code == 201
    world = await factory.world(plan="one-a-minute")
    owner = world.headers["owner"]
    assert (await client.get(f"/v1/tenants/{world.slug}", headers=owner)).status_code == 200
    over = await client.get(f"/v1/tenants/{world.slug}", headers=owner)
    assert_problem(over, 429, "rate_limited")
    billing = await billing_key(client, factory)
    for status in ("past_due", "active"):
        moved = await put_subscription(client, world.slug, billing, "one-a-minute", status)
        assert moved.status_code == 200, moved.text
        assert moved.headers.get("ratelimit-limit") != "1"
    # The tenant's own budget is untouched by those calls, and still spent.
    assert_problem(
        await client.get(f"/v1/tenants/{world.slug}", headers=owner), 429, "rate_limited"
    )


# --- real concurrency -------------------------------------------------------------------------


@pytest.fixture
async def committed(app, app_engine, owner_url, settings):
    """A factory whose writes really commit (for tests that need several connections),
    and an app serving from the same real database; what it creates is removed after."""
    real = Database(app_engine)
    saved = app.state.db
    app.state.db = real
    app.state.services = Services.from_settings(settings)
    factory = Factory(real, app.state.services)
    yield factory
    app.state.db = saved
    engine = create_async_engine(owner_url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM tenants WHERE slug LIKE 't-%'"))
        await conn.execute(text("DELETE FROM users WHERE email LIKE '%@example.test'"))
    await engine.dispose()


async def test_two_creations_racing_for_the_last_slot_do_not_both_succeed(client, committed):
    world = await committed.world(plan="business")  # 3 custom domains
    owner = world.headers["owner"]
    for n in range(2):
        added = await client.post(
            f"/v1/tenants/{world.slug}/domains",
            json={"host": f"d{n}.{world.slug}.test"},
            headers=owner,
        )
        assert added.status_code == 201
    racing = await asyncio.gather(
        *(
            client.post(
                f"/v1/tenants/{world.slug}/domains",
                json={"host": f"race{n}.{world.slug}.test"},
                headers=owner,
            )
            for n in range(4)
        )
    )
    codes = sorted(r.status_code for r in racing)
    assert codes == [201, 402, 402, 402], [r.text for r in racing]
    domains = await client.get(f"/v1/tenants/{world.slug}/domains", headers=owner)
    assert len(domains.json()) == 3


async def test_concurrent_duplicates_of_one_request_take_effect_once(client, committed):
    world = await committed.world(plan="starter")
    operator = world.headers["operator"]
    key = new_key()
    answers = await asyncio.gather(
        *(
            put_subscription(client, world.slug, operator, "business", "active", key)
            for _ in range(5)
        )
    )
    assert {a.status_code for a in answers} == {200}
    assert all(a.json() == answers[0].json() for a in answers)
    history = await client.get(f"/v1/tenants/{world.slug}/subscription/history", headers=operator)
    assert len(history.json()["items"]) == 1
