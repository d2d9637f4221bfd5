"""Who may do what: the roles table of API.md, in one place.

Every endpoint asks ``require(actor, Action.X)``. A caller who sent no credentials at
all gets ``Unauthenticated`` (the answer is the same for every tenant, existing or not,
so it confirms nothing); a signed-in caller or a key with no role in the tenant gets
``NotFound`` (the tenant's existence is not confirmed); a member whose role does not
allow the action gets ``Forbidden``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from domain.kernel.errors import Forbidden, NotFound, SubscriptionInactive, Unauthenticated

OPERATOR = "operator"


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    MODERATOR = "moderator"
    AUTHOR = "author"
    READER = "reader"


class Scope(StrEnum):
    BILLING = "billing"
    CONTENT_READ = "content:read"


class Action(StrEnum):
    READ_PUBLISHED = "read_published"
    USE_CONSOLE = "use_console"  # the console's blogs and posts: all who write or moderate
    COMMENT_RATE = "comment_rate"
    WRITE_POSTS = "write_posts"  # create a blog, write posts in own blogs
    EDIT_ANY_POST = "edit_any_post"
    UNPUBLISH_ANY_POST = "unpublish_any_post"
    MODERATE = "moderate"
    MANAGE_TENANT = "manage_tenant"  # members, roles, branding, settings, API keys, domains
    READ_TENANT_ADMIN = "read_tenant_admin"  # the console's view of the tenant and its audit log
    INSIGHTS_FULL = "insights_full"
    INSIGHTS_MODERATION = "insights_moderation"
    INSIGHTS_OWN = "insights_own"
    READ_SUBSCRIPTION = "read_subscription"
    SET_SUBSCRIPTION = "set_subscription"  # also: provision tenants
    MANAGE_PLANS = "manage_plans"  # the plan catalogue: operators only, no API key
    BE_MEMBER = "be_member"  # any role in the tenant: leave it (staff also remove others)


_ALL_MEMBERS = frozenset(Role)
_STAFF = frozenset({Role.OWNER, Role.MANAGER})

# action -> roles allowed, and whether platform operators are allowed.
ROLE_TABLE: dict[Action, tuple[frozenset[Role], bool]] = {
    Action.READ_PUBLISHED: (_ALL_MEMBERS, True),
    Action.USE_CONSOLE: (_STAFF | {Role.MODERATOR, Role.AUTHOR}, True),
    Action.COMMENT_RATE: (_ALL_MEMBERS, False),
    Action.WRITE_POSTS: (frozenset({Role.OWNER, Role.MANAGER, Role.AUTHOR}), False),
    Action.EDIT_ANY_POST: (_STAFF, True),
    Action.UNPUBLISH_ANY_POST: (_STAFF | {Role.MODERATOR}, True),
    Action.MODERATE: (_STAFF | {Role.MODERATOR}, True),
    Action.MANAGE_TENANT: (_STAFF, True),
    Action.READ_TENANT_ADMIN: (_STAFF, True),
    Action.INSIGHTS_FULL: (_STAFF, True),
    Action.INSIGHTS_MODERATION: (_STAFF | {Role.MODERATOR}, True),
    Action.INSIGHTS_OWN: (_STAFF | {Role.AUTHOR}, True),
    Action.READ_SUBSCRIPTION: (_STAFF, True),
    Action.SET_SUBSCRIPTION: (frozenset(), True),
    Action.MANAGE_PLANS: (frozenset(), True),
    Action.BE_MEMBER: (_ALL_MEMBERS, True),
}

# Open to everyone, members or not, signed in or not (API keys still need the scope).
PUBLIC_ACTIONS = frozenset({Action.READ_PUBLISHED})

# Actions that change the tenant's data: refused while its subscription is inactive.
WRITE_ACTIONS = frozenset(
    {
        Action.COMMENT_RATE,
        Action.WRITE_POSTS,
        Action.EDIT_ANY_POST,
        Action.UNPUBLISH_ANY_POST,
        Action.MODERATE,
        Action.MANAGE_TENANT,
    }
)

# Service (API key) scopes and the actions they unlock.
SCOPE_TABLE: dict[Scope, frozenset[Action]] = {
    Scope.BILLING: frozenset({Action.SET_SUBSCRIPTION, Action.READ_SUBSCRIPTION}),
    Scope.CONTENT_READ: frozenset({Action.READ_PUBLISHED}),
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a signed-in user or a service holding an API key."""

    user_id: UUID | None = None
    is_operator: bool = False
    key_id: UUID | None = None
    key_tenant_id: UUID | None = None  # a tenant-scoped key works in that tenant only
    scopes: frozenset[Scope] = field(default_factory=frozenset)

    @property
    def is_service(self) -> bool:
        return self.key_id is not None

    @property
    def is_anonymous(self) -> bool:
        """No credentials were sent: neither a user's token nor an API key."""
        return self.user_id is None and self.key_id is None


ANONYMOUS = Principal()


@dataclass(frozen=True)
class Actor:
    """A principal inside one tenant, with the role it holds there (if any)."""

    principal: Principal
    tenant_id: UUID
    role: Role | None
    writable: bool = True  # False while the tenant's subscription is suspended or cancelled

    @property
    def user_id(self) -> UUID | None:
        return self.principal.user_id


def allows(actor: Actor, action: Action) -> bool:
    roles, operators = ROLE_TABLE[action]
    principal = actor.principal
    if principal.is_service:
        if principal.key_tenant_id not in (None, actor.tenant_id):
            return False
        return any(action in SCOPE_TABLE[s] for s in principal.scopes)
    if action in PUBLIC_ACTIONS:
        return True
    if principal.is_operator and operators:
        return True
    return actor.role is not None and actor.role in roles


def require(actor: Actor, action: Action) -> None:
    if allows(actor, action):
        if action in WRITE_ACTIONS and not actor.writable:
            raise SubscriptionInactive(
                "The subscription is suspended or cancelled: changes are refused until it is resumed."
            )
        return
    if actor.principal.is_anonymous:
        # Said alike for every tenant, so it confirms none: credentials are missing.
        raise Unauthenticated("Sign in or send an API key.")
    if actor.role is None and not actor.principal.is_operator:
        # Not a member: do not confirm the tenant (or resource) exists.
        raise NotFound("No such tenant.")
    raise Forbidden(f"Your role does not allow {action.value.replace('_', ' ')}.")


def refuse_anonymous(principal: Principal, action: Action) -> None:
    """A caller without credentials is refused before any tenant is looked up, where the
    action is not open to everyone: the 401 then says nothing about the tenant."""
    if principal.is_anonymous and action not in PUBLIC_ACTIONS:
        raise Unauthenticated("Sign in or send an API key.")


def require_contributor(actor: Actor, anonymous_allowed: bool, what: str = "take part") -> bool:
    """A reader's part in a public site (commenting, rating, reporting): True for a
    signed-in member, False for an anonymous reader the tenant accepts.

    Signed-in people without a role here join the site first (as readers); API keys and
    platform operators do not take part in a tenant's conversation.
    """
    if actor.principal.is_service:
        raise Forbidden(f"API keys cannot {what}.")
    if actor.user_id is not None:
        if actor.role is None:
            raise Forbidden(f"Join this site as a reader to {what}.")
        require(actor, Action.COMMENT_RATE)
        return True
    if not anonymous_allowed:
        raise Unauthenticated(f"Sign in to {what} on this site.")
    if not actor.writable:
        raise SubscriptionInactive("This site does not take contributions at the moment.")
    return False


def require_platform(principal: Principal, action: Action) -> None:
    """Platform-level actions (provisioning, plans): operators or a platform key's scope."""
    if principal.is_service:
        if principal.key_tenant_id is None and any(
            action in SCOPE_TABLE[s] for s in principal.scopes
        ):
            return
        raise Forbidden("This API key's scopes do not allow that.")
    if principal.is_operator and ROLE_TABLE[action][1]:
        return
    if principal.user_id is None:
        raise Unauthenticated("Sign in or send an API key.")
    raise Forbidden("Only platform operators may do that.")


def can_assign_role(actor: Actor, current: Role | None, new: Role | None) -> bool:
    """Managers manage everyone but owners; only owners (and operators) touch ownership."""
    if actor.principal.is_operator or actor.role is Role.OWNER:
        return True
    if actor.role is Role.MANAGER:
        return current is not Role.OWNER and new is not Role.OWNER
    return False
