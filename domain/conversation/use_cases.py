"""Conversation use cases: post, edit, delete and report comments; moderate them; rate.

Counters on the post row (``comment_count``, the rating summary) change in the same
transaction as the rows they summarise. Votes lock the post row first, so concurrent
votes on one post are applied one after the other and the summary stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.conversation.model import (
    MAX_BODY_CHARS,
    MAX_BULK,
    MAX_DEPTH,
    MAX_NAME_CHARS,
    MAX_URL_CHARS,
    REPORT_THRESHOLD,
    Comment,
    CommentsClosed,
    CommentStatus,
    HoldReason,
    ModerationAction,
    NewComment,
    Origin,
    RatingSummary,
    Report,
    ReportReason,
    check_stars,
)
from domain.conversation.policy import (
    REPEAT_MINUTES,
    effective_policy,
    initial_status,
    moderation_scope,
    spam_verdict,
)
from domain.conversation.ports import PostTarget, QueueFilter, Voter
from domain.conversation.text import body_fingerprint, clean_body, render_comment
from domain.conversation.threads import ThreadNode, build_threads
from domain.insights.tone import ToneClassifier, default_classifier
from domain.kernel import clock
from domain.kernel.access import Actor, require_contributor
from domain.kernel.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthenticated,
)
from domain.licensing.model import Feature
from domain.licensing.quotas import ensure_feature
from domain.ports import UnitOfWork
from domain.tenants.model import CommentPolicy, Tenant
from domain.tenants.use_cases import audit

# --- who is speaking ------------------------------------------------------------------


def _member_or_anonymous(actor: Actor, anonymous_allowed: bool, what: str) -> bool:
    return require_contributor(actor, anonymous_allowed, what)


def _signed_in_member(actor: Actor, what: str) -> UUID:
    if actor.user_id is None:
        raise Unauthenticated(f"Sign in to {what}.")
    _member_or_anonymous(actor, False, what)
    return actor.user_id


async def _public_post(uow: UnitOfWork, post_id: UUID, *, lock: bool = False) -> PostTarget:
    target = await uow.comments.post_target(post_id, lock=lock)
    if target is None or not target.is_public(clock.now()):
        raise NotFound("No such post.")
    return target


# --- comments -------------------------------------------------------------------------


def _tone_of(text: str, tone: ToneClassifier | None = None) -> str:
    """The comment's tone for the insights, decided once when its text is written."""
    return (tone or default_classifier()).classify(text).value


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
    uow: UnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    new: NewComment,
    origin: Origin,
    *,
    commit: bool = True,
    tone: ToneClassifier | None = None,
) -> Comment:
    """A reader's comment lands approved, pending or spam; ``closed`` refuses it."""
    settings = tenant.settings
    member = _member_or_anonymous(actor, settings.anonymous_comments, "comment")
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
    status, reason = initial_status(policy, member=member, verdict=verdict)
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
        body_html=render_comment(body),
        body_hash=fingerprint,
        status=status,
        held_reason=reason,
        ip_hash=origin.ip_hash,
        created_at=now,
        updated_at=now,
        post_author_id=post.author_id,
        blog_id=post.blog_id,
        sentiment=_tone_of(body, tone),
    )
    await uow.comments.add(comment)
    if status is CommentStatus.APPROVED:
        await uow.comments.add_to_comment_count(post.id, 1)
    if commit:
        await uow.commit()
    return comment


async def _own_comment(uow: UnitOfWork, comment_id: UUID) -> Comment:
    comment = await uow.comments.get(comment_id, lock=True)
    if comment is None:
        raise NotFound("No such comment.")
    await _public_post(uow, comment.post_id)
    return comment


async def edit_comment(
    uow: UnitOfWork, actor: Actor, tenant: Tenant, comment_id: UUID, body: str
) -> Comment:
    """The author rewrites a comment within the edit window; the heuristics run again."""
    user_id = _signed_in_member(actor, "edit a comment")
    comment = await _own_comment(uow, comment_id)
    now = clock.now()
    comment.check_editable_by(user_id, now)
    text = _check_body(body)
    verdict = spam_verdict(
        text, blocked_words=tenant.settings.blocked_words, honeypot=None, repeated=False
    )
    was_visible = comment.is_visible
    comment.body_markdown, comment.body_html = text, render_comment(text)
    comment.body_hash = body_fingerprint(text)
    comment.sentiment = _tone_of(text)
    if verdict.status is not None and was_visible:
        comment.status_before, comment.status = comment.status, verdict.status
        comment.held_reason = verdict.reason
    comment.edited_at = comment.updated_at = now
    await uow.comments.update(comment)
    if was_visible and not comment.is_visible:
        await uow.comments.add_to_comment_count(comment.post_id, -1)
    await uow.commit()
    return comment


async def delete_comment(uow: UnitOfWork, actor: Actor, comment_id: UUID) -> Comment:
    user_id = _signed_in_member(actor, "delete a comment")
    comment = await _own_comment(uow, comment_id)
    was_visible = comment.is_visible
    comment.delete_by_author(user_id, clock.now())
    await uow.comments.update(comment)
    if was_visible:
        await uow.comments.add_to_comment_count(comment.post_id, -1)
    await uow.commit()
    return comment


async def report_comment(
    uow: UnitOfWork, actor: Actor, comment_id: UUID, reason: ReportReason, note: str
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
    await uow.commit()


@dataclass
class ThreadPage:
    threads: list[ThreadNode]
    next_after: tuple[datetime, UUID] | None


async def threads(
    uow: UnitOfWork,
    actor: Actor,
    post_id: UUID,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> ThreadPage:
    """Top-level comments by keyset page (oldest first), each with its replies."""
    await _public_post(uow, post_id)
    viewer = actor.user_id if actor.role is not None else None
    tops = await uow.comments.top_level(post_id, viewer_id=viewer, after=after, limit=limit + 1)
    page = tops[:limit]
    replies = await uow.comments.replies([c.id for c in page]) if page else []
    nodes = build_threads(page, replies, viewer)
    last = page[-1] if len(tops) > limit else None
    return ThreadPage(nodes, (last.created_at, last.id) if last else None)


# --- moderation -----------------------------------------------------------------------


async def moderation_queue(
    uow: UnitOfWork,
    actor: Actor,
    tenant: Tenant,
    where: QueueFilter,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Comment]:
    own = moderation_scope(actor, tenant.settings, write=False)
    if own is not None:
        where = QueueFilter(
            where.status, where.blog_id, where.post_id, where.author_user_id, post_author_id=own
        )
    return await uow.comments.queue(where, after=after, limit=limit)


async def moderation_counts(uow: UnitOfWork, actor: Actor, tenant: Tenant) -> dict[str, int]:
    own = moderation_scope(actor, tenant.settings, write=False)
    return await uow.comments.counts(post_author_id=own)


async def comment_for_moderation(
    uow: UnitOfWork, actor: Actor, tenant: Tenant, comment_id: UUID
) -> tuple[Comment, list[Report]]:
    own = moderation_scope(actor, tenant.settings, write=False)
    comment = await uow.comments.get(comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    if own is not None and comment.post_author_id != own:
        raise Forbidden("You may only moderate comments on your own posts.")
    return comment, await uow.comments.reports([comment.id])


async def moderate(
    uow: UnitOfWork,
    actor: Actor,
    tenant: Tenant,
    comment_ids: list[UUID],
    action: ModerationAction,
) -> list[Comment]:
    """One decision on one or many comments, all or nothing.

    An unknown id (or another tenant's) fails the whole request with NotFound, a comment
    the caller may not moderate with Forbidden, an impossible change with Conflict;
    nothing is changed then. Every change is audited.
    """
    own = moderation_scope(actor, tenant.settings, write=True)
    ids = list(dict.fromkeys(comment_ids))
    if not ids:
        raise InvalidInput("Name at least one comment.")
    if len(ids) > MAX_BULK:
        raise InvalidInput(f"At most {MAX_BULK} comments per request.")
    found = {c.id: c for c in await uow.comments.get_many(ids, lock=True)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound("No such comment.", extra={"missing_ids": missing})
    comments = [found[i] for i in ids]
    if own is not None and any(c.post_author_id != own for c in comments):
        raise Forbidden("You may only moderate comments on your own posts.")
    now = clock.now()
    deltas: dict[UUID, int] = {}
    reviewed: list[UUID] = []
    for comment in comments:
        before, open_reports = comment.status, comment.open_reports
        changed = comment.moderate(action, actor.user_id, now)
        if changed and comment.is_visible and comment.sentiment is None:
            comment.sentiment = _tone_of(comment.body_markdown)
        if action is not ModerationAction.RESTORE:
            reviewed.append(comment.id)  # any decision settles the open reports
            comment.open_reports = 0
        if not changed and not (open_reports and action is not ModerationAction.RESTORE):
            continue
        if changed:
            await uow.comments.update(comment)
        delta = int(comment.is_visible) - int(before is CommentStatus.APPROVED)
        if delta:
            deltas[comment.post_id] = deltas.get(comment.post_id, 0) + delta
        await audit(
            uow,
            actor,
            f"comment.{action.value}",
            "comment",
            comment.id,
            post=str(comment.post_id),
            from_status=before.value,
            to_status=comment.status.value,
            reports_settled=open_reports if action is not ModerationAction.RESTORE else 0,
        )
    if reviewed:
        await uow.comments.dismiss_reports(reviewed, now)
    for post_id in sorted(deltas):  # a fixed order: concurrent bulks cannot deadlock
        if deltas[post_id]:
            await uow.comments.add_to_comment_count(post_id, deltas[post_id])
    await uow.commit()
    return comments


# --- ratings --------------------------------------------------------------------------


def _voter(actor: Actor, tenant: Tenant, token_hash: bytes | None) -> Voter:
    if _member_or_anonymous(actor, tenant.settings.anonymous_ratings, "rate"):
        return Voter(user_id=actor.user_id)
    if token_hash is None:
        raise InvalidInput("Anonymous votes need a voter token (X-Voter-Token or voter_token).")
    return Voter(token_hash=token_hash)


async def _vote(
    uow: UnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    token_hash: bytes | None,
    stars: int | None,
) -> tuple[RatingSummary, int | None]:
    voter = _voter(actor, tenant, token_hash)
    await ensure_feature(uow, tenant.id, Feature.RATINGS)
    await _public_post(uow, post_id, lock=True)  # votes on one post queue up here
    summary = await uow.ratings.summary(post_id)
    old = await uow.ratings.vote_of(post_id, voter)
    if stars is None:
        if old is not None:
            await uow.ratings.remove(post_id, voter)
    else:
        await uow.ratings.put(post_id, voter, stars, clock.now())
    if old != stars:
        summary = summary.replace(old, stars)
        await uow.ratings.save_summary(post_id, summary)
    await uow.commit()
    return summary, stars


async def rate(
    uow: UnitOfWork,
    actor: Actor,
    tenant: Tenant,
    post_id: UUID,
    stars: int,
    token_hash: bytes | None,
) -> tuple[RatingSummary, int | None]:
    """Vote 1 to 5 stars; a voter's new vote replaces the old one."""
    return await _vote(uow, actor, tenant, post_id, token_hash, check_stars(stars))


async def my_rating(
    uow: UnitOfWork, actor: Actor, tenant: Tenant, post_id: UUID, token_hash: bytes | None
) -> tuple[RatingSummary, int | None]:
    """The post's summary and the caller's own vote (None when they have not voted,
    including anonymous readers without a voter token)."""
    await _public_post(uow, post_id)
    summary = await uow.ratings.summary(post_id)
    if actor.user_id is not None and actor.role is not None:
        return summary, await uow.ratings.vote_of(post_id, Voter(user_id=actor.user_id))
    if token_hash is not None and tenant.settings.anonymous_ratings:
        return summary, await uow.ratings.vote_of(post_id, Voter(token_hash=token_hash))
    return summary, None


async def withdraw_rating(
    uow: UnitOfWork, actor: Actor, tenant: Tenant, post_id: UUID, token_hash: bytes | None
) -> tuple[RatingSummary, int | None]:
    return await _vote(uow, actor, tenant, post_id, token_hash, None)
