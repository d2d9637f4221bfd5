"""Request and response models of posts: the console's, and the public site's."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import Header
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from api.kit.schemas import NO_NUL, NOT_BLANK, Language, StrictModel, storable, unchanged
from domain.posts import use_cases
from domain.posts.model import Post
from domain.posts.ports import ListedFigures, Revision

MAX_BODY_CHARS = 200_000
ETAG = re.compile(r'^\s*(W/)?"([0-9]{1,9})"\s*$')


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http(s) URL with a host is required")
    return value


PostTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    NOT_BLANK,
    AfterValidator(storable),
]
PostSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=120,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Lower-case letters, digits and single hyphens; unique in the blog.",
    ),
]
Body = Annotated[
    str,
    Field(max_length=MAX_BODY_CHARS, description="Markdown (CommonMark, tables, strikethrough)."),
    NO_NUL,
    AfterValidator(storable),
]
Excerpt = Annotated[str, Field(max_length=1000), NO_NUL, AfterValidator(storable)]
CoverUrl = Annotated[
    str,
    Field(max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://\S+$"),
    AfterValidator(_web_url),
]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    NOT_BLANK,
    AfterValidator(storable),
]
Tags = Annotated[
    list[TagName],
    Field(
        max_length=use_cases.MAX_TAGS,
        description="Created on the fly; case and accents do not make a new tag "
        "(Voyage and voyage are one). Answers give the tags' slugs.",
    ),
]
StatusName = Literal["draft", "scheduled", "published", "archived"]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed If-Match"},
    401: {"description": "Not signed in"},
    402: {"description": "Quota exceeded, or the subscription is suspended"},
    403: {"description": "Role does not allow it"},
    404: {"description": "No such tenant, blog or post (or not one you may see)"},
    409: {"description": "Slug taken, or the post is in the trash"},
    412: {"description": "If-Match names a stale version"},
    422: {"description": "Invalid input or status transition"},
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in PROBLEMS.items() if k in (401, 403, 404, 422)
}
EDIT_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    428: {"description": "If-Match is required"},
}
ETAG_HEADER = {"ETag": {"description": 'The post\'s version, as "<version>"'}}


class PostSummary(StrictModel):
    id: UUID
    blog_id: UUID
    author_id: UUID
    slug: str
    title: str
    excerpt: str
    cover_image_url: str | None
    tags: list[str]
    language: str
    status: StatusName
    published_at: datetime | None
    deleted_at: datetime | None
    version: int
    reading_minutes: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, post: Post, now: datetime) -> dict[str, Any]:
        return {
            "id": post.id,
            "blog_id": post.blog_id,
            "author_id": post.author_id,
            "slug": post.slug,
            "title": post.title,
            "excerpt": post.excerpt,
            "cover_image_url": post.cover_image_url,
            "tags": post.tag_names,
            "language": post.language,
            "status": post.shown_status(now).value,
            "published_at": post.published_at,
            "deleted_at": post.deleted_at,
            "version": post.version,
            "reading_minutes": post.reading_minutes,
            "created_at": post.created_at,
            "updated_at": post.updated_at,
        }

    @classmethod
    def of(cls, post: Post, now: datetime) -> PostSummary:
        return cls(**cls.fields_of(post, now))


class PostListItem(PostSummary):
    """A post of the console's list, with what the list shows beside it."""

    author_name: str
    comment_count: int = Field(description="Approved comments")
    rating_count: int = Field(description="Votes")
    rating_average: float | None = Field(description="Mean of the votes (none without votes)")

    @classmethod
    def listed(cls, post: Post, now: datetime, figures: ListedFigures | None) -> PostListItem:
        f = figures or ListedFigures("", 0, 0, 0)
        return cls(
            **cls.fields_of(post, now),
            author_name=f.author_name,
            comment_count=f.comments,
            rating_count=f.ratings,
            rating_average=round(f.rating_sum / f.ratings, 2) if f.ratings else None,
        )


class PostRead(PostSummary):
    body_markdown: str
    body_html: str = Field(description="Sanitised HTML rendered from body_markdown.")

    @classmethod
    def of(cls, post: Post, now: datetime) -> PostRead:
        return cls(
            **cls.fields_of(post, now),
            body_markdown=post.body_markdown,
            body_html=post.body_html,
        )


class PostCreate(StrictModel):
    title: PostTitle
    body_markdown: Body = ""
    excerpt: Excerpt | None = Field(
        default=None, description="Derived from the body (about 280 characters) when absent."
    )
    cover_image_url: CoverUrl | None = None
    tags: Tags = []
    slug: PostSlug | None = Field(
        default=None,
        description="Derived from the title when absent (then -2, -3… if taken); "
        "a slug given and taken is a 409.",
    )
    language: Language | None = Field(default=None, description="The blog's language when absent.")


class PostUpdate(StrictModel):
    title: PostTitle = unchanged()
    body_markdown: Body = unchanged()
    excerpt: Excerpt | None = Field(default=None, description="null: derive it from the body.")
    cover_image_url: CoverUrl | None = None
    tags: Tags = unchanged()
    slug: PostSlug = unchanged("The old slug keeps answering on the public site.")
    language: Language = unchanged()


class PublishBody(StrictModel):
    published_at: AwareDatetime | None = Field(
        default=None,
        description="In the future: scheduled until then. In the past: back-dated. Absent: "
        "now (a post published before keeps its date). Needs a time zone.",
    )


class RevisionSummary(StrictModel):
    id: UUID
    post_id: UUID
    version: int
    title: str
    status: str
    published_at: datetime | None
    saved_by: UUID | None
    created_at: datetime


class RevisionRead(RevisionSummary):
    excerpt: str
    body_markdown: str
    cover_image_url: str | None
    tags: list[str]

    @classmethod
    def of(cls, r: Revision) -> RevisionRead:
        return cls(
            **RevisionSummary.model_validate(r, from_attributes=True).model_dump(),
            excerpt=r.excerpt,
            body_markdown=r.body_markdown,
            cover_image_url=r.cover_image_url,
            tags=list(r.tag_names),
        )


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        pattern=ETAG.pattern,
        description='The version read, as its ETag: "<version>".',
    ),
]


# --- the public site ---------------------------------------------------------------------


class BlogRef(StrictModel):
    slug: str
    title: str


class AuthorRef(StrictModel):
    handle: str
    display_name: str
    ambassador: bool = Field(
        description="True when the site's managers marked this author as one of the "
        "brand's ambassadors (the theme shows a badge next to the name)."
    )


class TagRef(StrictModel):
    slug: str
    name: str


class RatingSummary(StrictModel):
    count: int
    average: float | None = Field(description="Mean of the votes, 2 decimals; null when none.")
    histogram: list[int] = Field(description="Votes for 1, 2, 3, 4 and 5 stars.")


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
    ambassador: bool = Field(
        description="True when the site's managers marked this author as one of the "
        "brand's ambassadors (the theme shows a badge next to the name)."
    )
    post_count: int
    blogs: list[BlogRef]
    url: str


def tag_refs(row: Any) -> list[dict[str, str]]:
    """The tags of a public post row (``tag_slugs``, ``tag_display``) as ``TagRef`` data."""
    if not row["tag_slugs"]:
        return []
    return [
        {"slug": s, "name": n} for s, n in zip(row["tag_slugs"], row["tag_display"], strict=True)
    ]
