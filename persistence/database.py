"""Engine, connection URLs and the transaction that carries the tenant context.

Two roles touch the database:
- the *owner* (``DATABASE_URL``) runs migrations and owns every table;
- the *app role* (``causerie_app``) serves requests. It owns nothing and has no
  BYPASSRLS, so PostgreSQL's row-level security policies hold even if a query forgets
  its ``tenant_id`` filter.

The tenant and user ids reach those policies through ``set_config(..., true)``: the
setting is transaction-local, so a pooled connection carries nothing into the next
request.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from uuid import UUID, uuid4

import asyncpg
from prometheus_client import Counter, Gauge
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from domain.kernel.errors import DomainError, InvalidInput
from persistence.errors import unstorable

APP_ROLE = "causerie_app"

log = logging.getLogger("causerie.database")

PUBLIC_READS = Counter(
    "causerie_public_reads_total",
    "Public read transactions, by the server that ran them",
    ["server"],
)

LAG = Gauge(
    "causerie_replica_lag_seconds",
    "How long ago the newest commit the read replica may not hold could have been made, "
    "as this process judges it now (-1 before its first look)",
)
LAG.set(-1)

# Set by the API: a request that asks for the primary (``Causerie-Read-Primary: 1``)...
read_from_primary: ContextVar[bool] = ContextVar("read_from_primary", default=False)
# ...and the primary's WAL position after the caller's last write (from their signed
# cookie): the replica serves them once it has replayed that far (see ``Replica``).
read_after: ContextVar[int] = ContextVar("read_after", default=0)


def reads_own_writes() -> bool:
    """Whether this request's caller must see writes of theirs: no shared answer (the
    public cache's) may stand in for the database."""
    return read_from_primary.get() or read_after.get() > 0


_SET_CONTEXT_SQL = (
    "SELECT set_config('app.tenant_id', {tenant}, true), set_config('app.user_id', {user}, true)"
)
_SET_CONTEXT = text(_SET_CONTEXT_SQL.format(tenant=":tenant_id", user=":user_id"))
_SET_TENANT_ONLY = _SET_CONTEXT_SQL.format(tenant="$1", user="''")
_FIRE_DEFERRED = text("SET CONSTRAINTS ALL IMMEDIATE")


def async_url(url: str | URL) -> URL:
    """Normalise any PostgreSQL URL to the asyncpg driver."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql+asyncpg")


def sync_url(url: str | URL) -> URL:
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername="postgresql")


def app_role_url(owner_url: str | URL, password: str | None = None) -> URL:
    """The owner's URL with the login swapped for the app role (same host and database)."""
    return async_url(owner_url).set(username=APP_ROLE, password=password)


class DatabaseBusy(Exception):
    """Every pooled connection stayed in use for the whole pool timeout."""


class DatabaseUnavailable(DatabaseBusy):
    """The server cannot be reached or dropped the connection (a restart, a failover, an
    administrator's shutdown). Nothing was committed by the failed statement's transaction:
    the client may retry."""


# SQLSTATE classes and codes that mean "the server went away", not "your statement failed":
# 08 connection exceptions; 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
# connect now (starting up or shutting down).
_GONE_STATES = ("57P01", "57P02", "57P03")


def is_unavailable(exc: BaseException) -> bool:
    """Whether an error (or one it was raised from) says the database connection is gone."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(
            current,
            asyncpg.PostgresConnectionError | asyncpg.InterfaceError | asyncpg.InternalClientError,
        ):
            # InterfaceError: "connection is closed", "another operation is in progress"
            # on a connection torn down under it; InternalClientError: "cannot switch to
            # state 15; another operation (2) is in progress", the same seen by the
            # protocol when a restart of the server cuts a connection between statements.
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and (state.startswith("08") or state in _GONE_STATES):
            return True
        if isinstance(current, OSError | ConnectionError | EOFError):
            return True
        orig = getattr(current, "orig", None)
        current = (
            orig if isinstance(orig, BaseException) else (current.__cause__ or current.__context__)
        )
    return False


@contextmanager
def _errors_as_answers() -> Iterator[None]:
    """A lost database becomes ``DatabaseUnavailable`` (a 503), a value it cannot store
    an ``InvalidInput`` (a 422); the domain's own errors pass as they are."""
    try:
        yield
    except (DatabaseBusy, DomainError):
        # A domain error is the answer, whatever Python chained to it while it was raised.
        raise
    except Exception as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailable(str(exc)) from exc
        reason = unstorable(exc)
        if reason:
            raise InvalidInput(f"The request cannot be stored: {reason}.") from exc
        raise


def create_engine(
    url: str | URL,
    *,
    pool_size: int = 10,
    pool_timeout: float = 10.0,
    connect_timeout: float = 60.0,
    statement_cache: bool = True,
) -> AsyncEngine:
    """``statement_cache`` False: behind PgBouncer in transaction mode, where two
    transactions of one client connection may run on two server connections, so a
    statement prepared on one is unknown (or another) on the next. asyncpg's cache is
    then off and SQLAlchemy names no prepared statement."""
    connect_args: dict[str, object] = {
        # No JIT: the planner overestimates the rows of some short queries (set-returning
        # functions, unnest) past jit_above_cost, and compiling one costs hundreds of
        # milliseconds, far more than any query here runs (see migration 0021).
        "server_settings": {"jit": "off"},
        "timeout": connect_timeout,
    }
    if not statement_cache:
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_cache_size"] = 0
        # A statement SQLAlchemy prepares by name stays on the server connection after
        # the transaction, where another client may land: each name is used once.
        connect_args["prepared_statement_name_func"] = _unique_statement_name
    # No overflow connections: one opened for a burst and closed after it costs a
    # connection start-up and the re-preparing of every statement; under 16 concurrent
    # readers on a pool of 10, that churn cost over a third of the single-post rate in
    # bench/. Requests beyond the pool wait up to ``pool_timeout`` for a connection.
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        # A connection the server dropped (a restart, a failover) is found dead at
        # checkout, replaced, and the request goes on: one short round trip per checkout.
        pool_pre_ping=True,
        # asyncpg's statement cache stays on unless PgBouncer sits between: hot-path
        # queries are then prepared once per connection.
        connect_args=connect_args,
    )


def _unique_statement_name() -> str:
    return f"__causerie_{uuid4().hex}__"


def parse_lsn(text_: str) -> int:
    """A WAL position as PostgreSQL writes it (``16/B374D848``) as one number."""
    high, low = text_.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def format_lsn(position: int) -> str:
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"


class Replica:
    """A streaming read replica that public reads use while it is up and close behind.

    Everything is judged by WAL positions, never by a window of time:
    - **staleness**: every ``check_seconds`` (sooner when a change notice asks) the watch
      asks the primary for its position P at instant t, then the replica for the position
      it has replayed. Once the replica has replayed P, it holds everything committed on
      the primary before t. The replica serves a read only if it holds everything
      committed before ``max_lag_seconds`` ago: with replay stopped, reads leave it
      ``max_lag_seconds`` after the first write it misses, whether the primary is busy or
      idle; an idle primary whose position the replica has reached is no lag at all;
    - **a writer's own writes**: a request may carry the primary's position after its
      caller's last write (``read_after``, from the signed ``causerie_wrote`` cookie); the
      replica serves it once its replayed position has reached that one;
    - **a tenant that changed** (told by the public-change notices): the next position
      of the primary the watch reads after the notice is the tenant's; its reads (and so
      what a process caches) come from the primary until the replica has replayed it;
    - ``read_from_primary`` (``Causerie-Read-Primary: 1``) always reads from the primary,
      and so does every read for ``retry_seconds`` after the replica could not be reached.

    The replayed position is asked at most once per ``replay_cache_seconds`` by the reads
    that need a newer one than the last known, so a burst of writers costs one query.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_lag_seconds: float = 2.0,
        retry_seconds: float = 5.0,
        check_seconds: float = 1.0,
        replay_cache_seconds: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.engine = engine
        self.max_lag_seconds, self.retry_seconds = max_lag_seconds, retry_seconds
        self.check_seconds, self.replay_cache_seconds = check_seconds, replay_cache_seconds
        self._clock = clock
        self._down_until = -math.inf
        # (when the primary was asked, its position then), oldest first.
        self._samples: deque[tuple[float, int]] = deque(maxlen=256)
        self.replayed = 0
        self._replayed_at = -math.inf
        self._holds_until = -math.inf  # the replica holds every commit made before this
        self._targets: dict[UUID, int] = {}
        self._all_target = 0
        self._unplaced: set[UUID | None] = set()
        self._placing: set[UUID | None] = set()  # noted, asked for in the current look
        self._wake = asyncio.Event()
        self._asking = asyncio.Lock()
        LAG.set_function(self._lag_shown)

    def _lag_shown(self) -> float:
        return self.lag_seconds if math.isfinite(self._holds_until) else -1.0

    # --- the judgement, from positions already known ----------------------------------

    @property
    def lag_seconds(self) -> float:
        """How long ago the newest commit the replica may lack could have been made."""
        return max(0.0, self._clock() - self._holds_until)

    @property
    def lagging(self) -> bool:
        return self.lag_seconds > self.max_lag_seconds

    @property
    def up(self) -> bool:
        return not self.lagging and self._clock() >= self._down_until

    def _usable(self) -> bool:
        return self._clock() >= self._down_until and not self.lagging

    def needed_for(self, tenant_id: UUID, after: int = 0) -> int | None:
        """The position the replica must have replayed to serve this read (None: it
        cannot, the tenant changed at a position not read yet)."""
        for waiting in (self._unplaced, self._placing):
            if tenant_id in waiting or None in waiting:
                return None
        return max(after, self._all_target, self._targets.get(tenant_id, 0))

    async def serves(self, tenant_id: UUID, after: int = 0) -> bool:
        """Whether this read may run on the replica (asks its position when needed)."""
        if not self._usable():
            return False
        needed = self.needed_for(tenant_id, after)
        if needed is None:
            return False
        if needed <= self.replayed:
            return True
        if self._clock() - self._replayed_at >= self.replay_cache_seconds:
            try:
                await self.ask_replayed()
            except Exception as exc:
                if not (is_unavailable(exc) or isinstance(exc, sa_exc.TimeoutError)):
                    raise
                self.mark_down(exc)
                return False
        return needed <= self.replayed and self._usable()

    def record_replayed(self, position: int, asked_at: float) -> None:
        """The replica had replayed ``position`` when asked at ``asked_at``."""
        self.replayed = max(self.replayed, position)
        self._replayed_at = asked_at
        for at, primary_at in reversed(self._samples):
            if primary_at <= self.replayed:
                self._holds_until = max(self._holds_until, at)
                break
        if self._targets:
            self._targets = {t: p for t, p in self._targets.items() if p > self.replayed}

    def note_change(self, tenant_id: UUID | None) -> None:
        """A committed change of the tenant (None: of any): placed by the next position
        of the primary the watch reads, and asked for now."""
        self._unplaced.add(tenant_id)
        self._wake.set()

    def mark_down(self, reason: object) -> None:
        if self.up:
            log.warning("read replica unavailable, reading from the primary: %s", reason)
        self._down_until = self._clock() + self.retry_seconds

    # --- asking the servers -------------------------------------------------------------

    async def ask_replayed(self) -> int:
        """The replica's replayed position, one query at a time."""
        async with self._asking:
            asked_at = self._clock()
            if asked_at - self._replayed_at < self.replay_cache_seconds:
                return self.replayed  # asked meanwhile by another read
            async with self.engine.connect() as conn:
                position = (await conn.execute(text(_REPLAYED))).scalar_one()
            self.record_replayed(parse_lsn(position), asked_at)
            return self.replayed

    async def check(self, primary: AsyncEngine) -> None:
        """One look: the primary's position now (which places the changes noted before
        it), then what the replica has replayed."""
        placing = self._placing = self._unplaced
        self._unplaced = set()
        self._wake.clear()
        asked_at = self._clock()
        try:
            async with primary.connect() as conn:
                position = parse_lsn((await conn.execute(text(_PRIMARY_LSN))).scalar_one())
        except BaseException:
            self._unplaced |= placing
            raise
        finally:
            self._placing = set()
        self.record_primary(asked_at, position, placing)
        self._replayed_at = -math.inf  # this look asks again, whatever is cached
        await self.ask_replayed()

    def record_primary(self, asked_at: float, position: int, placing: set[UUID | None]) -> None:
        """The primary was at ``position`` when asked at ``asked_at``: the changes noted
        before (``placing``) are at or before it."""
        if None in placing:
            self._all_target, self._targets = max(self._all_target, position), {}
        for tenant_id in placing:
            if tenant_id is not None:
                self._targets[tenant_id] = max(self._targets.get(tenant_id, 0), position)
        if len(self._targets) > 10_000:  # one position for all then
            self._all_target = max(self._all_target, *self._targets.values())
            self._targets = {}
        self._samples.append((asked_at, position))

    async def watch(self, primary: AsyncEngine) -> None:
        """Look every ``check_seconds``, or as soon as a change notice asks (at most once
        per ``replay_cache_seconds``). Runs until cancelled."""
        was_lagging = False
        while True:
            try:
                await self.check(primary)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_unavailable(exc) or isinstance(exc, sa_exc.TimeoutError):
                    self.mark_down(exc)
                else:
                    log.warning("read replica check failed: %s", exc)
            if self.lagging != was_lagging:
                was_lagging = self.lagging
                log.warning("read replica %s", "lagging" if was_lagging else "caught up")
            await asyncio.sleep(self.replay_cache_seconds)
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.check_seconds)


# The write position: every transaction committed before it is asked is at or before it.
_PRIMARY_LSN = "SELECT pg_current_wal_lsn()::text"
# A server that is no standby (a test's one database) has replayed what it wrote.
_REPLAYED = "SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text"


class Database:
    """Hands out transactions with the tenant context already set.

    In tests the database can be *bound* to one outer connection whose transaction is
    rolled back after each test; transactions then become savepoints, so the code under
    test still commits and rolls back for real.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        bound_connection: AsyncConnection | None = None,
        replica: Replica | None = None,
    ):
        self.engine = engine
        self.replica = replica
        self._bound = bound_connection
        self._bound_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(
        self, *, tenant_id: UUID | None = None, user_id: UUID | None = None
    ) -> AsyncIterator[Transaction]:
        if self._bound is not None:
            with _errors_as_answers():
                async with self._bound_lock:
                    nested = await self._bound.begin_nested()
                    tx = Transaction(self._bound, nested)
                    try:
                        await tx.set_context(tenant_id, user_id)
                        yield tx
                    finally:
                        await tx.close()
            return
        with _errors_as_answers():
            async with self._checkout() as conn:
                outer = await conn.begin()
                tx = Transaction(conn, outer)
                try:
                    await tx.set_context(tenant_id, user_id)
                    yield tx
                finally:
                    await tx.close()

    @staticmethod
    async def _start(engine: AsyncEngine) -> AsyncConnection:
        conn = engine.connect()
        try:
            await conn.start()
        except sa_exc.TimeoutError as exc:
            raise DatabaseBusy from exc
        return conn

    async def _start_for_reads(self, tenant_id: UUID) -> AsyncConnection:
        """The replica's connection when it may serve this read, else the primary's."""
        replica = self.replica
        if (
            replica is None
            or read_from_primary.get()
            or not await replica.serves(tenant_id, read_after.get())
        ):
            PUBLIC_READS.labels("primary").inc()
            return await self._start(self.engine)
        try:
            started = await self._start(replica.engine)
        except DatabaseBusy:
            raise
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            replica.mark_down(exc)
            PUBLIC_READS.labels("primary").inc()
            return await self._start(self.engine)
        PUBLIC_READS.labels("replica").inc()
        return started

    @asynccontextmanager
    async def _checkout(
        self, started: AsyncConnection | None = None
    ) -> AsyncIterator[AsyncConnection]:
        """A pooled connection, or ``DatabaseBusy`` once the pool timeout has passed."""
        conn = started if started is not None else await self._start(self.engine)
        try:
            yield conn
        except BaseException as exc:
            # A connection the server dropped must not go back to the pool.
            if is_unavailable(exc) and not conn.closed:
                with suppress(Exception):
                    await conn.invalidate()
            raise
        finally:
            with suppress(Exception) if conn.invalidated else nullcontext():
                await conn.close()

    @asynccontextmanager
    async def driver_reads(self, tenant_id: UUID) -> AsyncIterator[asyncpg.Connection]:
        """The driver's own connection, in a read-only transaction in a tenant's context,
        on the read replica when one is configured and may serve it (``Replica``).

        For the public read path only: its statements are so cheap that SQLAlchemy's
        per-statement work was a sizeable share of each request in bench/. The pool, the
        transaction-local tenant context and row-level security are the same as in
        ``transaction()``; the caller writes plain ``$1`` SQL and gets asyncpg records.
        """
        if self._bound is not None:
            with _errors_as_answers():
                async with self._bound_lock:
                    nested = await self._bound.begin_nested()
                    try:
                        raw = await self._driver_connection(self._bound)
                        await raw.execute(_SET_TENANT_ONLY, str(tenant_id))
                        yield raw
                    finally:
                        await nested.rollback()
            return
        with _errors_as_answers():
            async with self._checkout(await self._start_for_reads(tenant_id)) as conn:
                raw = await self._driver_connection(conn)
                try:
                    async with raw.transaction(readonly=True):
                        await raw.execute(_SET_TENANT_ONLY, str(tenant_id))
                        yield raw
                finally:
                    # Interrupted mid-transaction (a cancelled request): the pool's reset
                    # does not see a transaction SQLAlchemy never started, so the
                    # connection, with its tenant context, must not go back to the pool.
                    # Nor may one the server dropped (``_checkout`` sees to that).
                    if raw.is_in_transaction() and not conn.invalidated:
                        await conn.invalidate()

    @staticmethod
    async def _driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
        pooled = await conn.get_raw_connection()
        return pooled.driver_connection

    async def primary_position(self) -> int:
        """The primary's WAL position now: every transaction committed before is at or
        before it (a writer's token, ``api/read_routing.py``)."""
        if self._bound is not None:
            async with self.transaction() as tx:
                return parse_lsn((await tx.connection.execute(text(_PRIMARY_LSN))).scalar_one())
        with _errors_as_answers():
            async with self._checkout() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                return parse_lsn((await autocommit.execute(text(_PRIMARY_LSN))).scalar_one())

    async def ping(self) -> bool:
        """One round trip: no transaction and no tenant context are needed for SELECT 1."""
        if self._bound is not None:
            async with self.transaction() as tx:
                return bool((await tx.connection.execute(text("SELECT 1"))).scalar_one() == 1)
        with _errors_as_answers():
            async with self._checkout() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                return bool((await autocommit.execute(text("SELECT 1"))).scalar_one() == 1)

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.replica is not None:
            await self.replica.engine.dispose()


class Transaction:
    """One database transaction. Nothing is kept unless ``commit()`` is called."""

    def __init__(self, connection: AsyncConnection, transaction: object):
        self.connection = connection
        self._tx = transaction  # RootTransaction or NestedTransaction: same interface
        self.tenant_id: UUID | None = None
        self.user_id: UUID | None = None

    async def set_context(self, tenant_id: UUID | None, user_id: UUID | None) -> None:
        self.tenant_id, self.user_id = tenant_id, user_id
        await self.connection.execute(
            _SET_CONTEXT,
            {
                "tenant_id": str(tenant_id) if tenant_id else "",
                "user_id": str(user_id) if user_id else "",
            },
        )

    async def commit(self) -> None:
        if self._tx.nested:  # type: ignore[attr-defined]
            # A savepoint of a bound test connection: nothing really commits, so the
            # triggers deferred to the commit (the insights' roll-ups) fire here, as the
            # commit would fire them.
            await self.connection.execute(_FIRE_DEFERRED)
        await self._tx.commit()  # type: ignore[attr-defined]

    async def close(self) -> None:
        if self._tx.is_active:  # type: ignore[attr-defined]
            await self._tx.rollback()  # type: ignore[attr-defined]


class TenantScoped:
    """Base of repositories born scoped: every query filters on the transaction's tenant."""

    def __init__(self, tx: Transaction):
        self.conn: AsyncConnection = tx.connection
        self._tx = tx

    @property
    def tenant_id(self) -> UUID | None:
        return self._tx.tenant_id
