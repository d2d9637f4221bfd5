"""Sign-in, tokens, refresh rotation, and the signed-in user's own account."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from jose import jwt as jose_jwt

from api.middleware import client_ip
from auth.jwt_tokens import KeyRing
from domain.accounts import use_cases
from domain.kernel.access import Role
from persistence.uow import SqlUnitOfWork
from tests.conftest import JWT_KEYS
from tests.factories import PASSWORD

PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]
KEYS = dict(part.split(":", 1) for part in JWT_KEYS.split(","))
SIGNING_KID, OLD_KID = list(KEYS)


# --- helpers ------------------------------------------------------------------------


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].startswith("/problems/") and body["title"] and body["detail"]
    if status == 401:
        assert response.headers["www-authenticate"].lower().startswith("bearer")
    return body


async def sign_in(client, email: str, password: str = PASSWORD):
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


async def tokens(client, email: str, password: str = PASSWORD) -> dict:
    response = await sign_in(client, email, password)
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def me_status(client, token: str) -> int:
    return (await client.get("/v1/me", headers=bearer(token))).status_code


async def refresh(client, refresh_token: str):
    return await client.post("/v1/auth/refresh", json={"refresh_token": refresh_token})


async def set_user(db, user_id, **changes) -> None:
    async with SqlUnitOfWork(db) as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        for name, value in changes.items():
            setattr(user, name, value)
        await uow.users.update(user)
        await uow.commit()


async def load_user(db, user_id):
    async with SqlUnitOfWork(db) as uow:
        return await uow.users.get(user_id)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: object) -> str:
    return b64(json.dumps(value, separators=(",", ":")).encode())


def hs256(signing_input: str, secret: str) -> str:
    return b64(hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest())


def claims_for(user, **overrides) -> dict:
    now = int(datetime.now(UTC).timestamp())
    claims = {
        "iss": "causerie",
        "aud": "causerie-api",
        "sub": str(user.id),
        "iat": now,
        "exp": now + 600,
        "jti": uuid4().hex,
        "tv": user.token_version,
        "sid": str(uuid4()),
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def signed(claims: dict, *, kid: str = SIGNING_KID, algorithm: str = "HS256") -> str:
    return jose_jwt.encode(claims, KEYS[kid], algorithm=algorithm, headers={"kid": kid})


def handmade(header: dict, claims: dict, secret: str | None = None) -> str:
    signing_input = f"{b64json(header)}.{b64json(claims)}"
    signature = hs256(signing_input, secret) if secret else ""
    return f"{signing_input}.{signature}"


# --- sign-in ------------------------------------------------------------------------


async def test_sign_in_returns_a_token_pair(client, factory, services):
    user = await factory.user()
    response = await sign_in(client, user.email)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == services.settings.access_token_ttl_seconds
    assert body["refresh_token"] and body["refresh_token"] != body["access_token"]
    claims = services.keyring.verify(body["access_token"])
    assert claims.user_id == user.id and claims.token_version == user.token_version
    me = await client.get("/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == str(user.id)


async def test_wrong_password_and_unknown_email_answer_alike(client, factory):
    user = await factory.user()
    wrong = await sign_in(client, user.email, "not the password at all")
    unknown = await sign_in(client, f"nobody-{uuid4().hex[:8]}@example.test", PASSWORD)
    a = assert_problem(wrong, 401, "unauthenticated")
    b = assert_problem(unknown, 401, "unauthenticated")
    assert (a["code"], a["title"], a["detail"]) == (b["code"], b["title"], b["detail"])
    assert wrong.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert "access_token" not in wrong.text and "refresh_token" not in unknown.text


async def test_sign_in_email_is_case_insensitive(client, factory):
    user = await factory.user(f"Mixed.Case-{uuid4().hex[:6]}@Example.TEST")
    assert user.email == user.email.lower()
    for variant in (user.email, user.email.upper(), f"  {user.email.title()}  "):
        response = await sign_in(client, variant)
        assert response.status_code == 200, (variant, response.text)


@pytest.mark.parametrize(
    ("username", "password"),
    [("a" * 290 + "@example.test", PASSWORD), ("someone@example.test", "p" * 300)],
    ids=["long-email", "long-password"],
)
async def test_over_long_credentials_are_a_422_problem(client, username, password):
    response = await sign_in(client, username, password)
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"]


async def test_missing_form_fields_are_a_422_problem(client):
    assert_problem(await client.post("/v1/auth/token", data={}), 422, "validation_failed")
    response = await client.post(
        "/v1/auth/token", json={"username": "x@example.test", "password": PASSWORD}
    )
    assert_problem(response, 422, "validation_failed")


async def test_disabled_user_cannot_sign_in(client, factory, db):
    user = await factory.user()
    await set_user(db, user.id, is_active=False)
    body = assert_problem(await sign_in(client, user.email), 401, "unauthenticated")
    unknown = await sign_in(client, f"nobody-{uuid4().hex[:8]}@example.test")
    assert body["detail"] == unknown.json()["detail"]


async def test_disabled_user_loses_tokens_and_refresh(client, factory, db):
    user = await factory.user()
    pair = await tokens(client, user.email)
    await set_user(db, user.id, is_active=False)
    assert_problem(
        await client.get("/v1/me", headers=bearer(pair["access_token"])), 401, "unauthenticated"
    )
    assert_problem(await refresh(client, pair["refresh_token"]), 401, "unauthenticated")


# --- rate limits --------------------------------------------------------------------


async def test_sign_in_is_limited_per_account(fresh_minute, client, factory, settings):
    user = await factory.user()
    limit = settings.sign_in_per_account_per_minute
    assert limit == 10
    for _ in range(limit):
        assert (await sign_in(client, user.email, "wrong password!")).status_code == 401
    response = await sign_in(client, user.email)  # even the right password now waits
    body = assert_problem(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1
    assert "access_token" not in body
    other = await factory.user()
    assert (await sign_in(client, other.email)).status_code == 200


async def test_per_account_limit_ignores_case_and_spaces(fresh_minute, client, factory, settings):
    user = await factory.user()
    variants = [user.email, user.email.upper(), f" {user.email} ", user.email.title()]
    for i in range(settings.sign_in_per_account_per_minute):
        await sign_in(client, variants[i % len(variants)], "wrong password!")
    assert_problem(await sign_in(client, user.email.upper()), 429, "rate_limited")


async def test_sign_in_is_limited_per_ip(fresh_minute, client, settings):
    limit = settings.sign_in_per_ip_per_minute
    assert limit == 30
    for i in range(limit):
        response = await sign_in(client, f"spray-{i}@example.test", "wrong password!")
        assert response.status_code == 401, (i, response.text)
    response = await sign_in(client, "spray-last@example.test", "wrong password!")
    assert_problem(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) >= 1


async def test_forged_forwarded_for_does_not_reset_the_ip_limit(fresh_minute, client, settings):
    assert settings.trusted_proxy_hops == 0
    for i in range(settings.sign_in_per_ip_per_minute):
        response = await client.post(
            "/v1/auth/token",
            data={"username": f"forge-{i}@example.test", "password": "wrong password!"},
            headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
        )
        assert response.status_code == 401
    response = await client.post(
        "/v1/auth/token",
        data={"username": "forge-last@example.test", "password": "wrong password!"},
        headers={"X-Forwarded-For": "192.0.2.200", "X-Real-IP": "192.0.2.201"},
    )
    assert_problem(response, 429, "rate_limited")


def _scope(peer: str | None, *forwarded: str) -> dict:
    headers = [(b"x-forwarded-for", value.encode("latin-1")) for value in forwarded]
    return {
        "type": "http",
        "client": (peer, 1234) if peer else None,
        "headers": [(b"host", b"example.test"), *headers],
    }


def test_client_ip_trusts_the_socket_only_by_default():
    assert client_ip(_scope("10.0.0.1"), 0) == "10.0.0.1"
    assert client_ip(_scope("10.0.0.1", "1.2.3.4"), 0) == "10.0.0.1"
    assert client_ip(_scope("10.0.0.1", "1.2.3.4, 5.6.7.8"), 0) == "10.0.0.1"
    assert client_ip(_scope(None, "1.2.3.4"), 0) == "unknown"


def test_client_ip_with_one_trusted_proxy_takes_the_right_most_entry():
    assert client_ip(_scope("10.0.0.1", "203.0.113.9"), 1) == "203.0.113.9"
    # The client forged the left-most entries; our proxy appended the real address.
    forged = _scope("10.0.0.1", "6.6.6.6, 7.7.7.7, 203.0.113.9")
    assert client_ip(forged, 1) == "203.0.113.9"
    # Several headers count as one list, in order.
    split = _scope("10.0.0.1", "6.6.6.6", "203.0.113.9")
    assert client_ip(split, 1) == "203.0.113.9"
    # No header at all: the socket peer.
    assert client_ip(_scope("10.0.0.1"), 1) == "10.0.0.1"
    assert client_ip(_scope("10.0.0.1", " , "), 1) == "10.0.0.1"


def test_client_ip_with_two_trusted_proxies():
    # client -> proxy A (appends the client) -> proxy B (appends A) -> us
    assert client_ip(_scope("10.0.0.2", "203.0.113.9, 10.0.0.1"), 2) == "203.0.113.9"
    forged = _scope("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert client_ip(forged, 2) == "203.0.113.9"
    # Fewer entries than trusted hops: nothing trustworthy in the header.
    assert client_ip(_scope("10.0.0.2", "203.0.113.9"), 2) == "10.0.0.2"


# --- JWT attacks --------------------------------------------------------------------


async def _assert_rejected(client, token: str) -> None:
    response = await client.get("/v1/me", headers=bearer(token))
    assert_problem(response, 401, "unauthenticated")


async def test_a_genuine_token_is_accepted(client, factory):
    user = await factory.user()
    response = await client.get("/v1/me", headers=bearer(signed(claims_for(user))))
    assert response.status_code == 200, response.text


async def test_alg_none_token_is_rejected(client, factory):
    user = await factory.user()
    for alg in ("none", "None", "NONE"):
        token = handmade({"alg": alg, "typ": "JWT", "kid": SIGNING_KID}, claims_for(user))
        await _assert_rejected(client, token)
        await _assert_rejected(client, token.rstrip("."))


@pytest.mark.parametrize("alg", ["RS256", "HS512", "HS384", "ES256", "PS256"])
async def test_other_algorithms_are_rejected(client, factory, alg):
    user = await factory.user()
    header = {"alg": alg, "typ": "JWT", "kid": SIGNING_KID}
    # Signed with the real secret as HS256 would be: only the header's alg differs.
    await _assert_rejected(client, handmade(header, claims_for(user), KEYS[SIGNING_KID]))
    if alg.startswith("HS"):
        await _assert_rejected(client, signed(claims_for(user), algorithm=alg))


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "another-api"},
        {"aud": ["another-api"]},
        {"iss": "someone-else"},
        {"iss": "Causerie"},
    ],
    ids=["aud", "aud-list", "iss", "iss-case"],
)
async def test_wrong_audience_or_issuer_is_rejected(client, factory, overrides):
    user = await factory.user()
    await _assert_rejected(client, signed(claims_for(user, **overrides)))


async def test_expired_token_is_rejected(client, factory, services):
    user = await factory.user()
    past = datetime.now(UTC) - timedelta(seconds=services.settings.access_token_ttl_seconds + 60)
    token, _ = services.keyring.issue(user.id, user.token_version, uuid4(), now=past)
    await _assert_rejected(client, token)
    fresh, _ = services.keyring.issue(user.id, user.token_version, uuid4())
    assert await me_status(client, fresh) == 200


async def test_tampered_payload_is_rejected(client, factory):
    victim = await factory.user()
    attacker = await factory.user()
    token = signed(claims_for(attacker))
    header, _, signature = token.split(".")
    forged = f"{header}.{b64json(claims_for(victim))}.{signature}"
    await _assert_rejected(client, forged)
    raised = f"{header}.{b64json(claims_for(attacker, tv=99))}.{signature}"
    await _assert_rejected(client, raised)
    flipped = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    await _assert_rejected(client, flipped)


@pytest.mark.parametrize("claim", ["jti", "sub", "exp", "iat", "iss", "aud", "tv"])
async def test_token_missing_a_claim_is_rejected(client, factory, claim):
    user = await factory.user()
    await _assert_rejected(client, signed(claims_for(user, **{claim: None})))


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "not-a-uuid"},
        {"sub": 12345},
        {"tv": "one"},
        {"tv": [1]},
        {"exp": "tomorrow"},
    ],
)
async def test_token_with_malformed_claims_is_rejected(client, factory, overrides):
    user = await factory.user()
    await _assert_rejected(client, signed(claims_for(user, **overrides)))


async def test_token_for_an_unknown_user_is_rejected(client):
    class Ghost:
        id = uuid4()
        token_version = 1

    await _assert_rejected(client, signed(claims_for(Ghost())))


async def test_unknown_or_missing_kid_is_rejected(client, factory):
    user = await factory.user()
    claims = claims_for(user)
    secret = KEYS[SIGNING_KID]
    await _assert_rejected(client, handmade({"alg": "HS256", "kid": "test-9"}, claims, secret))
    await _assert_rejected(client, handmade({"alg": "HS256"}, claims, secret))
    # The signing key's secret under the other key's id does not verify either.
    await _assert_rejected(client, handmade({"alg": "HS256", "kid": OLD_KID}, claims, secret))


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "HS256", "kid": [SIGNING_KID]},
        {"alg": "HS256", "kid": {"id": SIGNING_KID}},
        {"alg": ["HS256"], "kid": SIGNING_KID},
        {"alg": None, "kid": SIGNING_KID},
    ],
    ids=["kid-list", "kid-object", "alg-list", "alg-null"],
)
async def test_token_with_odd_header_types_is_rejected(client, factory, header):
    user = await factory.user()
    await _assert_rejected(client, handmade(header, claims_for(user), KEYS[SIGNING_KID]))


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a.b.c",
        "...",
        "eyJhbGciOiJIUzI1NiJ9..",
        "eyJ.eyJ.sig",
        "x" * 5000,
        "été.été.été",
        b64json([1, 2]) + "." + b64json({}) + ".sig",
        b64json("header") + "." + b64json({}) + ".sig",
    ],
    ids=[
        "word",
        "three-parts",
        "dots",
        "empty-payload",
        "bad-base64",
        "huge",
        "non-ascii",
        "header-list",
        "header-string",
    ],
)
async def test_garbage_tokens_are_rejected(client, token):
    response = await client.get("/v1/me", headers={"Authorization": f"Bearer {token}".encode()})
    assert_problem(response, 401, "unauthenticated")


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer    ", "Token abc", "bearer", "  "],
)
async def test_malformed_authorization_headers_are_rejected(client, authorization):
    response = await client.get("/v1/me", headers={"Authorization": authorization})
    assert_problem(response, 401, "unauthenticated")


async def test_bearer_scheme_is_case_insensitive(client, factory):
    user = await factory.user()
    token = signed(claims_for(user))
    response = await client.get("/v1/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200, response.text


async def test_a_token_signed_with_the_older_key_still_verifies(client, factory, services):
    user = await factory.user()
    older = KeyRing(
        {OLD_KID: KEYS[OLD_KID]}, issuer="causerie", audience="causerie-api", ttl_seconds=900
    )
    token, _ = older.issue(user.id, user.token_version, uuid4())
    assert jose_jwt.get_unverified_header(token)["kid"] == OLD_KID
    assert await me_status(client, token) == 200

    # Once the older key is retired, its tokens stop working.
    retired = KeyRing(
        {SIGNING_KID: KEYS[SIGNING_KID]},
        issuer="causerie",
        audience="causerie-api",
        ttl_seconds=900,
    )
    services.keyring = retired
    await _assert_rejected(client, token)
    current, _ = retired.issue(user.id, user.token_version, uuid4())
    assert await me_status(client, current) == 200


# --- token version revocation -------------------------------------------------------


async def test_role_change_revokes_outstanding_access_tokens(client, factory):
    world = await factory.world()
    author = world.users["author"]
    pair = await tokens(client, author.email)
    assert await me_status(client, pair["access_token"]) == 200
    response = await client.patch(
        f"/v1/tenants/{world.slug}/members/{author.id}",
        json={"role": "moderator"},
        headers=world.headers["owner"],
    )
    assert response.status_code == 200, response.text
    assert response.json()["role"] == "moderator"
    await _assert_rejected(client, pair["access_token"])
    response = await client.get("/v1/me", headers=world.headers["author"])
    assert_problem(response, 401, "unauthenticated")
    # The owner's own token is untouched; the author signs in again and sees the new role.
    assert (await client.get("/v1/me", headers=world.headers["owner"])).status_code == 200
    again = await tokens(client, author.email)
    me = (await client.get("/v1/me", headers=bearer(again["access_token"]))).json()
    assert {m["tenant"]: m["role"] for m in me["memberships"]} == {world.slug: "moderator"}


async def test_password_change_revokes_outstanding_access_tokens(client, factory):
    user = await factory.user()
    first = await tokens(client, user.email)
    second = await tokens(client, user.email)
    response = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=bearer(first["access_token"]),
    )
    assert response.status_code == 200, response.text
    await _assert_rejected(client, first["access_token"])
    await _assert_rejected(client, second["access_token"])
    assert await me_status(client, response.json()["access_token"]) == 200


# --- refresh and sign-out -----------------------------------------------------------


async def test_refresh_returns_a_new_pair_and_spends_the_old_token(client, factory):
    user = await factory.user()
    pair = await tokens(client, user.email)
    response = await refresh(client, pair["refresh_token"])
    assert response.status_code == 200, response.text
    new = response.json()
    assert new["token_type"] == "bearer" and new["expires_in"] > 0
    assert new["refresh_token"] != pair["refresh_token"]
    assert new["access_token"] != pair["access_token"]
    assert await me_status(client, new["access_token"]) == 200
    # The new refresh token rotates again.
    newer = await refresh(client, new["refresh_token"])
    assert newer.status_code == 200, newer.text


async def test_reusing_a_refresh_token_revokes_the_whole_family(client, factory):
    user = await factory.user()
    first = await tokens(client, user.email)
    other_session = await tokens(client, user.email)
    second = (await refresh(client, first["refresh_token"])).json()
    third = (await refresh(client, second["refresh_token"])).json()

    # Someone replays the first (spent) token.
    assert_problem(await refresh(client, first["refresh_token"]), 401, "unauthenticated")
    # The family is over: even its newest token is refused, and the replayed one stays dead.
    assert_problem(await refresh(client, third["refresh_token"]), 401, "unauthenticated")
    assert_problem(await refresh(client, second["refresh_token"]), 401, "unauthenticated")
    # Another sign-in is another family, untouched.
    assert (await refresh(client, other_session["refresh_token"])).status_code == 200


async def test_revoke_ends_the_session(client, factory):
    user = await factory.user()
    pair = await tokens(client, user.email)
    other = await tokens(client, user.email)
    rotated = (await refresh(client, pair["refresh_token"])).json()
    response = await client.post("/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]})
    assert response.status_code == 204 and response.content == b""
    assert_problem(await refresh(client, rotated["refresh_token"]), 401, "unauthenticated")
    assert (await refresh(client, other["refresh_token"])).status_code == 200
    # Revoking twice is fine.
    again = await client.post("/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 204


async def test_revoke_of_an_unknown_token_is_a_204(client):
    response = await client.post("/v1/auth/revoke", json={"refresh_token": "no-such-token"})
    assert response.status_code == 204


async def test_refresh_with_an_unknown_or_access_token_is_a_401(client, factory):
    user = await factory.user()
    pair = await tokens(client, user.email)
    assert_problem(await refresh(client, "no-such-token"), 401, "unauthenticated")
    assert_problem(await refresh(client, pair["access_token"]), 401, "unauthenticated")


async def test_expired_refresh_token_is_a_401(client, factory, db):
    from sqlalchemy import update

    from auth.secrets import token_hash
    from persistence import tables

    user = await factory.user()
    pair = await tokens(client, user.email)
    async with SqlUnitOfWork(db) as uow:
        await uow.connection.execute(
            update(tables.refresh_tokens)
            .where(tables.refresh_tokens.c.token_hash == token_hash(pair["refresh_token"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.commit()
    assert_problem(await refresh(client, pair["refresh_token"]), 401, "unauthenticated")


@pytest.mark.parametrize("path", ["/v1/auth/refresh", "/v1/auth/revoke"])
async def test_malformed_refresh_bodies(client, path):
    json_type = {"content-type": "application/json"}
    assert_problem(await client.post(path, json={}), 422, "validation_failed")
    assert_problem(await client.post(path, json={"refresh_token": ""}), 422, "validation_failed")
    assert_problem(await client.post(path, json={"refresh_token": 5}), 422, "validation_failed")
    assert_problem(
        await client.post(path, json={"refresh_token": "x" * 600}), 422, "validation_failed"
    )
    assert_problem(
        await client.post(path, json={"refresh_token": "abc", "user_id": "x"}),
        422,
        "validation_failed",
    )
    assert_problem(await client.post(path, json=["abc"]), 422, "validation_failed")
    assert_problem(
        await client.post(path, content="{not json", headers=json_type), 400, "malformed_json"
    )
    assert_problem(
        await client.post(
            path, content="refresh_token=abc", headers={"content-type": "text/plain"}
        ),
        415,
        "unsupported_media_type",
    )
    assert_problem(
        await client.post(path, data={"refresh_token": "abc"}), 415, "unsupported_media_type"
    )


# --- /v1/me -------------------------------------------------------------------------


async def test_me_shows_memberships_with_role_per_tenant(client, factory):
    user = await factory.user(name="Multi Tenant")
    first = await factory.tenant()
    second = await factory.tenant()
    await factory.tenant()  # one the user does not belong to
    await factory.member(first, user, Role.AUTHOR)
    await factory.member(second, user, Role.READER)
    response = await client.get("/v1/me", headers=factory.auth(user))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == str(user.id)
    assert body["email"] == user.email
    assert body["display_name"] == "Multi Tenant"
    assert body["is_operator"] is False
    assert "password_hash" not in body and "token_version" not in body
    roles = {m["tenant"]: m["role"] for m in body["memberships"]}
    assert roles == {first.slug: "author", second.slug: "reader"}
    assert all(m["tenant_name"] == "Test Brand" for m in body["memberships"])


async def test_me_says_where_the_user_may_read_the_moderation_queue(client, factory):
    """Authors moderate only where the tenant allows it; the console offers the screen
    on this flag, and the queue itself agrees with it."""
    user = await factory.user()
    allowing = await factory.tenant(authors_moderate_own_posts=True)
    not_allowing = await factory.tenant()
    moderated = await factory.tenant()
    read_only = await factory.tenant()
    await factory.member(allowing, user, Role.AUTHOR)
    await factory.member(not_allowing, user, Role.AUTHOR)
    await factory.member(moderated, user, Role.MODERATOR)
    await factory.member(read_only, user, Role.READER)
    headers = factory.auth(user)
    body = (await client.get("/v1/me", headers=headers)).json()
    flags = {m["tenant"]: m["moderates"] for m in body["memberships"]}
    assert flags == {
        allowing.slug: True,
        not_allowing.slug: False,
        moderated.slug: True,
        read_only.slug: False,
    }
    for slug, moderates in flags.items():
        queue = await client.get(f"/v1/tenants/{slug}/comments", headers=headers)
        assert queue.status_code == (200 if moderates else 403), (slug, queue.text)


async def test_me_of_an_operator_says_so(client, factory):
    operator = await factory.user(operator=True)
    body = (await client.get("/v1/me", headers=factory.auth(operator))).json()
    assert body["is_operator"] is True and body["memberships"] == []


async def test_me_update_changes_the_display_name(client, factory):
    user = await factory.user(name="Before")
    headers = factory.auth(user)
    response = await client.patch("/v1/me", json={"display_name": "  After  "}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "After"
    assert (await client.get("/v1/me", headers=headers)).json()["display_name"] == "After"
    # An empty patch changes nothing.
    response = await client.patch("/v1/me", json={}, headers=headers)
    assert response.status_code == 200 and response.json()["display_name"] == "After"


@pytest.mark.parametrize(
    "body",
    [
        {"is_operator": True},
        {"display_name": "Sneaky", "is_operator": True},
        {"email": "new-address@example.test"},
        {"token_version": 99},
        {"password_hash": "x"},
        {"display_name": ""},
        {"display_name": "x" * 121},
        {"display_name": 5},
    ],
)
async def test_me_update_refuses_smuggled_or_invalid_fields(client, factory, db, body):
    user = await factory.user(name="Unchanged")
    headers = factory.auth(user)
    assert_problem(
        await client.patch("/v1/me", json=body, headers=headers), 422, "validation_failed"
    )
    me = (await client.get("/v1/me", headers=headers)).json()
    assert me["is_operator"] is False
    assert me["email"] == user.email
    assert me["display_name"] == "Unchanged"
    stored = await load_user(db, user.id)
    assert stored.is_operator is False and stored.email == user.email
    assert stored.token_version == user.token_version


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/me"), ("PATCH", "/v1/me"), ("POST", "/v1/me/password")],
)
async def test_me_needs_a_signed_in_user(client, method, path):
    response = await client.request(method, path, json={})
    assert_problem(response, 401, "unauthenticated")


async def test_me_refuses_an_api_key_principal(client, factory):
    world = await factory.world()
    created = await client.post(
        f"/v1/tenants/{world.slug}/api-keys",
        json={"name": "ci", "scopes": ["content:read"]},
        headers=world.headers["owner"],
    )
    assert created.status_code == 201, created.text
    key = created.json()["secret"]
    response = await client.get("/v1/me", headers=bearer(key))
    assert_problem(response, 401, "unauthenticated")


# --- password change ----------------------------------------------------------------


async def test_password_change_with_wrong_current_password_is_403(client, factory, db):
    user = await factory.user()
    pair = await tokens(client, user.email)
    response = await client.post(
        "/v1/me/password",
        json={"current_password": "not my password", "new_password": "a brand new passphrase"},
        headers=bearer(pair["access_token"]),
    )
    assert_problem(response, 403, "forbidden")
    assert await me_status(client, pair["access_token"]) == 200
    assert (await refresh(client, pair["refresh_token"])).status_code == 200
    assert (await load_user(db, user.id)).token_version == user.token_version
    assert (await sign_in(client, user.email)).status_code == 200


async def test_password_change_refuses_a_short_new_password(client, factory, db):
    user = await factory.user()
    headers = factory.auth(user)
    response = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"invalid_input", "validation_failed"}
    assert response.headers["content-type"].startswith(PROBLEM)
    assert (await load_user(db, user.id)).token_version == user.token_version
    assert (await client.get("/v1/me", headers=headers)).status_code == 200
    assert (await sign_in(client, user.email)).status_code == 200


async def test_password_change_ends_other_sessions_and_returns_a_working_pair(client, factory):
    user = await factory.user()
    old = await tokens(client, user.email)
    elsewhere = await tokens(client, user.email)
    new_password = "a brand new passphrase"
    response = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=bearer(old["access_token"]),
    )
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert fresh["token_type"] == "bearer" and fresh["refresh_token"]

    assert_problem(await refresh(client, old["refresh_token"]), 401, "unauthenticated")
    assert_problem(await refresh(client, elsewhere["refresh_token"]), 401, "unauthenticated")
    assert await me_status(client, fresh["access_token"]) == 200
    rotated = await refresh(client, fresh["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    assert await me_status(client, rotated.json()["access_token"]) == 200

    assert_problem(await sign_in(client, user.email, PASSWORD), 401, "unauthenticated")
    assert (await sign_in(client, user.email, new_password)).status_code == 200


async def test_password_change_refuses_extra_fields(client, factory):
    user = await factory.user()
    response = await client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase", "x": 1},
        headers=factory.auth(user),
    )
    assert_problem(response, 422, "validation_failed")


# --- reader sign-up -----------------------------------------------------------------


def public_email() -> str:
    """An address on a real public domain, whatever the e-mail validator thinks of .test."""
    return f"reader-{uuid4().hex[:8]}@example.com"


def signup_body(email: str | None = None, **extra) -> dict:
    body = {
        "email": email or public_email(),
        "password": "a reader's passphrase",
        "display_name": "New Reader",
    }
    body.update(extra)
    return body


async def test_reader_sign_up_creates_a_reader(client, factory):
    tenant = await factory.tenant()
    body = signup_body()
    response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=body)
    assert response.status_code == 201, response.text
    pair = response.json()
    assert pair["token_type"] == "bearer" and pair["access_token"] and pair["refresh_token"]
    me = (await client.get("/v1/me", headers=bearer(pair["access_token"]))).json()
    assert me["email"] == body["email"] and me["display_name"] == "New Reader"
    assert me["is_operator"] is False
    assert [(m["tenant"], m["role"]) for m in me["memberships"]] == [(tenant.slug, "reader")]
    assert (await refresh(client, pair["refresh_token"])).status_code == 200
    assert (await sign_in(client, body["email"], body["password"])).status_code == 200


async def test_reader_sign_up_closed_is_403(client, factory):
    tenant = await factory.tenant(reader_signup=False)
    response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=signup_body())
    assert_problem(response, 403, "forbidden")


async def test_reader_sign_up_closed_does_not_create_the_account(client, factory):
    tenant = await factory.tenant(reader_signup=False)
    body = signup_body()
    await client.post(f"/v1/sites/{tenant.slug}/signup", json=body)
    assert_problem(await sign_in(client, body["email"], body["password"]), 401, "unauthenticated")


async def test_reader_sign_up_on_unknown_tenant_is_404(client):
    response = await client.post("/v1/sites/no-such-site/signup", json=signup_body())
    assert_problem(response, 404, "not_found")
    response = await client.post("/v1/sites/Bad_Slug/signup", json=signup_body())
    assert response.status_code in {404, 422}


async def test_reader_sign_up_with_existing_email_and_wrong_password_is_409(client, factory):
    tenant = await factory.tenant()
    user = await factory.user(public_email())
    response = await client.post(
        f"/v1/sites/{tenant.slug}/signup", json=signup_body(user.email.upper())
    )
    assert_problem(response, 409, "conflict")
    assert "access_token" not in response.text
    me = (await client.get("/v1/me", headers=factory.auth(user))).json()
    assert me["memberships"] == []


async def test_reader_sign_up_with_existing_account_joins_as_reader(client, factory):
    tenant = await factory.tenant()
    home = await factory.tenant()
    user = await factory.user(public_email(), name="Keeps Name")
    await factory.member(home, user, Role.AUTHOR)
    response = await client.post(
        f"/v1/sites/{tenant.slug}/signup",
        json={"email": user.email.upper(), "password": PASSWORD, "display_name": "Ignored"},
    )
    assert response.status_code == 201, response.text
    me = (await client.get("/v1/me", headers=bearer(response.json()["access_token"]))).json()
    assert me["id"] == str(user.id) and me["display_name"] == "Keeps Name"
    roles = {m["tenant"]: m["role"] for m in me["memberships"]}
    assert roles == {tenant.slug: "reader", home.slug: "author"}


async def test_reader_sign_up_never_demotes_an_existing_member(client, factory):
    tenant = await factory.tenant()
    user = await factory.user(public_email())
    await factory.member(tenant, user, Role.MANAGER)
    response = await client.post(
        f"/v1/sites/{tenant.slug}/signup",
        json={"email": user.email, "password": PASSWORD, "display_name": "Me"},
    )
    assert response.status_code == 201, response.text
    me = (await client.get("/v1/me", headers=bearer(response.json()["access_token"]))).json()
    assert {m["tenant"]: m["role"] for m in me["memberships"]} == {tenant.slug: "manager"}


@pytest.mark.parametrize(
    "extra",
    [{"role": "owner"}, {"is_operator": True}, {"tenant_id": str(uuid4())}],
    ids=["role", "is_operator", "tenant_id"],
)
async def test_reader_sign_up_refuses_smuggled_fields(client, factory, extra):
    tenant = await factory.tenant()
    body = signup_body(**extra)
    response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=body)
    assert_problem(response, 422, "validation_failed")
    assert_problem(await sign_in(client, body["email"], body["password"]), 401, "unauthenticated")


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-email"},
        {"password": "short"},
        {"password": "p" * 300},
        {"display_name": ""},
        {"email": "a" * 250 + "@example.test"},
    ],
    ids=["email", "short-password", "long-password", "empty-name", "long-email"],
)
async def test_reader_sign_up_validates_input(client, factory, changes):
    tenant = await factory.tenant()
    response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=signup_body(**changes))
    assert response.status_code == 422, response.text
    assert response.json()["code"] in {"invalid_input", "validation_failed"}


async def test_reader_sign_up_cannot_bypass_the_sign_in_limit(
    fresh_minute, client, factory, settings
):
    tenant = await factory.tenant()
    user = await factory.user(public_email())
    for _ in range(settings.sign_in_per_account_per_minute):
        await sign_in(client, user.email, "wrong password!")
    assert_problem(await sign_in(client, user.email), 429, "rate_limited")
    # Sign-up with an existing account checks its password: it is a sign-in in disguise.
    response = await client.post(
        f"/v1/sites/{tenant.slug}/signup",
        json={"email": user.email, "password": PASSWORD, "display_name": "Guess"},
    )
    assert_problem(response, 429, "rate_limited")
    assert "retry-after" in response.headers


async def test_reader_sign_up_does_not_open_a_session_for_a_disabled_user(client, factory, db):
    tenant = await factory.tenant()
    user = await factory.user(public_email())
    await set_user(db, user.id, is_active=False)
    response = await client.post(
        f"/v1/sites/{tenant.slug}/signup",
        json={"email": user.email, "password": PASSWORD, "display_name": "Back"},
    )
    assert response.status_code in {401, 403, 409}, response.text
    assert "access_token" not in response.text


# --- operators ----------------------------------------------------------------------


async def test_create_operator_use_case(client, db, services):
    email = f"Ops-{uuid4().hex[:6]}@Example.TEST"
    async with SqlUnitOfWork(db) as uow:
        user = await use_cases.create_operator(
            uow, services.hasher, email, "operator passphrase", text=services.text
        )
    assert user.is_operator and user.email == email.lower()
    stored = await load_user(db, user.id)
    assert stored is not None and stored.is_operator and stored.is_active
    pair = await tokens(client, email, "operator passphrase")
    me = (await client.get("/v1/me", headers=bearer(pair["access_token"]))).json()
    assert me["is_operator"] is True


async def test_create_operator_promotes_an_existing_user(client, db, factory, services):
    user = await factory.user(public_email())
    old_token = factory.auth(user)
    async with SqlUnitOfWork(db) as uow:
        promoted = await use_cases.create_operator(
            uow, services.hasher, user.email.upper(), "ignored passphrase", text=services.text
        )
    assert promoted.id == user.id and promoted.is_operator
    stored = await load_user(db, user.id)
    assert stored.is_operator and stored.token_version == user.token_version + 1
    assert_problem(await client.get("/v1/me", headers=old_token), 401, "unauthenticated")
    assert (await sign_in(client, user.email, PASSWORD)).status_code == 200


async def test_create_operator_refuses_a_short_password(db, services):
    from domain.kernel.errors import InvalidInput

    async with SqlUnitOfWork(db) as uow:
        with pytest.raises(InvalidInput):
            await use_cases.create_operator(
                uow, services.hasher, "op@example.test", "short", text=services.text
            )


def test_create_operator_command_has_help():
    causerie = ROOT / ".venv" / "bin" / "causerie"
    if not causerie.exists():
        causerie = Path(sys.executable).parent / "causerie"
    result = subprocess.run(
        [str(causerie), "create-operator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--email" in result.stdout and "--password" in result.stdout


@pytest.mark.parametrize("username", ["nul\x00@example.test", "\x00", "a@b\x00.test"])
async def test_sign_in_with_a_nul_character_is_not_a_server_error(client, username):
    response = await sign_in(client, username)
    assert response.status_code in {401, 422}, response.text


async def test_display_name_with_a_nul_character_is_not_a_server_error(client, factory):
    user = await factory.user()
    response = await client.patch(
        "/v1/me", json={"display_name": "bad\x00name"}, headers=factory.auth(user)
    )
    assert response.status_code == 422, response.text


async def test_refresh_with_odd_characters_is_a_401(client):
    async def post(token: str):
        return await client.post(
            "/v1/auth/refresh",
            content=f'{{"refresh_token": "{token}"}}'.encode(),
            headers={"content-type": "application/json"},
        )

    for token in ("\\u0000", "é" * 100, "\\u202e"):
        assert_problem(await post(token), 401, "unauthenticated")
    assert_problem(await post("\\ud800"), 422, "validation_failed")


async def test_password_with_a_nul_character_is_not_a_server_error(client, factory):
    user = await factory.user()
    assert_problem(await sign_in(client, user.email, PASSWORD + "\x00"), 401, "unauthenticated")
    tenant = await factory.tenant()
    body = signup_body(password="nul\x00 in the middle")
    response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=body)
    assert response.status_code == 201, response.text
    assert (await sign_in(client, body["email"], body["password"])).status_code == 200
    assert_problem(await sign_in(client, body["email"], "nul"), 401, "unauthenticated")


async def test_sign_up_with_a_nul_character_is_a_422(client, factory):
    tenant = await factory.tenant()
    for changes in ({"email": "nul\x00@example.com"}, {"display_name": "a\x00b"}):
        response = await client.post(f"/v1/sites/{tenant.slug}/signup", json=signup_body(**changes))
        assert_problem(response, 422, "validation_failed")


async def test_the_open_routes_read_credentials_before_their_transaction(client, factory):
    """Sign-in, refresh, sign-out and sign-up check an Authorization header (a bad one is
    a 401) before their unit of work opens: a request never holds two transactions (on
    the tests' single connection the second one would wait for ever)."""
    import asyncio

    world = await factory.world()
    user = await factory.user()
    headers = factory.auth(user)

    async def within(call):
        return await asyncio.wait_for(call, timeout=10)

    form = {"username": user.email, "password": PASSWORD}
    signed = await within(client.post("/v1/auth/token", data=form, headers=headers))
    assert signed.status_code == 200, signed.text
    refresh = {"refresh_token": signed.json()["refresh_token"]}
    renewed = await within(client.post("/v1/auth/refresh", json=refresh, headers=headers))
    assert renewed.status_code == 200, renewed.text
    spent = {"refresh_token": renewed.json()["refresh_token"]}
    revoked = await within(client.post("/v1/auth/revoke", json=spent, headers=headers))
    assert revoked.status_code == 204, revoked.text
    joining = {"email": user.email, "password": PASSWORD, "display_name": "Me"}
    joined = await within(
        client.post(f"/v1/sites/{world.slug}/signup", json=joining, headers=headers)
    )
    assert joined.status_code == 201, joined.text

    bad = {"Authorization": "Bearer not-a-token"}
    assert_problem(
        await within(client.post("/v1/auth/token", data=form, headers=bad)), 401, "unauthenticated"
    )
    assert_problem(
        await within(client.post(f"/v1/sites/{world.slug}/signup", json=joining, headers=bad)),
        401,
        "unauthenticated",
    )
