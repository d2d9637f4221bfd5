"""The public site's own description (``/v1/sites/{tenant}``: name, languages, branding,
features) and which tenant a custom domain serves (``/v1/sites/resolve``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from api.access import OpenCaller, get_services
from api.kit.caching import json_answer
from api.kit.routing import new_router
from api.kit.sites import READ_PROBLEMS, Links, SiteDep, reader_principal
from api.public_cache import cached
from api.tenants.schemas import BrandingPublic, Resolved, SiteFeatures, SiteRead
from domain.kernel.access import Principal
from domain.kernel.errors import NotFound
from domain.licensing.model import Feature
from domain.tenants.model import LANGUAGES, Branding

router = new_router(tags=["sites"])


# --- which site: custom domains -------------------------------------------------------


@router.get(
    "/sites/resolve",
    operation_id="sites-resolve",
    response_model=Resolved,
    responses={
        401: {"description": "Invalid credentials"},
        404: {"description": "No tenant on that host"},
        422: {"description": "Invalid host"},
    },
)
async def resolve_host(
    request: Request,
    host: Annotated[str, Query(min_length=1, max_length=253)],
    _caller: OpenCaller,
    _credentials: Annotated[Principal, Depends(reader_principal)],  # bad ones are a 401
) -> Resolved:
    """Which tenant a custom domain belongs to (the theme calls this at start-up).

    Answers come from the process's host cache, which CORS shares: a domain added or
    removed is seen at once by this worker, within a minute by the others."""
    slug = await get_services(request).hosts.slug_for(
        request.app.state.db, host.strip().lower().rstrip(".")
    )
    if slug is None:
        raise NotFound("No site on that host.")
    return Resolved(tenant=slug)


# --- the site ------------------------------------------------------------------------


@router.get(
    "/sites/{tenant}",
    operation_id="sites-get",
    response_model=SiteRead,
    responses=READ_PROBLEMS,
)
@cached("site")
async def get_site(request: Request, site: SiteDep) -> Response:
    """What the theme needs to draw the site: name, languages, branding, features on."""
    row, links = site.row, Links(request, site)
    branding = {**vars(Branding()), **row.branding}
    # Hiding "powered by" is a white-label privilege of the plan.
    branding["show_powered_by"] = bool(branding.get("show_powered_by", True)) or not site.has(
        Feature.WHITE_LABEL
    )
    settings = row.settings
    ratings = site.has(Feature.RATINGS)
    languages = [row.default_language] + [
        lang for lang in row.languages if lang != row.default_language and lang in LANGUAGES
    ]
    body = SiteRead(
        slug=row.slug,
        name=row.name,
        default_language=row.default_language,
        languages=languages,
        branding=BrandingPublic.model_validate(
            {k: branding.get(k) for k in BrandingPublic.model_fields}
        ),
        features=SiteFeatures(
            ratings=ratings,
            anonymous_comments=bool(settings.get("anonymous_comments", False)),
            anonymous_ratings=ratings and bool(settings.get("anonymous_ratings", False)),
            reader_signup=bool(settings.get("reader_signup", True)),
            comment_policy=str(settings.get("comment_policy", "trusted")),
        ),
        url=links.home(),
        feeds={
            "atom": links.api("/feed.atom"),
            "json": links.api("/feed.json"),
            "sitemap": links.api("/sitemap.xml"),
        },
    )
    return json_answer(request, body)
