"""Who calls, where, allowed to do what: one dependency per kind of access.

Every route declares its access once, in its signature, and the declaration refuses the
call before the route runs::

    async def queue(ctx: Annotated[TenantActor, Requires(Action.MODERATE)], ...)

The kinds (each is a ``Gate``, so a test can find the declaration of every route):

- ``Requires(action)``: a tenant's console (``/tenants/{tenant}/…``). Resolves the
  principal (a call without any credentials is a 401 before the tenant is looked up, so
  it is the same answer for every slug), the tenant (404 for unknown ones, and for
  signed-in callers and keys that are not members, so a tenant's existence is never
  confirmed), the caller's role there and the
  subscription's standing, then checks ``action`` against the policy table (403 for a
  member whose role does not allow it, 402 for a write while suspended).
- ``Contributes(action, anonymous_if=…)``: a reader's part in a public site
  (``/sites/{tenant}/…``: commenting, rating, reporting). The site must be online;
  members take part, anonymous readers where the tenant allows it (401 otherwise),
  signed-in people who are not members are asked to join (403), API keys never.
- ``Platform(action)``: platform-wide routes (provisioning, plans, platform keys):
  operators, or a platform API key holding the scope.
- ``SIGNED_IN``: the caller's own account (``/me``, accepting an invitation).
- ``ANYONE``, ``ANYONE_WITH_TRANSACTION`` and ``ANYONE_WITH_SHORT_TRANSACTIONS``: open
  routes (signing in, the public reads, the health checks), the second with a unit of
  work for the use case to run in, the third with a way to open short ones (signing in
  and up: the password is hashed between them, with no connection held).

The gates that give a unit of work open it before the route runs and close it when the
route returns, before the answer is sent (``scope="function"``): the use case commits
inside it, so a 2xx always means committed, and a route that does not commit changes
nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Path, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPBearer

from api.bootstrap import Services
from auth.credentials import resolve_principal
from domain.kernel.access import (
    ANONYMOUS,
    Action,
    Actor,
    Principal,
    refuse_anonymous,
    require,
    require_contributor,
    require_platform,
)
from domain.kernel.errors import Unauthenticated
from domain.licensing.quotas import require_site_online
from domain.tenants.model import Tenant, TenantSettings
from domain.tenants.use_cases import enter_tenant
from persistence.uow import SqlUnitOfWork

# Documents the scheme in OpenAPI; the header itself is parsed in resolve_principal so
# that a malformed one is a 401, never a silent downgrade to anonymous.
_bearer = HTTPBearer(auto_error=False, description="An access token or an API key (cau_…).")

TenantSlug = Annotated[
    str,
    Path(
        min_length=2,
        max_length=63,
        pattern=r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$",
        description="The tenant's slug.",
    ),
]


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def client_ip(request: Request) -> str:
    return getattr(request.state, "client_ip", None) or "unknown"


# Dependencies are ``async def`` even when they do not await: FastAPI runs a plain
# ``def`` dependency in its thread pool, a thread hop on every request.


async def get_principal(request: Request, _: object = Security(_bearer)) -> Principal:
    authorization = request.headers.get("authorization")
    if authorization is None:  # anonymous: no database round trip at all
        return ANONYMOUS
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):  # resolved once already (the request-rate check)
        return known
    services = get_services(request)
    async with SqlUnitOfWork(request.app.state.db, request_id=request_id(request)) as uow:
        principal = await resolve_principal(uow, services.keyring, authorization)
        if principal.is_service:
            uow.public_site_unchanged()
            await uow.commit()  # keeps the key's last-used time
    request.state.principal = principal
    return principal


async def _services(request: Request) -> Services:
    return get_services(request)


ServicesDep = Annotated[Services, Depends(_services)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _unit_of_work(request: Request, principal: Principal) -> SqlUnitOfWork:
    return SqlUnitOfWork(
        request.app.state.db, user_id=principal.user_id, request_id=request_id(request)
    )


# --- what a route receives ----------------------------------------------------------------


@dataclass(frozen=True)
class TenantActor:
    """A caller inside one tenant, allowed the route's action, with the unit of work
    (tenant context set) that the route's use case runs in."""

    uow: SqlUnitOfWork
    actor: Actor
    tenant: Tenant


@dataclass(frozen=True)
class Caller:
    """A caller outside any tenant: the principal, and a unit of work where the gate
    gives one (``None`` for the open routes that need no transaction)."""

    principal: Principal
    uow: SqlUnitOfWork | None = None
    units: Callable[[], SqlUnitOfWork] | None = None

    @property
    def work(self) -> SqlUnitOfWork:
        assert self.uow is not None, "this route's gate gives no unit of work"
        return self.uow

    @property
    def quiet_short_units(self) -> Callable[[], SqlUnitOfWork]:
        """``short_units`` for use cases that change nothing a public site shows (a
        sign-in, a reader's sign-up): their commits invalidate no public answer."""
        make = self.short_units

        def unit() -> SqlUnitOfWork:
            uow = make()
            uow.public_site_unchanged()
            return uow

        return unit

    @property
    def short_units(self) -> Callable[[], SqlUnitOfWork]:
        """Opens a fresh unit of work per call, for use cases that must hold no
        connection between their steps (a password hash in between)."""
        assert self.units is not None, "this route's gate gives no short units of work"
        return self.units


# --- the gates ------------------------------------------------------------------------------


class Gate:
    """Base of every access declaration; ``kind`` and ``action`` are what the policy test
    reads off each route."""

    kind: str = ""
    action: Action | None = None


class _TenantGate(Gate):
    kind = "tenant"

    def __init__(self, action: Action):
        self.action = action

    def check(self, actor: Actor, settings: TenantSettings) -> None:
        """The decision alone, without the database (the policy test asks it too)."""
        assert self.action is not None
        require(actor, self.action)

    async def __call__(
        self, request: Request, tenant: TenantSlug, principal: PrincipalDep
    ) -> AsyncIterator[TenantActor]:
        self.before_lookup(principal)
        async with _unit_of_work(request, principal) as uow:
            found, actor = await enter_tenant(uow, principal, tenant)
            await self.admit(uow, found, actor)
            yield TenantActor(uow=uow, actor=actor, tenant=found)

    def before_lookup(self, principal: Principal) -> None:
        """Refusals that need no tenant: a console call without credentials."""
        assert self.action is not None
        refuse_anonymous(principal, self.action)

    async def admit(self, uow: SqlUnitOfWork, tenant: Tenant, actor: Actor) -> None:
        self.check(actor, tenant.settings)


class _ContributorGate(_TenantGate):
    kind = "site"

    def __init__(self, action: Action, anonymous_if: Callable[[TenantSettings], bool] | None):
        super().__init__(action)
        self.anonymous_if = anonymous_if

    def check(self, actor: Actor, settings: TenantSettings) -> None:
        allowed = self.anonymous_if(settings) if self.anonymous_if else False
        require_contributor(actor, allowed)

    def before_lookup(self, principal: Principal) -> None:
        """Whether an anonymous reader may take part is the tenant's setting: nothing is
        refused before it is read."""

    async def admit(self, uow: SqlUnitOfWork, tenant: Tenant, actor: Actor) -> None:
        await require_site_online(uow, tenant.id)
        self.check(actor, tenant.settings)


class _PlatformGate(Gate):
    kind = "platform"

    def __init__(self, action: Action):
        self.action = action

    async def __call__(self, request: Request, principal: PrincipalDep) -> AsyncIterator[Caller]:
        assert self.action is not None
        require_platform(principal, self.action)
        async with _unit_of_work(request, principal) as uow:
            yield Caller(principal, uow)


class _SignedInGate(Gate):
    kind = "user"

    async def __call__(self, request: Request, principal: PrincipalDep) -> AsyncIterator[Caller]:
        if principal.user_id is None:
            raise Unauthenticated("Sign in first.")
        async with _unit_of_work(request, principal) as uow:
            yield Caller(principal, uow)


class _OpenGate(Gate):
    kind = "anyone"

    def __init__(self, transaction: bool, short_units: bool = False):
        self.transaction, self.short_units = transaction, short_units

    async def __call__(self, request: Request) -> AsyncIterator[Caller]:
        # Open routes read no credentials here: those that care (a reader's own vote, a
        # sign-out) take ``PrincipalDep`` as well.
        if self.short_units:
            yield Caller(ANONYMOUS, units=lambda: _unit_of_work(request, ANONYMOUS))
            return
        if not self.transaction:
            yield Caller(ANONYMOUS)
            return
        async with _unit_of_work(request, ANONYMOUS) as uow:
            yield Caller(ANONYMOUS, uow)


def gates_of(dependant: Dependant) -> Iterator[Gate]:
    """Every gate among a route's dependencies, however deep."""
    for sub in dependant.dependencies:
        if isinstance(sub.call, Gate):
            yield sub.call
        yield from gates_of(sub)


@cache
def Requires(action: Action) -> Any:
    return Depends(_TenantGate(action), scope="function")


@cache
def Contributes(
    action: Action, anonymous_if: Callable[[TenantSettings], bool] | None = None
) -> Any:
    return Depends(_ContributorGate(action, anonymous_if), scope="function")


@cache
def Platform(action: Action) -> Any:
    return Depends(_PlatformGate(action), scope="function")


SIGNED_IN: Any = Depends(_SignedInGate(), scope="function")
ANYONE: Any = Depends(_OpenGate(transaction=False))
ANYONE_WITH_TRANSACTION: Any = Depends(_OpenGate(transaction=True), scope="function")
# Units of work opened and closed by the use case itself, none held between its steps.
ANYONE_WITH_SHORT_TRANSACTIONS: Any = Depends(_OpenGate(transaction=False, short_units=True))

SignedInCaller = Annotated[Caller, SIGNED_IN]
OpenCaller = Annotated[Caller, ANYONE]
OpenCallerWithTransaction = Annotated[Caller, ANYONE_WITH_TRANSACTION]
OpenCallerWithShortTransactions = Annotated[Caller, ANYONE_WITH_SHORT_TRANSACTIONS]
