"""Members: invitations and their acceptance, role changes, removal and leaving."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest

from auth.secrets import new_token, token_hash
from domain.kernel.access import Actor, Principal, Role
from domain.licensing.limits import PlanLicence
from domain.members import use_cases
from persistence.uow import SqlUnitOfWork

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def email() -> str:
    return f"new-{uuid4().hex[:10]}@example.com"


async def invite(client, world, role: str = "author", by: str = "owner", address: str = ""):
    response = await client.post(
        f"/v1/tenants/{world.slug}/invitations",
        json={"email": address or email(), "role": role},
        headers=world.headers[by],
    )
    return response


async def accept(client, world, token: str, headers: dict):
    return await client.post(
        f"/v1/tenants/{world.slug}/invitations/accept", json={"token": token}, headers=headers
    )


async def members(client, world, by: str = "owner") -> dict[str, str]:
    response = await client.get(
        f"/v1/tenants/{world.slug}/members", params={"limit": 100}, headers=world.headers[by]
    )
    assert response.status_code == 200, response.text
    return {m["user_id"]: m["role"] for m in response.json()["items"]}


async def fresh_headers(factory, user_id) -> dict[str, str]:
    async with SqlUnitOfWork(factory.db) as uow:
        user = await uow.users.get(user_id)
    assert user is not None
    return factory.auth(user)


# --- invitations ---------------------------------------------------------------------


async def test_an_invited_user_joins_with_the_invited_role(client, factory):
    world = await factory.world()
    address = email()
    invited = await invite(client, world, "moderator", by="manager", address=address.upper())
    assert invited.status_code == 201, invited.text
    body = invited.json()
    assert body["role"] == "moderator"
    assert body["email"] == address
    assert body["token"] in body["accept_url"]

    newcomer = await factory.user(address)
    headers = factory.auth(newcomer)
    joined = await accept(client, world, body["token"], headers)
    assert joined.status_code == 200, joined.text
    assert joined.json()["role"] == "moderator"
    assert joined.json()["user_id"] == str(newcomer.id)
    assert (await members(client, world))[str(newcomer.id)] == "moderator"

    queue = await client.get(f"/v1/tenants/{world.slug}", headers=headers)
    assert_problem(queue, 403, "forbidden")

    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    actions = [e["action"] for e in log.json()["items"]]
    assert actions == ["member.joined", "member.invited"]
    joined_entry = log.json()["items"][0]
    assert joined_entry["actor_user_id"] == str(newcomer.id)
    assert joined_entry["details"]["invitation"] == body["id"]


async def test_an_invitation_makes_a_manager_who_can_manage(client, factory):
    world = await factory.world()
    invited = (await invite(client, world, "manager")).json()
    newcomer = await factory.user(invited["email"])
    headers = factory.auth(newcomer)
    assert (await accept(client, world, invited["token"], headers)).json()["role"] == "manager"
    response = await client.get(f"/v1/tenants/{world.slug}/members", headers=headers)
    assert response.status_code == 200


async def test_an_invitation_is_single_use(client, factory):
    world = await factory.world()
    invited = (await invite(client, world)).json()
    token = invited["token"]
    first, second = await factory.user(invited["email"]), await factory.user()
    assert (await accept(client, world, token, factory.auth(first))).status_code == 200
    assert_problem(await accept(client, world, token, factory.auth(second)), 409, "conflict")
    assert_problem(await accept(client, world, token, factory.auth(first)), 409, "conflict")
    assert str(second.id) not in await members(client, world)


async def test_an_expired_invitation_is_refused(client, factory, db):
    world = await factory.world()
    token = new_token()
    owner = Actor(Principal(user_id=world.users["owner"].id), world.tenant.id, Role.OWNER)
    async with SqlUnitOfWork(db, tenant_id=world.tenant.id) as uow:
        await use_cases.invite_member(
            uow,
            owner,
            email(),
            Role.AUTHOR,
            token,
            token_hash(token),
            timedelta(seconds=-1),
            PlanLicence(uow),
        )
    newcomer = await factory.user()
    assert_problem(await accept(client, world, token, factory.auth(newcomer)), 409, "conflict")
    assert str(newcomer.id) not in await members(client, world)


async def test_a_token_works_in_its_own_tenant_only(client, factory):
    world = await factory.world()
    other = await factory.world()
    invited = (await invite(client, other, "manager")).json()
    token = invited["token"]
    newcomer = await factory.user(invited["email"])
    headers = factory.auth(newcomer)
    assert_problem(await accept(client, world, token, headers), 404, "not_found")
    assert str(newcomer.id) not in await members(client, world)
    assert (await accept(client, other, token, headers)).json()["role"] == "manager"


async def test_an_unknown_or_malformed_token_is_refused(client, factory):
    world = await factory.world()
    headers = world.headers["outsider"]
    assert_problem(await accept(client, world, new_token(), headers), 404, "not_found")
    assert_problem(await accept(client, world, "short", headers), 422, "validation_failed")
    assert_problem(await accept(client, world, "x" * 129, headers), 422, "validation_failed")
    unknown_tenant = await client.post(
        "/v1/tenants/no-such-tenant/invitations/accept",
        json={"token": new_token()},
        headers=headers,
    )
    assert_problem(unknown_tenant, 404, "not_found")


async def test_accepting_needs_a_signed_in_user(client, factory):
    world = await factory.world()
    invited = (await invite(client, world)).json()
    token = invited["token"]
    response = await accept(client, world, token, {})
    assert_problem(response, 401, "unauthenticated")
    assert "www-authenticate" in response.headers
    newcomer = await factory.user(invited["email"])
    assert (await accept(client, world, token, factory.auth(newcomer))).status_code == 200


async def test_an_invitation_never_demotes_an_existing_member(client, factory):
    world = await factory.world()
    manager_email = world.users["manager"].email
    token = (await invite(client, world, "reader", address=manager_email)).json()["token"]
    joined = await accept(client, world, token, world.headers["manager"])
    assert joined.status_code == 200, joined.text
    assert joined.json()["role"] == "manager"
    reader_email = world.users["reader"].email
    promote = (await invite(client, world, "author", address=reader_email)).json()["token"]
    promoted = await accept(client, world, promote, world.headers["reader"])
    assert promoted.json()["role"] == "author"
    roles = await members(client, world)
    assert roles[str(world.users["manager"].id)] == "manager"
    assert roles[str(world.users["reader"].id)] == "author"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@example.com", "role": "operator"},
        {"email": "a@example.com", "role": "OWNER"},
        {"email": "not-an-email", "role": "author"},
        {"email": "a@example.com"},
        {"email": "a@example.com", "role": "author", "tenant_id": str(uuid4())},
        {"email": "a@example.com", "role": "author", "is_operator": True},
    ],
    ids=repr,
)
async def test_invalid_invitations_are_refused(client, factory, body):
    world = await factory.world()
    response = await client.post(
        f"/v1/tenants/{world.slug}/invitations", json=body, headers=world.headers["owner"]
    )
    assert_problem(response, 422, "validation_failed")


async def test_only_owners_invite_owners(client, factory):
    world = await factory.world()
    assert_problem(await invite(client, world, "owner", by="manager"), 403, "forbidden")
    assert (await invite(client, world, "manager", by="manager")).status_code == 201
    owner_invite = await invite(client, world, "owner", by="owner")
    assert owner_invite.status_code == 201
    assert (await invite(client, world, "owner", by="operator")).status_code == 201
    newcomer = await factory.user(owner_invite.json()["email"])
    joined = await accept(client, world, owner_invite.json()["token"], factory.auth(newcomer))
    assert joined.json()["role"] == "owner"


@pytest.mark.parametrize("caller", ["moderator", "author", "reader"])
async def test_members_without_the_right_cannot_invite(client, factory, caller):
    world = await factory.world()
    assert_problem(await invite(client, world, "reader", by=caller), 403, "forbidden")


# --- role changes --------------------------------------------------------------------


async def change(client, world, user_id, role: str, by: str = "owner"):
    return await client.patch(
        f"/v1/tenants/{world.slug}/members/{user_id}",
        json={"role": role},
        headers=world.headers[by],
    )


async def remove(client, world, user_id, by: str = "owner"):
    return await client.delete(
        f"/v1/tenants/{world.slug}/members/{user_id}", headers=world.headers[by]
    )


async def test_a_manager_cannot_touch_the_owner(client, factory):
    world = await factory.world()
    owner_id = world.users["owner"].id
    assert_problem(await change(client, world, owner_id, "manager", by="manager"), 403, "forbidden")
    assert_problem(await remove(client, world, owner_id, by="manager"), 403, "forbidden")
    author_id = world.users["author"].id
    assert_problem(await change(client, world, author_id, "owner", by="manager"), 403, "forbidden")
    manager_id = world.users["manager"].id
    assert_problem(await change(client, world, manager_id, "owner", by="manager"), 403, "forbidden")
    roles = await members(client, world)
    assert roles[str(owner_id)] == "owner"
    assert roles[str(author_id)] == "author"
    assert roles[str(manager_id)] == "manager"


async def test_a_manager_manages_everyone_else(client, factory):
    world = await factory.world()
    author_id = world.users["author"].id
    changed = await change(client, world, author_id, "moderator", by="manager")
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "moderator"
    assert changed.json()["user_id"] == str(author_id)
    assert (await remove(client, world, world.users["reader"].id, by="manager")).status_code == 204
    roles = await members(client, world)
    assert roles[str(author_id)] == "moderator"
    assert str(world.users["reader"].id) not in roles


async def test_the_owner_can_demote_a_manager(client, factory):
    world = await factory.world()
    manager_id = world.users["manager"].id
    response = await change(client, world, manager_id, "author", by="owner")
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "author"
    manager = await fresh_headers(factory, manager_id)
    assert_problem(
        await client.get(f"/v1/tenants/{world.slug}/members", headers=manager), 403, "forbidden"
    )


async def test_the_last_owner_can_neither_leave_nor_be_demoted(client, factory):
    world = await factory.world()
    owner_id = world.users["owner"].id
    assert_problem(await change(client, world, owner_id, "manager"), 409, "conflict")
    assert_problem(await remove(client, world, owner_id), 409, "conflict")
    assert_problem(await change(client, world, owner_id, "reader", by="operator"), 409, "conflict")
    assert (await members(client, world))[str(owner_id)] == "owner"


async def test_with_a_second_owner_the_first_may_step_down(client, factory):
    world = await factory.world()
    owner_id = world.users["owner"].id
    manager_id = world.users["manager"].id
    assert (await change(client, world, manager_id, "owner")).status_code == 200
    stepped = await change(client, world, owner_id, "manager")
    assert stepped.status_code == 200, stepped.text
    new_owner = await fresh_headers(factory, manager_id)
    left = await client.delete(f"/v1/tenants/{world.slug}/members/{manager_id}", headers=new_owner)
    assert_problem(left, 409, "conflict")


async def test_a_member_can_leave(client, factory):
    world = await factory.world()
    author_id = world.users["author"].id
    response = await remove(client, world, author_id, by="author")
    assert response.status_code == 204
    assert str(author_id) not in await members(client, world)
    stale = await client.get(f"/v1/tenants/{world.slug}/members", headers=world.headers["author"])
    assert_problem(stale, 401, "unauthenticated")
    after = await fresh_headers(factory, author_id)
    assert_problem(await client.get(f"/v1/tenants/{world.slug}", headers=after), 404, "not_found")
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=world.headers["owner"])
    entry = log.json()["items"][0]
    assert entry["action"] == "member.left"
    assert entry["actor_user_id"] == str(author_id)


async def test_an_owner_may_leave_when_another_owner_remains(client, factory):
    world = await factory.world()
    second = await factory.user()
    await factory.member(world.tenant, second, Role.OWNER)
    owner_id = world.users["owner"].id
    assert (await remove(client, world, owner_id, by="owner")).status_code == 204
    roles = await members(client, world, by="manager")
    assert str(owner_id) not in roles
    assert roles[str(second.id)] == "owner"


@pytest.mark.parametrize("caller", ["moderator", "author", "reader"])
async def test_members_without_the_right_cannot_change_or_remove_others(client, factory, caller):
    world = await factory.world()
    target = world.users["reader" if caller != "reader" else "author"].id
    assert_problem(await change(client, world, target, "manager", by=caller), 403, "forbidden")
    assert_problem(await remove(client, world, target, by=caller), 403, "forbidden")
    own = world.users[caller].id
    assert_problem(await change(client, world, own, "manager", by=caller), 403, "forbidden")


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [("outsider", 404, "not_found"), ("anonymous", 401, "unauthenticated")],
)
async def test_non_members_cannot_change_members(client, factory, caller, status, code):
    world = await factory.world()
    target = world.users["author"].id
    assert_problem(await change(client, world, target, "reader", by=caller), status, code)
    assert_problem(await remove(client, world, target, by=caller), status, code)
    outsider_id = world.users["outsider"].id
    assert_problem(await remove(client, world, outsider_id, by="outsider"), 404, "not_found")


async def test_a_role_change_revokes_the_members_access_token(client, factory):
    world = await factory.world()
    manager_id = world.users["manager"].id
    old = world.headers["manager"]
    assert (await client.get(f"/v1/tenants/{world.slug}", headers=old)).status_code == 200
    assert (await change(client, world, manager_id, "reader")).status_code == 200
    stale = await client.get(f"/v1/tenants/{world.slug}", headers=old)
    assert_problem(stale, 401, "unauthenticated")
    assert "www-authenticate" in stale.headers
    renewed = await fresh_headers(factory, manager_id)
    assert_problem(await client.get(f"/v1/tenants/{world.slug}", headers=renewed), 403)
    owner = await client.get(f"/v1/tenants/{world.slug}", headers=world.headers["owner"])
    assert owner.status_code == 200


async def test_another_tenants_user_is_not_found(client, factory):
    world = await factory.world()
    other = await factory.world()
    theirs = other.users["author"].id
    assert_problem(await change(client, world, theirs, "reader"), 404, "not_found")
    assert_problem(await remove(client, world, theirs), 404, "not_found")
    assert_problem(await change(client, world, uuid4(), "reader"), 404, "not_found")
    assert_problem(await remove(client, world, uuid4()), 404, "not_found")
    assert (await members(client, other))[str(theirs)] == "author"
    invalid = await client.patch(
        f"/v1/tenants/{world.slug}/members/not-a-uuid",
        json={"role": "reader"},
        headers=world.headers["owner"],
    )
    assert_problem(invalid, 422, "validation_failed")
    bad_role = await change(client, world, world.users["author"].id, "operator")
    assert_problem(bad_role, 422, "validation_failed")


# --- the list ------------------------------------------------------------------------


async def test_members_list_shows_every_member_once(client, factory):
    world = await factory.world()
    other = await factory.world()
    response = await client.get(
        f"/v1/tenants/{world.slug}/members", headers=world.headers["manager"]
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert response.json()["next_cursor"] is None
    expected = {str(world.users[r.value].id): r.value for r in Role}
    assert {m["user_id"]: m["role"] for m in items} == expected
    by_id = {m["user_id"]: m for m in items}
    owner = world.users["owner"]
    assert by_id[str(owner.id)]["email"] == owner.email
    assert by_id[str(owner.id)]["display_name"] == owner.display_name
    assert not {str(u.id) for u in other.users.values()} & set(by_id)


async def test_members_list_pagination(client, factory):
    world = await factory.world()
    for _ in range(3):
        await factory.member(world.tenant, await factory.user(), Role.READER)
    path = f"/v1/tenants/{world.slug}/members"
    headers = world.headers["owner"]
    full = (await client.get(path, headers=headers)).json()["items"]
    assert len(full) == 8

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = await client.get(path, params=params, headers=headers)
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        pages += 1
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        assert 'rel="next"' in page.headers["link"]
    assert pages == 3
    assert seen == full
    assert len({m["user_id"] for m in seen}) == 8

    for params in ({"cursor": "garbage"}, {"limit": 0}, {"limit": 101}):
        assert_problem(await client.get(path, params=params, headers=headers), 422)


async def test_an_invitation_is_for_its_own_address_only(client, factory):
    world = await factory.world()
    invited = (await invite(client, world, "manager")).json()
    stranger = await factory.user()
    refused = await accept(client, world, invited["token"], factory.auth(stranger))
    assert_problem(refused, 403, "forbidden")
    assert str(stranger.id) not in await members(client, world)
    rightful = await factory.user(invited["email"].upper())
    accepted = await accept(client, world, invited["token"], factory.auth(rightful))
    assert accepted.json()["role"] == "manager"


async def test_members_cursors_are_signed_and_bound_to_their_list(client, factory):
    world = await factory.world()
    path = f"/v1/tenants/{world.slug}/members"
    headers = world.headers["owner"]
    first = await client.get(path, params={"limit": 2}, headers=headers)
    cursor = first.json()["next_cursor"]
    assert cursor
    # The position edited (another join time), the signature kept: refused.
    payload, mac = cursor.split(".")
    version, name, (_stamp, ident) = json.loads(base64.urlsafe_b64decode(payload + "=="))
    edited = json.dumps([version, name, ["2000-01-01T00:00:00+00:00", ident]]).encode()
    edited_text = base64.urlsafe_b64encode(edited).decode().rstrip("=")
    assert_problem(
        await client.get(path, params={"cursor": f"{edited_text}.{mac}"}, headers=headers),
        422,
        "validation_failed",
    )
    # A cursor of another list (the audit log) is refused here, although its position
    # has the same shape.
    for n in range(3):
        await client.patch(f"/v1/tenants/{world.slug}", json={"name": f"N{n}"}, headers=headers)
    audit = await client.get(
        f"/v1/tenants/{world.slug}/audit-log", params={"limit": 1}, headers=headers
    )
    foreign = audit.json()["next_cursor"]
    assert foreign
    assert_problem(
        await client.get(path, params={"cursor": foreign}, headers=headers),
        422,
        "validation_failed",
    )
