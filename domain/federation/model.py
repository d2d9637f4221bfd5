"""Federation: each blog is one ActivityPub actor.

Actor type: ``Person``. A blog is not a person, but the other types say the wrong
thing to the servers that read them: Mastodon and its kin treat a ``Group`` as a forum
that re-shares whatever its members address to it (Lemmy, Guppe), and show a
``Service`` as a bot, which the human writers of a brand's blog are not. ``Person`` is
what every implementation renders as "an account you follow that publishes", which is
what a blog is to its readers.

Authors get no actor of their own: the blog is the account people follow, an author's
name is part of each article, and a second identity per author would need its own key,
followers and moderation for what is the brand's voice. An article is attributed to
the blog's actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from domain.kernel.errors import InvalidInput, Unauthenticated

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
# The extension terms our documents use, defined as Mastodon's context defines them, so
# that JSON-LD processors (Fedify's among them) keep them.
EXTENSIONS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "Hashtag": "as:Hashtag",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
}
ACTOR_TYPE = "Person"
CONTENT_TYPE = "application/activity+json"
# A signed request's Date may differ from our clock by this much, either way.
DATE_WINDOW = timedelta(hours=1)
MAX_ACTIVITY_BYTES = 256 * 1024
MAX_REMOTE_NAME = 80
OUTBOX_PAGE = 20
# Delivery attempts after the first: 1 min, 5 min, 30 min, 2 h, 12 h; then it is dropped.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


class SignatureRejected(Unauthenticated):
    """An inbox POST without a valid HTTP signature."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="signature_invalid")


class ActivityRejected(InvalidInput):
    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="invalid_activity")


class ReactionKind(StrEnum):
    LIKE = "like"
    ANNOUNCE = "announce"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


def domain_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # a malformed IPv6 literal, say
        return ""


def retry_delay(attempt: int) -> timedelta | None:
    """The wait before attempt ``attempt + 1``, or None when the retries ran out."""
    return RETRY_DELAYS[attempt - 1] if 0 < attempt <= len(RETRY_DELAYS) else None


def is_blocked(domain: str, blocked: set[str]) -> bool:
    """A block of ``example.net`` covers its subdomains too."""
    parts = domain.lower().split(".")
    return any(".".join(parts[i:]) in blocked for i in range(len(parts)))


@dataclass(frozen=True)
class RemoteActor:
    """What we keep of a remote actor's document."""

    id: str
    inbox: str
    shared_inbox: str | None
    key_id: str
    public_key_pem: str
    name: str
    handle: str
    url: str | None
    icon: str | None

    @property
    def domain(self) -> str:
        return domain_of(self.id)


@dataclass(frozen=True)
class BlogActor:
    """Everything an actor document and its activities need to know of a blog."""

    tenant_id: UUID
    blog_id: UUID
    slug: str
    title: str
    summary: str
    id: str  # the actor's URL
    profile_url: str
    icon: str | None
    public_key_pem: str
    host: str
    site_inbox: str
    handle: str  # the WebFinger user part

    @property
    def inbox(self) -> str:
        return f"{self.id}/inbox"

    @property
    def outbox(self) -> str:
        return f"{self.id}/outbox"

    @property
    def followers(self) -> str:
        return f"{self.id}/followers"

    @property
    def key_id(self) -> str:
        return f"{self.id}#main-key"


@dataclass(frozen=True)
class Follower:
    id: UUID
    tenant_id: UUID
    blog_id: UUID
    actor_url: str
    inbox: str
    shared_inbox: str | None
    domain: str
    follow_activity: str
    created_at: datetime


@dataclass(frozen=True)
class ArticleSource:
    """A public post, as the outbox and the deliveries show it."""

    post_id: UUID
    url: str
    title: str
    excerpt: str
    html: str
    published_at: datetime
    updated_at: datetime
    tags: list[str]
    author_name: str
    language: str


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def actor_document(blog: BlogActor) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT, EXTENSIONS],
        "id": blog.id,
        "type": ACTOR_TYPE,
        "preferredUsername": blog.handle,
        "name": blog.title,
        "summary": blog.summary,
        "url": blog.profile_url,
        "inbox": blog.inbox,
        "outbox": blog.outbox,
        "followers": blog.followers,
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "endpoints": {"sharedInbox": blog.site_inbox},
        "publicKey": {"id": blog.key_id, "owner": blog.id, "publicKeyPem": blog.public_key_pem},
    }
    if blog.icon:
        document["icon"] = {"type": "Image", "url": blog.icon}
    return document


def key_document(blog: BlogActor) -> dict[str, Any]:
    """What an unsigned GET of an actor gets when fetches must be signed: enough to
    check the blog's signatures and to write to it, nothing it publishes."""
    return {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": blog.id,
        "type": ACTOR_TYPE,
        "preferredUsername": blog.handle,
        "inbox": blog.inbox,
        "endpoints": {"sharedInbox": blog.site_inbox},
        "publicKey": {"id": blog.key_id, "owner": blog.id, "publicKeyPem": blog.public_key_pem},
    }


def article_id(blog: BlogActor, post_id: UUID) -> str:
    return f"{blog.id}/posts/{post_id}"


def article(blog: BlogActor, post: ArticleSource) -> dict[str, Any]:
    return {
        "id": article_id(blog, post.post_id),
        "type": "Article",
        "name": post.title,
        "summary": post.excerpt,
        "content": post.html,
        "url": post.url,
        "published": iso(post.published_at),
        "updated": iso(max(post.updated_at, post.published_at)),
        "attributedTo": blog.id,
        "to": [PUBLIC],
        "cc": [blog.followers],
        "contentMap": {post.language: post.html},
        "tag": [
            {"type": "Hashtag", "name": f"#{tag}", "href": f"{blog.profile_url}?tag={tag}"}
            for tag in post.tags
        ],
    }


def wrap(blog: BlogActor, kind: str, obj: dict[str, Any] | str, activity_id: str) -> dict[str, Any]:
    return {
        "@context": [AS_CONTEXT, EXTENSIONS],
        "id": activity_id,
        "type": kind,
        "actor": blog.id,
        "to": [PUBLIC],
        "cc": [blog.followers],
        "object": obj,
    }


def create_of(blog: BlogActor, post: ArticleSource) -> dict[str, Any]:
    activity = wrap(blog, "Create", article(blog, post), f"{article_id(blog, post.post_id)}#create")
    activity["published"] = iso(post.published_at)
    return activity


def accept_of(blog: BlogActor, follow: dict[str, Any], accept_id: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": accept_id,
        "type": "Accept",
        "actor": blog.id,
        "object": follow,
    }


def object_id(value: Any) -> str | None:
    """An activity's ``object`` (or ``actor``…) as an id: a string or an object's id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def first_url(value: Any) -> str | None:
    """``icon``/``url`` fields: a string, an object with ``url`` or ``href``, or a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value if value.startswith(("https://", "http://")) else None
    if isinstance(value, dict):
        return first_url(value.get("url") or value.get("href"))
    return None
