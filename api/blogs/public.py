"""The public site's blogs: ``/v1/sites/{tenant}/blogs``; archived blogs are not shown.

Reads and caching as for every public read (see ``api/posts/public.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from api.blogs.schemas import BlogDetail, BlogPage, BlogPublic
from api.kit.caching import json_answer
from api.kit.cursors import Keyset
from api.kit.pages import PageQuery, link_header
from api.kit.routing import new_router
from api.kit.sites import READ_PROBLEMS, Links, SiteDep, SlugPath
from api.public_cache import cached
from domain.kernel.errors import NotFound
from persistence.posts.public_reads import public_reader

router = new_router(tags=["sites"])

SITE_BLOGS = Keyset("site-blogs", (str,), lambda row: (row["slug"],))  # by slug


def _blog_public(row: Any, links: Links) -> dict[str, Any]:
    return {
        "slug": row["slug"],
        "title": row["title"],
        "description": row["description"],
        "language": row["language"],
        "url": links.blog(row["slug"]),
        "feed_url": links.api(f"/blogs/{row['slug']}/feed.atom"),
    }


@router.get(
    "/sites/{tenant}/blogs",
    operation_id="sites-blogs-list",
    response_model=BlogPage,
    responses=READ_PROBLEMS,
)
@cached("site")
async def list_blogs(request: Request, site: SiteDep, paging: PageQuery) -> Response:
    """The site's active blogs, by slug (archived blogs are not listed)."""
    after = paging.after(SITE_BLOGS)
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.blogs(after=after[0] if after else None, limit=paging.limit)
    page, next_cursor = paging.split(SITE_BLOGS, rows)
    links = Links(request, site)
    body = BlogPage(
        items=[BlogPublic(**_blog_public(r, links)) for r in page], next_cursor=next_cursor
    )
    return json_answer(request, body, link_header(request, next_cursor))


@router.get(
    "/sites/{tenant}/blogs/{blog}",
    operation_id="sites-blogs-get",
    response_model=BlogDetail,
    responses=READ_PROBLEMS,
)
@cached("site")
async def get_blog(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    """One active blog, with how many public posts it holds."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.blog(blog)
    if row is None:
        raise NotFound("No such blog.")
    body = BlogDetail(**_blog_public(row, Links(request, site)), post_count=row["post_count"])
    return json_answer(request, body)
