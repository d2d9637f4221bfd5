"""Accounts under attack: sign-up and sign-in floods, racing sign-ups, and sessions that
must end when they are signed out (issue 14, items 1, 4 and 5)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from api.bootstrap import Services
from auth.jwt_tokens import InvalidToken, KeyRing
from auth.passwords import Argon2PasswordHasher
from domain.kernel.errors import Conflict
from persistence import tables as t
from persistence.database import Database
from persistence.uow import SqlUnitOfWork
from tests.accounts.test_auth import (
    KEYS,
    SIGNING_KID,
    assert_problem,
    bearer,
    claims_for,
    handmade,
    me_status,
    refresh,
    signed,
    tokens,
)
from tests.factories import PASSWORD, Factory
from tests.live import until

BOUND = 30.0  # seconds: generous bounds on waits for conditions, never a timing claim


@pytest.fixture
async def committed(app, app_engine, owner_url, settings):
    """A factory whose writes really commit, and the app serving from the same real
    database, so that concurrent requests run on connections of their own."""
    real = Database(app_engine)
    saved_db, saved_services = app.state.db, app.state.services
    app.state.db = real
    app.state.services = Services.from_settings(settings)
    yield Factory(real, app.state.services)
    app.state.db, app.state.services = saved_db, saved_services
    engine = create_async_engine(owner_url)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM tenants WHERE slug LIKE 't-%'"))
        await conn.execute(text("DELETE FROM users WHERE email LIKE '%@example.test'"))
    await engine.dispose()


def email() -> str:
    return f"r-{uuid4().hex[:10]}@example.test"


def signup(client, slug: str, address: str, name: str = "Reader", password: str = PASSWORD):
    return client.post(
        f"/v1/sites/{slug}/signup",
        json={"email": address, "password": password, "display_name": name},
    )


class GatedHashing:
    """Wraps the real argon2 hasher so that every hash and check waits for ``open``."""

    def __init__(self, hasher: Argon2PasswordHasher):
        self.inner = hasher._hasher
        self.gate = threading.Event()
        self.waiting = 0
        self._lock = threading.Lock()
        hasher._hasher = self  # type: ignore[assignment]

    def _wait(self) -> None:
        with self._lock:
            self.waiting += 1
        assert self.gate.wait(BOUND), "the test never opened the gate"

    def hash(self, password: str) -> str:
        self._wait()
        return self.inner.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self._wait()
        return self.inner.verify(password_hash, password)


# --- 1. a stampede of sign-ups and sign-ins -------------------------------------------


async def test_a_sign_up_and_sign_in_burst_beyond_the_queue_is_refused_fast_and_reads_go_on(
    client, committed, app
):
    world = await committed.world()
    known = world.users["reader"]
    hasher = Argon2PasswordHasher(fast=True, concurrency=1, queue=2)
    app.state.services.hasher = hasher
    gated = GatedHashing(hasher)
    pool = app.state.db.engine.pool
    held_before = pool.checkedout()

    burst: list[Awaitable] = [signup(client, world.slug, email()) for _ in range(8)]
    burst += [
        client.post("/v1/auth/token", data={"username": known.email, "password": PASSWORD}),
        client.post("/v1/auth/token", data={"username": known.email, "password": "wrong" * 3}),
        client.post("/v1/auth/token", data={"username": email(), "password": PASSWORD}),
        signup(client, world.slug, known.email),  # an existing account joins
    ]
    tasks = [asyncio.ensure_future(request) for request in burst]
    admitted = hasher.concurrency + hasher.queue
    await until(
        lambda: sum(task.done() for task in tasks) == len(tasks) - admitted,
        "every request beyond the hashing queue is answered before any hash ends",
        bound=BOUND,
        every=0.01,
    )
    await until(
        lambda: gated.waiting == 1, "one hash runs, the others queue", bound=BOUND, every=0.01
    )
    # Three requests are in or before their hash: none of them holds a connection...
    assert pool.checkedout() == held_before
    # ...and the public reads are answered meanwhile.
    read = await client.get(f"/v1/sites/{world.slug}/posts")
    assert read.status_code == 200, read.text
    assert (await client.get(f"/v1/sites/{world.slug}")).status_code == 200

    refused = [task.result() for task in tasks if task.done()]
    for answer in refused:
        assert_problem(answer, 503, "service_unavailable")
        assert int(answer.headers["retry-after"]) >= 1

    gated.gate.set()
    answers = await asyncio.gather(*tasks)
    statuses = [a.status_code for a in answers]
    assert all(s < 500 or s == 503 for s in statuses), [a.text for a in answers]
    assert all("retry-after" in a.headers for a in answers if a.status_code == 503)
    assert statuses.count(503) == len(tasks) - admitted
    assert all(s in (200, 201, 401) for s in statuses if s != 503), statuses
    assert pool.checkedout() == held_before


async def test_an_unknown_e_mail_spends_a_hash_like_a_wrong_password(client, committed, app):
    world = await committed.world()
    hasher = Argon2PasswordHasher(fast=True)
    app.state.services.hasher = hasher
    gated = GatedHashing(hasher)
    gated.gate.set()
    for username in (world.users["reader"].email, email()):
        before = gated.waiting
        answer = await client.post(
            "/v1/auth/token", data={"username": username, "password": "not the password"}
        )
        assert_problem(answer, 401, "unauthenticated")
        assert gated.waiting == before + 1


# --- 4. racing sign-ups ---------------------------------------------------------------


async def test_concurrent_sign_ups_with_one_display_name_get_distinct_handles(client, committed):
    world = await committed.world()
    addresses = [email() for _ in range(6)]
    answers = await asyncio.gather(
        *(signup(client, world.slug, a, name="Camille Dupont") for a in addresses)
    )
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    async with committed.db.transaction() as tx:
        rows = await tx.connection.execute(
            sa.select(t.users.c.handle).where(t.users.c.email.in_(addresses))
        )
        handles = [row.handle for row in rows]
    assert len(handles) == 6 and len(set(handles)) == 6
    assert "camille-dupont" in handles
    assert all(h.startswith("camille-dupont") for h in handles)


async def test_concurrent_sign_ups_with_one_e_mail_give_one_account_and_409s(client, committed):
    world = await committed.world()
    address = email()
    answers = await asyncio.gather(*(signup(client, world.slug, address) for _ in range(5)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] == 201 and 500 not in statuses, [a.text for a in answers]
    for answer in answers:
        if answer.status_code != 201:
            assert_problem(answer, 409, "conflict")


async def test_a_unique_violation_in_any_unit_of_work_is_a_conflict(db, factory):
    user = await factory.user()
    with pytest.raises(Conflict):
        async with SqlUnitOfWork(db) as uow:
            user.id = uuid4()  # another row with the same e-mail and handle
            await uow.users.add(user)
            await uow.commit()
    async with SqlUnitOfWork(db) as uow:  # the failed transaction left nothing behind
        assert (await uow.users.by_email(user.email)) is not None


# --- 5. sessions end when signed out ----------------------------------------------------


async def test_an_access_token_dies_with_its_signed_out_session(client, factory):
    user = await factory.user()
    pair = await tokens(client, user.email)
    other = await tokens(client, user.email)
    assert await me_status(client, pair["access_token"]) == 200
    revoked = await client.post("/v1/auth/revoke", json={"refresh_token": pair["refresh_token"]})
    assert revoked.status_code == 204
    assert_problem(
        await client.get("/v1/me", headers=bearer(pair["access_token"])), 401, "unauthenticated"
    )
    assert await me_status(client, other["access_token"]) == 200


async def test_access_tokens_die_with_a_family_revoked_for_reuse(client, factory):
    user = await factory.user()
    first = await tokens(client, user.email)
    other = await tokens(client, user.email)
    second = (await refresh(client, first["refresh_token"])).json()
    assert await me_status(client, second["access_token"]) == 200
    assert_problem(await refresh(client, first["refresh_token"]), 401, "unauthenticated")
    for access in (first["access_token"], second["access_token"]):
        assert await me_status(client, access) == 401
    assert await me_status(client, other["access_token"]) == 200


async def test_a_token_without_a_session_claim_is_refused(client, factory):
    user = await factory.user()
    assert await me_status(client, signed(claims_for(user))) == 200
    assert await me_status(client, signed(claims_for(user, sid=None))) == 401
    assert await me_status(client, signed(claims_for(user, sid="not-a-uuid"))) == 401


@pytest.mark.parametrize("crit", [["exp"], ["b64"], [], "b64"])
async def test_a_token_with_a_crit_header_is_refused(client, factory, crit):
    user = await factory.user()
    claims, secret = claims_for(user), KEYS[SIGNING_KID]
    assert (
        await me_status(client, handmade({"alg": "HS256", "kid": SIGNING_KID}, claims, secret))
        == 200
    )
    header = {"alg": "HS256", "kid": SIGNING_KID, "crit": crit}
    assert_problem(
        await client.get("/v1/me", headers=bearer(handmade(header, claims, secret))),
        401,
        "unauthenticated",
    )


async def test_a_token_issued_in_the_future_is_refused(client, factory):
    user = await factory.user()
    now = int(datetime.now(UTC).timestamp())
    soon = claims_for(user, iat=now + 30)  # within the leeway: clocks differ a little
    assert await me_status(client, signed(soon)) == 200
    later = claims_for(user, iat=now + 3600, exp=now + 4000)
    assert await me_status(client, signed(later)) == 401
    assert await me_status(client, signed(claims_for(user, iat="now"))) == 401


def test_the_iat_leeway_is_measured_on_the_given_clock():
    keyring = KeyRing({"k1": "s" * 40}, issuer="causerie", audience="causerie-api", ttl_seconds=900)
    at = datetime.now(UTC)
    token, _ = keyring.issue(uuid4(), 1, uuid4(), now=at)
    assert keyring.verify(token, now=at - timedelta(seconds=59)).token_version == 1
    with pytest.raises(InvalidToken):
        keyring.verify(token, now=at - timedelta(seconds=61))


async def test_the_session_check_costs_no_statement_of_its_own(client, factory, db):
    """Resolving an access token is one statement (after the transaction's context):
    the user and the session's revocation come back together."""
    user = await factory.user()
    pair = await tokens(client, user.email)
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = db.engine.sync_engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        assert await me_status(client, pair["access_token"]) == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    # Savepoints are the test's bound connection's; the rest is what a request sends:
    # the credentials' context and look-up, then /me's context, user and memberships.
    sent = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    assert len(sent) == 5, sent
    credentials = sent[1]
    assert "FROM users" in credentials and "refresh_tokens" in credentials, credentials
    assert sum("refresh_tokens" in s for s in sent) == 1, sent
