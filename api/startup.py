"""Start-up mistakes, told in one line: which setting, what failed, what to try.

The CLI runs each start-up step (reading the settings, migrating as the owner, the app
role's first connection) inside ``step`` or ``settings_from_environment``; a failure
becomes a ``StartupError`` whose message is the whole report, printed without a
traceback, and the process exits non-zero. Anything not recognised here is a bug and
keeps its traceback.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

from pydantic import ValidationError
from sqlalchemy.engine import URL, make_url

from api.settings import Settings


class StartupError(RuntimeError):
    """A start-up failure the operator can fix; ``str()`` is the one line to print."""


def settings_from_environment() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise StartupError(describe_settings_error(exc)) from exc


def environment_name(field: str) -> str:
    """The variable a settings field is read from (``port`` -> ``CAUSERIE_PORT``)."""
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    choices = getattr(alias, "choices", None)
    if choices:
        return str(choices[0])
    if isinstance(alias, str):
        return alias
    if info is None:  # pydantic already named the variable
        return field
    return f"{Settings.model_config.get('env_prefix', '')}{field}".upper()


def describe_settings_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        given = error.get("input")
        shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
        problems.append(f"{environment_name(field)}: {error['msg']}{shown}")
    return "invalid setting: " + "; ".join(problems) + ". Fix the environment (or .env) and retry."


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else current.__cause__ or current.__context__
        )


def _where(url: URL) -> str:
    host = url.host or str(url.query.get("host") or "the local socket")
    port = f":{url.port}" if url.port else ""
    return f"{host}{port}"


def describe_database_failure(exc: BaseException, setting: str, url: URL) -> str | None:
    """One line for a connection that failed, or None when it is not one we recognise."""
    where, user, database = _where(url), url.username or "(default user)", url.database
    for cause in _chain(exc):
        name = type(cause).__name__
        if isinstance(cause, socket.gaierror):
            return (
                f"{setting}: cannot resolve the database host {url.host!r} ({cause.strerror}). "
                f"Check the host name in {setting}."
            )
        if isinstance(cause, ConnectionRefusedError | TimeoutError):
            return (
                f"{setting}: nothing accepts connections at {where} ({cause}). Check the host "
                f"and port in {setting}, and that PostgreSQL is running and reachable."
            )
        if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            hint = (
                "the user and password in it (the app role's password is CAUSERIE_APP_DB_PASSWORD)"
                if "causerie_app" in setting
                else "the user and password in it"
            )
            return (
                f"{setting}: PostgreSQL at {where} refused user {user!r} ({cause}). Check {hint}."
            )
        if name == "InvalidCatalogNameError":
            return (
                f"{setting}: the database {database!r} does not exist on {where}. Create it "
                f"(createdb {database}) or fix the database name in {setting}."
            )
        if isinstance(cause, OSError) and cause.errno is not None:
            return (
                f"{setting}: cannot connect to {where} ({cause}). Check the host and port in "
                f"{setting}, and that PostgreSQL is reachable from here."
            )
    return None


@contextlib.contextmanager
def step(setting: str, url: str | URL) -> Iterator[None]:
    """Run a step that connects with ``url``, read from ``setting``."""
    parsed = make_url(url) if isinstance(url, str) else url
    try:
        yield
    except Exception as exc:
        line = describe_database_failure(exc, setting, parsed)
        if line is None:
            raise
        raise StartupError(line) from exc
