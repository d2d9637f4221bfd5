"""The built-in catcher: a real aiosmtpd server on loopback keeping mail in a Maildir,
listed for operators (anyone, in development); production refuses it unless told."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.adapters import mail_catcher
from api.settings import Settings
from api.worker import Worker
from tests.mail.helpers import send_due
from tests.mail.smtp_server import free_port
from tests.test_foundation import assert_problem

CATCHER = "/v1/mail-catcher/messages"


def test_production_refuses_the_catcher_unless_told():
    with pytest.raises(ValidationError, match="mail catcher"):
        Settings(_env_file=None, environment="production", mail_catcher=True)  # type: ignore[call-arg]
    allowed = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="production",
        mail_catcher=True,
        mail_catcher_in_production=True,
    )
    assert allowed.catcher_enabled
    # Unset, production has no catcher and no server: nothing is sent anywhere.
    bare = Settings(_env_file=None, environment="production")  # type: ignore[call-arg]
    assert not bare.catcher_enabled and bare.smtp_target is None


def test_development_sends_to_the_catcher_by_default():
    dev = Settings(_env_file=None, environment="development", mail_catcher_port=2525)  # type: ignore[call-arg]
    assert dev.catcher_enabled
    assert dev.smtp_target == ("127.0.0.1", 2525, "none")
    real = Settings(_env_file=None, environment="development", mail_smtp_host="smtp.example.test")  # type: ignore[call-arg]
    assert not real.catcher_enabled
    assert real.smtp_target == ("smtp.example.test", 587, "starttls")


@pytest.fixture
def catching(settings, services, tmp_path):
    caught = settings.model_copy(
        update={
            "mail_catcher": True,
            "mail_catcher_port": free_port(),
            "data_dir": tmp_path,
            "mail_smtp_host": None,
        }
    )
    controller = mail_catcher.start(caught)
    services.settings = caught
    yield caught
    controller.stop()


async def test_caught_mail_is_listed_for_operators_with_both_parts(
    client, factory, db, catching, services
):
    world = await factory.world()
    reader = world.users["reader"]
    await client.post(f"/v1/sites/{world.slug}/password-reset", json={"email": reader.email})
    assert await send_due(Worker(db, catching), world.tenant.id) == ["sent"]

    listed = await client.get(CATCHER, headers=world.headers["operator"])
    assert listed.status_code == 200, listed.text
    [mail] = listed.json()
    assert mail["to"].endswith(f"<{reader.email}>") or mail["to"] == reader.email
    assert mail["subject"] == "Reset your password on Test Brand"
    assert "reset-password?token=" in mail["text"]
    assert "<html" in mail["html"]

    assert_problem(await client.get(CATCHER, headers=world.headers["manager"]), 403, "forbidden")
    assert_problem(await client.get(CATCHER), 401, "unauthenticated")

    # In development anyone may look: the newcomer who forgot the demo's password.
    services.settings = catching.model_copy(update={"environment": "development"})
    assert (await client.get(CATCHER)).status_code == 200


async def test_without_a_catcher_the_list_is_not_there(client, factory, services, settings):
    world = await factory.world()
    services.settings = settings.model_copy(update={"mail_smtp_host": "smtp.example.test"})
    assert_problem(await client.get(CATCHER, headers=world.headers["operator"]), 404, "not_found")


async def test_serve_starts_the_catcher_in_development_only(tmp_path, capsys):
    from email.message import EmailMessage

    import aiosmtplib

    from api.cli import _start_catcher

    port = free_port()
    dev = Settings(  # type: ignore[call-arg]
        _env_file=None, environment="development", mail_catcher_port=port, data_dir=tmp_path
    )
    controller = _start_catcher(dev)
    assert controller is not None
    try:
        assert f"127.0.0.1:{port}" in capsys.readouterr().out
        note = EmailMessage()
        note["From"], note["To"], note["Subject"] = "a@example.test", "b@example.test", "Hi"
        note.set_content("caught")
        await aiosmtplib.send(note, hostname="127.0.0.1", port=port, start_tls=False)
        [held] = mail_catcher.caught(dev)
        assert (held.subject, held.text.strip()) == ("Hi", "caught")
    finally:
        controller.stop()
    real = dev.model_copy(update={"mail_smtp_host": "smtp.example.test"})
    assert _start_catcher(real) is None
    assert _start_catcher(dev.model_copy(update={"environment": "test"})) is None
