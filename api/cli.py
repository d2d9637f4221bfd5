"""The ``causerie`` command: serve, migrate, seed-demo, create-operator, export-openapi,
nginx-config."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from sqlalchemy.engine import URL

from api.settings import Settings, get_settings
from api.startup import StartupError, describe_settings_error, step

cli = typer.Typer(help="Causerie: a headless, white-label blogging platform.", no_args_is_help=True)

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"
EMBEDDED_DATABASE = "causerie"


@contextlib.contextmanager
def owner_database(settings: Settings) -> Iterator[URL]:
    """The owner's database URL: ``DATABASE_URL``, or a started embedded server.

    The embedded server is stopped when the block ends (and on Ctrl-C or SIGTERM,
    which uvicorn turns into a normal return).
    """
    from persistence.database import async_url

    if settings.database_url:
        yield async_url(settings.database_url)
        return
    from persistence.admin import ensure_database
    from persistence.embedded import EmbeddedPostgres

    server = EmbeddedPostgres(settings.data_dir / "postgres")
    admin_url = server.start()
    try:
        asyncio.run(ensure_database(admin_url, EMBEDDED_DATABASE))
        yield admin_url.set(database=EMBEDDED_DATABASE)
    finally:
        server.stop()


def _with_owner_url(settings: Settings, url: URL) -> Settings:
    return settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})


def _app_password(settings: Settings) -> str | None:
    return settings.app_db_password.get_secret_value() if settings.app_db_password else None


@cli.command()
def migrate(revision: str = typer.Option("head", help="Alembic revision to upgrade to.")) -> None:
    """Apply the database migrations (as the owner role)."""
    from persistence import migrate as migrations

    settings = get_settings()
    with owner_database(settings) as url, step("DATABASE_URL", url):
        migrations.upgrade(url, revision, app_db_password=_app_password(settings))
    typer.echo(f"Database migrated to {revision}.")


@cli.command("seed-demo")
def seed_demo_command() -> None:
    """Create (or refresh) the demo tenant and its data. Safe to run twice."""
    settings = get_settings()
    with owner_database(settings) as url:
        summary = asyncio.run(_seed(_with_owner_url(settings, url)))
    typer.echo(summary)


async def _seed(settings: Settings) -> str:
    from api.app import database_for
    from api.demo import seed_demo

    db = database_for(settings)
    try:
        return await seed_demo(db, settings)
    finally:
        await db.dispose()


@cli.command("create-operator")
def create_operator(
    email: str = typer.Option(..., help="The operator's e-mail (their sign-in name)."),
    password: str | None = typer.Option(None, help="Their password; prompted for when not given."),
) -> None:
    """Create a platform operator (or promote an existing user to operator)."""
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            typer.echo("The passwords differ.", err=True)
            raise typer.Exit(2)
    settings = get_settings()
    with owner_database(settings) as url:
        message = asyncio.run(_create_operator(_with_owner_url(settings, url), email, password))
    typer.echo(message)


async def _create_operator(settings: Settings, email: str, password: str) -> str:
    from api.app import database_for
    from api.bootstrap import Services
    from domain.accounts import use_cases
    from domain.kernel.errors import DomainError
    from persistence.uow import SqlUnitOfWork

    db = database_for(settings)
    services = Services.from_settings(settings)
    try:
        async with SqlUnitOfWork(db) as uow:
            user = await use_cases.create_operator(
                uow, services.hasher, email, password, text=services.text
            )
    except DomainError as exc:
        typer.echo(f"Refused: {exc.detail}", err=True)
        raise typer.Exit(2) from exc
    finally:
        await db.dispose()
    return f"Operator {user.email} is ready."


@cli.command("export-openapi")
def export_openapi(
    stdout: bool = typer.Option(False, "--stdout", help="Print instead of writing the file."),
) -> None:
    """Write the OpenAPI document the app serves to openapi/openapi.json."""
    document = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    if stdout:
        sys.stdout.write(document)
    else:
        OPENAPI_PATH.write_text(document)
        typer.echo(f"Wrote {OPENAPI_PATH}")


def openapi_document() -> dict[str, Any]:
    from api.app import create_app

    # The engine connects lazily; this URL is never dialled.
    settings = Settings(database_url="postgresql://openapi@localhost/openapi", _env_file=None)  # type: ignore[call-arg]
    return create_app(settings).openapi()


@cli.command("nginx-config")
def nginx_config(
    listen: str = typer.Option("80", help="nginx's listen address (port, or host:port)."),
    upstream: str = typer.Option(
        None, help="The API's address (default CAUSERIE_HOST:CAUSERIE_PORT)."
    ),
) -> None:
    """Print the production nginx configuration, its body limit the app's own."""
    from api.front import render

    settings = get_settings()
    sys.stdout.write(
        render(
            listen=listen,
            upstream=upstream or f"{settings.host}:{settings.port}",
            max_body_bytes=settings.max_body_bytes,
        )
    )


@cli.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default CAUSERIE_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default CAUSERIE_PORT, 8000)."),
    run_migrations: bool = typer.Option(True, "--migrate/--no-migrate", help="Migrate first."),
    demo: bool = typer.Option(False, "--seed-demo", help="Seed the demo tenant first."),
) -> None:
    """Serve the API (and the built front-ends), starting an embedded PostgreSQL if needed."""
    import uvicorn

    from api.app import check_database, create_app
    from api.logging_setup import configure_logging

    settings = get_settings()
    updates = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = settings.model_copy(update=updates)
    configure_logging(settings.log_level, json_lines=settings.log_json)
    with serving_database(settings, run_migrations) as settings:
        with step(*app_role_setting(settings)):
            seeded = asyncio.run(_seed(settings)) if demo else None
            asyncio.run(check_database(settings))
        # One command still runs everything: a worker process beside the API (production
        # runs `causerie worker` processes of its own instead, as many as needed).
        catcher = _start_catcher(settings)
        worker = _start_worker(settings) if settings.serve_with_worker else None
        config = uvicorn.Config(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            # The app reads X-Forwarded-For itself, trusting CAUSERIE_TRUSTED_PROXY_HOPS.
            proxy_headers=False,
            timeout_keep_alive=settings.keep_alive_seconds,
            limit_concurrency=settings.max_concurrent_requests,
            h11_max_incomplete_event_size=settings.max_header_bytes,
        )
        server = _GracefulServer(config, on_started=lambda: _banner(settings, seeded))
        try:
            server.run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
            if catcher is not None:
                catcher.stop()
        if not server.started:
            raise StartupError(
                f"could not serve on {settings.host}:{settings.port}: see the line above "
                "(CAUSERIE_HOST, CAUSERIE_PORT)."
            )
        print("Causerie stopped.", flush=True)


def _start_catcher(settings: Settings) -> Any:
    """The built-in mail catcher on loopback, when no SMTP server is configured in
    development (or when asked for); None otherwise."""
    if not settings.catcher_enabled:
        return None
    from api.adapters import mail_catcher

    try:
        controller = mail_catcher.start(settings)
    except (OSError, RuntimeError) as failed:
        raise StartupError(
            f"could not start the mail catcher on {mail_catcher.CATCHER_HOST}:"
            f"{settings.mail_catcher_port} ({failed}): set CAUSERIE_MAIL_CATCHER_PORT, "
            "or CAUSERIE_MAIL_SMTP_HOST to use a real SMTP server."
        ) from failed
    print(
        f"Mail catcher: SMTP on {mail_catcher.CATCHER_HOST}:{settings.mail_catcher_port}; "
        "caught mail is in the console (Mail) and at /v1/mail-catcher/messages.",
        flush=True,
    )
    return controller


@contextlib.contextmanager
def serving_database(settings: Settings, run_migrations: bool) -> Iterator[Settings]:
    """The settings to serve with, after migrating as the owner when there is one.

    With only ``CAUSERIE_APP_DATABASE_URL`` set (no ``DATABASE_URL``) the process never
    holds the owner's credentials: the migrations were applied beforehand by
    ``causerie migrate``, run with the owner's URL as a separate step.
    """
    from persistence import migrate as migrations

    if settings.app_database_url and not settings.database_url:
        yield settings
        return
    with owner_database(settings) as url:
        settings = _with_owner_url(settings, url)
        if run_migrations:
            with step("DATABASE_URL", url):
                migrations.upgrade(url, app_db_password=_app_password(settings))
        yield settings


def app_role_setting(settings: Settings) -> tuple[str, str]:
    """Where the app role connects, and the setting that says so."""
    from persistence.database import app_role_url

    if settings.app_database_url:
        return "CAUSERIE_APP_DATABASE_URL", settings.app_database_url
    assert settings.database_url is not None
    url = app_role_url(settings.database_url, _app_password(settings))
    return "DATABASE_URL (as causerie_app)", url.render_as_string(hide_password=False)


def _start_worker(settings: Settings) -> Any:
    import os
    import subprocess

    env = dict(os.environ)
    if settings.database_url:  # the embedded server's URL, which the worker cannot guess
        env["DATABASE_URL"] = settings.database_url
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "worker"], env=env
    )


@cli.command()
def worker() -> None:
    """Run a worker: dispatch the outbox's events and run the queued jobs until stopped."""
    from api.logging_setup import configure_logging

    settings = get_settings()
    configure_logging(settings.log_level, json_lines=settings.log_json)
    with serving_database(settings, False) as ready, contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_work(ready))


async def _work(settings: Settings) -> None:
    import signal

    import asyncpg

    from api.app import database_for
    from api.worker import Worker
    from persistence.database import sync_url

    db = database_for(settings)
    dsn = sync_url(db.engine.url).render_as_string(hide_password=False)

    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(dsn, timeout=10)

    task = asyncio.create_task(Worker(db, settings).serve(connect))
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        pass
    finally:
        await db.dispose()


class _GracefulServer:
    """uvicorn's server, minus re-raising SIGINT/SIGTERM after its graceful shutdown.

    Re-raising would kill the process before our clean-up stops the embedded PostgreSQL.
    """

    def __new__(cls, config: Any, on_started: Callable[[], None]) -> Any:
        import uvicorn

        class Server(uvicorn.Server):
            def handle_exit(self, sig: int, frame: Any) -> None:
                super().handle_exit(sig, frame)
                self._captured_signals.clear()

            async def startup(self, sockets: Any = None) -> None:
                # The banner only once the app started and the socket listens.
                await super().startup(sockets=sockets)
                if self.started and not self.should_exit:
                    on_started()

        return Server(config)


def _banner(settings: Settings, seeded: str | None) -> None:
    from api.demo import DEMO_BANNER

    base = f"http://{settings.host}:{settings.port}"
    lines = [
        "",
        "  Causerie is serving",
        f"    Public theme      {base}/?site=demo",
        f"    Console           {base}/console/",
        f"    API               {base}/v1",
        f"    API docs          {base}/docs",
        f"    Health / ready    {base}/healthz  {base}/readyz",
    ]
    if seeded:
        lines += ["", f"  {seeded}", DEMO_BANNER]
    lines += ["", "  Ctrl-C stops the server (and the embedded PostgreSQL).", ""]
    print("\n".join(lines), flush=True)


def main() -> None:
    """The CLI; a start-up mistake is one line on stderr and exit status 2."""
    try:
        cli()
    except StartupError as exc:
        _fail(str(exc))
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise
        _fail(describe_settings_error(exc))


def _fail(line: str) -> None:
    print(f"causerie: {line}", file=sys.stderr, flush=True)
    raise SystemExit(2)


if __name__ == "__main__":
    main()
