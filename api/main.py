"""ASGI entry point for process managers: ``uvicorn api.main:app --workers N``.

Needs ``DATABASE_URL`` (or ``CAUSERIE_APP_DATABASE_URL``); migrations are run
separately with ``causerie migrate``.
"""

from api.app import create_app
from api.logging_setup import configure_logging
from api.settings import get_settings

_settings = get_settings()
configure_logging(_settings.log_level, json_lines=_settings.log_json)
app = create_app(_settings)
