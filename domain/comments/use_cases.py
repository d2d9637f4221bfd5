"""Comment use cases: post, edit, delete and report comments; read a post's threads.

The post's ``comment_count`` changes in the same transaction as the comments it counts.
Every write of a comment's text renders it with the ``CommentRenderer`` and classifies
its tone with the ``ToneClassifier`` it is handed, in the language of the post's blog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.comments.model import (
    MAX_BODY_CHARS,
    MAX_DEPTH,
    MAX_NAME_CHARS,
    MAX_URL_CHARS,
    REPORT_THRESHOLD,
    Comment,
    CommentsClosed,
    CommentStatus,
    HoldReason,
    NewComment,
    Origin,
    Report,
    ReportReason,
    Standing,
    comment_payload,
)
from domain.comments.policy import (
    REPEAT_MINUTES,
    effective_policy,
    initial_status,
    spam_verdict,
)
from domain.comments.ports import (
    CommentRenderer,
    CommentsUnitOfWork,
    PostTarget,
    ToneClassifier,
)
from domain.comments.text import body_fingerprint, clean_body
from domain.comments.threads import ThreadNode, build_threads
from domain.kernel import clock
from domain.kernel.access import Actor, Principal, Role, require_contributor
from domain.kernel.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from domain.kernel.events import DomainEvent, EventType
from domain.kernel.idempotency import run_once
from domain.tenants.model import CommentPolicy, Tenant

# --- who is speaking ------------------------------------------------------------------


def _member_or_anonymous(actor: Actor, anonymous_allowed: bool, what: str) -> bool:
    return require_contributor(actor, anonymous_allowed, what)


def _signed_in_member(actor: Actor, what: str) -> UUID:
    if actor.user_id is None:
        raise Unauthenticated(f"Sign in to {what}.")
    _member_or_anonymous(actor, False, what)
    return actor.user_id


async def _public_post(uow: CommentsUnitOfWork, post_id: UUID, *, lock: bool = False) -> PostTarget:
    target = await uow.comments.post_target(post_id, lock=lock)
    if target is None or not target.is_public(clock.now()):
        raise NotFound("No such post.")
    return target


# --- comments -------------------------------------------------------------------------


def tone_of(text: str, tone: ToneClassifier, language: str | None) -> str:
    """The comment's tone for the insights, decided once when its text is written."""
    return tone.classify(text, language).value


def _check_url(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > MAX_URL_CHARS or not url.lower().startswith(("http://", "https://")):
        raise InvalidInput(f"author_url must be an http(s) URL of at most {MAX_URL_CHARS} chars.")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput("author_url must not contain spaces or control characters.")
    return url


def _check_body(body: str) -> str:
    text = clean_body(body)
    if not text:
        raise InvalidInput("The comment is empty.")
    if len(text) > MAX_BODY_CHARS:
        raise InvalidInput(f"A comment has at most {MAX_BODY_CHARS} characters.")
    return text


async def post_comment(
    uow: CommentsUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    new: NewComment,
    origin: Origin,
    *,
    renderer: CommentRenderer,
    tone: ToneClassifier,
    commit: bool = True,
) -> Comment:
    """A reader's comment lands approved, pending or spam; ``closed`` refuses it."""
    settings = tenant.settings
    member = _member_or_anonymous(actor, settings.anonymous_comments, "comment")
    confirmed = member  # a member whose address is confirmed (or who is staff)
    post = await _public_post(uow, post_id)
    policy = effective_policy(settings, post.blog_policy)
    if policy is CommentPolicy.CLOSED:
        raise CommentsClosed("Comments are closed on this blog.")
    body = _check_body(new.body)
    if member:
        assert actor.user_id is not None
        user = await uow.users.get(actor.user_id)
        if user is None:
            raise Unauthenticated("Sign in again.")
        name, email = user.display_name[:MAX_NAME_CHARS], None
        if not user.email_verified and actor.role is Role.READER:
            # An unconfirmed reader is held to the rule for anonymous comments.
            if not settings.anonymous_comments:
                raise Forbidden("Confirm your e-mail address (see the mail we sent) to comment.")
            confirmed = False
    else:
        name = " ".join((new.author_name or "").split())
        if not name:
            raise InvalidInput("Anonymous comments need an author_name.")
        if len(name) > MAX_NAME_CHARS:
            raise InvalidInput(f"author_name has at most {MAX_NAME_CHARS} characters.")
        email = new.author_email or None
    url = _check_url(new.author_url)

    parent: Comment | None = None
    if new.parent_id is not None:
        parent = await uow.comments.get(new.parent_id)
        if parent is None or parent.post_id != post.id:
            raise InvalidInput("The parent comment is not on this post.")
        if parent.status is not CommentStatus.APPROVED:
            raise InvalidInput("Replies go to visible comments only.")
        if parent.depth + 1 >= MAX_DEPTH:
            raise InvalidInput(f"Threads are at most {MAX_DEPTH} levels deep.")

    now = clock.now()
    fingerprint = body_fingerprint(body)
    repeated = await uow.comments.repeated(
        fingerprint,
        user_id=actor.user_id,
        ip_hash=origin.ip_hash,
        since=now - timedelta(minutes=REPEAT_MINUTES),
    )
    verdict = spam_verdict(
        body, blocked_words=settings.blocked_words, honeypot=new.honeypot, repeated=repeated
    )
    standing = await uow.comments.standing_of(actor.user_id) if member and actor.user_id else None
    if not confirmed and standing is Standing.TRUSTED:
        standing = None  # trust is for confirmed members; a ban holds for everyone
    status, reason = initial_status(policy, member=confirmed, verdict=verdict, standing=standing)
    comment_id = uuid4()
    comment = Comment(
        id=comment_id,
        tenant_id=actor.tenant_id,
        post_id=post.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else comment_id,
        depth=parent.depth + 1 if parent else 0,
        author_user_id=actor.user_id if member else None,
        author_name=name,
        author_email=email,
        author_url=url,
        body_markdown=body,
        body_html=renderer.render(body),
        body_hash=fingerprint,
        status=status,
        held_reason=reason,
        ip_hash=origin.ip_hash,
        created_at=now,
        updated_at=now,
        post_author_id=post.author_id,
        blog_id=post.blog_id,
        sentiment=tone_of(body, tone, post.language),
    )
    await uow.comments.add(comment)
    if status is CommentStatus.APPROVED:
        await uow.comments.add_to_comment_count(post.id, 1)
    if status is not CommentStatus.SPAM:
        # Spam stays quiet; a visible comment is "created", a held one "held".
        kind = EventType.COMMENT_CREATED if comment.is_visible else EventType.COMMENT_HELD
        uow.record(DomainEvent(kind, comment.tenant_id, comment_payload(comment)))
    if commit:
        await uow.commit()
    return comment


@dataclass(frozen=True)
class Retry:
    """A retry-safe write: who sends it, their ``Idempotency-Key``, the request's hash,
    and how the written comment is answered (status and body, stored for replays)."""

    caller: str
    key: str
    request_hash: bytes
    answer: Callable[[Comment], tuple[int, Any]]


async def post_comment_once(
    uow: CommentsUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    new: NewComment,
    origin: Origin,
    retry: Retry,
    *,
    renderer: CommentRenderer,
    tone: ToneClassifier,
) -> tuple[int, Any, bool]:
    """``post_comment`` taken once per key: a retry gets the first answer again.
    Returns ``(status, body, replayed)``."""

    async def write() -> tuple[int, Any]:
        comment = await post_comment(
            uow, actor, tenant, post_id, new, origin, renderer=renderer, tone=tone, commit=False
        )
        return retry.answer(comment)

    return await run_once(uow, retry.caller, retry.key, tenant.id, retry.request_hash, write)


async def _own_comment(uow: CommentsUnitOfWork, comment_id: UUID) -> tuple[Comment, PostTarget]:
    comment = await uow.comments.get(comment_id, lock=True)
    if comment is None:
        raise NotFound("No such comment.")
    return comment, await _public_post(uow, comment.post_id)


async def edit_comment(
    uow: CommentsUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    comment_id: UUID,
    body: str,
    *,
    renderer: CommentRenderer,
    tone: ToneClassifier,
) -> Comment:
    """The author rewrites a comment within the edit window; the heuristics run again
    and the new text's tone replaces the old one's."""
    user_id = _signed_in_member(actor, "edit a comment")
    comment, post = await _own_comment(uow, comment_id)
    now = clock.now()
    comment.check_editable_by(user_id, now)
    text = _check_body(body)
    verdict = spam_verdict(
        text, blocked_words=tenant.settings.blocked_words, honeypot=None, repeated=False
    )
    was_visible = comment.is_visible
    comment.body_markdown, comment.body_html = text, renderer.render(text)
    comment.body_hash = body_fingerprint(text)
    comment.sentiment = tone_of(text, tone, post.language)
    if verdict.status is not None and was_visible:
        comment.status_before, comment.status = comment.status, verdict.status
        comment.held_reason = verdict.reason
    comment.edited_at = comment.updated_at = now
    await uow.comments.update(comment)
    if was_visible and not comment.is_visible:
        await uow.comments.add_to_comment_count(comment.post_id, -1)
    uow.public_change_limited_to(comment.post_id)  # its thread and count, nothing else
    await uow.commit()
    return comment


async def delete_comment(uow: CommentsUnitOfWork, actor: Actor, comment_id: UUID) -> Comment:
    user_id = _signed_in_member(actor, "delete a comment")
    comment, _ = await _own_comment(uow, comment_id)
    was_visible = comment.is_visible
    comment.delete_by_author(user_id, clock.now())
    await uow.comments.update(comment)
    if was_visible:
        await uow.comments.add_to_comment_count(comment.post_id, -1)
    uow.public_change_limited_to(comment.post_id)
    await uow.commit()
    return comment


async def report_comment(
    uow: CommentsUnitOfWork, actor: Actor, comment_id: UUID, reason: ReportReason, note: str
) -> None:
    """One report per reader and comment; REPORT_THRESHOLD readers hide it for review."""
    user_id = _signed_in_member(actor, "report a comment")
    comment = await uow.comments.get(comment_id, lock=True)
    if comment is None or not comment.is_visible:
        raise NotFound("No such comment.")
    await _public_post(uow, comment.post_id)
    if comment.author_user_id == user_id:
        raise InvalidInput("You cannot report your own comment.")
    now = clock.now()
    report = Report(comment.id, user_id, reason, note.strip(), now)
    if not await uow.comments.add_report(report):
        raise Conflict("You already reported this comment.")
    if await uow.comments.open_reports(comment.id) >= REPORT_THRESHOLD:
        comment.status_before, comment.status = comment.status, CommentStatus.PENDING
        comment.held_reason, comment.updated_at = HoldReason.REPORTS, now
        await uow.comments.update(comment)
        await uow.comments.add_to_comment_count(comment.post_id, -1)
        uow.record(DomainEvent(EventType.COMMENT_HELD, comment.tenant_id, comment_payload(comment)))
    uow.record(
        DomainEvent(
            EventType.COMMENT_REPORTED,
            comment.tenant_id,
            {**comment_payload(comment), "reason": reason.value},
        )
    )
    await uow.commit()


@dataclass(frozen=True)
class ThreadRow:
    """One top-level comment as fetched, and its thread as shown (None: nothing of it
    is shown). Pages are cut on the fetched rows, so a cursor never skips any."""

    top: Comment
    thread: ThreadNode | None

    @property
    def created_at(self) -> datetime:
        return self.top.created_at

    @property
    def id(self) -> UUID:
        return self.top.id


async def threads(
    uow: CommentsUnitOfWork,
    principal: Principal,
    tenant_id: UUID,
    post_id: UUID,
    *,
    after: tuple[datetime, UUID] | None,
    fetch: int,
) -> tuple[ThreadNode | None, list[ThreadRow]]:
    """The pinned thread (first page only, else None) and up to ``fetch`` other
    top-level comments after ``after`` (oldest first), each with its replies, read in
    ``uow`` (already in the site's tenant). A member also sees their own comments held
    for review. The pinned comment is never among the paged rows, so cursors cut the
    same list whatever is pinned."""
    await _public_post(uow, post_id)
    viewer: UUID | None = None
    if principal.user_id is not None:
        role, _ = await uow.tenants.standing(tenant_id, principal.user_id)
        viewer = principal.user_id if role is not None else None
    pinned = await uow.comments.pinned(post_id) if after is None else None
    tops = await uow.comments.top_level(post_id, viewer_id=viewer, after=after, limit=fetch)
    everything = ([pinned] if pinned else []) + tops
    replies = await uow.comments.replies([c.id for c in everything]) if everything else []
    shown = {node.comment.id: node for node in build_threads(everything, replies, viewer)}
    first = shown.get(pinned.id) if pinned else None
    return first, [ThreadRow(top, shown.get(top.id)) for top in tops]
