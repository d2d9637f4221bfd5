from __future__ import annotations

import pytest

from api.worker import Worker
from tests.mail.smtp_server import smtp_server


@pytest.fixture
def smtp():
    with smtp_server() as (handler, port):
        yield handler, port


@pytest.fixture
def mail_settings(settings, smtp):
    _, port = smtp
    return settings.model_copy(
        update={
            "mail_smtp_host": "127.0.0.1",
            "mail_smtp_port": port,
            "mail_smtp_security": "none",
            "mail_from_address": "no-reply@mail.causerie.test",
            "mail_timeout_seconds": 5.0,
        }
    )


@pytest.fixture
def mailing(services, mail_settings):
    services.settings = mail_settings
    return services


@pytest.fixture
def worker(db, mail_settings, mailing):
    return Worker(db, mail_settings)


@pytest.fixture
def arrived(smtp):
    return smtp[0].arrived
