"""Delivery over real SMTP: a server that refuses, hangs up or is not there is retried on
the domain's clock, the message is never lost, and never sent twice once it went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from api.worker import Worker
from domain.mail.model import RETRY_DELAYS
from tests.factories import FrozenClock
from tests.mail.helpers import link_in, messages, send_due
from tests.mail.smtp_server import free_port

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def invite(client, world, email: str = "newcomer@example.test", role: str = "author"):
    made = await client.post(
        f"/v1/tenants/{world.slug}/invitations",
        json={"email": email, "role": role},
        headers=world.headers["manager"],
    )
    assert made.status_code == 201, made.text
    return made.json()


async def test_an_invitation_goes_by_mail_and_the_api_still_returns_its_link(
    client, factory, worker, arrived
):
    world = await factory.world()
    made = await invite(client, world)
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [got] = arrived
    assert got.envelope_to == ["newcomer@example.test"]
    assert got.message["Subject"] == "You are invited to join Test Brand"
    assert link_in(got.part("plain"), "accept-invitation") == made["accept_url"]
    accept = await client.post(
        f"/v1/tenants/{world.slug}/invitations/accept",
        json={"token": made["token"]},
        headers=factory.auth(await factory.user("newcomer@example.test")),
    )
    assert accept.status_code == 200, accept.text


async def test_html_in_a_name_is_text_in_the_mail(client, factory, worker, arrived, db):
    world = await factory.world()
    manager = world.users["manager"]
    async with db.transaction() as tx:
        await tx.connection.execute(
            text("UPDATE users SET display_name = :n WHERE id = :id"),
            {"n": '<img src=x onerror="alert(1)"><b>Boss</b>', "id": manager.id},
        )
        await tx.commit()
    await invite(client, world)
    await send_due(worker, world.tenant.id)
    html = arrived[0].part("html")
    assert "<img src=x" not in html and "<b>Boss</b>" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;b&gt;Boss&lt;/b&gt;" in html
    assert '<img src=x onerror="alert(1)"><b>Boss</b>' in arrived[0].part("plain")


async def test_a_refusing_server_is_retried_and_the_message_goes_once(
    client, factory, worker, smtp, monkeypatch
):
    handler, _ = smtp
    clock = FrozenClock(monkeypatch, NOON)
    world = await factory.world()
    await invite(client, world)
    handler.refuse, handler.drop = 1, 1
    assert await send_due(worker, world.tenant.id) == ["pending"]  # dropped
    [row] = await messages(factory.db, world.tenant.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "Disconnected" in row.last_error or "closed" in row.last_error.lower()
    assert row.secret is not None  # kept until the message goes
    # Not due yet: nothing is tried.
    assert await worker.mail.deliver(world.tenant.id, row.id) is None

    clock.set(NOON + RETRY_DELAYS[0] * 1.1 + timedelta(seconds=1))
    assert await send_due(worker, world.tenant.id) == ["pending"]  # refused: 451
    [row] = await messages(factory.db, world.tenant.id)
    assert row.attempts == 2 and "451" in row.last_error

    clock.set(NOON + timedelta(hours=1))
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert len(handler.arrived) == 1
    # A job that runs again (a sweep, a crashed worker's lease) finds it sent.
    assert await worker.mail.deliver(world.tenant.id, row.id) is None
    assert await worker.sweep() == 0
    assert len(handler.arrived) == 1
    [row] = await messages(factory.db, world.tenant.id)
    assert (row.status, row.attempts, row.secret, row.last_error) == ("sent", 3, None, None)


async def test_no_server_listening_is_retried_then_given_up(
    client, factory, mail_settings, db, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    nowhere = mail_settings.model_copy(update={"mail_smtp_port": free_port()})
    worker = Worker(db, nowhere)
    world = await factory.world()
    await invite(client, world)
    at = NOON
    for attempt in range(1, len(RETRY_DELAYS) + 2):
        assert await send_due(worker, world.tenant.id) == [
            "pending" if attempt <= len(RETRY_DELAYS) else "failed"
        ]
        [row] = await messages(db, world.tenant.id)
        assert row.attempts == attempt
        at += timedelta(hours=7)
        clock.set(at)
    [row] = await messages(db, world.tenant.id)
    assert row.status == "failed" and row.secret is None
    assert "Connect" in row.last_error or "refused" in row.last_error.lower()


async def test_the_worker_sweep_queues_due_retries(client, factory, worker, smtp, monkeypatch):
    handler, _ = smtp
    clock = FrozenClock(monkeypatch, NOON)
    world = await factory.world()
    await invite(client, world)
    handler.refuse = 1
    await send_due(worker, world.tenant.id)
    assert await worker.mail.sweep() == 0  # not due yet
    clock.set(NOON + timedelta(minutes=2))
    assert await worker.mail.sweep() == 1


async def test_line_breaks_in_a_tenant_name_never_write_a_header(
    client, factory, worker, arrived, db
):
    world = await factory.world()
    await invite(client, world)
    async with db.transaction() as tx:
        await tx.connection.execute(
            text("UPDATE tenants SET name = :n WHERE id = :id"),
            {"n": "Brand\r\nBcc: victim@example.test", "id": world.tenant.id},
        )
        await tx.commit()
    assert await send_due(worker, world.tenant.id) == ["failed"]
    assert arrived == []
    [row] = await messages(db, world.tenant.id)
    assert row.last_error.startswith("unsendable") and row.secret is None


async def test_line_breaks_in_a_display_name_are_left_out_of_the_to_header(
    client, factory, worker, arrived, db
):
    world = await factory.world()
    reader = world.users["reader"]
    async with db.transaction() as tx:
        await tx.connection.execute(
            text("UPDATE users SET display_name = :n WHERE id = :id"),
            {"n": "Eve\r\nBcc: victim@example.test", "id": reader.id},
        )
        await tx.commit()
    answer = await client.post(
        f"/v1/sites/{world.slug}/password-reset", json={"email": reader.email}
    )
    assert answer.status_code == 202
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [got] = arrived
    assert got.envelope_to == [reader.email]
    assert got.message["Bcc"] is None
    assert str(got.message["To"]) == reader.email


async def test_a_tenant_reads_only_its_own_mail_log(client, factory, worker):
    ours, theirs = await factory.world(), await factory.world()
    await invite(client, ours)
    assert len(await messages(factory.db, ours.tenant.id)) == 1
    assert await messages(factory.db, theirs.tenant.id) == []
    [row] = await messages(factory.db, ours.tenant.id)
    # Another tenant's worker transaction cannot claim it either.
    assert await worker.mail.deliver(theirs.tenant.id, row.id) is None


async def test_an_invitation_from_a_ranking_goes_by_mail_too(
    client, factory, worker, arrived, monkeypatch
):
    """A manager invites a reader from the people who matter: the same invitation mail
    as the members screen's, to the reader's own address, with the answer's link."""
    from tests.insights.test_ambassadors import _world_with_a_commenter

    world, _, _ = await _world_with_a_commenter(factory, monkeypatch)
    rita = world.users["rita"]
    made = await client.post(
        f"/v1/tenants/{world.slug}/insights/people/{rita.id}/invitation",
        headers=world.headers["manager"],
    )
    assert made.status_code == 201, made.text
    assert await send_due(worker, world.tenant.id) == ["sent"]
    [got] = arrived
    assert got.envelope_to == [rita.email.lower()]
    assert got.message["Subject"] == "You are invited to join Test Brand"
    assert link_in(got.part("plain"), "accept-invitation") == made.json()["accept_url"]
    # Refused invitations send nothing: someone who writes already, an author asking.
    for who, person in (("manager", world.users["author"]), ("author", rita)):
        refused = await client.post(
            f"/v1/tenants/{world.slug}/insights/people/{person.id}/invitation",
            headers=world.headers[who],
        )
        assert refused.status_code in (403, 409), refused.text
    assert await send_due(worker, world.tenant.id) == []
    assert len(arrived) == 1
