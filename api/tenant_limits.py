"""Per-tenant API request rate, from the plan's ``api_requests_per_minute``.

Every route with a ``{tenant}`` path parameter counts against its tenant's budget in
the shared rate-limit store (Redis when configured, so all workers share it). The
plan's figure comes from the site cache (``api/site_cache.py``) that the public side
reads too: one cached look-up per slug, forgotten at once on a subscription change in
this process, within its TTL elsewhere. Answers carry ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset``; a refusal is a 429 problem with
``Retry-After``.
"""

from __future__ import annotations

from fastapi import Request, Response

from api.problems import ApiProblem


async def tenant_rate_limit(request: Request, response: Response) -> None:
    slug = request.path_params.get("tenant")
    if not isinstance(slug, str):
        return
    services = request.app.state.services
    site = await services.sites.get(request.app.state.db, slug)
    per_minute = site.row.requests_per_minute if site is not None else None
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
