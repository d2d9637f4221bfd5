from __future__ import annotations

import pytest

from api.worker import Worker
from tests.webhooks.helpers import LOCAL


@pytest.fixture
def local_settings(settings):
    """The test settings with loopback reachable (a receiver on this machine) and a
    short cap for the receiver that never answers."""
    return settings.model_copy(update=LOCAL)


@pytest.fixture
def local(services, local_settings):
    services.settings = local_settings
    return services


@pytest.fixture
def worker(db, local_settings, local):
    return Worker(db, local_settings)
