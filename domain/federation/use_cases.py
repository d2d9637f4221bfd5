"""What a blog's inbox does with a verified activity.

Everything is tenant-scoped by the store it is handed: a reply naming another
tenant's post (or another blog's) finds nothing and is ignored. Unknown or unsupported
activities are accepted and ignored: the sender learns nothing, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from domain.comments.model import MAX_BODY_CHARS, Comment, CommentStatus, comment_payload
from domain.comments.policy import effective_policy, initial_status, spam_verdict
from domain.comments.ports import CommentRenderer, CommentRepository, ToneClassifier
from domain.comments.text import body_fingerprint, clean_body
from domain.federation.model import (
    MAX_REMOTE_NAME,
    ActivityRejected,
    BlogActor,
    Follower,
    ReactionKind,
    RemoteActor,
    SignatureRejected,
    accept_of,
    is_blocked,
    object_id,
)
from domain.federation.ports import FederationStore
from domain.kernel import clock
from domain.kernel.events import DomainEvent, EventType
from domain.tenants.model import CommentPolicy, TenantSettings

SOURCE = "activitypub"


@dataclass
class Inbox:
    """The collaborators of one inbox request."""

    store: FederationStore
    comments: CommentRepository
    blog: BlogActor
    settings: TenantSettings
    renderer: CommentRenderer
    tone: ToneClassifier
    to_text: Callable[[str], str]
    record: Callable[[DomainEvent], None]
    # The posts whose likes or boosts this activity changed (what the public site shows).
    reacted: set[UUID] = field(default_factory=set)


def check_shape(activity: Any) -> dict[str, Any]:
    if not isinstance(activity, dict):
        raise ActivityRejected("An activity is a JSON object.")
    if not isinstance(activity.get("type"), str) or not isinstance(activity.get("id"), str):
        raise ActivityRejected("An activity has a type and an id.")
    if object_id(activity.get("actor")) is None:
        raise ActivityRejected("An activity names its actor.")
    return activity


def _post_of(blog: BlogActor, target: str | None) -> UUID | None:
    """The post an id of ours names (``{actor}/posts/{uuid}``), or None."""
    prefix = f"{blog.id}/posts/"
    if not target or not target.startswith(prefix):
        return None
    try:
        return UUID(target[len(prefix) :].split("#")[0].split("/")[0])
    except ValueError:
        return None


async def receive(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    """Act on the activity; what was done, for the logs and tests."""
    if object_id(activity["actor"]) != sender.id:
        raise SignatureRejected("The activity's actor is not the key's owner.")
    if is_blocked(sender.domain, await inbox.store.blocked_domains()):
        return "blocked"
    kind = activity["type"]
    handler = _HANDLERS.get(kind)
    if handler is None:
        return "ignored"
    return str(await handler(inbox, activity, sender))


async def _follow(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    if object_id(activity.get("object")) != inbox.blog.id:
        return "ignored"
    now = clock.now()
    await inbox.store.add_follower(
        Follower(
            id=uuid4(),
            tenant_id=inbox.blog.tenant_id,
            blog_id=inbox.blog.blog_id,
            actor_url=sender.id,
            inbox=sender.inbox,
            shared_inbox=sender.shared_inbox,
            domain=sender.domain,
            follow_activity=activity["id"][:2000],
            created_at=now,
        )
    )
    accept = accept_of(inbox.blog, activity, f"{inbox.blog.id}#accepts/{uuid4()}")
    await inbox.store.queue_delivery(inbox.blog.blog_id, sender.inbox, "Accept", accept, now)
    return "followed"


async def _undo(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    inner = activity.get("object")
    inner_id = object_id(inner)
    inner_type = inner.get("type") if isinstance(inner, dict) else None
    if inner_type == "Follow":
        removed = await inbox.store.remove_follower(inbox.blog.blog_id, sender.id)
        return "unfollowed" if removed else "ignored"
    undone = await inbox.store.remove_reaction(sender.id, inner_id) if inner_id else None
    if undone is not None:
        inbox.reacted.add(undone)
        return "reaction undone"
    if inner_type is None and inner_id is not None:
        # A bare id: the follow it names, if it is this follower's.
        removed = await inbox.store.remove_follower(inbox.blog.blog_id, sender.id, inner_id)
        return "unfollowed" if removed else "ignored"
    return "ignored"


def _reaction(kind: ReactionKind) -> Any:
    async def react(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
        post_id = _post_of(inbox.blog, object_id(activity.get("object")))
        if post_id is None or not await inbox.store.post_in_blog(post_id, inbox.blog.blog_id):
            return "ignored"
        if await inbox.store.add_reaction(post_id, kind, sender, activity["id"][:2000]):
            inbox.reacted.add(post_id)
        return f"{kind.value} counted"

    return react


def _note(activity: dict[str, Any]) -> dict[str, Any] | None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return None
    if not isinstance(note.get("id"), str) or len(note["id"]) > 2000:
        return None
    return note


def _text_of(inbox: Inbox, note: dict[str, Any]) -> str:
    content = note.get("content")
    text = clean_body(inbox.to_text(content if isinstance(content, str) else ""))
    return text[:MAX_BODY_CHARS]


async def _create(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    note = _note(activity)
    if note is None or object_id(note.get("attributedTo")) not in (None, sender.id):
        return "ignored"
    if await inbox.store.remote_comment(note["id"]) is not None:
        return "ignored"  # delivered twice
    target = object_id(note.get("inReplyTo"))
    parent: Comment | None = None
    post_id = _post_of(inbox.blog, target)
    if post_id is None and target is not None:
        parent = await inbox.store.remote_comment(target)
        post_id = parent.post_id if parent is not None else None
    if post_id is None or not await inbox.store.post_in_blog(post_id, inbox.blog.blog_id):
        return "ignored"
    post = await inbox.comments.post_target(post_id)
    now = clock.now()
    if post is None or not post.is_public(now):
        return "ignored"
    policy = effective_policy(inbox.settings, post.blog_policy)
    if policy is CommentPolicy.CLOSED:
        return "ignored"
    body = _text_of(inbox, note)
    if not body:
        return "ignored"
    if parent is not None and (parent.status is not CommentStatus.APPROVED or parent.depth >= 2):
        parent = None  # too deep or hidden: it becomes a reply to the post
    verdict = spam_verdict(
        body, blocked_words=inbox.settings.blocked_words, honeypot=None, repeated=False
    )
    # Moderated as an anonymous comment: the remote author is not a member.
    status, reason = initial_status(policy, member=False, verdict=verdict)
    comment_id = uuid4()
    name = " ".join(sender.name.split())[:MAX_REMOTE_NAME] or sender.handle[:MAX_REMOTE_NAME]
    comment = Comment(
        id=comment_id,
        tenant_id=inbox.blog.tenant_id,
        post_id=post.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else comment_id,
        depth=parent.depth + 1 if parent else 0,
        author_user_id=None,
        author_name=name or "?",
        author_email=None,
        author_url=(sender.url or sender.id)[:300],
        body_markdown=body,
        body_html=inbox.renderer.render(body),
        body_hash=body_fingerprint(body),
        status=status,
        held_reason=reason,
        ip_hash=None,
        created_at=now,
        updated_at=now,
        post_author_id=post.author_id,
        blog_id=post.blog_id,
        sentiment=inbox.tone.classify(body, post.language).value,
        source=SOURCE,
        author_handle=sender.handle[:300] or None,
        author_avatar=sender.icon[:2000] if sender.icon else None,
    )
    await inbox.comments.add(comment)
    await inbox.store.mark_remote(comment_id, SOURCE, note["id"], sender)
    if status is CommentStatus.APPROVED:
        await inbox.comments.add_to_comment_count(post.id, 1)
    if status is not CommentStatus.SPAM:
        event = EventType.COMMENT_CREATED if comment.is_visible else EventType.COMMENT_HELD
        inbox.record(DomainEvent(event, comment.tenant_id, comment_payload(comment)))
    return f"reply {status.value}"


async def _update(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    note = _note(activity)
    if note is None:
        return "ignored"
    comment = await inbox.store.remote_comment(note["id"])
    if comment is None or comment.status is CommentStatus.DELETED:
        return "ignored"
    if await _author_of(inbox, comment) != sender.id:
        return "ignored"
    body = _text_of(inbox, note)
    if not body:
        return "ignored"
    comment.body_markdown = body
    comment.body_html = inbox.renderer.render(body)
    comment.body_hash = body_fingerprint(body)
    comment.edited_at = comment.updated_at = clock.now()
    await inbox.comments.update(comment)
    return "reply updated"


async def _author_of(inbox: Inbox, comment: Comment) -> str | None:
    return await inbox.store.remote_author(comment.id)


async def _erase(inbox: Inbox, comment: Comment) -> None:
    if comment.status is CommentStatus.DELETED:
        return
    was_visible = comment.is_visible
    comment.status_before = comment.status
    comment.status = CommentStatus.DELETED
    comment.held_reason = None
    comment.body_markdown = comment.body_html = ""
    comment.deleted_at = comment.updated_at = clock.now()
    await inbox.comments.update(comment)
    if was_visible:
        await inbox.comments.add_to_comment_count(comment.post_id, -1)


async def _delete(inbox: Inbox, activity: dict[str, Any], sender: RemoteActor) -> str:
    target = object_id(activity.get("object"))
    if target == sender.id:
        for comment in await inbox.store.comments_of_actor(sender.id):
            await _erase(inbox, comment)
        await inbox.store.remove_actor(sender.id)
        return "actor removed"
    if target is None:
        return "ignored"
    found = await inbox.store.remote_comment(target)
    if found is None or await _author_of(inbox, found) != sender.id:
        return "ignored"
    await _erase(inbox, found)
    return "reply deleted"


_HANDLERS = {
    "Follow": _follow,
    "Undo": _undo,
    "Like": _reaction(ReactionKind.LIKE),
    "Announce": _reaction(ReactionKind.ANNOUNCE),
    "Create": _create,
    "Update": _update,
    "Delete": _delete,
}
