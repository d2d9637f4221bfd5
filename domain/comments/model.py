"""Comments and reader reports, with the rules that belong to them.

Constants that clients see are documented in the README ("The conversation"):
thread depth, edit window, body length, report threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.kernel.errors import Conflict, Forbidden
from domain.kernel.events import DomainEvent, EventType

# A thread has at most three levels: a top-level comment (depth 0), its replies
# (depth 1) and the replies to those (depth 2). Deeper replies are refused.
MAX_DEPTH = 3
EDIT_WINDOW = timedelta(minutes=15)
MAX_BODY_CHARS = 5000
MAX_NAME_CHARS = 80
MAX_URL_CHARS = 300
# Distinct signed-in readers whose open reports hide a visible comment until reviewed.
REPORT_THRESHOLD = 3


class CommentsClosed(Forbidden):
    """The post's blog (or the tenant) takes no comments."""

    def __init__(self, detail: str = "Comments are closed here.") -> None:
        super().__init__(detail, code="comments_closed")


class CommentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


class HoldReason(StrEnum):
    """Why a comment is not (or no longer) visible, for the moderators' queue."""

    POLICY = "policy"  # the moderation policy holds it for review
    LINKS = "links"
    BLOCKED_WORDS = "blocked_words"
    REPEAT = "repeat"
    HONEYPOT = "honeypot"
    REPORTS = "reports"  # hidden by reader reports
    BANNED = "banned"  # its author is banned from commenting in this tenant


class Standing(StrEnum):
    """A commenter's standing in one tenant, set by its moderators.

    ``trusted``: their comments skip pre-moderation (the spam rules still apply).
    ``banned``: their comments are held for a moderator (answered 202 like any held
    comment), so a banned person is not told to come back under another account and a
    moderator still has the last word on each comment.
    """

    TRUSTED = "trusted"
    BANNED = "banned"


class Tone(StrEnum):
    """A comment's tone, decided once when its text is written (insights count it)."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class ReportReason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


@dataclass
class Comment:
    id: UUID
    tenant_id: UUID
    post_id: UUID
    parent_id: UUID | None
    root_id: UUID  # the thread's top-level comment (itself when top-level)
    depth: int
    author_user_id: UUID | None
    author_name: str
    author_email: str | None  # anonymous authors only; moderators see it, the public never
    author_url: str | None
    body_markdown: str
    body_html: str
    body_hash: bytes
    status: CommentStatus
    held_reason: HoldReason | None
    ip_hash: bytes | None
    created_at: datetime
    updated_at: datetime
    status_before: CommentStatus | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    moderated_at: datetime | None = None
    moderated_by: UUID | None = None
    open_reports: int = 0
    post_author_id: UUID | None = None  # filled by look-ups that join the post
    blog_id: UUID | None = None
    language: str | None = None  # the post's blog's language, where a look-up joins it
    sentiment: str | None = None  # positive, neutral or negative (insights), set on write
    first_moderated_at: datetime | None = None  # the first moderator decision, kept
    pinned_at: datetime | None = None  # kept first on its post by a moderator
    pinned_by: UUID | None = None
    staff: bool = False  # written by the tenant's staff from the console
    # Where it came from: this API ("web"), a fediverse reply ("activitypub"), a
    # webmention; for remote ones, the author's handle and avatar as their server says.
    source: str = "web"
    author_handle: str | None = None
    author_avatar: str | None = None
    # Its signed-in author is one of the tenant's ambassadors (filled by the thread reads).
    ambassador: bool = False

    @property
    def is_pinned(self) -> bool:
        """Shown first on its post: pinned, and still visible."""
        return self.pinned_at is not None and self.is_visible

    def unpin(self) -> None:
        self.pinned_at, self.pinned_by = None, None

    @property
    def is_visible(self) -> bool:
        return self.status is CommentStatus.APPROVED

    def check_editable_by(self, user_id: UUID | None, now: datetime) -> None:
        if user_id is None or self.author_user_id != user_id:
            raise Forbidden("Only the comment's author may change it.")
        if self.status not in (CommentStatus.PENDING, CommentStatus.APPROVED):
            raise Conflict("This comment can no longer be edited.")
        if now - self.created_at > EDIT_WINDOW:
            minutes = int(EDIT_WINDOW.total_seconds() // 60)
            raise Conflict(f"Comments can be edited for {minutes} minutes after posting.")

    def delete_by_author(self, user_id: UUID | None, now: datetime) -> None:
        """The text goes; the comment keeps its place in the thread as "deleted"."""
        if user_id is None or self.author_user_id != user_id:
            raise Forbidden("Only the comment's author may delete it.")
        if self.status is CommentStatus.DELETED:
            raise Conflict("This comment is already deleted.")
        self.status_before = self.status
        self.status = CommentStatus.DELETED
        self.held_reason = None
        self.unpin()
        self.body_markdown = ""
        self.body_html = ""
        self.author_url = None
        self.deleted_at = now
        self.updated_at = now


@dataclass
class Report:
    comment_id: UUID
    reporter_id: UUID
    reason: ReportReason
    note: str
    created_at: datetime
    dismissed_at: datetime | None = None
    reporter_name: str = ""


@dataclass
class NewComment:
    body: str
    parent_id: UUID | None = None
    author_name: str | None = None
    author_email: str | None = None
    author_url: str | None = None
    honeypot: str | None = None


@dataclass
class Origin:
    """Where a write comes from: a keyed hash of the client address, never the address."""

    ip_hash: bytes
    extra: dict[str, str] = field(default_factory=dict)


def comment_event(comment: Comment) -> DomainEvent | None:
    """The event a comment's new status is: created (visible), held (waiting for review),
    approved, rejected (rejected or spam). Spam landing at once and deletions are none."""
    kind = _EVENT_OF_STATUS.get(comment.status)
    if kind is None:
        return None
    return DomainEvent(kind, comment.tenant_id, comment_payload(comment))


def comment_payload(comment: Comment) -> dict[str, object]:
    # Never the author's e-mail or address fingerprint: receivers are outside the product.
    return {
        "comment_id": str(comment.id),
        "post_id": str(comment.post_id),
        "blog_id": str(comment.blog_id) if comment.blog_id else None,
        "parent_id": str(comment.parent_id) if comment.parent_id else None,
        "status": comment.status.value,
        "held_reason": comment.held_reason.value if comment.held_reason else None,
        "author_user_id": str(comment.author_user_id) if comment.author_user_id else None,
        "author_name": comment.author_name,
        "body_markdown": comment.body_markdown,
        "created_at": comment.created_at.isoformat(),
    }


_EVENT_OF_STATUS = {
    CommentStatus.APPROVED: EventType.COMMENT_APPROVED,
    CommentStatus.PENDING: EventType.COMMENT_HELD,
    CommentStatus.REJECTED: EventType.COMMENT_REJECTED,
    CommentStatus.SPAM: EventType.COMMENT_REJECTED,
}
