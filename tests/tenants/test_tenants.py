"""Tenants: provisioning, settings and branding, custom domains, the role matrix, audit."""

from __future__ import annotations

from uuid import uuid4

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def new_tenant_body(slug: str | None = None, **extra) -> dict:
    return {
        "slug": f"brand-{uuid4().hex[:8]}" if slug is None else slug,
        "name": "A Brand",
        "owner_email": "Boss@Brand.example.com",
        **extra,
    }


# --- the role matrix on the real endpoints -------------------------------------------

CALLERS = [
    "operator",
    "owner",
    "manager",
    "moderator",
    "author",
    "reader",
    "outsider",
    "anonymous",
    "other-tenant owner",
]
EXPECTED_STATUS = {
    "operator": "2xx",
    "owner": "2xx",
    "manager": "2xx",
    "moderator": 403,
    "author": 403,
    "reader": 403,
    # Non-members never learn that the tenant exists; anonymous callers are non-members.
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}


def _unique() -> str:
    return uuid4().hex[:10]


ACTIONS = {
    "get tenant": lambda s: ("GET", f"/v1/tenants/{s}", None),
    "patch tenant": lambda s: ("PATCH", f"/v1/tenants/{s}", {"name": "X"}),
    "list members": lambda s: ("GET", f"/v1/tenants/{s}/members", None),
    "invite": lambda s: (
        "POST",
        f"/v1/tenants/{s}/invitations",
        {"email": f"new-{_unique()}@example.com", "role": "author"},
    ),
    "list api keys": lambda s: ("GET", f"/v1/tenants/{s}/api-keys", None),
    "create api key": lambda s: (
        "POST",
        f"/v1/tenants/{s}/api-keys",
        {"name": "front-end", "scopes": ["content:read"]},
    ),
    "audit log": lambda s: ("GET", f"/v1/tenants/{s}/audit-log", None),
    "list domains": lambda s: ("GET", f"/v1/tenants/{s}/domains", None),
    "add domain": lambda s: (
        "POST",
        f"/v1/tenants/{s}/domains",
        {"host": f"blog-{_unique()}.example.com"},
    ),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("caller", CALLERS)
async def test_role_matrix(client, factory, caller: str, action: str):
    world = await factory.world()
    if caller == "other-tenant owner":
        headers = (await factory.world()).headers["owner"]
    else:
        headers = world.headers[caller]
    method, path, body = ACTIONS[action](world.slug)
    before = (await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])).json()

    response = await client.request(method, path, json=body, headers=headers)

    expected = EXPECTED_STATUS[caller]
    if expected == "2xx":
        assert response.status_code in (200, 201), response.text
    else:
        codes = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}
        assert_problem(response, expected, codes[expected])
        after = await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])
        assert after.json() == before


@pytest.mark.parametrize("caller", ["operator", "owner", "outsider"])
async def test_an_unknown_tenant_is_a_404_for_everyone_signed_in(client, factory, caller):
    world = await factory.world()
    for make in ACTIONS.values():
        method, path, body = make("no-such-tenant")
        response = await client.request(method, path, json=body, headers=world.headers[caller])
        assert_problem(response, 404, "not_found")


async def test_without_credentials_every_tenant_answers_the_same_401(client, factory):
    """Refused before the tenant is looked up: an existing tenant and an unknown one give
    the same answer, so a caller without credentials learns nothing about either."""
    world = await factory.world()
    for make in ACTIONS.values():
        answers = []
        for slug in (world.slug, "no-such-tenant"):
            method, path, body = make(slug)
            answer = await client.request(method, path, json=body)
            problem = assert_problem(answer, 401, "unauthenticated")
            assert answer.headers["www-authenticate"].startswith("Bearer")
            answers.append((problem["detail"], answer.headers["www-authenticate"]))
        assert answers[0] == answers[1], (method, answers)


async def test_a_manager_sees_the_same_404_for_an_unknown_and_a_foreign_tenant(client, factory):
    world = await factory.world()
    other = await factory.world()
    unknown = await client.get("/v1/tenants/no-such-tenant", headers=world.headers["manager"])
    foreign = await client.get(f"/v1/tenants/{other.slug}", headers=world.headers["manager"])
    assert_problem(unknown, 404, "not_found")
    assert_problem(foreign, 404, "not_found")
    assert unknown.json()["detail"] == foreign.json()["detail"]


# --- provisioning --------------------------------------------------------------------


async def test_an_operator_provisions_a_tenant_with_an_owner_invitation(client, factory):
    world = await factory.world()
    body = new_tenant_body(default_language="fr")
    response = await client.post("/v1/tenants", json=body, headers=world.headers["operator"])
    assert response.status_code == 201, response.text
    created = response.json()
    tenant = created["tenant"]
    assert tenant["slug"] == body["slug"]
    assert tenant["name"] == "A Brand"
    assert tenant["status"] == "active"
    assert tenant["default_language"] == "fr"
    assert tenant["branding"]["primary_color"].startswith("#")
    invitation = created["owner_invitation"]
    assert invitation["role"] == "owner"
    assert invitation["email"] == "boss@brand.example.com"
    assert len(invitation["token"]) >= 32
    assert invitation["accept_url"].startswith("https://causerie.test/")
    assert f"tenant={body['slug']}" in invitation["accept_url"]
    assert invitation["token"] in invitation["accept_url"]

    boss = await factory.user("boss@brand.example.com")
    boss_headers = factory.auth(boss)
    assert_problem(
        await client.get(f"/v1/tenants/{body['slug']}", headers=boss_headers), 404, "not_found"
    )
    accepted = await client.post(
        f"/v1/tenants/{body['slug']}/invitations/accept",
        json={"token": invitation["token"]},
        headers=boss_headers,
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["role"] == "owner"
    boss_headers = factory.auth(boss)
    mine = await client.get(f"/v1/tenants/{body['slug']}", headers=boss_headers)
    assert mine.status_code == 200
    assert mine.json()["id"] == tenant["id"]


@pytest.mark.parametrize("caller", ["owner", "manager", "reader", "outsider"])
async def test_only_operators_provision_tenants(client, factory, caller):
    world = await factory.world()
    body = new_tenant_body()
    response = await client.post("/v1/tenants", json=body, headers=world.headers[caller])
    assert_problem(response, 403, "forbidden")
    check = await client.get(f"/v1/tenants/{body['slug']}", headers=world.headers["operator"])
    assert_problem(check, 404, "not_found")


async def test_anonymous_provisioning_is_a_401(client, factory):
    world = await factory.world()
    body = new_tenant_body()
    response = await client.post("/v1/tenants", json=body)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    check = await client.get(f"/v1/tenants/{body['slug']}", headers=world.headers["operator"])
    assert_problem(check, 404, "not_found")


async def test_a_taken_slug_is_a_409(client, factory):
    world = await factory.world()
    response = await client.post(
        "/v1/tenants", json=new_tenant_body(world.slug), headers=world.headers["operator"]
    )
    assert_problem(response, 409, "conflict")
    mine = await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])
    assert mine.json()["name"] == world.tenant.name


@pytest.mark.parametrize("slug", ["resolve", "api", "www", "admin", "console", "static"])
async def test_reserved_slugs_are_refused(client, factory, slug):
    world = await factory.world()
    response = await client.post(
        "/v1/tenants", json=new_tenant_body(slug), headers=world.headers["operator"]
    )
    assert_problem(response, 422)


LOOK_ALIKES = [
    "dem\u043e",  # Cyrillic o
    "\u0434emo",  # Cyrillic de
    "DEMO",
    "Demo",
    "d\u00e9mo",
    "demo\u200b",  # zero-width space
    "\uff44\uff45\uff4d\uff4f",  # full-width letters
    "demo ",
    " demo",
    "demo-",
    "-demo",
    "--x",
    "d",
    "de_mo",
    "de.mo",
    "x" * 64,
    "",
]


@pytest.mark.parametrize("slug", LOOK_ALIKES, ids=repr)
async def test_look_alike_and_malformed_slugs_are_refused(client, factory, slug):
    world = await factory.world("demo")
    response = await client.post(
        "/v1/tenants", json=new_tenant_body(slug), headers=world.headers["operator"]
    )
    assert_problem(response, 422)
    if slug:
        lookup = await client.get(f"/v1/tenants/{slug}", headers=world.headers["owner"])
        assert lookup.status_code in (404, 422), lookup.text
    mine = await client.get("/v1/tenants/demo", headers=world.headers["owner"])
    assert mine.status_code == 200


async def test_the_longest_slug_is_accepted(client, factory):
    world = await factory.world()
    slug = "x" * 63
    response = await client.post(
        "/v1/tenants", json=new_tenant_body(slug), headers=world.headers["operator"]
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "smuggled",
    [
        {"tenant_id": "00000000-0000-0000-0000-000000000001"},
        {"id": "00000000-0000-0000-0000-000000000001"},
        {"status": "disabled"},
        {"is_operator": True},
        {"default_language": "xx"},
    ],
    ids=lambda d: next(iter(d)),
)
async def test_smuggled_fields_on_create_are_refused(client, factory, smuggled):
    world = await factory.world()
    body = new_tenant_body(**smuggled)
    response = await client.post("/v1/tenants", json=body, headers=world.headers["operator"])
    assert_problem(response, 422, "validation_failed")
    check = await client.get(f"/v1/tenants/{body['slug']}", headers=world.headers["operator"])
    assert_problem(check, 404, "not_found")


@pytest.mark.parametrize(
    "smuggled",
    [
        {"tenant_id": "00000000-0000-0000-0000-000000000001"},
        {"id": "00000000-0000-0000-0000-000000000001"},
        {"slug": "taken-over"},
        {"status": "disabled"},
        {"is_operator": True},
        {"created_at": "2000-01-01T00:00:00Z"},
        {"branding": {"tenant_id": "x"}},
        {"settings": {"is_operator": True}},
        {"name": None},
        {"name": ""},
        {"name": "x" * 121},
        {"default_language": "klingon"},
        {"settings": {"comment_policy": "anything goes"}},
        {"branding": {"typography": "comic"}},
        {"branding": {"logo_url": "javascript:alert(1)"}},
    ],
    ids=repr,
)
async def test_smuggled_or_invalid_fields_on_update_change_nothing(client, factory, smuggled):
    world = await factory.world()
    headers = world.headers["owner"]
    before = (await client.get(f"/v1/tenants/{world.slug}", headers=headers)).json()
    response = await client.patch(
        f"/v1/tenants/{world.slug}", json={"name": "Changed", **smuggled}, headers=headers
    )
    assert_problem(response, 422)
    after = (await client.get(f"/v1/tenants/{world.slug}", headers=headers)).json()
    assert after == before


@pytest.mark.parametrize("color", ["#12345g", "123456", "#12345", "#1234567", "red", ""])
async def test_invalid_branding_colours_are_refused(client, factory, color):
    world = await factory.world()
    headers = world.headers["owner"]
    response = await client.patch(
        f"/v1/tenants/{world.slug}", json={"branding": {"primary_color": color}}, headers=headers
    )
    assert_problem(response, 422, "validation_failed")
    after = (await client.get(f"/v1/tenants/{world.slug}", headers=headers)).json()
    assert after["branding"]["primary_color"] == "#1f4e79"


async def test_nested_updates_merge_field_by_field(client, factory):
    world = await factory.world()
    headers = world.headers["manager"]
    path = f"/v1/tenants/{world.slug}"
    first = await client.patch(
        path,
        json={
            "branding": {"primary_color": "#AA0000", "logo_url": "https://cdn.example.com/l.png"},
            "settings": {"anonymous_comments": True, "blocked_words": ["spam"]},
        },
        headers=headers,
    )
    assert first.status_code == 200, first.text
    second = await client.patch(
        path,
        json={
            "name": "Renamed",
            "default_language": "fr",
            "branding": {"accent_color": "#00bb00", "show_powered_by": False},
            "settings": {"comment_policy": "pre"},
        },
        headers=headers,
    )
    assert second.status_code == 200, second.text
    tenant = (await client.get(path, headers=headers)).json()
    assert tenant == second.json()
    assert tenant["name"] == "Renamed"
    assert tenant["default_language"] == "fr"
    assert tenant["branding"]["primary_color"] == "#AA0000"
    assert tenant["branding"]["accent_color"] == "#00bb00"
    assert tenant["branding"]["logo_url"] == "https://cdn.example.com/l.png"
    assert tenant["branding"]["show_powered_by"] is False
    assert tenant["branding"]["typography"] == "system"
    assert tenant["settings"]["anonymous_comments"] is True
    assert tenant["settings"]["blocked_words"] == ["spam"]
    assert tenant["settings"]["comment_policy"] == "pre"

    cleared = await client.patch(path, json={"branding": {"logo_url": None}}, headers=headers)
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["branding"]["logo_url"] is None
    assert cleared.json()["branding"]["primary_color"] == "#AA0000"

    empty = await client.patch(path, json={}, headers=headers)
    assert empty.status_code == 200
    assert {k: v for k, v in empty.json().items() if k != "updated_at"} == {
        k: v for k, v in cleared.json().items() if k != "updated_at"
    }


async def test_an_update_of_one_tenant_leaves_another_alone(client, factory):
    world = await factory.world()
    other = await factory.world()
    await client.patch(
        f"/v1/tenants/{world.slug}",
        json={"name": "Mine", "branding": {"primary_color": "#000000"}},
        headers=world.headers["owner"],
    )
    theirs = (await client.get(f"/v1/tenants/{other.slug}", headers=other.headers["owner"])).json()
    assert theirs["name"] == other.tenant.name
    assert theirs["branding"]["primary_color"] == "#1f4e79"


# --- custom domains ------------------------------------------------------------------


async def test_custom_domains_add_list_resolve_remove(client, factory):
    world = await factory.world()
    headers = world.headers["owner"]
    path = f"/v1/tenants/{world.slug}/domains"
    host = f"blog-{_unique()}.example.com"
    # Nobody's yet: that answer is remembered, and forgotten when the domain is added.
    assert_problem(await client.get("/v1/sites/resolve", params={"host": host}), 404, "not_found")

    added = await client.post(path, json={"host": f"  {host.upper()}. "}, headers=headers)
    assert added.status_code == 201, added.text
    assert added.json()["host"] == host
    listed = (await client.get(path, headers=headers)).json()
    assert listed == [added.json()]

    for asked in (host, host.upper() + ".", host.title()):
        resolved = await client.get("/v1/sites/resolve", params={"host": asked})
        assert resolved.status_code == 200, resolved.text
        assert resolved.json() == {"tenant": world.slug}

    removed = await client.delete(f"{path}/{added.json()['id']}", headers=headers)
    assert removed.status_code == 204
    assert (await client.get(path, headers=headers)).json() == []
    assert_problem(await client.get("/v1/sites/resolve", params={"host": host}), 404, "not_found")


async def test_resolve_answers_the_documented_example(client, factory):
    world = await factory.world()
    added = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        json={"host": "blog.example.com"},
        headers=world.headers["manager"],
    )
    assert added.status_code == 201, added.text
    resolved = await client.get("/v1/sites/resolve", params={"host": "BLOG.Example.com."})
    assert resolved.status_code == 200
    assert resolved.json() == {"tenant": world.slug}


@pytest.mark.parametrize(
    "host", ["unknown.example.com", "example.com", "x", "blog.example.com.evil.test"]
)
async def test_resolving_an_unknown_host_is_a_404(client, factory, host):
    world = await factory.world()
    await client.post(
        f"/v1/tenants/{world.slug}/domains",
        json={"host": "blog.example.com"},
        headers=world.headers["owner"],
    )
    assert_problem(await client.get("/v1/sites/resolve", params={"host": host}), 404, "not_found")


async def test_resolve_is_answered_from_the_host_cache(client, factory, db):
    """The theme asks at every start: after the first answer, no database work."""
    from sqlalchemy import event

    world = await factory.world()
    host = f"cached-{_unique()}.example.com"
    added = await client.post(
        f"/v1/tenants/{world.slug}/domains", json={"host": host}, headers=world.headers["owner"]
    )
    assert added.status_code == 201
    assert (await client.get("/v1/sites/resolve", params={"host": host})).status_code == 200
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db._bound.sync_connection, "before_cursor_execute", count)
    try:
        again = await client.get("/v1/sites/resolve", params={"host": host.upper()})
    finally:
        event.remove(db._bound.sync_connection, "before_cursor_execute", count)
    assert again.json() == {"tenant": world.slug}
    assert statements == []
    bad = await client.get(
        "/v1/sites/resolve", params={"host": host}, headers={"Authorization": "Bearer nope"}
    )
    assert_problem(bad, 401, "unauthenticated")


async def test_resolve_validates_its_query(client):
    assert_problem(await client.get("/v1/sites/resolve"), 422, "validation_failed")
    too_long = await client.get("/v1/sites/resolve", params={"host": "a" * 254})
    assert_problem(too_long, 422, "validation_failed")


async def test_a_domain_belongs_to_one_tenant_only(client, factory):
    world = await factory.world()
    other = await factory.world()
    host = f"shared-{_unique()}.example.com"
    first = await client.post(
        f"/v1/tenants/{world.slug}/domains", json={"host": host}, headers=world.headers["owner"]
    )
    assert first.status_code == 201
    again = await client.post(
        f"/v1/tenants/{world.slug}/domains", json={"host": host}, headers=world.headers["owner"]
    )
    assert_problem(again, 409, "conflict")
    stolen = await client.post(
        f"/v1/tenants/{other.slug}/domains",
        json={"host": host.upper()},
        headers=other.headers["owner"],
    )
    assert_problem(stolen, 409, "conflict")
    theirs = await client.get(f"/v1/tenants/{other.slug}/domains", headers=other.headers["owner"])
    assert theirs.json() == []
    resolved = await client.get("/v1/sites/resolve", params={"host": host})
    assert resolved.json() == {"tenant": world.slug}


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "a..b",
        "a..b.com",
        "http://x.com",
        "x.com/path",
        "x.com:8080",
        "user@x.com",
        "-x.example.com",
        "x-.example.com",
        "x_y.example.com",
        "b\u00fccher.example.com",
        "exa\u0430mple.com",
        "192.168.0.1",
        "x.example.123",
        "a" * 300,
        ("a" * 63 + ".") * 4 + "com",
        ("a" * 64) + ".com",
        "",
        "   ",
    ],
    ids=lambda h: repr(h)[:40],
)
async def test_invalid_hosts_are_refused(client, factory, host):
    world = await factory.world()
    path = f"/v1/tenants/{world.slug}/domains"
    response = await client.post(path, json={"host": host}, headers=world.headers["owner"])
    assert_problem(response, 422)
    assert (await client.get(path, headers=world.headers["owner"])).json() == []


async def test_another_tenants_domain_cannot_be_removed(client, factory):
    world = await factory.world()
    other = await factory.world()
    host = f"theirs-{_unique()}.example.com"
    theirs = await client.post(
        f"/v1/tenants/{other.slug}/domains", json={"host": host}, headers=other.headers["owner"]
    )
    domain_id = theirs.json()["id"]
    response = await client.delete(
        f"/v1/tenants/{world.slug}/domains/{domain_id}", headers=world.headers["owner"]
    )
    assert_problem(response, 404, "not_found")
    unknown = await client.delete(
        f"/v1/tenants/{world.slug}/domains/{uuid4()}", headers=world.headers["owner"]
    )
    assert_problem(unknown, 404, "not_found")
    listed = await client.get(f"/v1/tenants/{other.slug}/domains", headers=other.headers["owner"])
    assert [d["id"] for d in listed.json()] == [domain_id]
    assert (await client.get("/v1/sites/resolve", params={"host": host})).json() == {
        "tenant": other.slug
    }


@pytest.mark.parametrize("caller", ["moderator", "author", "reader"])
async def test_members_without_the_right_cannot_remove_a_domain(client, factory, caller):
    world = await factory.world()
    added = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        json={"host": f"d-{_unique()}.example.com"},
        headers=world.headers["owner"],
    )
    response = await client.delete(
        f"/v1/tenants/{world.slug}/domains/{added.json()['id']}", headers=world.headers[caller]
    )
    assert_problem(response, 403, "forbidden")


# --- the audit trail -----------------------------------------------------------------


async def audit_entries(client, world, headers=None) -> list[dict]:
    entries, cursor = [], None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = await client.get(
            f"/v1/tenants/{world.slug}/audit-log",
            params=params,
            headers=headers or world.headers["owner"],
        )
        assert page.status_code == 200, page.text
        entries += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return entries


async def test_every_admin_action_is_audited_with_its_request_id(client, factory):
    world = await factory.world()
    slug = world.slug
    author_id = str(world.users["author"].id)
    reader_id = str(world.users["reader"].id)
    done: list[tuple[str, str, str | None, object]] = []

    async def act(action: str, actor: str, method: str, path: str, body=None):
        response = await client.request(method, path, json=body, headers=world.headers[actor])
        assert response.status_code in (200, 201, 204), response.text
        done.append((action, actor, response.headers["x-request-id"], response))
        return response

    await act("tenant.updated", "owner", "PATCH", f"/v1/tenants/{slug}", {"name": "Audited"})
    domain = await act(
        "domain.added", "manager", "POST", f"/v1/tenants/{slug}/domains", {"host": "a.example.com"}
    )
    await act(
        "domain.removed", "owner", "DELETE", f"/v1/tenants/{slug}/domains/{domain.json()['id']}"
    )
    await act(
        "member.invited",
        "manager",
        "POST",
        f"/v1/tenants/{slug}/invitations",
        {"email": "x@example.com", "role": "moderator"},
    )
    key = await act(
        "api_key.created",
        "owner",
        "POST",
        f"/v1/tenants/{slug}/api-keys",
        {"name": "site", "scopes": ["content:read"]},
    )
    await act(
        "api_key.revoked", "owner", "DELETE", f"/v1/tenants/{slug}/api-keys/{key.json()['id']}"
    )
    await act(
        "member.role_changed",
        "manager",
        "PATCH",
        f"/v1/tenants/{slug}/members/{author_id}",
        {"role": "moderator"},
    )
    await act("member.removed", "owner", "DELETE", f"/v1/tenants/{slug}/members/{reader_id}")
    await act("tenant.updated", "operator", "PATCH", f"/v1/tenants/{slug}", {"name": "By op"})

    entries = await audit_entries(client, world)
    by_request = {e["request_id"]: e for e in entries}
    assert len(by_request) == len(entries) == len(done)
    for action, actor, request_id, _ in done:
        entry = by_request[request_id]
        assert entry["action"] == action
        assert entry["actor_user_id"] == str(world.users[actor].id)
        assert entry["actor_key_id"] is None
    assert by_request[done[0][2]]["details"] == {"fields": ["name"]}
    assert by_request[done[1][2]]["details"] == {"host": "a.example.com"}
    assert by_request[done[6][2]]["target_id"] == author_id
    assert by_request[done[6][2]]["details"] == {"old": "author", "new": "moderator"}
    assert [e["request_id"] for e in entries] == [r for _, _, r, _ in reversed(done)]


async def test_a_client_request_id_is_recorded(client, factory):
    world = await factory.world()
    headers = {**world.headers["owner"], "X-Request-Id": "console-1234abcd"}
    response = await client.patch(f"/v1/tenants/{world.slug}", json={"name": "Y"}, headers=headers)
    assert response.headers["x-request-id"] == "console-1234abcd"
    [entry] = await audit_entries(client, world)
    assert entry["request_id"] == "console-1234abcd"


async def test_refused_actions_leave_no_audit_entry(client, factory):
    world = await factory.world()
    for caller in ("moderator", "author", "reader", "outsider", "anonymous"):
        await client.patch(
            f"/v1/tenants/{world.slug}", json={"name": "No"}, headers=world.headers[caller]
        )
    await client.patch(
        f"/v1/tenants/{world.slug}",
        json={"branding": {"primary_color": "#zzzzzz"}},
        headers=world.headers["owner"],
    )
    assert await audit_entries(client, world) == []


async def test_provisioning_is_audited_in_the_new_tenant(client, factory):
    world = await factory.world()
    body = new_tenant_body()
    response = await client.post("/v1/tenants", json=body, headers=world.headers["operator"])
    assert response.status_code == 201
    page = await client.get(
        f"/v1/tenants/{body['slug']}/audit-log", headers=world.headers["operator"]
    )
    [entry] = page.json()["items"]
    assert entry["action"] == "tenant.created"
    assert entry["actor_user_id"] == str(world.users["operator"].id)
    assert entry["request_id"] == response.headers["x-request-id"]
    assert entry["target_id"] == response.json()["tenant"]["id"]


async def test_the_audit_log_shows_one_tenant_only(client, factory):
    world = await factory.world()
    other = await factory.world()
    await client.patch(
        f"/v1/tenants/{other.slug}", json={"name": "B"}, headers=other.headers["owner"]
    )
    assert await audit_entries(client, world) == []
    assert len(await audit_entries(client, other)) == 1


async def test_audit_log_pagination(client, factory):
    world = await factory.world()
    headers = world.headers["owner"]
    for n in range(5):
        await client.patch(f"/v1/tenants/{world.slug}", json={"name": f"N{n}"}, headers=headers)
    path = f"/v1/tenants/{world.slug}/audit-log"
    full = (await client.get(path, headers=headers)).json()
    assert full["next_cursor"] is None
    assert len(full["items"]) == 5

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await client.get(path, params=params, headers=headers)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) == 1
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            assert "link" not in page.headers
            break
        assert page.headers["link"].endswith('; rel="next"')
        assert f"cursor={cursor}" in page.headers["link"]
    assert pages == 5
    assert seen == full["items"]
    stamps = [e["created_at"] for e in seen]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "!!!"},
        {"cursor": "W10"},
        {"cursor": "WyJ4IiwgInkiXQ"},
        {"cursor": "x" * 600},
        {"limit": 0},
        {"limit": -1},
        {"limit": 101},
        {"limit": 1000},
        {"limit": "ten"},
    ],
    ids=repr,
)
async def test_audit_log_refuses_bad_paging(client, factory, params):
    world = await factory.world()
    response = await client.get(
        f"/v1/tenants/{world.slug}/audit-log", params=params, headers=world.headers["owner"]
    )
    assert_problem(response, 422, "validation_failed")


async def test_audit_log_cursors_are_signed_and_bound_to_their_list(client, factory):
    world = await factory.world()
    headers = world.headers["owner"]
    for n in range(3):
        await client.patch(f"/v1/tenants/{world.slug}", json={"name": f"N{n}"}, headers=headers)
    path = f"/v1/tenants/{world.slug}/audit-log"
    cursor = (await client.get(path, params={"limit": 1}, headers=headers)).json()["next_cursor"]
    assert cursor
    payload, mac = cursor.split(".")
    forged_mac = ("B" if mac[0] == "A" else "A") + mac[1:]  # the first character: data bits
    assert_problem(
        await client.get(path, params={"cursor": f"{payload}.{forged_mac}"}, headers=headers),
        422,
        "validation_failed",
    )
    members = await client.get(
        f"/v1/tenants/{world.slug}/members", params={"limit": 1}, headers=headers
    )
    foreign = members.json()["next_cursor"]
    assert foreign
    assert_problem(
        await client.get(path, params={"cursor": foreign}, headers=headers),
        422,
        "validation_failed",
    )
