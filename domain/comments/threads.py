"""The public shape of a post's conversation: threads of visible comments.

A comment is *shown* when it is approved, or when it is the viewer's own comment still
held for review (pending or spam: its author sees it as held, nobody else sees it).
A comment that is not shown stays in the tree as a placeholder when something below it
is shown, so replies keep their place; otherwise it is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from domain.comments.model import Comment, CommentStatus


class Shown(StrEnum):
    APPROVED = "approved"
    HELD = "held"  # the viewer's own comment awaiting review
    DELETED = "deleted"  # deleted by its author: a placeholder
    REMOVED = "removed"  # taken down by moderation: a placeholder


@dataclass
class ThreadNode:
    comment: Comment
    shown: Shown
    replies: list[ThreadNode] = field(default_factory=list)
    mine: bool = False  # written by the viewer (who may edit or delete it)


def _shown(comment: Comment, viewer_id: UUID | None) -> Shown | None:
    if comment.status is CommentStatus.APPROVED:
        return Shown.APPROVED
    own = viewer_id is not None and comment.author_user_id == viewer_id
    if own and comment.status in (CommentStatus.PENDING, CommentStatus.SPAM):
        return Shown.HELD
    return None


def build_threads(
    tops: list[Comment], replies: list[Comment], viewer_id: UUID | None
) -> list[ThreadNode]:
    children: dict[UUID, list[Comment]] = {}
    for reply in sorted(replies, key=lambda c: (c.created_at, c.id)):
        if reply.parent_id is not None:
            children.setdefault(reply.parent_id, []).append(reply)

    def node(comment: Comment) -> ThreadNode | None:
        below = [n for n in (node(c) for c in children.get(comment.id, [])) if n is not None]
        shown = _shown(comment, viewer_id)
        if shown is None:
            if not below:
                return None
            deleted = comment.status is CommentStatus.DELETED
            shown = Shown.DELETED if deleted else Shown.REMOVED
        mine = viewer_id is not None and comment.author_user_id == viewer_id
        return ThreadNode(comment, shown, below, mine=mine and shown is not Shown.DELETED)

    return [n for n in (node(c) for c in tops) if n is not None]


def has_held(nodes: list[ThreadNode]) -> bool:
    return any(n.shown is Shown.HELD or has_held(n.replies) for n in nodes)
