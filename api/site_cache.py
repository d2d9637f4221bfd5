"""What the public side keeps in the process for a short while: each tenant's public
view by slug (``SiteCache``), and which tenant a custom domain belongs to (``HostCache``).

Every public read starts by turning the tenant slug into the tenant's id, its
subscription status (a cancelled site is offline), its plan's features and its
branding. Those change rarely, so each worker keeps them for ``TTL_SECONDS``; an
unknown slug is remembered for ``MISS_TTL_SECONDS`` only, so a new tenant shows up
quickly. A tenant PATCH or a subscription change made through this process forgets
the entry at once; with the public-read cache on (the default), so does every other
worker when it hears of the write; without it, they catch up within the TTL.

Custom domains are looked up by CORS on every cross-origin public request and by
``/v1/sites/resolve`` when a theme starts; an answer is kept ``HOST_TTL_SECONDS``, and a
domain added or removed through this process is seen at once. With the public-read cache
on, a change of a tenant heard from another process forgets that tenant's hosts and
every unknown host remembered (the new domain may be one of them), so a domain added or
removed there is seen at once too.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from domain.licensing.model import Feature, SubscriptionStatus
from domain.tenants.use_cases import resolve_host
from persistence.database import Database
from persistence.tenants.sites import SiteRow, load_site
from persistence.uow import SqlUnitOfWork

TTL_SECONDS = 30.0
MISS_TTL_SECONDS = 5.0
HOST_TTL_SECONDS = 60.0
MAX_ENTRIES = 50_000

V = TypeVar("V")


class ExpiringCache(Generic[V]):
    """Answers by key, kept ``ttl`` seconds (``miss_ttl`` for None). Past ``MAX_ENTRIES``
    everything is dropped at once: simple, and rare at this size."""

    def __init__(self, *, ttl: float, miss_ttl: float) -> None:
        self._ttl, self._miss_ttl = ttl, miss_ttl
        self._entries: dict[str, tuple[float, V | None]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[V | None]]) -> V | None:
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        value = await load()
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + (self._ttl if value is not None else self._miss_ttl), value)
        return value

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def forget_where(self, answer: Callable[[V | None], bool]) -> None:
        """Every entry whose kept answer ``answer`` picks (None for a kept miss)."""
        for key in [k for k, (_, value) in self._entries.items() if answer(value)]:
            del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


@dataclass(frozen=True)
class Site:
    row: SiteRow

    @property
    def online(self) -> bool:
        """A disabled tenant or a cancelled subscription takes the whole site offline."""
        status = self.row.subscription_status
        return self.row.active and status != SubscriptionStatus.CANCELLED.value

    def has(self, feature: Feature) -> bool:
        return self.row.features.get(feature.value) not in (False, None, "none")


class SiteCache:
    def __init__(self) -> None:
        self._cache = ExpiringCache[Site](ttl=TTL_SECONDS, miss_ttl=MISS_TTL_SECONDS)
        self._slugs: dict[UUID, str] = {}

    async def get(self, db: Database, slug: str) -> Site | None:
        async def load() -> Site | None:
            row = await load_site(db, slug)
            if row is None:
                return None
            if len(self._slugs) >= MAX_ENTRIES:
                self._slugs.clear()
            self._slugs[row.id] = slug
            return Site(row)

        return await self._cache.get(slug, load)

    def forget(self, slug: str) -> None:
        self._cache.forget(slug)

    def slug_of(self, tenant_id: UUID) -> str | None:
        """The slug a kept entry of the tenant was loaded by, if one is kept."""
        return self._slugs.get(tenant_id)

    def forget_tenant(self, tenant_id: UUID | None) -> None:
        """A tenant's entry (every entry for None), when any process changed the tenant:
        the public-read cache (``api/public_cache.py``) calls this on every worker."""
        if tenant_id is None:
            self.clear()
            return
        slug = self._slugs.pop(tenant_id, None)
        if slug is not None:
            self._cache.forget(slug)

    def clear(self) -> None:
        self._cache.clear()
        self._slugs.clear()


class HostCache:
    def __init__(self) -> None:
        self._cache = ExpiringCache[str](ttl=HOST_TTL_SECONDS, miss_ttl=HOST_TTL_SECONDS)

    async def slug_for(self, db: Database, host: str) -> str | None:
        """The slug of the tenant serving its public site on ``host`` (normalised)."""

        async def load() -> str | None:
            async with SqlUnitOfWork(db) as uow:
                return await resolve_host(uow, host)

        return await self._cache.get(host, load)

    def forget(self, host: str) -> None:
        self._cache.forget(host)

    def forget_tenant(self, slug: str | None) -> None:
        """The hosts of the tenant with ``slug`` and every kept miss (its new domain may be
        one); everything when the slug is unknown here."""
        if slug is None:
            self.clear()
        else:
            self._cache.forget_where(lambda kept: kept is None or kept == slug)

    def clear(self) -> None:
        self._cache.clear()
