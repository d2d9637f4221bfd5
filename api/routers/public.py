"""The public site under ``/v1/sites/{tenant}``: which site a host is, and the site's
config (its blogs are in ``api/blogs/public.py``; its posts, search, tags, authors, feeds
and sitemap in ``api/posts/``).

Readers see public posts only: published, or scheduled and due by the database's
clock, not deleted, in an active blog (``persistence/posts/public_reads.py`` writes that
rule once). A cancelled subscription (or a disabled tenant) takes the whole site offline:
every route answers 404, as for an unknown tenant.

Anyone may read: anonymous callers, signed-in people of any tenant, and API keys with
the ``content:read`` scope (of this tenant or platform-wide). A malformed or invalid
``Authorization`` header is still a 401, never a silent downgrade to anonymous.

Caching: each answer is serialised once; its strong ``ETag`` is a hash of those exact
bytes, a matching ``If-None-Match`` gets a bodiless 304, and ``Cache-Control`` lets
browsers and CDNs keep it 30 s and serve it stale for two more minutes while they
revalidate (``CACHE_CONTROL``). Nothing here depends on who is asking yet, so there is no
``Vary: Authorization``; it must be added the day a signed-in reader sees something else.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response
from pydantic import Field

from api.access import get_services
from api.kit.caching import json_answer
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from api.kit.sites import READ_PROBLEMS, Links, SiteDep, reader_principal
from domain.identity.model import LANGUAGES, Branding
from domain.kernel.access import Principal
from domain.kernel.errors import NotFound
from domain.licensing.model import Feature

router = new_router(tags=["sites"])

# --- models -----------------------------------------------------------------------------


class BrandingPublic(StrictModel):
    logo_url: str | None
    primary_color: str
    accent_color: str
    background_color: str
    text_color: str
    typography: str
    footer_text: str
    show_powered_by: bool = Field(
        description="False only when the tenant hides it and its plan includes white label."
    )


class SiteFeatures(StrictModel):
    ratings: bool
    anonymous_comments: bool
    anonymous_ratings: bool
    reader_signup: bool
    comment_policy: str


class SiteRead(StrictModel):
    slug: str
    name: str
    default_language: str
    languages: list[str] = Field(description="The default language and those of its blogs.")
    branding: BrandingPublic
    features: SiteFeatures
    url: str
    feeds: dict[str, str]


# --- site ---------------------------------------------------------------------------------


# --- which site: custom domains -------------------------------------------------------


class Resolved(StrictModel):
    tenant: str


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
    _caller: Annotated[Principal, Depends(reader_principal)],  # bad credentials are a 401
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


@router.get(
    "/sites/{tenant}",
    operation_id="sites-get",
    response_model=SiteRead,
    responses=READ_PROBLEMS,
)
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
