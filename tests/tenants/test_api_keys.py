"""API keys: tenant keys for front-ends, platform keys for billing; shown once, kept hashed."""

from __future__ import annotations

import hashlib
import re
from uuid import uuid4

import pytest
from sqlalchemy import text

PROBLEM = "application/problem+json"
KEY_SHAPE = re.compile(r"^cau_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}$")


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    if status == 401:
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    return body


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def tenant_key(client, world, scopes=("content:read",), by="owner", name="front-end"):
    response = await client.post(
        f"/v1/tenants/{world.slug}/api-keys",
        json={"name": name, "scopes": list(scopes)},
        headers=world.headers[by],
    )
    assert response.status_code == 201, response.text
    return response.json()


async def platform_key(client, world, scopes=("billing",)):
    response = await client.post(
        "/v1/api-keys",
        json={"name": "billing system", "scopes": list(scopes)},
        headers=world.headers["operator"],
    )
    assert response.status_code == 201, response.text
    return response.json()


def new_tenant_body() -> dict:
    return {"slug": f"prov-{uuid4().hex[:8]}", "name": "Provisioned", "owner_email": "o@x.com"}


# --- tenant keys ---------------------------------------------------------------------


async def test_a_tenant_key_is_shown_once_and_stored_hashed(client, factory, db):
    world = await factory.world()
    created = await tenant_key(client, world, by="manager")
    secret = created["secret"]
    assert KEY_SHAPE.match(secret), secret
    assert created["scopes"] == ["content:read"]
    assert created["name"] == "front-end"
    assert secret.split("_")[1] == created["prefix"]
    assert created["last_used_at"] is None and created["revoked_at"] is None

    listed = await client.get(f"/v1/tenants/{world.slug}/api-keys", headers=world.headers["owner"])
    assert listed.status_code == 200
    [item] = listed.json()
    assert "secret" not in item
    assert secret not in listed.text
    assert secret.split("_", 2)[2] not in listed.text
    assert {k: v for k, v in created.items() if k != "secret"} == item

    async with db.transaction(tenant_id=world.tenant.id) as tx:
        rows = (
            await tx.connection.execute(
                text("SELECT row_to_json(k)::text AS doc, k.secret_hash FROM api_keys k")
            )
        ).all()
    assert len(rows) == 1
    stored, secret_hash = rows[0]
    assert secret not in stored
    assert secret.split("_", 2)[2] not in stored
    assert bytes(secret_hash) == hashlib.sha256(secret.encode()).digest()


async def test_tenant_keys_cannot_carry_the_billing_scope(client, factory):
    world = await factory.world()
    path = f"/v1/tenants/{world.slug}/api-keys"
    for scopes in (["billing"], ["content:read", "billing"]):
        response = await client.post(
            path, json={"name": "sneaky", "scopes": scopes}, headers=world.headers["owner"]
        )
        assert_problem(response, 403, "forbidden")
    operator = await client.post(
        path, json={"name": "sneaky", "scopes": ["billing"]}, headers=world.headers["operator"]
    )
    assert_problem(operator, 403, "forbidden")
    assert (await client.get(path, headers=world.headers["owner"])).json() == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "k", "scopes": []},
        {"name": "k", "scopes": ["admin"]},
        {"name": "k"},
        {"name": "", "scopes": ["content:read"]},
        {"name": "k" * 81, "scopes": ["content:read"]},
        {"name": "k", "scopes": ["content:read"], "tenant_id": str(uuid4())},
        {"name": "k", "scopes": ["content:read"], "secret": "cau_chosen_by_me"},
    ],
    ids=repr,
)
async def test_invalid_key_requests_are_refused(client, factory, body):
    world = await factory.world()
    path = f"/v1/tenants/{world.slug}/api-keys"
    response = await client.post(path, json=body, headers=world.headers["owner"])
    assert_problem(response, 422, "validation_failed")
    assert (await client.get(path, headers=world.headers["owner"])).json() == []


async def test_a_content_read_key_administers_nothing(client, factory):
    world = await factory.world()
    other = await factory.world()
    headers = bearer((await tenant_key(client, world))["secret"])
    slug = world.slug
    for method, path, body in [
        ("GET", f"/v1/tenants/{slug}", None),
        ("PATCH", f"/v1/tenants/{slug}", {"name": "Mine now"}),
        ("GET", f"/v1/tenants/{slug}/members", None),
        ("POST", f"/v1/tenants/{slug}/invitations", {"email": "a@b.com", "role": "owner"}),
        ("GET", f"/v1/tenants/{slug}/api-keys", None),
        ("POST", f"/v1/tenants/{slug}/api-keys", {"name": "k", "scopes": ["content:read"]}),
        ("GET", f"/v1/tenants/{slug}/audit-log", None),
        ("POST", f"/v1/tenants/{slug}/domains", {"host": "k.example.com"}),
        ("GET", f"/v1/tenants/{other.slug}", None),
        ("GET", f"/v1/tenants/{other.slug}/members", None),
    ]:
        response = await client.request(method, path, json=body, headers=headers)
        assert response.status_code in (403, 404), (method, path, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
    assert_problem(await client.post("/v1/tenants", json=new_tenant_body(), headers=headers), 403)
    assert_problem(await client.get("/v1/api-keys", headers=headers), 401)
    assert_problem(await client.post("/v1/api-keys", json={}, headers=headers), 401)
    tenant = await client.get(f"/v1/tenants/{slug}", headers=world.headers["owner"])
    assert tenant.json()["name"] == world.tenant.name
    keys = await client.get(f"/v1/tenants/{slug}/api-keys", headers=world.headers["owner"])
    assert len(keys.json()) == 1


@pytest.mark.parametrize("caller", ["moderator", "author", "reader"])
async def test_members_without_the_right_cannot_create_or_revoke_keys(client, factory, caller):
    world = await factory.world()
    key = await tenant_key(client, world)
    path = f"/v1/tenants/{world.slug}/api-keys"
    created = await client.post(
        path, json={"name": "k", "scopes": ["content:read"]}, headers=world.headers[caller]
    )
    assert_problem(created, 403, "forbidden")
    revoked = await client.delete(f"{path}/{key['id']}", headers=world.headers[caller])
    assert_problem(revoked, 403, "forbidden")
    assert_problem(await client.get(path, headers=world.headers[caller]), 403, "forbidden")


async def test_a_revoked_key_is_refused(client, factory):
    world = await factory.world()
    key = await tenant_key(client, world)
    headers = bearer(key["secret"])
    probe = await client.get("/v1/sites/resolve", params={"host": "nowhere.example.com"})
    assert probe.status_code == 404
    before = await client.get(
        "/v1/sites/resolve", params={"host": "nowhere.example.com"}, headers=headers
    )
    assert before.status_code == 404

    path = f"/v1/tenants/{world.slug}/api-keys/{key['id']}"
    revoked = await client.delete(path, headers=world.headers["manager"])
    assert revoked.status_code == 204
    after = await client.get(
        "/v1/sites/resolve", params={"host": "nowhere.example.com"}, headers=headers
    )
    assert_problem(after, 401, "unauthenticated")
    assert_problem(await client.delete(path, headers=world.headers["owner"]), 404, "not_found")
    [listed] = (
        await client.get(f"/v1/tenants/{world.slug}/api-keys", headers=world.headers["owner"])
    ).json()
    assert listed["revoked_at"] is not None

    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    actions = [(e["action"], e["target_id"]) for e in log.json()["items"]]
    assert actions == [("api_key.revoked", key["id"]), ("api_key.created", key["id"])]


async def test_another_tenants_key_cannot_be_revoked_or_seen(client, factory):
    world = await factory.world()
    other = await factory.world()
    theirs = await tenant_key(client, other)
    response = await client.delete(
        f"/v1/tenants/{world.slug}/api-keys/{theirs['id']}", headers=world.headers["owner"]
    )
    assert_problem(response, 404, "not_found")
    platform = await client.delete(
        f"/v1/api-keys/{theirs['id']}", headers=world.headers["operator"]
    )
    assert_problem(platform, 404, "not_found")
    mine = await client.get(f"/v1/tenants/{world.slug}/api-keys", headers=world.headers["owner"])
    assert mine.json() == []
    still = await client.get(
        "/v1/sites/resolve", params={"host": "a.example.com"}, headers=bearer(theirs["secret"])
    )
    assert still.status_code == 404
    assert still.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "credential",
    [
        "cau_x",
        "cau_" + "a" * 200,
        "cau_",
        "cau_abcdefabcdef_" + "x" * 43,
        "cau_abcdefabcdef",
        "cau__" + "x" * 43,
        "cau_ABCDEFABCDEF_" + "x" * 43,
        "cau_abcdefabcdef_" + "x" * 200,
        "cau_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9_x",
    ],
    ids=lambda c: repr(c)[:30],
)
async def test_malformed_or_unknown_keys_are_a_401(client, factory, credential):
    world = await factory.world()
    header = f"Bearer {credential}".encode()
    response = await client.get(f"/v1/tenants/{world.slug}", headers={"Authorization": header})
    assert_problem(response, 401, "unauthenticated")


async def test_a_known_prefix_with_a_wrong_secret_is_a_401(client, factory):
    world = await factory.world()
    key = await tenant_key(client, world)
    prefix = key["prefix"]
    wrong = f"cau_{prefix}_" + "A" * 43
    assert_problem(
        await client.get(
            "/v1/sites/resolve", params={"host": "x.example.com"}, headers=bearer(wrong)
        ),
        401,
        "unauthenticated",
    )
    truncated = key["secret"][:-1]
    assert_problem(
        await client.get(
            "/v1/sites/resolve", params={"host": "x.example.com"}, headers=bearer(truncated)
        ),
        401,
        "unauthenticated",
    )
    for header in ("Basic " + key["secret"], "Bearer", "Bearer   ", key["secret"]):
        response = await client.get(f"/v1/tenants/{world.slug}", headers={"Authorization": header})
        assert_problem(response, 401, "unauthenticated")


async def test_last_used_at_is_set_after_use(client, factory):
    world = await factory.world()
    key = await tenant_key(client, world)
    path = f"/v1/tenants/{world.slug}/api-keys"
    [before] = (await client.get(path, headers=world.headers["owner"])).json()
    assert before["last_used_at"] is None
    used = await client.get(
        "/v1/sites/resolve", params={"host": "x.example.com"}, headers=bearer(key["secret"])
    )
    assert used.status_code == 404
    [after] = (await client.get(path, headers=world.headers["owner"])).json()
    assert after["last_used_at"] is not None


# --- platform keys -------------------------------------------------------------------


async def test_only_operators_manage_platform_keys(client, factory):
    world = await factory.world()
    body = {"name": "billing", "scopes": ["billing"]}
    for caller in ("owner", "manager", "outsider"):
        assert_problem(
            await client.post("/v1/api-keys", json=body, headers=world.headers[caller]),
            403,
            "forbidden",
        )
        assert_problem(await client.get("/v1/api-keys", headers=world.headers[caller]), 403)
    assert_problem(await client.post("/v1/api-keys", json=body), 401, "unauthenticated")
    assert_problem(await client.get("/v1/api-keys"), 401, "unauthenticated")

    created = await platform_key(client, world)
    assert KEY_SHAPE.match(created["secret"])
    listed = await client.get("/v1/api-keys", headers=world.headers["operator"])
    assert [k["id"] for k in listed.json()] == [created["id"]]
    assert created["secret"] not in listed.text
    tenant_list = await client.get(
        f"/v1/tenants/{world.slug}/api-keys", headers=world.headers["owner"]
    )
    assert tenant_list.json() == []

    mine = await tenant_key(client, world)
    listed = await client.get("/v1/api-keys", headers=world.headers["operator"])
    assert mine["id"] not in listed.text


async def test_platform_keys_are_stored_hashed(client, factory, db):
    world = await factory.world()
    created = await platform_key(client, world)
    async with db.transaction() as tx:
        rows = (
            await tx.connection.execute(
                text("SELECT row_to_json(k)::text AS doc, k.secret_hash FROM platform_api_keys k")
            )
        ).all()
    [row] = [r for r in rows if created["prefix"] in r.doc]
    assert created["secret"] not in row.doc
    assert bytes(row.secret_hash) == hashlib.sha256(created["secret"].encode()).digest()


async def test_a_billing_key_provisions_tenants_and_sees_nothing_inside(client, factory):
    world = await factory.world()
    key = await platform_key(client, world)
    headers = bearer(key["secret"])
    body = new_tenant_body()
    provisioned = await client.post("/v1/tenants", json=body, headers=headers)
    assert provisioned.status_code == 201, provisioned.text
    assert provisioned.json()["tenant"]["slug"] == body["slug"]
    assert provisioned.json()["owner_invitation"]["role"] == "owner"

    log = await client.get(
        f"/v1/tenants/{body['slug']}/audit-log", headers=world.headers["operator"]
    )
    [entry] = log.json()["items"]
    assert entry["action"] == "tenant.created"
    assert entry["actor_key_id"] == key["id"]
    assert entry["actor_user_id"] is None

    for slug in (world.slug, body["slug"]):
        for method, path, payload in [
            ("GET", f"/v1/tenants/{slug}", None),
            ("PATCH", f"/v1/tenants/{slug}", {"name": "Billing was here"}),
            ("GET", f"/v1/tenants/{slug}/members", None),
            ("POST", f"/v1/tenants/{slug}/invitations", {"email": "a@b.com", "role": "owner"}),
            ("GET", f"/v1/tenants/{slug}/api-keys", None),
            ("POST", f"/v1/tenants/{slug}/api-keys", {"name": "k", "scopes": ["content:read"]}),
            ("GET", f"/v1/tenants/{slug}/audit-log", None),
            ("GET", f"/v1/tenants/{slug}/domains", None),
        ]:
            response = await client.request(method, path, json=payload, headers=headers)
            assert response.status_code in (403, 404), (method, path, response.text)
    assert_problem(await client.get("/v1/api-keys", headers=headers), 401)
    again = await client.post("/v1/tenants", json=body, headers=headers)
    assert_problem(again, 409, "conflict")

    listed = await client.get("/v1/api-keys", headers=world.headers["operator"])
    [item] = listed.json()
    assert item["last_used_at"] is not None


async def test_a_revoked_platform_key_is_refused(client, factory):
    world = await factory.world()
    key = await platform_key(client, world)
    headers = bearer(key["secret"])
    revoked = await client.delete(f"/v1/api-keys/{key['id']}", headers=world.headers["operator"])
    assert revoked.status_code == 204
    response = await client.post("/v1/tenants", json=new_tenant_body(), headers=headers)
    assert_problem(response, 401, "unauthenticated")
    owner = await client.delete(f"/v1/api-keys/{key['id']}", headers=world.headers["owner"])
    assert_problem(owner, 403, "forbidden")
    again = await client.delete(f"/v1/api-keys/{key['id']}", headers=world.headers["operator"])
    assert_problem(again, 404, "not_found")


async def test_a_platform_content_key_cannot_provision(client, factory):
    world = await factory.world()
    key = await platform_key(client, world, scopes=("content:read",))
    response = await client.post(
        "/v1/tenants", json=new_tenant_body(), headers=bearer(key["secret"])
    )
    assert_problem(response, 403, "forbidden")


async def test_a_platform_key_cannot_be_revoked_through_a_tenant(client, factory):
    world = await factory.world()
    key = await platform_key(client, world)
    response = await client.delete(
        f"/v1/tenants/{world.slug}/api-keys/{key['id']}", headers=world.headers["owner"]
    )
    assert_problem(response, 404, "not_found")
    provisioned = await client.post(
        "/v1/tenants", json=new_tenant_body(), headers=bearer(key["secret"])
    )
    assert provisioned.status_code == 201
