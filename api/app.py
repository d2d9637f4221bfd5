"""The application factory: settings in, a FastAPI app out.

Tests build the app around a ``Database`` bound to a rolled-back connection; the CLI
and ``api.main`` build it from the environment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from api import problems
from api.bootstrap import Services, read_token_key
from api.cors import TenantCors
from api.events.schemas import document_webhooks
from api.kit import contract
from api.kit.routing import CheckedRoute
from api.middleware import RequestContextMiddleware
from api.public_cache import COMPRESS_FROM_BYTES, PublicCache
from api.read_routing import ReadYourWrites
from api.registry import ROOT_ROUTERS, ROUTERS, TAGS
from api.settings import Settings, get_settings
from api.startup import StartupError
from api.static import console_mount, robots_route, theme_mount
from api.system import routes as system
from api.tenant_limits import tenant_rate_limit
from persistence.database import Database, Replica, app_role_url, create_engine, sync_url

log = logging.getLogger("causerie.app")


API_DESCRIPTION = """\
Causerie is a headless, white-label blogging platform. Every error is an RFC 9457
`application/problem+json` document with a stable `code`; see `/problems/{code}`.
"""


def database_for(settings: Settings) -> Database:
    if settings.app_database_url:
        url = settings.app_database_url
    elif settings.database_url:
        password = settings.app_db_password.get_secret_value() if settings.app_db_password else None
        url = app_role_url(settings.database_url, password).render_as_string(hide_password=False)
    else:
        raise RuntimeError("No database configured: set DATABASE_URL (or use `causerie serve`).")

    def engine(url: str, connect_timeout: float = 60.0) -> AsyncEngine:
        return create_engine(
            url,
            pool_size=settings.db_pool_size,
            pool_timeout=settings.db_pool_timeout_seconds,
            connect_timeout=connect_timeout,
            statement_cache=settings.db_statement_cache,
        )

    replica = None
    if settings.read_replica_url:
        replica = Replica(
            # A replica that does not answer is given up quickly: the primary serves.
            engine(settings.read_replica_url, connect_timeout=2.0),
            max_lag_seconds=settings.replica_max_lag_seconds,
            retry_seconds=settings.replica_retry_seconds,
            check_seconds=settings.replica_check_seconds,
        )
    return Database(engine(url), replica=replica)


async def _refuse_privileged_role(db: Database, settings: Settings) -> None:
    """RLS is only a wall if the app's role cannot climb over it."""
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
    if row.rolsuper or row.rolbypassrls:
        message = "The app connects as a superuser or BYPASSRLS role: row-level security is off."
        if settings.is_production:
            raise StartupError(
                message + " Refusing to start in production: point CAUSERIE_APP_DATABASE_URL "
                "(or DATABASE_URL's causerie_app) at an unprivileged role."
            )
        log.warning(message)


async def check_database(settings: Settings) -> None:
    """The app role's first connection, before anything is served: it can log in, and it
    cannot bypass row-level security."""
    db = database_for(settings)
    try:
        await _refuse_privileged_role(db, settings)
    finally:
        await db.dispose()


async def _resolve_host(scope: Scope, host: str) -> str | None:
    """The tenant slug a custom domain belongs to (for CORS), through the host cache."""
    state = scope["app"].state
    services: Services = state.services
    return await services.hosts.slug_for(state.db, host)


def _public_cache(app: FastAPI, settings: Settings, owns_database: bool) -> PublicCache:
    db: Database = app.state.db
    services: Services = app.state.services
    # A process serving from its own pool listens for other processes' writes; one given
    # a database (tests) is the only writer, and hears its own commits.
    listen_url = settings.listen_database_url or db.engine.url
    dsn = sync_url(listen_url).render_as_string(hide_password=False) if owns_database else None
    return PublicCache(
        db,
        dsn=dsn,
        forget_site=services.forget_tenant,
        max_entries=settings.public_cache_entries,
    )


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    public_cache: bool | None = None,
) -> FastAPI:
    """``public_cache``: None follows the settings for a process with its own database
    and leaves it off for one given a database (tests ask for it explicitly)."""
    settings = settings or get_settings()
    owns_database = database is None
    if public_cache is None:
        public_cache = settings.public_cache and owns_database

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if owns_database:
            await _refuse_privileged_role(app.state.db, settings)
        cache: PublicCache | None = app.state.public_cache
        if cache is not None:
            await cache.start()
        db: Database = app.state.db
        watch = (
            asyncio.create_task(db.replica.watch(db.engine))
            if owns_database and db.replica is not None
            else None
        )
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with suppress(asyncio.CancelledError):
                    await watch
            if cache is not None:
                await cache.stop()
            await app.state.services.aclose()
            if owns_database:
                await app.state.db.dispose()

    app = FastAPI(
        title="Causerie API",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        # We export Prometheus metrics and structured logs ourselves; FastAPI's built-in
        # OpenTelemetry hooks would otherwise look for providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.router.route_class = CheckedRoute
    app.state.settings = settings
    app.state.db = database or database_for(settings)
    app.state.services = Services.from_settings(settings)
    app.state.public_cache = _public_cache(app, settings, owns_database) if public_cache else None

    problems.install(app)
    contract.install(app, TAGS)
    app.include_router(system.router)
    for router in ROOT_ROUTERS:
        app.include_router(router)
    document_webhooks(app)
    for router in ROUTERS:
        app.include_router(router, prefix="/v1", dependencies=[Depends(tenant_rate_limit)])
    # Last, so every API route is tried first; only the front-ends that have been built.
    # The console comes before the theme, whose mount at / would otherwise take /console.
    app.router.routes.append(robots_route())
    for mount in (console_mount(), theme_mount()):
        if mount is not None:
            app.router.routes.append(mount)

    if settings.read_replica_url:
        app.add_middleware(
            ReadYourWrites,
            fresh_seconds=settings.replica_fresh_seconds,
            key=read_token_key(settings),
        )
    app.add_middleware(
        TenantCors, console_origin=settings.console_origin, resolve_host=_resolve_host
    )
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        trusted_proxy_hops=settings.trusted_proxy_hops,
    )
    # Outermost: every compressible answer (JSON, HTML, the theme's scripts and styles)
    # leaves gzipped for clients that accept it; small ones are not worth it.
    app.add_middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES)
    return app
