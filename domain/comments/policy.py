"""Decisions on a new comment: which policy applies, where it lands, and what the spam
heuristics say.

All of it is plain functions of plain values, so it is tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.comments.model import CommentsClosed, CommentStatus, HoldReason, Standing
from domain.comments.text import blocked_words_in, count_links
from domain.tenants.model import CommentPolicy, TenantSettings

# Heuristics. More links than SPAM_LINKS is spam; from HOLD_LINKS on the comment waits
# for a moderator. The same text from the same person or address within REPEAT_MINUTES
# is spam.
HOLD_LINKS = 2
SPAM_LINKS = 3
REPEAT_MINUTES = 10


def effective_policy(settings: TenantSettings, blog_policy: CommentPolicy | None) -> CommentPolicy:
    """The blog's own policy wins over the tenant's."""
    return CommentPolicy(blog_policy or settings.comment_policy)


@dataclass(frozen=True)
class SpamVerdict:
    status: CommentStatus | None  # None: nothing suspicious
    reason: HoldReason | None = None
    details: list[str] = field(default_factory=list)


CLEAN = SpamVerdict(None)


def spam_verdict(
    body: str, *, blocked_words: list[str], honeypot: str | None, repeated: bool
) -> SpamVerdict:
    """The strongest signal wins: spam before "hold for review"."""
    if honeypot:
        return SpamVerdict(CommentStatus.SPAM, HoldReason.HONEYPOT)
    if repeated:
        return SpamVerdict(CommentStatus.SPAM, HoldReason.REPEAT)
    links = count_links(body)
    if links > SPAM_LINKS:
        return SpamVerdict(CommentStatus.SPAM, HoldReason.LINKS, [f"{links} links"])
    found = blocked_words_in(body, blocked_words)
    if found:
        return SpamVerdict(CommentStatus.PENDING, HoldReason.BLOCKED_WORDS, found)
    if links >= HOLD_LINKS:
        return SpamVerdict(CommentStatus.PENDING, HoldReason.LINKS, [f"{links} links"])
    return CLEAN


def initial_status(
    policy: CommentPolicy,
    *,
    member: bool,
    verdict: SpamVerdict,
    standing: Standing | None = None,
) -> tuple[CommentStatus, HoldReason | None]:
    """Where a new comment lands. ``closed`` refuses it outright.

    Spam stays spam whoever writes it; a banned commenter's comment is held; a trusted
    one's skips the policy's hold, but not a hold the spam rules asked for.
    """
    if policy is CommentPolicy.CLOSED:
        raise CommentsClosed("Comments are closed on this blog.")
    if verdict.status is CommentStatus.SPAM:
        return verdict.status, verdict.reason
    if standing is Standing.BANNED:
        return CommentStatus.PENDING, HoldReason.BANNED
    if verdict.status is not None:
        return verdict.status, verdict.reason
    if standing is Standing.TRUSTED:
        return CommentStatus.APPROVED, None
    if policy is CommentPolicy.OPEN or (policy is CommentPolicy.TRUSTED and member):
        return CommentStatus.APPROVED, None
    return CommentStatus.PENDING, HoldReason.POLICY
