"""What a committed write changed on the public sites, told to every API process.

The unit of work decides, at commit, what its transaction may have changed for
anonymous readers (``PublicChange``) and sends it with ``pg_notify`` inside that same
transaction, just before COMMIT: PostgreSQL delivers a notification when, and only
when, its transaction commits, so no process hears of a change that was rolled back,
and every listening process hears of each committed one. The writing process also
applies the change to its own cache right after the commit (``announce``), before its
answer leaves, so a writer reading back through the same process never sees its write
missing; its own notification, which comes back to it too, is then ignored.

Three shapes of change, from the narrowest:
- the activity of some posts (votes, comments and their moderation): those posts'
  answers (the post, its comments) and the tenant's post lists, nothing else;
- everything of one tenant (any other write: posts, blogs, the tenant's settings);
- every tenant (a write without a tenant, such as a person's display name, which shows
  on the author pages of every site they write for).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

CHANNEL = "causerie_public"
# Where a notification comes from: each process ignores the ones it sent itself.
ORIGIN = uuid.uuid4().hex[:16]
# More posts than this in one transaction is told as a change of the whole tenant (a
# notification's payload is limited to 8000 bytes).
MAX_POSTS = 100


@dataclass(frozen=True)
class PublicChange:
    tenant_id: UUID | None  # None: every tenant
    posts: frozenset[UUID] | None = None  # None: everything of the tenant

    def payload(self) -> str:
        if self.tenant_id is None:
            return f"{ORIGIN} *"
        parts = [ORIGIN, str(self.tenant_id)]
        if self.posts is not None:
            parts.extend(sorted(str(p) for p in self.posts))
        return " ".join(parts)

    @staticmethod
    def parse(payload: str) -> tuple[str, PublicChange]:
        """The origin and the change; anything malformed is a change of every tenant."""
        parts = payload.split()
        try:
            origin, tenant, *posts = parts
            if tenant == "*":
                return origin, PublicChange(None)
            return origin, PublicChange(
                UUID(tenant), frozenset(UUID(p) for p in posts) if posts else None
            )
        except ValueError:
            return "", PublicChange(None)


_subscribers: list[Callable[[PublicChange], None]] = []


def subscribe(receiver: Callable[[PublicChange], None]) -> None:
    _subscribers.append(receiver)


def unsubscribe(receiver: Callable[[PublicChange], None]) -> None:
    if receiver in _subscribers:
        _subscribers.remove(receiver)


def announce(change: PublicChange) -> None:
    """This process's own committed change, applied at once to its caches."""
    for receiver in list(_subscribers):
        receiver(change)
