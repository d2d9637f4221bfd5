"""Request and response models of the public comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from api.kit.schemas import Email, StrictModel
from domain.comments.model import (
    MAX_BODY_CHARS,
    MAX_NAME_CHARS,
    MAX_URL_CHARS,
    Comment,
    CommentStatus,
)
from domain.comments.threads import Shown, ThreadNode


class CommentAuthorRead(StrictModel):
    name: str
    url: str | None
    member: bool = Field(description="True for a signed-in member, false for an anonymous name.")

    @classmethod
    def of(cls, c: Comment) -> CommentAuthorRead:
        return cls(name=c.author_name, url=c.author_url, member=c.author_user_id is not None)


class PublicCommentAuthorRead(CommentAuthorRead):
    ambassador: bool = Field(
        description="True when the site's managers marked this signed-in member as one of "
        "the brand's ambassadors (the theme shows a badge next to the name)."
    )

    @classmethod
    def of(cls, c: Comment) -> PublicCommentAuthorRead:
        return cls(
            name=c.author_name,
            url=c.author_url,
            member=c.author_user_id is not None,
            ambassador=c.ambassador and c.author_user_id is not None,
        )


class PublicCommentRead(StrictModel):
    id: UUID
    parent_id: UUID | None
    depth: int = Field(description="0 for a top-level comment; threads have 3 levels (0-2).")
    status: Literal["approved", "held", "deleted", "removed"] = Field(
        description="held: your own comment awaiting review (only you see it); deleted and "
        "removed: placeholders kept because replies hang below them."
    )
    held: bool
    mine: bool = Field(
        description="True when the signed-in caller wrote it (they may edit it within the "
        "window and delete it); always false for anonymous readers."
    )
    author: PublicCommentAuthorRead | None
    staff: bool = Field(
        description="Written by the site's staff (owner, manager or moderator) replying "
        "from the console."
    )
    pinned: bool = Field(
        description="Kept first on the post by the site's moderators (at most one per post)."
    )
    body_html: str | None
    created_at: datetime
    edited_at: datetime | None
    replies: list[PublicCommentRead]

    @classmethod
    def of(cls, node: ThreadNode) -> PublicCommentRead:
        c, placeholder = node.comment, node.shown in (Shown.DELETED, Shown.REMOVED)
        return cls(
            id=c.id,
            parent_id=c.parent_id,
            depth=c.depth,
            status=node.shown.value,
            held=node.shown is Shown.HELD,
            mine=node.mine,
            author=None if placeholder else PublicCommentAuthorRead.of(c),
            staff=c.staff and not placeholder,
            pinned=c.is_pinned and c.parent_id is None,
            body_html=None if placeholder else c.body_html,
            created_at=c.created_at,
            edited_at=None if placeholder else c.edited_at,
            replies=[cls.of(n) for n in node.replies],
        )


class CommentThreadsPage(StrictModel):
    items: list[PublicCommentRead]
    next_cursor: str | None


class CommentCreate(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY_CHARS)]
    parent_id: UUID | None = None
    author_name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)] | None = Field(
        default=None, description="Anonymous comments only (required there)."
    )
    author_email: Email | None = Field(
        default=None, description="Anonymous comments only; moderators see it, nobody else."
    )
    author_url: Annotated[str, Field(max_length=MAX_URL_CHARS)] | None = Field(
        default=None, description="An http(s) URL shown with the author's name."
    )
    honeypot: Annotated[str, Field(max_length=200)] | None = Field(
        default=None,
        description="Render it hidden and leave it empty: only robots fill it in.",
    )


class CommentEdit(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY_CHARS)]


class CommentWriteRead(StrictModel):
    id: UUID
    post_id: UUID
    parent_id: UUID | None
    depth: int
    status: Literal["approved", "pending", "deleted"] = Field(
        description="approved: visible now (201); pending: held for review (202)."
    )
    held: bool
    author: CommentAuthorRead
    body_html: str
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def of(cls, c: Comment) -> CommentWriteRead:
        # A spam verdict is not announced: its author sees a comment held for review.
        status = {CommentStatus.APPROVED: "approved", CommentStatus.DELETED: "deleted"}.get(
            c.status, "pending"
        )
        return cls(
            id=c.id,
            post_id=c.post_id,
            parent_id=c.parent_id,
            depth=c.depth,
            status=status,  # type: ignore[arg-type]
            held=status == "pending",
            author=CommentAuthorRead.of(c),
            body_html=c.body_html,
            created_at=c.created_at,
            edited_at=c.edited_at,
        )


class ReportCreate(StrictModel):
    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: Annotated[str, Field(max_length=500)] = ""
