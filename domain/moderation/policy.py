"""Who may moderate what: the whole tenant's comments, or an author's own posts' only.

Plain functions of plain values, tested without a database.
"""

from __future__ import annotations

from uuid import UUID

from domain.kernel.access import Action, Actor, Role, allows, require
from domain.kernel.errors import Forbidden, NotFound
from domain.tenants.model import TenantSettings


def moderation_scope(actor: Actor, settings: TenantSettings, *, write: bool) -> UUID | None:
    """Who may use the queue. None: every comment of the tenant. A user id: an author
    limited to comments on their own posts (only when the tenant's settings allow it).

    Reads go on while the subscription is inactive; decisions (``write``) are refused.
    """
    if allows(actor, Action.MODERATE):
        if write:
            require(actor, Action.MODERATE)
        return None
    if (
        actor.role is Role.AUTHOR
        and settings.authors_moderate_own_posts
        and actor.user_id is not None
    ):
        if write and not actor.writable:
            require(actor, Action.WRITE_POSTS)  # raises SubscriptionInactive
        return actor.user_id
    if actor.role is None and not actor.principal.is_operator:
        raise NotFound("No such tenant.")
    raise Forbidden("Your role does not allow moderating comments.")


def opens_the_queue(actor: Actor, settings: TenantSettings) -> bool:
    """Whether ``moderation_scope`` lets this actor read a queue at all (the whole
    tenant's, or an author's own posts'): what a client needs to offer the screen."""
    try:
        moderation_scope(actor, settings, write=False)
    except (Forbidden, NotFound):
        return False
    return True
