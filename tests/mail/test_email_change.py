"""E-mail change, end to end: the request (with the current password), the link that a
real SMTP server delivers to the new address, the notice to the old one, the change
applied only by that link, and every way of misusing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.factories import PASSWORD, FrozenClock
from tests.mail.helpers import link_in, messages, send_due, token_of
from tests.test_foundation import assert_problem

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def ask_url(slug: str) -> str:
    return f"/v1/sites/{slug}/me/email"


def confirm_url(slug: str) -> str:
    return f"/v1/sites/{slug}/email-change/confirm"


async def sign_in(client, email: str, password: str = PASSWORD):
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


async def ask(client, world, role: str, new_email: str, password: str = PASSWORD, slug=None):
    return await client.post(
        ask_url(slug or world.slug),
        json={"new_email": new_email, "current_password": password},
        headers=world.headers[role],
    )


async def current_email(db, user_id) -> str:
    async with db.transaction() as tx:
        return (
            await tx.connection.execute(
                text("SELECT email FROM users WHERE id = :id"), {"id": user_id}
            )
        ).scalar_one()


async def audited(db, tenant_id) -> list[str]:
    async with db.transaction(tenant_id=tenant_id) as tx:
        rows = await tx.connection.execute(
            text("SELECT action FROM audit_log WHERE action LIKE 'account.%' ORDER BY created_at")
        )
        return [r.action for r in rows]


async def test_the_link_sent_to_the_new_address_moves_the_account(
    client, factory, worker, arrived, db
):
    world = await factory.world()
    reader = world.users["reader"]
    session = (await sign_in(client, reader.email)).json()
    answer = await ask(client, world, "reader", "New.Home@Example.test")
    assert answer.status_code == 202, answer.text
    assert answer.content == b""
    assert sorted(await send_due(worker, world.tenant.id)) == ["sent", "sent"]

    by_address = {got.envelope_to[0]: got for got in arrived}
    confirm, notice = by_address["new.home@example.test"], by_address[reader.email]
    assert confirm.message["Subject"] == "Confirm your new address on Test Brand"
    assert confirm.message["From"].addresses[0].display_name == "Test Brand"
    assert confirm.message["List-Unsubscribe"] is None  # not a notification
    link = link_in(confirm.part("plain"), "confirm-email")
    assert link.startswith(f"https://causerie.test/s/{world.slug}/confirm-email?token=")
    assert link in confirm.part("html")
    assert notice.message["Subject"] == (
        "A change of address was asked for your account on Test Brand"
    )
    plain = notice.part("plain")
    assert "new.home@example.test" in plain and "new.home@example.test" in notice.part("html")
    assert f"https://causerie.test/s/{world.slug}/forgot-password" in plain
    assert "confirm-email" not in plain and "token=" not in plain  # nothing to follow here
    rows = await messages(db, world.tenant.id)
    assert all(row.secret is None for row in rows)  # the token left with the mail

    # Nothing changed yet: the old address signs in, the new one does not.
    assert await current_email(db, reader.id) == reader.email
    assert (await sign_in(client, "new.home@example.test")).status_code == 401

    done = await client.post(confirm_url(world.slug), json={"token": token_of(link)})
    assert done.status_code == 204, done.text
    assert await current_email(db, reader.id) == "new.home@example.test"
    assert (await sign_in(client, "new.home@example.test")).status_code == 200
    assert (await sign_in(client, reader.email)).status_code == 401
    # Every session ended: the old access token and the old refresh token.
    assert (await client.get("/v1/me", headers=world.headers["reader"])).status_code == 401
    refreshed = await client.post(
        "/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert refreshed.status_code == 401
    # The old address hears that the change was made (the new one gets nothing more).
    arrived.clear()
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [done_notice] = arrived
    assert done_notice.envelope_to == [reader.email]
    assert done_notice.message["Subject"] == "The address of your account on Test Brand was changed"
    assert "new.home@example.test" in done_notice.part("plain")
    assert "new.home@example.test" in done_notice.part("html")
    assert "token=" not in done_notice.part("plain")
    assert done_notice.message["List-Unsubscribe"] is None
    assert await audited(db, world.tenant.id) == [
        "account.email_change_requested",
        "account.email_changed",
    ]

    # Used once.
    again = await client.post(confirm_url(world.slug), json={"token": token_of(link)})
    assert_problem(again, 404, "not_found")


async def test_a_french_site_writes_both_mails_in_french(client, factory, worker, arrived, db):
    world = await factory.world()
    async with db.transaction() as tx:
        await tx.connection.execute(
            text("UPDATE tenants SET default_language = 'fr' WHERE id = :id"),
            {"id": world.tenant.id},
        )
        await tx.commit()
    await ask(client, world, "author", "ailleurs@example.test")
    await send_due(worker, world.tenant.id)
    subjects = sorted(got.message["Subject"] for got in arrived)
    assert subjects == [
        "Confirmez votre nouvelle adresse sur Test Brand",
        "Un changement d'adresse a été demandé pour votre compte sur Test Brand",
    ]


async def test_an_address_with_an_account_gets_a_notice_and_the_asker_learns_nothing(
    client, factory, worker, arrived, db
):
    world = await factory.world()
    reader, taken = world.users["reader"], world.users["outsider"].email
    free = await ask(client, world, "reader", "free-address@example.test")
    busy = await ask(client, world, "reader", taken.upper())
    assert free.status_code == busy.status_code == 202
    assert free.content == busy.content == b""
    await send_due(worker, world.tenant.id)
    [to_holder] = [got for got in arrived if got.envelope_to == [taken]]
    assert to_holder.message["Subject"] == "An account on Test Brand wanted to use this address"
    plain = to_holder.part("plain")
    assert "token=" not in plain and "confirm-email" not in plain
    assert f"https://causerie.test/s/{world.slug}/forgot-password" in plain
    # The old address heard of both requests; the first one's link is spent by the second.
    assert len([got for got in arrived if got.envelope_to == [reader.email]]) == 2
    [first] = [got for got in arrived if got.envelope_to == ["free-address@example.test"]]
    late = await client.post(
        confirm_url(world.slug), json={"token": token_of(link_in(first.part("plain"), "confirm"))}
    )
    assert_problem(late, 404, "not_found")
    assert await current_email(db, reader.id) == reader.email


async def test_an_address_taken_after_the_request_is_a_conflict(
    client, factory, worker, arrived, db
):
    world = await factory.world()
    await ask(client, world, "reader", "contested@example.test")
    await send_due(worker, world.tenant.id)
    [confirm] = [got for got in arrived if got.envelope_to == ["contested@example.test"]]
    await factory.user(email="contested@example.test")
    answer = await client.post(
        confirm_url(world.slug),
        json={"token": token_of(link_in(confirm.part("plain"), "confirm-email"))},
    )
    assert_problem(answer, 409, "conflict")
    assert await current_email(db, world.users["reader"].id) == world.users["reader"].email


async def test_bad_requests_are_refused_and_mail_nothing(client, factory, worker, db):
    world = await factory.world()
    reader = world.users["reader"]
    wrong = await ask(client, world, "reader", "x@example.test", password="not my password")
    assert_problem(wrong, 403, "forbidden")
    same = await ask(client, world, "reader", reader.email.upper())
    assert_problem(same, 422, "invalid_input")
    for body in (
        {"new_email": "not an address", "current_password": PASSWORD},
        {"new_email": "x@example.test"},
        {"new_email": "x@example.test", "current_password": PASSWORD, "role": "owner"},
        {"new_email": "a\r\nBcc: victim@example.test", "current_password": PASSWORD},
        {"new_email": "x" * 300 + "@example.test", "current_password": PASSWORD},
    ):
        answer = await client.post(ask_url(world.slug), json=body, headers=world.headers["reader"])
        assert_problem(answer, 422, "validation_failed")
    anonymous = await ask(client, world, "anonymous", "x@example.test")
    assert anonymous.status_code == 401
    outsider = await ask(client, world, "outsider", "x@example.test")
    assert outsider.status_code == 403
    assert (
        await ask(client, world, "reader", "x@example.test", slug="no-such-site")
    ).status_code == 404
    for token in ("", "x" * 201):
        answer = await client.post(confirm_url(world.slug), json={"token": token})
        assert_problem(answer, 422, "validation_failed")
    made_up = await client.post(confirm_url(world.slug), json={"token": "made-up"})
    assert_problem(made_up, 404, "not_found")
    assert await messages(db, world.tenant.id) == []
    assert await current_email(db, reader.id) == reader.email


async def test_a_link_works_only_on_its_own_site(client, factory, worker, arrived, db):
    ours, theirs = await factory.world(), await factory.world()
    await ask(client, ours, "manager", "moved@example.test")
    await send_due(worker, ours.tenant.id)
    [confirm] = [got for got in arrived if got.envelope_to == ["moved@example.test"]]
    token = token_of(link_in(confirm.part("plain"), "confirm-email"))
    elsewhere = await client.post(confirm_url(theirs.slug), json={"token": token})
    assert_problem(elsewhere, 404, "not_found")
    assert await current_email(db, ours.users["manager"].id) == ours.users["manager"].email
    # The other tenant's staff saw nothing: no mail there, no audit there.
    assert await messages(db, theirs.tenant.id) == []
    assert await audited(db, theirs.tenant.id) == []
    assert (await client.post(confirm_url(ours.slug), json={"token": token})).status_code == 204


async def test_an_expired_link_or_a_password_reset_since_voids_the_request(
    client, factory, worker, arrived, db, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    world = await factory.world()
    reader = world.users["reader"]
    await ask(client, world, "reader", "later@example.test")
    await send_due(worker, world.tenant.id)
    [confirm] = [got for got in arrived if got.envelope_to == ["later@example.test"]]
    token = token_of(link_in(confirm.part("plain"), "confirm-email"))
    clock.set(NOON + timedelta(hours=24, seconds=1))
    late = await client.post(confirm_url(world.slug), json={"token": token})
    assert_problem(late, 404, "not_found")

    # Asked again; then the owner, warned by the notice, resets the password.
    clock.set(NOON + timedelta(hours=25))
    fresh = await ask(client, world, "reader", "thief@example.test")
    assert fresh.status_code == 202
    await send_due(worker, world.tenant.id)
    [stolen] = [got for got in arrived if got.envelope_to == ["thief@example.test"]]
    await client.post(f"/v1/sites/{world.slug}/password-reset", json={"email": reader.email})
    await send_due(worker, world.tenant.id)
    [reset] = [got for got in arrived if "reset-password" in got.part("plain")]
    reset_done = await client.post(
        f"/v1/sites/{world.slug}/password-reset/confirm",
        json={
            "token": token_of(link_in(reset.part("plain"), "reset-password")),
            "new_password": "a brand new passphrase",
        },
    )
    assert reset_done.status_code == 204
    voided = await client.post(
        confirm_url(world.slug),
        json={"token": token_of(link_in(stolen.part("plain"), "confirm-email"))},
    )
    assert_problem(voided, 404, "not_found")
    assert await current_email(db, reader.id) == reader.email


async def test_a_flood_of_requests_is_limited_and_mails_at_most_five_an_hour(
    client, factory, worker, limit_clock, db
):
    world = await factory.world()
    answers = [
        (await ask(client, world, "author", f"a{i}@example.test")).status_code for i in range(4)
    ]
    assert answers == [202, 202, 202, 429]
    for round_ in range(2):
        limit_clock.advance(120)
        for i in range(3):
            answer = await ask(client, world, "author", f"b{round_}{i}@example.test")
            assert answer.status_code == 202
    # Five requests an hour are mailed (two mails each); the rest are answered alike.
    assert len(await messages(db, world.tenant.id)) == 10
