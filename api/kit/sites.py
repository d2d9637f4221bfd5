"""The public site a ``/v1/sites/{tenant}/…`` read is about: who may read it, which site
it is (from the site cache), the site's links, and the problems such reads declare."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Path, Request, Security

from api.access import Gate, TenantSlug, _bearer, get_principal, get_services, request_id
from api.site_cache import Site
from domain.kernel.access import ANONYMOUS, Action, Actor, Principal, require
from domain.kernel.errors import NotFound
from persistence.uow import SqlUnitOfWork

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such site (or offline), or no such resource"}
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag in If-None-Match is current"},
    401: {"description": "Invalid credentials"},
    **NOT_FOUND,
    422: {"description": "Invalid parameter"},
}

SlugPath = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[a-z0-9-]+$")]
HandlePath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z0-9-]+$")]
NoNul = r"^[^\x00]*$"


async def reader_principal(request: Request, _: object = Security(_bearer)) -> Principal:
    """Anonymous without a header (no database work at all); otherwise the usual checks."""
    if not request.headers.get("authorization"):
        return ANONYMOUS
    return await get_principal(request)


async def _readable_site(request: Request, tenant: str, principal: Principal) -> Site:
    site = await get_services(request).sites.get(request.app.state.db, tenant)
    if site is None or not site.online:
        raise NotFound("No such site.")
    require(Actor(principal, site.row.id, None), Action.READ_PUBLISHED)
    return site


class _PublicReadGate(Gate):
    """A public read of a site: anyone may read an online site (API keys need the
    ``content:read`` scope); an offline or unknown one is a 404."""

    kind = "public"
    action = Action.READ_PUBLISHED

    async def __call__(
        self,
        request: Request,
        tenant: TenantSlug,
        principal: Annotated[Principal, Depends(reader_principal)],
    ) -> Site:
        return await _readable_site(request, tenant, principal)


current_site = _PublicReadGate()
SiteDep = Annotated[Site, Depends(current_site)]
# The same reader the gate decided on (FastAPI resolves it once per request).
ReaderDep = Annotated[Principal, Depends(reader_principal)]


def site_unit_of_work(request: Request, site: Site, principal: Principal) -> SqlUnitOfWork:
    """A unit of work in the site's tenant, for a read that opens it only when needed
    (after the public-read cache had no answer)."""
    return SqlUnitOfWork(
        request.app.state.db,
        tenant_id=site.row.id,
        user_id=principal.user_id,
        request_id=request_id(request),
    )


@dataclass(frozen=True)
class SiteReader:
    """A public read that a use case answers: the site, who reads it (their own held
    comments, their own vote), and a unit of work in the site's tenant."""

    site: Site
    principal: Principal
    uow: SqlUnitOfWork


class _PublicTransactionGate(Gate):
    """The same decision as ``SiteDep``; the read then runs in a unit of work, opened
    with the site's tenant context and closed before the answer is sent."""

    kind = "public"
    action = Action.READ_PUBLISHED

    async def __call__(
        self,
        request: Request,
        tenant: TenantSlug,
        principal: Annotated[Principal, Depends(reader_principal)],
    ) -> AsyncIterator[SiteReader]:
        site = await _readable_site(request, tenant, principal)
        async with SqlUnitOfWork(
            request.app.state.db,
            tenant_id=site.row.id,
            user_id=principal.user_id,
            request_id=request_id(request),
        ) as uow:
            yield SiteReader(site, principal, uow)


SiteReaderDep = Annotated[SiteReader, Depends(_PublicTransactionGate(), scope="function")]


class Links:
    """Absolute URLs of the public theme's pages and of this API's documents."""

    def __init__(self, request: Request, site: Site):
        self.base = get_services(request).settings.base_url.rstrip("/")
        self.tenant = site.row.slug

    def home(self) -> str:
        return f"{self.base}/sites/{self.tenant}/"

    def blog(self, blog: str) -> str:
        return f"{self.base}/sites/{self.tenant}/blogs/{quote(blog)}/"

    def post(self, blog: str, slug: str) -> str:
        return f"{self.base}/sites/{self.tenant}/blogs/{quote(blog)}/{quote(slug)}"

    def author(self, handle: str) -> str:
        return f"{self.base}/sites/{self.tenant}/authors/{quote(handle)}"

    def api(self, path: str) -> str:
        return f"{self.base}/v1/sites/{self.tenant}{path}"


# What a reader's contribution (a comment, a vote, a report) may be refused with.
CONTRIBUTION_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed Idempotency-Key"},
    401: {"description": "Sign in (anonymous contributions are off on this site)"},
    402: {"description": "Subscription inactive, or ratings not in the plan"},
    403: {"description": "Comments closed, or not allowed to take part"},
    404: {"description": "No such site, post or comment"},
    409: {"description": "Conflict (edit window passed, already reported, key reused)"},
    413: {"description": "Body too large"},
    422: {"description": "Invalid input"},
    429: {"description": "Too many comments or votes: wait Retry-After seconds"},
}
