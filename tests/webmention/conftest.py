from __future__ import annotations

import pytest

from tests.federation.helpers import LOCAL


@pytest.fixture
def local(services, settings):
    """Loopback reachable through the outbound guard (the other sites run here)."""
    services.settings = settings.model_copy(update=LOCAL)
    return services
