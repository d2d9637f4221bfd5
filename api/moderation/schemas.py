"""Request and response models of the console's moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from api.kit.schemas import StrictModel
from domain.comments.model import MAX_BODY_CHARS, Comment, Report
from domain.moderation.model import MAX_BULK, MAX_NOTE, CommenterProfile

StatusName = Literal["pending", "approved", "rejected", "spam", "deleted"]
ActionName = Literal["approve", "reject", "spam", "restore"]
ToneName = Literal["positive", "neutral", "negative"]
SourceName = Literal["web", "activitypub", "webmention"]


class ModerationAuthorRead(StrictModel):
    user_id: UUID | None
    name: str
    email: str | None = Field(description="Anonymous authors' e-mail: for moderators only.")
    url: str | None
    handle: str | None = Field(
        default=None, description="A remote author's handle (@name@instance), for fediverse replies"
    )
    avatar: str | None = Field(default=None, description="A remote author's avatar URL")


class ModerationCommentRead(StrictModel):
    id: UUID
    post_id: UUID
    blog_id: UUID | None
    parent_id: UUID | None
    depth: int
    status: StatusName
    held_reason: str | None = Field(
        description="Why it was held: policy, links, blocked_words, repeat, honeypot or "
        "reports (kept once approved, so that undoing the approval holds it again)"
    )
    tone: ToneName | None = Field(description="Decided when the text was written")
    source: SourceName = Field(
        default="web",
        description="The channel it came from: this API, a fediverse reply, a webmention",
    )
    author: ModerationAuthorRead
    body_markdown: str
    body_html: str
    open_reports: int
    created_at: datetime
    updated_at: datetime
    edited_at: datetime | None
    moderated_at: datetime | None
    moderated_by: UUID | None
    staff: bool = Field(description="A staff reply written from the console")
    pinned: bool = Field(description="Kept first on its post (visible comments only)")

    @classmethod
    def of(cls, c: Comment) -> ModerationCommentRead:
        return cls(
            id=c.id,
            post_id=c.post_id,
            blog_id=c.blog_id,
            parent_id=c.parent_id,
            depth=c.depth,
            status=c.status.value,
            held_reason=c.held_reason.value if c.held_reason else None,
            tone=c.sentiment,  # type: ignore[arg-type]
            source=c.source,  # type: ignore[arg-type]
            author=ModerationAuthorRead(
                user_id=c.author_user_id,
                name=c.author_name,
                email=c.author_email,
                url=c.author_url,
                handle=c.author_handle,
                avatar=c.author_avatar,
            ),
            body_markdown=c.body_markdown,
            body_html=c.body_html,
            open_reports=c.open_reports,
            created_at=c.created_at,
            updated_at=c.updated_at,
            edited_at=c.edited_at,
            moderated_at=c.moderated_at,
            moderated_by=c.moderated_by,
            staff=c.staff,
            pinned=c.is_pinned,
        )


class ReportRead(StrictModel):
    reporter_id: UUID
    reporter_name: str
    reason: str
    note: str
    created_at: datetime
    dismissed_at: datetime | None = Field(description="Set once a moderator decided.")

    @classmethod
    def of(cls, r: Report) -> ReportRead:
        return cls(
            reporter_id=r.reporter_id,
            reporter_name=r.reporter_name,
            reason=r.reason.value,
            note=r.note,
            created_at=r.created_at,
            dismissed_at=r.dismissed_at,
        )


class ModerationCommentDetail(ModerationCommentRead):
    reports: list[ReportRead]


class ModerationCounts(StrictModel):
    pending: int
    approved: int
    rejected: int
    spam: int
    deleted: int
    reported: int = Field(description="Held because readers reported them.")


class BulkModeration(StrictModel):
    action: ActionName
    ids: Annotated[list[UUID], Field(min_length=1, max_length=MAX_BULK)]


class ModeratedList(StrictModel):
    items: list[ModerationCommentRead]


StandingName = Literal["trusted", "banned"]


class CommenterRead(StrictModel):
    user_id: UUID
    name: str
    first_seen: datetime | None = Field(description="Their first comment in this tenant")
    comments: dict[str, int] = Field(description="Their comments here, by status")
    approval_rate: float | None = Field(
        description="Approved among their approved, rejected and spam comments (0-1)"
    )
    reports_received: int = Field(description="Reader reports on their comments")
    standing: StandingName | None = Field(
        description="trusted: their comments skip pre-moderation; banned: their comments "
        "are held for a moderator"
    )
    note: str = Field(description="The moderators' note, never shown to the person")
    standing_set_at: datetime | None

    @classmethod
    def of(cls, p: CommenterProfile) -> CommenterRead:
        return cls(
            user_id=p.user_id,
            name=p.name,
            first_seen=p.first_seen,
            comments=p.comments,
            approval_rate=p.approval_rate,
            reports_received=p.reports_received,
            standing=p.standing.value if p.standing else None,
            note=p.note,
            standing_set_at=p.standing_set_at,
        )


class CommenterStandingWrite(StrictModel):
    standing: StandingName | None
    note: Annotated[str, Field(max_length=MAX_NOTE)] = ""


class StaffReplyCreate(StrictModel):
    body: Annotated[str, Field(min_length=1, max_length=MAX_BODY_CHARS)]


class PinWrite(StrictModel):
    comment_id: UUID = Field(description="A visible top-level comment of the post")
