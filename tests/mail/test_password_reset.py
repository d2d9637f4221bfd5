"""Password reset by mail, end to end: the request, the mail as a real SMTP server got
it, the link's token setting a new password, and every way of misusing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.factories import PASSWORD, FrozenClock
from tests.mail.helpers import link_in, messages, run_resets, send_due, token_of
from tests.test_foundation import assert_problem

NEW = "a brand new passphrase"
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def reset_url(slug: str, tail: str = "") -> str:
    return f"/v1/sites/{slug}/password-reset{tail}"


async def sign_in(client, email: str, password: str):
    return await client.post("/v1/auth/token", data={"username": email, "password": password})


async def ask(client, slug: str, email: str):
    return await client.post(reset_url(slug), json={"email": email})


async def test_the_reset_mail_arrives_and_its_link_sets_a_new_password(
    client, factory, worker, arrived
):
    world = await factory.world()
    reader = world.users["reader"]
    session = (await sign_in(client, reader.email, PASSWORD)).json()
    answer = await ask(client, world.slug, reader.email.upper())
    assert answer.status_code == 202, answer.text
    assert await send_due(worker, world.tenant.id) == ["sent"]

    [got] = arrived
    mail = got.message
    assert got.envelope_to == [reader.email]
    assert mail["From"].addresses[0].display_name == "Test Brand"
    assert mail["From"].addresses[0].addr_spec == "no-reply@mail.causerie.test"
    assert mail["To"].addresses[0].addr_spec == reader.email
    assert mail["Subject"] == "Reset your password on Test Brand"
    assert mail["Message-ID"].endswith("@mail.causerie.test>")
    plain, html = got.part("plain"), got.part("html")
    link = link_in(plain, "reset-password")
    assert link.startswith(f"https://causerie.test/s/{world.slug}/reset-password?token=")
    assert link.replace("&", "&amp;") in html or link in html
    assert "Test Brand" in html and "#1f4e79" in html  # the tenant's brand colour

    [row] = await messages(factory.db, world.tenant.id)
    assert (row.status, row.attempts, row.template) == ("sent", 1, "password_reset")
    assert row.secret is None  # the token left with the mail; the log keeps none
    assert row.message_id == mail["Message-ID"]

    done = await client.post(
        reset_url(world.slug, "/confirm"), json={"token": token_of(link), "new_password": NEW}
    )
    assert done.status_code == 204, done.text
    assert (await sign_in(client, reader.email, NEW)).status_code == 200
    assert (await sign_in(client, reader.email, PASSWORD)).status_code == 401
    # Every session ended: the old access token and the old refresh token.
    assert (await client.get("/v1/me", headers=world.headers["reader"])).status_code == 401
    refreshed = await client.post(
        "/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}
    )
    assert refreshed.status_code == 401

    # The notice of the change went to the address as well.
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert arrived[1].message["Subject"] == "Your password on Test Brand was changed"

    # Used once: a second use is refused and changes nothing.
    again = await client.post(
        reset_url(world.slug, "/confirm"),
        json={"token": token_of(link), "new_password": "yet another passphrase"},
    )
    assert_problem(again, 404, "not_found")
    assert (await sign_in(client, reader.email, NEW)).status_code == 200


async def test_a_reset_asked_from_the_console_links_to_the_console(
    client, factory, worker, arrived
):
    world = await factory.world()
    manager = world.users["manager"]
    answer = await client.post(
        reset_url(world.slug), json={"email": manager.email, "page": "console"}
    )
    assert answer.status_code == 202, answer.text
    assert answer.content == b""
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [got] = arrived
    link = link_in(got.part("plain"), "reset-password")
    assert link.startswith(
        f"https://causerie.test/console/reset-password?tenant={world.slug}&token="
    )
    assert f"/s/{world.slug}/reset-password" not in got.part("html")
    done = await client.post(
        reset_url(world.slug, "/confirm"), json={"token": token_of(link), "new_password": NEW}
    )
    assert done.status_code == 204, done.text
    assert (await sign_in(client, manager.email, NEW)).status_code == 200


async def test_the_reset_page_is_a_name_from_a_list_never_an_address(
    client, factory, worker, arrived
):
    world = await factory.world()
    email = world.users["reader"].email
    for page in ("https://evil.example/steal", "//evil.example", "Console", "", None, 1):
        answer = await client.post(reset_url(world.slug), json={"email": email, "page": page})
        assert_problem(answer, 422, "validation_failed")
    assert await run_resets(worker) == 0  # nothing handed to the worker
    assert await messages(factory.db, world.tenant.id) == []
    # Said explicitly, the site's own page is the default one.
    assert (
        await client.post(reset_url(world.slug), json={"email": email, "page": "site"})
    ).status_code == 202
    await send_due(worker, world.tenant.id)
    [got] = arrived
    assert f"https://causerie.test/s/{world.slug}/reset-password?token=" in got.part("plain")


async def test_a_french_site_sends_french(client, factory, worker, arrived, db):
    world = await factory.world()
    async with db.transaction() as tx:
        await tx.connection.execute(
            text("UPDATE tenants SET default_language = 'fr' WHERE id = :id"),
            {"id": world.tenant.id},
        )
        await tx.commit()
    await ask(client, world.slug, world.users["author"].email)
    await send_due(worker, world.tenant.id)
    [got] = arrived
    assert got.message["Subject"] == "Réinitialisez votre mot de passe sur Test Brand"
    assert "Bonjour" in got.part("plain") and "Bonjour" in got.part("html")


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, factory, worker, arrived
):
    world = await factory.world()
    known = await ask(client, world.slug, world.users["reader"].email)
    unknown = await ask(client, world.slug, "nobody-here@example.test")
    outsider = await ask(client, world.slug, world.users["outsider"].email)
    assert known.status_code == unknown.status_code == outsider.status_code == 202
    assert known.content == unknown.content == outsider.content == b""
    # The request only handed each address to the worker, the same way for all three.
    assert await run_resets(worker) == 3
    assert len(await messages(factory.db, world.tenant.id)) == 1  # the member's only


async def test_a_reset_asked_on_another_tenant_sends_nothing_there(
    client, factory, worker, arrived
):
    ours, theirs = await factory.world(), await factory.world()
    answer = await ask(client, theirs.slug, ours.users["manager"].email)
    assert answer.status_code == 202
    assert await run_resets(worker) == 1
    assert await messages(factory.db, theirs.tenant.id) == []
    assert await messages(factory.db, ours.tenant.id) == []
    assert (await ask(client, "no-such-site", "a@example.test")).status_code == 404


async def test_an_expired_token_is_refused(client, factory, worker, arrived, monkeypatch):
    clock = FrozenClock(monkeypatch, NOON)
    world = await factory.world()
    reader = world.users["reader"]
    await ask(client, world.slug, reader.email)
    await send_due(worker, world.tenant.id)
    token = token_of(link_in(arrived[0].part("plain"), "reset-password"))
    clock.set(NOON + timedelta(minutes=31))
    late = await client.post(
        reset_url(world.slug, "/confirm"), json={"token": token, "new_password": NEW}
    )
    assert_problem(late, 404, "not_found")
    assert (await sign_in(client, reader.email, PASSWORD)).status_code == 200


async def test_a_tampered_or_foreign_token_is_refused(client, factory, worker, arrived):
    world, other = await factory.world(), await factory.world()
    reader = world.users["reader"]
    await ask(client, world.slug, reader.email)
    await send_due(worker, world.tenant.id)
    token = token_of(link_in(arrived[0].part("plain"), "reset-password"))
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", token + "x"):
        answer = await client.post(
            reset_url(world.slug, "/confirm"), json={"token": bad, "new_password": NEW}
        )
        assert_problem(answer, 404, "not_found")
    short = await client.post(
        reset_url(world.slug, "/confirm"), json={"token": token, "new_password": "short"}
    )
    assert_problem(short, 422, "validation_failed")
    assert (await sign_in(client, reader.email, PASSWORD)).status_code == 200
    # The token still works where it was issued, once.
    ok = await client.post(
        reset_url(world.slug, "/confirm"), json={"token": token, "new_password": NEW}
    )
    assert ok.status_code == 204
    assert other.slug != world.slug


async def test_a_flood_of_requests_for_one_address_is_no_mail_storm(
    client, factory, worker, arrived, limit_clock
):
    world = await factory.world()
    email = world.users["reader"].email
    answers = [(await ask(client, world.slug, email)).status_code for _ in range(5)]
    assert answers == [202, 202, 202, 429, 429]
    limited = await ask(client, world.slug, email)
    assert limited.headers["Retry-After"]
    # The same limit holds for an address without an account: nothing to learn from it.
    stranger = [(await ask(client, world.slug, "ghost@example.test")).status_code for _ in range(4)]
    assert stranger == [202, 202, 202, 429]
    # Past the minute, more requests are answered, but at most five mails an hour go out.
    for _ in range(3):
        limit_clock.advance(120)
        for _ in range(3):
            assert (await ask(client, world.slug, email)).status_code == 202
    await run_resets(worker)
    assert len(await messages(factory.db, world.tenant.id)) == 5
    assert len(await send_due(worker, world.tenant.id)) == 5
