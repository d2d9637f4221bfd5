"""Run alembic programmatically (``causerie migrate`` and the test harness use this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from persistence.database import async_url


def _migrations_dir() -> Path:
    """Beside the packages in a checkout; in the working directory of an installed image."""
    beside = Path(__file__).resolve().parent.parent / "migrations"
    return beside if beside.is_dir() else Path.cwd() / "migrations"


MIGRATIONS_DIR = _migrations_dir()
# The advisory lock every migration run holds (migrations/env.py): "causerie" in ASCII.
MIGRATION_LOCK = int.from_bytes(b"causerie", "big")


def alembic_config(owner_url: str | URL, app_db_password: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's ini interpolation treats % specially; escape it in the URL.
    rendered = async_url(owner_url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    config.attributes["app_db_password"] = app_db_password
    return config


def upgrade(
    owner_url: str | URL, revision: str = "head", app_db_password: str | None = None
) -> None:
    command.upgrade(alembic_config(owner_url, app_db_password), revision)


def downgrade(owner_url: str | URL, revision: str) -> None:
    command.downgrade(alembic_config(owner_url), revision)
