"""Domain blocks: a tenant refuses an instance (or a whole site, with its subdomains).
Blocking drops what is pending from it (deliveries, follows, reactions; its authors'
replies still waiting for a moderator go to spam), and from then on its activities are
accepted and ignored, and nothing is delivered to it. Owners and managers, on plans
with the ``federation`` feature; every change is audited."""

from __future__ import annotations

import re

from domain.federation.ports import FederationUnitOfWork
from domain.kernel import clock
from domain.kernel.access import Action, Actor, require
from domain.kernel.errors import InvalidInput, NotFound
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature
from domain.tenants.use_cases import audit

_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)


def check_domain(value: str) -> str:
    domain = value.strip().lower().rstrip(".")
    if not _DOMAIN.match(domain):
        raise InvalidInput("A domain is a host name such as example.social.")
    return domain


async def _enter(uow: FederationUnitOfWork, actor: Actor, action: Action) -> None:
    require(actor, action)
    await ensure_feature(uow, actor.tenant_id, Feature.FEDERATION)


async def list_blocks(uow: FederationUnitOfWork, actor: Actor) -> list[str]:
    await _enter(uow, actor, Action.READ_TENANT_ADMIN)
    return sorted(await uow.federation.blocked_domains())


async def block(uow: FederationUnitOfWork, actor: Actor, value: str) -> int:
    """Block ``value``; how many pending items of it were dropped."""
    await _enter(uow, actor, Action.MANAGE_TENANT)
    domain = check_domain(value)
    dropped = await uow.federation.block_domain(domain, clock.now())
    await audit(uow, actor, "federation.domain_blocked", "domain", domain, dropped=dropped)
    await uow.commit()
    return dropped


async def unblock(uow: FederationUnitOfWork, actor: Actor, value: str) -> None:
    await _enter(uow, actor, Action.MANAGE_TENANT)
    domain = check_domain(value)
    if not await uow.federation.unblock_domain(domain):
        raise NotFound("This domain is not blocked.")
    await audit(uow, actor, "federation.domain_unblocked", "domain", domain)
    await uow.commit()
