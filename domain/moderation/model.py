"""Moderators' decisions on comments, and what the queue can be filtered by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.comments.model import Comment, CommentStatus, Standing, Tone
from domain.kernel.errors import Conflict

MAX_BULK = 100
MAX_QUEUE_TEXT = 200


class ModerationAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    RESTORE = "restore"


@dataclass(frozen=True)
class QueueFilter:
    status: CommentStatus | None = None
    blog_id: UUID | None = None
    post_id: UUID | None = None
    author_user_id: UUID | None = None
    post_author_id: UUID | None = None  # an author moderating their own posts only
    # True: only comments held because readers reported them; False: all but those.
    held_for_reports: bool | None = None
    tone: Tone | None = None
    # Words the comment's text or its author's name contain (case and accents ignored).
    text: str | None = None
    source: str | None = None  # web, activitypub or webmention


MAX_NOTE = 1000


@dataclass(frozen=True)
class CommenterProfile:
    """What moderators ask about one person, within one tenant."""

    user_id: UUID
    name: str
    first_seen: datetime | None  # their first comment here
    comments: dict[str, int]  # by status
    reports_received: int  # reports on their comments, settled or not
    standing: Standing | None
    note: str
    standing_set_at: datetime | None

    @property
    def approval_rate(self) -> float | None:
        """Approved among the comments a decision or the policy let through or not."""
        decided = sum(self.comments.get(s, 0) for s in ("approved", "rejected", "spam"))
        return self.comments.get("approved", 0) / decided if decided else None


def decide(comment: Comment, action: ModerationAction, by: UUID | None, now: datetime) -> bool:
    """Apply a moderator's decision to ``comment``; returns False when it changes nothing.

    ``restore`` undoes a rejection or a spam verdict: the comment goes back to the
    status it had before (held comments back to the queue, visible ones back on the
    page). It also undoes a moderator's approval of a held comment, which goes back to
    the queue with the reason it was held for (approving keeps that reason for this).
    Deleted comments are the author's decision and cannot be moderated.
    """
    if comment.status is CommentStatus.DELETED:
        raise Conflict("A comment deleted by its author cannot be moderated.")
    if action is ModerationAction.RESTORE:
        undoes_approval = (
            comment.status is CommentStatus.APPROVED
            and comment.status_before is CommentStatus.PENDING
            and comment.moderated_by is not None
        )
        if comment.status not in (CommentStatus.REJECTED, CommentStatus.SPAM) and not (
            undoes_approval
        ):
            raise Conflict(
                "Only a rejected or spam comment, or one a moderator approved from the "
                "queue, can be restored."
            )
        target = comment.status_before or CommentStatus.PENDING
        if target in (CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.DELETED):
            target = CommentStatus.PENDING
    else:
        target = {
            ModerationAction.APPROVE: CommentStatus.APPROVED,
            ModerationAction.REJECT: CommentStatus.REJECTED,
            ModerationAction.SPAM: CommentStatus.SPAM,
        }[action]
    if target is comment.status:
        return False
    comment.status_before = comment.status
    comment.status = target
    if target is not CommentStatus.APPROVED:
        comment.unpin()  # a hidden comment is no longer kept first on its post
    comment.moderated_at, comment.moderated_by, comment.updated_at = now, by, now
    if comment.first_moderated_at is None:
        comment.first_moderated_at = now
    return True
