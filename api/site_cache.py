"""The public side's view of a tenant, cached in the process for a short while.

Every public read starts by turning the tenant slug into the tenant's id, its
subscription status (a cancelled site is offline), its plan's features and its
branding. Those change rarely, so each worker keeps them for ``TTL_SECONDS``; an
unknown slug is remembered for ``MISS_TTL_SECONDS`` only, so a new tenant shows up
quickly. A tenant PATCH or a subscription change made through this process forgets
the entry at once; other workers catch up within the TTL.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from domain.licensing.model import Feature, SubscriptionStatus
from persistence.database import Database
from persistence.public_read import SiteRow, load_site

TTL_SECONDS = 30.0
MISS_TTL_SECONDS = 5.0
MAX_ENTRIES = 50_000


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
        self._entries: dict[str, tuple[float, Site | None]] = {}

    async def get(self, db: Database, slug: str) -> Site | None:
        now = time.monotonic()
        cached = self._entries.get(slug)
        if cached is not None and cached[0] > now:
            return cached[1]
        row = await load_site(db, slug)
        site = Site(row) if row is not None else None
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[slug] = (now + (TTL_SECONDS if site else MISS_TTL_SECONDS), site)
        return site

    def forget(self, slug: str) -> None:
        self._entries.pop(slug, None)

    def clear(self) -> None:
        self._entries.clear()
