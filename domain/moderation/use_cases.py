"""Moderation use cases: the queue and its counts, one comment with its reports, and
decisions on one or many comments.

Owners, managers and moderators (and operators) moderate every comment; authors the
comments on their own posts where the tenant allows it (``moderation_scope``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID, uuid4

from domain.comments.model import (
    MAX_DEPTH,
    MAX_NAME_CHARS,
    Comment,
    CommentStatus,
    Report,
    Standing,
    comment_event,
    comment_payload,
)
from domain.comments.ports import CommentRenderer, ToneClassifier
from domain.comments.text import body_fingerprint
from domain.comments.use_cases import _check_body, tone_of
from domain.kernel import clock
from domain.kernel.access import Actor
from domain.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from domain.kernel.events import DomainEvent, EventType
from domain.moderation.model import (
    MAX_BULK,
    MAX_NOTE,
    CommenterProfile,
    ModerationAction,
    QueueFilter,
    decide,
)
from domain.moderation.policy import moderation_scope
from domain.moderation.ports import ModerationUnitOfWork
from domain.tenants.model import Tenant
from domain.tenants.use_cases import audit


async def moderation_queue(
    uow: ModerationUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    where: QueueFilter,
    *,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[Comment]:
    own = moderation_scope(actor, tenant.settings, write=False)
    if own is not None:
        where = replace(where, post_author_id=own)
    return await uow.moderation.queue(where, after=after, limit=limit)


async def moderation_counts(
    uow: ModerationUnitOfWork, actor: Actor, tenant: Tenant
) -> dict[str, int]:
    own = moderation_scope(actor, tenant.settings, write=False)
    return await uow.moderation.counts(post_author_id=own)


async def comment_for_moderation(
    uow: ModerationUnitOfWork, actor: Actor, tenant: Tenant, comment_id: UUID
) -> tuple[Comment, list[Report]]:
    own = moderation_scope(actor, tenant.settings, write=False)
    comment = await uow.comments.get(comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    if own is not None and comment.post_author_id != own:
        raise Forbidden("You may only moderate comments on your own posts.")
    return comment, await uow.moderation.reports([comment.id])


async def moderate(
    uow: ModerationUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    comment_ids: list[UUID],
    action: ModerationAction,
    *,
    tone: ToneClassifier,
) -> list[Comment]:
    """One decision on one or many comments, all or nothing.

    An unknown id (or another tenant's) fails the whole request with NotFound, a comment
    the caller may not moderate with Forbidden, an impossible change with Conflict;
    nothing is changed then. Every change is audited. A comment made visible without a
    tone yet gets one, in its blog's language.
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
        changed = decide(comment, action, actor.user_id, now)
        if changed and comment.is_visible and comment.sentiment is None:
            comment.sentiment = tone_of(comment.body_markdown, tone, comment.language)
        if action is not ModerationAction.RESTORE:
            reviewed.append(comment.id)  # any decision settles the open reports
            comment.open_reports = 0
        if not changed and not (open_reports and action is not ModerationAction.RESTORE):
            continue
        if changed:
            await uow.comments.update(comment)
            event = comment_event(comment)
            if event is not None:
                uow.record(event)
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
        await uow.moderation.dismiss_reports(reviewed, now)
    for post_id in sorted(deltas):  # a fixed order: concurrent bulks cannot deadlock
        if deltas[post_id]:
            await uow.comments.add_to_comment_count(post_id, deltas[post_id])
    await uow.commit()
    return comments


async def commenter_profile(
    uow: ModerationUnitOfWork, actor: Actor, tenant: Tenant, user_id: UUID
) -> CommenterProfile:
    """One person as this tenant's moderators see them (staff and moderators only: an
    author moderating their own posts does not judge people across the tenant)."""
    if moderation_scope(actor, tenant.settings, write=False) is not None:
        raise Forbidden("Only the tenant's moderators see commenters.")
    found = await uow.moderation.commenter(user_id)
    if found is None:
        raise NotFound("No such commenter.")
    return found


async def set_commenter_standing(
    uow: ModerationUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    user_id: UUID,
    standing: Standing | None,
    note: str,
) -> CommenterProfile:
    """Trust, ban or neither, and the moderators' note; audited as ``commenter.trust``,
    ``commenter.ban``, ``commenter.clear`` or ``commenter.note`` (the note alone)."""
    if moderation_scope(actor, tenant.settings, write=True) is not None:
        raise Forbidden("Only the tenant's moderators trust or ban commenters.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"A note has at most {MAX_NOTE} characters.")
    before = await uow.moderation.commenter(user_id)
    if before is None:
        raise NotFound("No such commenter.")
    if before.standing is standing and before.note == note:
        return before
    now = clock.now()
    await uow.moderation.put_standing(user_id, standing, note, actor.user_id, now)
    if before.standing is standing:
        action = "commenter.note"
    else:
        action = {
            Standing.TRUSTED: "commenter.trust",
            Standing.BANNED: "commenter.ban",
            None: "commenter.clear",
        }[standing]
    await audit(
        uow,
        actor,
        action,
        "user",
        user_id,
        name=before.name,
        from_standing=before.standing.value if before.standing else None,
        to_standing=standing.value if standing else None,
        note_changed=before.note != note,
    )
    await uow.commit()
    return replace(before, standing=standing, note=note, standing_set_at=now)


def _staff_only(actor: Actor, tenant: Tenant, what: str) -> None:
    """Staff replies and pins speak for the site: the tenant's moderators (and staff),
    never an author moderating their own posts."""
    if moderation_scope(actor, tenant.settings, write=True) is not None:
        raise Forbidden(f"Only the tenant's moderators {what}.")


async def staff_reply(
    uow: ModerationUnitOfWork,
    actor: Actor,
    tenant: Tenant,
    comment_id: UUID,
    body: str,
    *,
    renderer: CommentRenderer,
    tone: ToneClassifier,
) -> Comment:
    """A moderator answers a comment in the site's name: a normal reply in the thread
    (its parent is the comment), visible at once whatever the comment policy (staff's
    own words are not held for review), marked ``staff``. The comment answered must be
    visible: a held one is decided first (409)."""
    _staff_only(actor, tenant, "reply as staff")
    text = _check_body(body)
    parent = await uow.comments.get(comment_id)
    if parent is None:
        raise NotFound("No such comment.")
    if parent.status is not CommentStatus.APPROVED:
        raise Conflict("Approve the comment before replying to it: replies go to visible ones.")
    if parent.depth + 1 >= MAX_DEPTH:
        raise Conflict(f"Threads are at most {MAX_DEPTH} levels deep.")
    post = await uow.comments.post_target(parent.post_id)
    if post is None or not post.is_public(clock.now()):
        raise Conflict("The comment's post is not public: nobody would read the reply.")
    if actor.user_id is None:
        raise Unauthenticated("Sign in to reply.")
    user = await uow.users.get(actor.user_id)
    if user is None:
        raise Unauthenticated("Sign in again.")
    now = clock.now()
    reply = Comment(
        id=uuid4(),
        tenant_id=actor.tenant_id,
        post_id=parent.post_id,
        parent_id=parent.id,
        root_id=parent.root_id,
        depth=parent.depth + 1,
        author_user_id=actor.user_id,
        author_name=user.display_name[:MAX_NAME_CHARS],
        author_email=None,
        author_url=None,
        body_markdown=text,
        body_html=renderer.render(text),
        body_hash=body_fingerprint(text),
        status=CommentStatus.APPROVED,
        held_reason=None,
        ip_hash=None,
        created_at=now,
        updated_at=now,
        post_author_id=post.author_id,
        blog_id=post.blog_id,
        language=post.language,
        sentiment=tone_of(text, tone, post.language),
        staff=True,
    )
    await uow.comments.add(reply)
    await uow.comments.add_to_comment_count(reply.post_id, 1)
    uow.record(DomainEvent(EventType.COMMENT_CREATED, reply.tenant_id, comment_payload(reply)))
    await uow.commit()
    return reply


async def pin_comment(
    uow: ModerationUnitOfWork, actor: Actor, tenant: Tenant, post_id: UUID, comment_id: UUID
) -> Comment:
    """Keep a visible top-level comment first on its post. One per post: pinning
    another replaces it (both audited as ``comment.pin``, with the one replaced)."""
    _staff_only(actor, tenant, "pin comments")
    # The post's row lock puts concurrent pins of one post in turn.
    post = await uow.comments.post_target(post_id, lock=True)
    if post is None:
        raise NotFound("No such post.")
    comment = await uow.comments.get(comment_id, lock=True)
    if comment is None:
        raise NotFound("No such comment.")
    if comment.post_id != post.id:
        raise InvalidInput("The comment is not on this post.")
    if comment.parent_id is not None:
        raise Conflict("Only a top-level comment can be pinned; a reply stays in its thread.")
    if comment.status is not CommentStatus.APPROVED:
        raise Conflict("Only a published (approved) comment can be pinned.")
    if comment.pinned_at is not None:
        return comment
    now = clock.now()
    replaced = [i for i in await uow.comments.pinned_ids(post.id) if i != comment.id]
    for previous in await uow.comments.get_many(replaced, lock=True):
        previous.unpin()
        await uow.comments.update(previous)
    comment.pinned_at, comment.pinned_by = now, actor.user_id
    await uow.comments.update(comment)
    await audit(
        uow,
        actor,
        "comment.pin",
        "comment",
        comment.id,
        post=str(post.id),
        replaced=str(replaced[0]) if replaced else None,
    )
    await uow.commit()
    return comment


async def unpin_comment(
    uow: ModerationUnitOfWork, actor: Actor, tenant: Tenant, post_id: UUID
) -> None:
    """The post's comments go back to their order; audited as ``comment.unpin`` when
    one was pinned (nothing pinned: nothing to do)."""
    _staff_only(actor, tenant, "unpin comments")
    post = await uow.comments.post_target(post_id, lock=True)
    if post is None:
        raise NotFound("No such post.")
    pinned = await uow.comments.get_many(await uow.comments.pinned_ids(post.id), lock=True)
    for comment in pinned:
        comment.unpin()
        await uow.comments.update(comment)
        await audit(uow, actor, "comment.unpin", "comment", comment.id, post=str(post.id))
    await uow.commit()
