"""Per-tenant API request rate, from the plan's ``api_requests_per_minute``.

Every route with a ``{tenant}`` path parameter counts against its tenant's budget in
the shared rate-limit store (Redis when configured, so all workers share it). The
plan's figure comes from the site cache (``api/site_cache.py``) that the public side
reads too: one cached look-up per slug, forgotten at once on a subscription change in
this process, within its TTL elsewhere. Answers carry ``RateLimit-Limit``,
``RateLimit-Remaining`` and ``RateLimit-Reset``; a refusal is a 429 problem with
``Retry-After``.

Platform API keys (the billing system) are the exception: their calls on a tenant's
routes count on a budget of their own (``CAUSERIE_PLATFORM_REQUESTS_PER_MINUTE`` per
key), so a tenant over its rate can still be moved to a bigger plan. Only a header that
holds an API key is resolved here; the gate then reuses that principal.
"""

from __future__ import annotations

from fastapi import Request, Response

from api.access import get_principal
from api.problems import ApiProblem
from auth.credentials import API_KEY_PREFIX


async def _platform_key(request: Request) -> str | None:
    """The id of the platform key calling, if the caller is one."""
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip().startswith(API_KEY_PREFIX):
        return None
    principal = await get_principal(request)
    if principal.key_id is None or principal.key_tenant_id is not None:
        return None
    return str(principal.key_id)


async def tenant_rate_limit(request: Request, response: Response) -> None:
    slug = request.path_params.get("tenant")
    if not isinstance(slug, str):
        return
    services = request.app.state.services
    platform_key = await _platform_key(request)
    if platform_key is not None:
        await _count(
            request,
            response,
            ("platform-api", platform_key),
            services.settings.platform_requests_per_minute,
            "This platform key's budget is spent for this minute; wait a little.",
        )
        return
    site = await services.sites.get(request.app.state.db, slug)
    per_minute = site.row.requests_per_minute if site is not None else None
    if per_minute is None:  # unknown tenant (the route answers 404) or unlimited
        return
    await _count(
        request,
        response,
        ("tenant-api", slug),
        per_minute,
        f"This site's plan allows {per_minute} API requests a minute; wait a little.",
    )


async def _count(
    request: Request, response: Response, budget: tuple[str, str], per_minute: int, refusal: str
) -> None:
    verdict = await request.app.state.services.limiter.hit(*budget, per_minute)
    headers = {
        "RateLimit-Limit": str(verdict.limit),
        "RateLimit-Remaining": str(verdict.remaining),
        "RateLimit-Reset": str(verdict.reset_after),
    }
    if not verdict.allowed:
        raise ApiProblem(
            "rate_limited",
            refusal,
            headers={**headers, "Retry-After": str(verdict.retry_after)},
        )
    response.headers.update(headers)
