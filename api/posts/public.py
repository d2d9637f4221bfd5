"""The public site's posts under ``/v1/sites/{tenant}``: the list (filters, sorts,
search), one post, the tags and the authors (its blogs are in ``api/blogs/public.py``,
its feeds and sitemap in ``feeds.py``).

Readers see public posts only: published, or scheduled and due by the database's
clock, not deleted, in an active blog (``persistence/posts/public_reads.py`` writes that
rule once). A cancelled subscription (or a disabled tenant) takes the whole site
offline: every route answers 404, as for an unknown tenant.

Anyone may read: anonymous callers, signed-in people of any tenant, and API keys with
the ``content:read`` scope (of this tenant or platform-wide). A malformed or invalid
``Authorization`` header is still a 401, never a silent downgrade to anonymous.

Caching: each answer is serialised once; its strong ``ETag`` is a hash of those exact
bytes, a matching ``If-None-Match`` gets a bodiless 304, and ``Cache-Control`` lets
browsers and CDNs keep it 30 s and serve it stale for two more minutes while they
revalidate (``CACHE_CONTROL``). Nothing here depends on who is asking yet, so there is no
``Vary: Authorization``; it must be added the day a signed-in reader sees something else.

Every list is keyset-paged by a signed cursor; each sort of the post list has its own
keyset (``SORTS``), so a cursor of one sort is refused by another.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query, Request, Response

from api.access import get_services
from api.kit.caching import CACHE_CONTROL, json_answer, raw_json_answer
from api.kit.cursors import Keyset
from api.kit.pages import PageQuery, link_header
from api.kit.routing import new_router
from api.kit.sites import READ_PROBLEMS, HandlePath, Links, NoNul, SiteDep, SlugPath
from api.posts.schemas import (
    AuthorRead,
    BlogRef,
    PostPage,
    PublicPost,
    TagCount,
    TagPage,
    tag_refs,
)
from api.problems import ApiProblem
from api.public_cache import cached
from domain.kernel.errors import NotFound
from domain.posts.use_cases import tag_slug_of
from domain.webmention.model import endpoint_link
from persistence.posts.public_reads import (
    MARK_START,
    MARK_STOP,
    PRIOR_MEAN,
    PRIOR_VOTES,
    PostQuery,
    Sort,
    public_reader,
)

router = new_router(tags=["sites"])

MAX_QUERY_LENGTH = 200  # characters of a search query; longer ones are refused (422)


def _sort_position(row: Any) -> tuple[Any, ...]:
    return row["sort_key"], row["id"]


# One keyset per sort: the key each one orders by, then the post's id.
SORTS: dict[Sort, Keyset] = {
    "recent": Keyset("site-posts:recent", (datetime, UUID), _sort_position),
    "top_rated": Keyset("site-posts:top_rated", (float, UUID), _sort_position),
    "most_discussed": Keyset("site-posts:most_discussed", (int, UUID), _sort_position),
    "relevance": Keyset("site-posts:relevance", (float, UUID), _sort_position),
}
TAGS = Keyset("site-tags", (int, str), lambda row: (row["post_count"], row["slug"]))


# --- shaping rows -----------------------------------------------------------------------


def _rating(row: Any) -> dict[str, Any]:
    count = row["rating_count"]
    return {
        "count": count,
        "average": round(row["rating_sum"] / count, 2) if count else None,
        "histogram": list(row["rating_histogram"]),
    }


def _snippet(text: str | None) -> str | None:
    if text is None:
        return None
    return html.escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")


def _summary_fields(row: Any, links: Links) -> dict[str, Any]:
    """A post as ``PublicPostSummary`` declares it, as plain data: rows of our own queries
    are valid by construction, so the hot path skips building and re-validating models
    (most of a page's CPU time) and serialises the dict once, in ``raw_json_answer``."""
    return {
        "id": row["id"],
        "blog": {"slug": row["blog_slug"], "title": row["blog_title"]},
        "author": {
            "handle": row["handle"],
            "display_name": row["display_name"],
            "ambassador": row["ambassador"],
        },
        "slug": row["slug"],
        "title": row["title"],
        "excerpt": row["excerpt"],
        "cover_image_url": row["cover_image_url"],
        "tags": tag_refs(row),
        "language": row["language"],
        "published_at": row["published_at"],
        "reading_minutes": row["reading_minutes"],
        "comment_count": row["comment_count"],
        "rating": _rating(row),
        "url": links.post(row["blog_slug"], row["slug"]),
    }


# --- posts --------------------------------------------------------------------------------

SortQuery = Annotated[
    Literal["recent", "top_rated", "most_discussed", "relevance"] | None,
    Query(
        description="`recent` (newest first; the default without `q`), `top_rated` (Bayesian "
        f"average: {PRIOR_VOTES} imaginary votes of {PRIOR_MEAN:g} stars are added to every "
        "post, so one 5-star vote does not top the list), `most_discussed` (comment count), "
        "`relevance` (search rank; the default with `q`, and only allowed with it)."
    ),
]


@router.get(
    "/sites/{tenant}/posts",
    operation_id="sites-posts-list",
    response_model=PostPage,
    responses=READ_PROBLEMS,
)
@cached("list")
async def list_posts(
    request: Request,
    site: SiteDep,
    paging: PageQuery,
    blog: Annotated[
        str | None, Query(max_length=120, pattern=r"^[a-z0-9-]+$", description="A blog slug.")
    ] = None,
    tag: Annotated[
        str | None,
        Query(
            min_length=1, max_length=60, pattern=NoNul, description="A tag slug or name (any case)."
        ),
    ] = None,
    author: Annotated[
        str | None, Query(max_length=40, pattern=r"^[a-z0-9-]+$", description="An author handle.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY_LENGTH,
            pattern=NoNul,
            description="Full-text search, French and English aware (stems, accents ignored). "
            'Web-search syntax: "exact phrase", -exclude, or. '
            f"At most {MAX_QUERY_LENGTH} characters.",
        ),
    ] = None,
    sort: SortQuery = None,
) -> Response:
    """Public posts, filtered and sorted, one keyset page at a time.

    An unknown blog, author or tag is a 404. Every sort pages by cursor, so a deep page
    costs what the first one does.
    """
    query_text = q.strip() if q is not None else None
    if not query_text:
        query_text = None
    chosen = sort or ("relevance" if query_text else "recent")
    if chosen == "relevance" and query_text is None:
        raise ApiProblem(
            "validation_failed",
            "sort=relevance needs a search query (q).",
            errors=[{"loc": ["query", "sort"], "msg": "needs q", "type": "value_error"}],
        )
    tag_slug = tag_slug_of(tag, get_services(request).text) if tag is not None else None
    keyset = SORTS[chosen]
    after = paging.after(keyset)
    query = PostQuery(
        tenant_id=site.row.id,
        sort=chosen,
        limit=paging.limit,
        blog=blog,
        author=author,
        tag=tag_slug,
        q=query_text,
        after=(after[0], after[1]) if after is not None else None,
    )
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.posts(query)
    head = rows[0]
    if blog is not None and head["f_blog"] is None:
        raise NotFound("No such blog.")
    if author is not None and head["f_author"] is None:
        raise NotFound("No such author.")
    if tag is not None and not head["f_tag"]:
        raise NotFound("No such tag.")
    found = [r for r in rows if r["id"] is not None]
    page, next_cursor = paging.split(keyset, found)
    links = Links(request, site)
    items = [{**_summary_fields(r, links), "snippet": _snippet(r["snippet"])} for r in page]
    return raw_json_answer(
        request, {"items": items, "next_cursor": next_cursor}, link_header(request, next_cursor)
    )


@router.get(
    "/sites/{tenant}/blogs/{blog}/posts/{slug}",
    operation_id="sites-posts-get",
    response_model=PublicPost,
    responses={
        301: {"description": "An old slug: Location names the post's current URL"},
        **READ_PROBLEMS,
    },
)
@cached("post")
async def get_post(request: Request, site: SiteDep, blog: SlugPath, slug: SlugPath) -> Response:
    """One public post with its body, author, blog, tags, rating summary and comment count.

    A slug the post had before answers 301 with the current address in ``Location``.
    """
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.post(blog, slug)
    if row is None:
        raise NotFound("No such post.")
    request.state.public_post_id = row["id"]  # what the public-read cache ties it to
    links = Links(request, site)
    if row["slug"] != slug:
        return Response(
            status_code=301,
            headers={
                "Location": links.api(f"/blogs/{row['blog_slug']}/posts/{row['slug']}"),
                "Cache-Control": CACHE_CONTROL,
            },
        )
    body = {
        **_summary_fields(row, links),
        "snippet": None,
        "body_html": row["body_html"],
        "updated_at": row["updated_at"],
    }
    headers = {}
    if site.row.features.get("federation") is True:
        # Where other sites send their Webmentions about this post.
        headers["Link"] = endpoint_link(get_services(request).settings.base_url, site.row.slug)
    return raw_json_answer(request, body, headers)


# --- tags and authors---------------------------------------------------------------------


@router.get(
    "/sites/{tenant}/tags",
    operation_id="sites-tags-list",
    response_model=TagPage,
    responses=READ_PROBLEMS,
)
@cached("site")
async def list_tags(request: Request, site: SiteDep, paging: PageQuery) -> Response:
    """Tags carried by public posts, most used first, with their public post counts."""
    after = paging.after(TAGS)
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.tags(after=(after[0], after[1]) if after else None, limit=paging.limit)
    page, next_cursor = paging.split(TAGS, rows)
    items = [TagCount(slug=r["slug"], name=r["name"], post_count=r["post_count"]) for r in page]
    return json_answer(
        request, TagPage(items=items, next_cursor=next_cursor), link_header(request, next_cursor)
    )


@router.get(
    "/sites/{tenant}/authors/{handle}",
    operation_id="sites-authors-get",
    response_model=AuthorRead,
    responses=READ_PROBLEMS,
)
@cached("site")
async def get_author(request: Request, site: SiteDep, handle: HandlePath) -> Response:
    """An author of the site: someone with at least one public post here."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.author(handle)
    if row is None:
        raise NotFound("No such author.")
    body = AuthorRead(
        handle=row["handle"],
        display_name=row["display_name"],
        ambassador=row["ambassador"],
        post_count=row["post_count"],
        blogs=[
            BlogRef(slug=s, title=t)
            for s, t in zip(row["blog_slugs"], row["blog_titles"], strict=True)
        ],
        url=Links(request, site).author(row["handle"]),
    )
    return json_answer(request, body)
