"""Request and response models of blogs: the console's, and the public site's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, Field, StringConstraints

from api.kit.schemas import NO_NUL, NOT_BLANK, Language, StrictModel, storable, unchanged
from domain.blogs.model import Blog, BlogAuthor

# One-line texts are trimmed and may not be empty; free texts may be empty. All bounded.
BlogTitle = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    NOT_BLANK,
    AfterValidator(storable),
]
BlogSlug = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Lower-case letters, digits and single hyphens.",
    ),
]
Description = Annotated[str, Field(max_length=2000), NO_NUL, AfterValidator(storable)]
PolicyName = Literal["open", "trusted", "pre", "closed"]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    402: {"description": "Quota exceeded, or the subscription is suspended"},
    403: {"description": "Role does not allow it"},
    404: {"description": "No such tenant, blog or member (or not yours)"},
    409: {"description": "Slug taken, or the blog's last owner"},
    422: {"description": "Invalid input"},
}
READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in PROBLEMS.items() if k in (401, 403, 404, 422)
}


class BlogRead(StrictModel):
    id: UUID
    slug: str
    title: str
    description: str
    language: str
    comment_policy: PolicyName | None = Field(description="null: the tenant's policy applies")
    status: Literal["active", "archived"]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, blog: Blog) -> BlogRead:
        return cls(
            id=blog.id,
            slug=blog.slug,
            title=blog.title,
            description=blog.description,
            language=blog.language,
            comment_policy=blog.comment_policy.value if blog.comment_policy else None,
            status=blog.status.value,
            created_at=blog.created_at,
            updated_at=blog.updated_at,
        )


class BlogCreate(StrictModel):
    title: BlogTitle
    slug: BlogSlug | None = Field(
        default=None,
        description="Derived from the title when absent (then -2, -3… if taken); "
        "a slug given and taken is a 409.",
    )
    description: Description = ""
    language: Language | None = Field(
        default=None, description="The tenant's default language when absent."
    )
    comment_policy: PolicyName | None = Field(
        default=None, description="Overrides the tenant's comment policy; null follows it."
    )


class BlogUpdate(StrictModel):
    title: BlogTitle = unchanged()
    slug: BlogSlug = unchanged()
    description: Description | None = None
    language: Language = unchanged()
    comment_policy: PolicyName | None = Field(
        default=None, description="null clears the override: the tenant's policy applies."
    )
    status: Literal["active", "archived"] = unchanged("archived: no new posts; active: unarchive.")


class BlogAuthorRead(StrictModel):
    user_id: UUID
    display_name: str
    role: Literal["owner", "contributor"]
    added_at: datetime

    @classmethod
    def of(cls, author: BlogAuthor) -> BlogAuthorRead:
        return cls(
            user_id=author.user_id,
            display_name=author.display_name,
            role=author.role.value,
            added_at=author.added_at,
        )


class BlogAuthorPut(StrictModel):
    role: Literal["owner", "contributor"] = Field(
        description="owner: may edit the blog and its authors; contributor: writes in it."
    )


# --- the public site ---------------------------------------------------------------------


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
