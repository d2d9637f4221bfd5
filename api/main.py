"""ASGI entry point for process managers: ``uvicorn api.main:app --workers N``.

Needs ``DATABASE_URL`` (or ``CAUSERIE_APP_DATABASE_URL``); migrations are run
separately with ``causerie migrate``. A bad setting stops the process with one line
naming its environment variable.
"""

import sys

from api.app import create_app
from api.logging_setup import configure_logging
from api.startup import StartupError, settings_from_environment

try:
    _settings = settings_from_environment()
except StartupError as exc:
    sys.exit(f"causerie: {exc}")
configure_logging(_settings.log_level, json_lines=_settings.log_json)
app = create_app(_settings)
