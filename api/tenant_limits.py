"""Per-tenant API request rate, from the plan's ``api_requests_per_minute``.

Every route with a ``{tenant}`` path parameter counts against its tenant's budget in
the shared rate-limit store (Redis when configured, so all workers share it). The
plan's figure is cached per slug for half a minute: an upgrade lifts the limit within
that time. Answers carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset``; a refusal is a 429 problem with ``Retry-After``.
"""

from __future__ import annotations

import time

from fastapi import Request, Response

from api.problems import ApiProblem
from domain.errors import NotFound
from domain.licensing.model import Quota
from domain.licensing.quotas import plan_of
from persistence.uow import SqlUnitOfWork

CACHE_SECONDS = 30.0


class PlanRateCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, int | None]] = {}

    async def per_minute(self, request: Request, slug: str) -> int | None:
        now = time.monotonic()
        cached = self._entries.get(slug)
        if cached and cached[0] > now:
            return cached[1]
        limit = await self._load(request, slug)
        if len(self._entries) > 50_000:
            self._entries.clear()
        self._entries[slug] = (now + CACHE_SECONDS, limit)
        return limit

    @staticmethod
    async def _load(request: Request, slug: str) -> int | None:
        async with SqlUnitOfWork(request.app.state.db) as uow:
            tenant = await uow.tenants.by_slug(slug)
            if tenant is None:
                return None
            await uow.set_tenant(tenant.id)
            try:
                _, plan = await plan_of(uow, tenant.id)
            except NotFound:
                return None
            return plan.limit(Quota.API_REQUESTS_PER_MINUTE)

    def clear(self) -> None:
        self._entries.clear()


async def tenant_rate_limit(request: Request, response: Response) -> None:
    slug = request.path_params.get("tenant")
    if not isinstance(slug, str):
        return
    services = request.app.state.services
    per_minute = await services.plan_rates.per_minute(request, slug)
    if per_minute is None:  # unknown tenant (the route answers 404) or unlimited
        return
    verdict = await services.limiter.hit("tenant-api", slug, per_minute)
    headers = {
        "RateLimit-Limit": str(verdict.limit),
        "RateLimit-Remaining": str(verdict.remaining),
        "RateLimit-Reset": str(verdict.reset_after),
    }
    if not verdict.allowed:
        raise ApiProblem(
            "rate_limited",
            f"This site's plan allows {per_minute} API requests a minute; wait a little.",
            headers={**headers, "Retry-After": str(verdict.retry_after)},
        )
    response.headers.update(headers)
