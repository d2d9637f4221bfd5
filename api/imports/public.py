"""Old addresses of imported posts: ``GET /sites/{tenant}/redirect?path=/2019/05/my-post/``
answers 301 with the post's address on the theme (WordPress's ``/?p=123`` and Ghost's
``/my-post/`` too), or 404 when no live post lived there.

A browser's ``fetch`` follows a 301 on its own, and a cross-origin one hides its
``Location``: the theme asks with ``as=json`` and gets the same answer as a 200."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from api.imports.schemas import RedirectRead
from api.kit.routing import new_router
from api.kit.sites import READ_PROBLEMS, Links, SiteReaderDep
from domain.imports import use_cases

router = new_router(tags=["sites"])


@router.get(
    "/sites/{tenant}/redirect",
    operation_id="sites-redirect",
    response_model=RedirectRead,
    responses={
        **READ_PROBLEMS,
        301: {"description": "Where the post lives now (Location), unless `as=json`"},
    },
)
async def old_address(
    request: Request,
    site: SiteReaderDep,
    path: Annotated[str, Query(min_length=1, max_length=2000, description="The old path")],
    as_: Annotated[
        Literal["redirect", "json"],
        Query(alias="as", description="`redirect` (a 301) or `json` (a 200, for scripts)"),
    ] = "redirect",
) -> JSONResponse:
    """Where an imported post's old address leads now."""
    blog, slug = await use_cases.find_redirect(site.uow, path)
    location = Links(request, site.site).post(blog, slug)
    return JSONResponse(
        RedirectRead(location=location, blog=blog, slug=slug).model_dump(),
        status_code=301 if as_ == "redirect" else 200,
        headers={"Location": location, "Cache-Control": "public, max-age=300"},
    )
