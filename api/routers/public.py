"""The public site under ``/v1/sites/{tenant}``: site config, blogs, posts, search, tags
and authors (its feeds and sitemap are in ``feeds.py``).

Readers see public posts only: published, or scheduled and due by the database's
clock, not deleted, in an active blog (``persistence/public_read.py`` writes that rule
once). A cancelled subscription (or a disabled tenant) takes the whole site offline:
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

import base64
import binascii
import html
import json
import math
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query, Request, Response
from pydantic import Field

from api.kit.caching import CACHE_CONTROL, json_answer, raw_json_answer
from api.kit.pages import DEFAULT_LIMIT, MAX_LIMIT
from api.kit.routing import new_router
from api.kit.schemas import StrictModel
from api.kit.sites import (
    READ_PROBLEMS,
    HandlePath,
    Links,
    NoNul,
    SiteDep,
    SlugPath,
)
from api.problems import ApiProblem
from domain.content.text import slugify
from domain.kernel.errors import NotFound
from persistence.public_read import (
    MARK_START,
    MARK_STOP,
    PRIOR_MEAN,
    PRIOR_VOTES,
    PostQuery,
    public_reader,
)

router = new_router(tags=["sites"])

MAX_QUERY_LENGTH = 200  # characters of a search query; longer ones are refused (422)

# --- models -----------------------------------------------------------------------------


class BlogRef(StrictModel):
    slug: str
    title: str


class AuthorRef(StrictModel):
    handle: str
    display_name: str


class TagRef(StrictModel):
    slug: str
    name: str


class RatingSummary(StrictModel):
    count: int
    average: float | None = Field(description="Mean of the votes, 2 decimals; null when none.")
    histogram: list[int] = Field(description="Votes for 1, 2, 3, 4 and 5 stars.")


class BlogPublic(StrictModel):
    slug: str
    title: str
    description: str
    language: str
    url: str
    feed_url: str


class BlogDetail(BlogPublic):
    post_count: int


class BlogPage(StrictModel):
    items: list[BlogPublic]
    next_cursor: str | None


class PublicPostSummary(StrictModel):
    id: UUID
    blog: BlogRef
    author: AuthorRef
    slug: str
    title: str
    excerpt: str
    cover_image_url: str | None
    tags: list[TagRef]
    language: str
    published_at: datetime
    reading_minutes: int
    comment_count: int
    rating: RatingSummary
    url: str
    snippet: str | None = Field(
        default=None,
        description="With `q` only: HTML-escaped text around the matches, which are "
        "wrapped in <mark></mark>.",
    )


class PostPage(StrictModel):
    items: list[PublicPostSummary]
    next_cursor: str | None


class PublicPost(PublicPostSummary):
    body_html: str
    updated_at: datetime


class TagCount(StrictModel):
    slug: str
    name: str
    post_count: int


class TagPage(StrictModel):
    items: list[TagCount]
    next_cursor: str | None


class AuthorRead(StrictModel):
    handle: str
    display_name: str
    post_count: int
    blogs: list[BlogRef]
    url: str


# --- cursors ----------------------------------------------------------------------------


def _bad_cursor() -> ApiProblem:
    return ApiProblem(
        "validation_failed",
        "The cursor is malformed, or belongs to another sort or list.",
        errors=[{"loc": ["query", "cursor"], "msg": "malformed cursor", "type": "cursor"}],
    )


def encode_cursor(kind: str, key: Any, ident: Any) -> str:
    if isinstance(key, datetime):
        key = key.isoformat()
    raw = json.dumps([kind, key, str(ident)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> tuple[Any, str] | None:
    """The (key, id) carried by a cursor of this ``kind``, or a 422 problem."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        found_kind, key, ident = json.loads(raw)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _bad_cursor() from exc
    if found_kind != kind or not isinstance(ident, str):
        raise _bad_cursor()
    return key, ident


def _post_position(cursor: str | None, sort: str) -> tuple[Any, UUID] | None:
    decoded = decode_cursor(cursor, f"posts:{sort}")
    if decoded is None:
        return None
    key, ident = decoded
    try:
        post_id = UUID(ident)
        if sort == "recent":
            if not isinstance(key, str):
                raise ValueError(key)
            stamp = datetime.fromisoformat(key)
            if stamp.tzinfo is None:
                raise ValueError(key)
            return stamp, post_id
        if sort == "most_discussed":
            if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key < 2**31:
                raise ValueError(key)
            return key, post_id
        if not isinstance(key, int | float) or isinstance(key, bool) or not math.isfinite(key):
            raise ValueError(key)
        return float(key), post_id
    except ValueError as exc:
        raise _bad_cursor() from exc


# --- shaping rows -----------------------------------------------------------------------


def tag_refs(row: Any) -> list[dict[str, str]]:
    if not row["tag_slugs"]:
        return []
    return [
        {"slug": s, "name": n} for s, n in zip(row["tag_slugs"], row["tag_display"], strict=True)
    ]


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
        "author": {"handle": row["handle"], "display_name": row["display_name"]},
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


def _blog_public(row: Any, links: Links) -> dict[str, Any]:
    return {
        "slug": row["slug"],
        "title": row["title"],
        "description": row["description"],
        "language": row["language"],
        "url": links.blog(row["slug"]),
        "feed_url": links.api(f"/blogs/{row['slug']}/feed.atom"),
    }


def _link_header(request: Request, next_cursor: str | None) -> dict[str, str]:
    if not next_cursor:
        return {}
    return {"Link": f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'}


LimitQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Page size, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}); "
        "anything else is a 422.",
    ),
]
CursorQuery = Annotated[
    str | None,
    Query(max_length=512, description="The `next_cursor` of the previous page (opaque)."),
]


# --- blogs --------------------------------------------------------------------------------


@router.get(
    "/sites/{tenant}/blogs",
    operation_id="sites-blogs-list",
    response_model=BlogPage,
    responses=READ_PROBLEMS,
)
async def list_blogs(
    request: Request,
    site: SiteDep,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> Response:
    """The site's active blogs, by slug (archived blogs are not listed)."""
    decoded = decode_cursor(cursor, "blogs")
    after = decoded[1] if decoded else None
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.blogs(after=after, limit=limit)
    links = Links(request, site)
    items = [BlogPublic(**_blog_public(r, links)) for r in rows[:limit]]
    next_cursor = encode_cursor("blogs", 0, rows[limit - 1]["slug"]) if len(rows) > limit else None
    return json_answer(
        request, BlogPage(items=items, next_cursor=next_cursor), _link_header(request, next_cursor)
    )


@router.get(
    "/sites/{tenant}/blogs/{blog}",
    operation_id="sites-blogs-get",
    response_model=BlogDetail,
    responses=READ_PROBLEMS,
)
async def get_blog(request: Request, site: SiteDep, blog: SlugPath) -> Response:
    """One active blog, with how many public posts it holds."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.blog(blog)
    if row is None:
        raise NotFound("No such blog.")
    body = BlogDetail(**_blog_public(row, Links(request, site)), post_count=row["post_count"])
    return json_answer(request, body)


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
async def list_posts(
    request: Request,
    site: SiteDep,
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
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
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
    tag_slug = slugify(tag, 60) if tag is not None else None
    query = PostQuery(
        tenant_id=site.row.id,
        sort=chosen,
        limit=limit,
        blog=blog,
        author=author,
        tag=tag_slug,
        q=query_text,
        after=_post_position(cursor, chosen),
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
    links = Links(request, site)
    items = [
        {**_summary_fields(r, links), "snippet": _snippet(r["snippet"])} for r in found[:limit]
    ]
    next_cursor = None
    if len(found) > limit:
        last = found[limit - 1]
        next_cursor = encode_cursor(f"posts:{chosen}", last["sort_key"], last["id"])
    return raw_json_answer(
        request, {"items": items, "next_cursor": next_cursor}, _link_header(request, next_cursor)
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
async def get_post(request: Request, site: SiteDep, blog: SlugPath, slug: SlugPath) -> Response:
    """One public post with its body, author, blog, tags, rating summary and comment count.

    A slug the post had before answers 301 with the current address in ``Location``.
    """
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.post(blog, slug)
    if row is None:
        raise NotFound("No such post.")
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
    return raw_json_answer(request, body)


# --- tags and authors ---------------------------------------------------------------------


@router.get(
    "/sites/{tenant}/tags",
    operation_id="sites-tags-list",
    response_model=TagPage,
    responses=READ_PROBLEMS,
)
async def list_tags(
    request: Request, site: SiteDep, limit: LimitQuery = DEFAULT_LIMIT, cursor: CursorQuery = None
) -> Response:
    """Tags carried by public posts, most used first, with their public post counts."""
    decoded = decode_cursor(cursor, "tags")
    after = None
    if decoded is not None:
        count, slug = decoded
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count < 2**62:
            raise _bad_cursor()
        after = (count, slug)
    async with public_reader(request.app.state.db, site.row.id) as reader:
        rows = await reader.tags(after=after, limit=limit)
    items = [
        TagCount(slug=r["slug"], name=r["name"], post_count=r["post_count"]) for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor("tags", last["post_count"], last["slug"])
    return json_answer(
        request, TagPage(items=items, next_cursor=next_cursor), _link_header(request, next_cursor)
    )


@router.get(
    "/sites/{tenant}/authors/{handle}",
    operation_id="sites-authors-get",
    response_model=AuthorRead,
    responses=READ_PROBLEMS,
)
async def get_author(request: Request, site: SiteDep, handle: HandlePath) -> Response:
    """An author of the site: someone with at least one public post here."""
    async with public_reader(request.app.state.db, site.row.id) as reader:
        row = await reader.author(handle)
    if row is None:
        raise NotFound("No such author.")
    body = AuthorRead(
        handle=row["handle"],
        display_name=row["display_name"],
        post_count=row["post_count"],
        blogs=[
            BlogRef(slug=s, title=t)
            for s, t in zip(row["blog_slugs"], row["blog_titles"], strict=True)
        ],
        url=Links(request, site).author(row["handle"]),
    )
    return json_answer(request, body)
