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
        site = await get_services(request).sites.get(request.app.state.db, tenant)
        if site is None or not site.online:
            raise NotFound("No such site.")
        require(Actor(principal, site.row.id, None), Action.READ_PUBLISHED)
        return site


current_site = _PublicReadGate()
SiteDep = Annotated[Site, Depends(current_site)]


@dataclass(frozen=True)
class SiteWork:
    """A public site and a unit of work in its tenant, for what a visit records."""

    site: Site
    uow: SqlUnitOfWork


class _SiteWorkGate(_PublicReadGate):
    """Who may read the site may record a visit to it (the read counter): the same check
    as a public read, then a unit of work in the site's tenant, closed after the route."""

    async def __call__(  # type: ignore[override]
        self,
        request: Request,
        tenant: TenantSlug,
        principal: Annotated[Principal, Depends(reader_principal)],
    ) -> AsyncIterator[SiteWork]:
        site = await super().__call__(request, tenant, principal)
        db = request.app.state.db
        async with SqlUnitOfWork(db, tenant_id=site.row.id, request_id=request_id(request)) as uow:
            yield SiteWork(site, uow)


SiteWorkDep = Annotated[SiteWork, Depends(_SiteWorkGate(), scope="function")]


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
