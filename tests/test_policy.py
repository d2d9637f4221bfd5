"""The permission policy against the roles table of API.md, written out cell by cell."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.kernel.access import (
    ANONYMOUS,
    Action,
    Actor,
    Principal,
    Role,
    Scope,
    allows,
    can_assign_role,
    require,
    require_platform,
)
from domain.kernel.errors import Forbidden, NotFound, Unauthenticated

TENANT = uuid4()
OTHER_TENANT = uuid4()

COLUMNS = ("operator", "owner", "manager", "moderator", "author", "reader", "anonymous")

# API.md, "Roles (per tenant) and what they may do". A cell that depends on more than
# the role ("own only", "if the tenant allows", "if enabled") is N here: the role alone
# does not grant the action on everything; the use case that knows the resource decides.
#                                   operator owner manager moderator author reader anonymous
EXPECTED: dict[Action, str] = {
    Action.READ_PUBLISHED: "        Y        Y     Y       Y         Y      Y      Y",
    Action.USE_CONSOLE: "           Y        Y     Y       Y         Y      N      N",
    Action.COMMENT_RATE: "          N        Y     Y       Y         Y      Y      N",
    Action.WRITE_POSTS: "           N        Y     Y       N         Y      N      N",
    Action.EDIT_ANY_POST: "         Y        Y     Y       N         N      N      N",
    Action.UNPUBLISH_ANY_POST: "    Y        Y     Y       Y         N      N      N",
    Action.MODERATE: "              Y        Y     Y       Y         N      N      N",
    Action.MANAGE_TENANT: "         Y        Y     Y       N         N      N      N",
    Action.READ_TENANT_ADMIN: "     Y        Y     Y       N         N      N      N",
    Action.INSIGHTS_FULL: "         Y        Y     Y       N         N      N      N",
    Action.INSIGHTS_MODERATION: "   Y        Y     Y       Y         N      N      N",
    Action.INSIGHTS_OWN: "          Y        Y     Y       N         Y      N      N",
    Action.READ_SUBSCRIPTION: "     Y        Y     Y       N         N      N      N",
    Action.SET_SUBSCRIPTION: "      Y        N     N       N         N      N      N",
    Action.MANAGE_PLANS: "          Y        N     N       N         N      N      N",
    Action.BE_MEMBER: "             Y        Y     Y       Y         Y      Y      N",
}


def expected(action: Action, column: str) -> bool:
    cells = EXPECTED[action].split()
    assert len(cells) == len(COLUMNS)
    return cells[COLUMNS.index(column)] == "Y"


def actor_for(column: str, tenant_id=TENANT) -> Actor:
    if column == "operator":
        return Actor(Principal(user_id=uuid4(), is_operator=True), tenant_id, None)
    if column == "anonymous":
        return Actor(ANONYMOUS, tenant_id, None)
    return Actor(Principal(user_id=uuid4()), tenant_id, Role(column))


def test_the_expected_table_covers_every_action_and_role():
    assert set(EXPECTED) == set(Action)
    assert set(COLUMNS) == {"operator", "anonymous"} | {r.value for r in Role}


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("column", COLUMNS)
def test_roles_table(column: str, action: Action):
    assert allows(actor_for(column), action) is expected(action, column)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_a_signed_in_non_member_is_treated_like_anonymous(action: Action):
    outsider = Actor(Principal(user_id=uuid4()), TENANT, None)
    assert allows(outsider, action) is expected(action, "anonymous")


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_an_operator_who_is_also_a_member_keeps_both(role: Role, action: Action):
    actor = Actor(Principal(user_id=uuid4(), is_operator=True), TENANT, role)
    assert allows(actor, action) is (expected(action, "operator") or expected(action, role))


def billing_key(tenant_id=None) -> Principal:
    return Principal(key_id=uuid4(), key_tenant_id=tenant_id, scopes=frozenset({Scope.BILLING}))


def content_key(tenant_id=TENANT) -> Principal:
    return Principal(
        key_id=uuid4(), key_tenant_id=tenant_id, scopes=frozenset({Scope.CONTENT_READ})
    )


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_a_billing_platform_key_sets_subscriptions_and_administers_nothing(action: Action):
    actor = Actor(billing_key(), TENANT, None)
    granted = {Action.SET_SUBSCRIPTION, Action.READ_SUBSCRIPTION}
    assert allows(actor, action) is (action in granted)


def test_a_billing_key_may_provision_tenants():
    require_platform(billing_key(), Action.SET_SUBSCRIPTION)
    with pytest.raises(Forbidden):
        require_platform(billing_key(TENANT), Action.SET_SUBSCRIPTION)
    with pytest.raises(Forbidden):
        require_platform(content_key(None), Action.SET_SUBSCRIPTION)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_a_content_read_tenant_key_reads_published_content_of_its_tenant_only(action: Action):
    assert allows(Actor(content_key(), TENANT, None), action) is (action is Action.READ_PUBLISHED)
    assert allows(Actor(content_key(), OTHER_TENANT, None), action) is False


def test_a_key_of_another_tenant_is_not_found_there():
    with pytest.raises(NotFound):
        require(Actor(content_key(), OTHER_TENANT, None), Action.READ_PUBLISHED)
    with pytest.raises(NotFound):
        require(Actor(content_key(), TENANT, None), Action.MANAGE_TENANT)


def test_require_platform_for_people():
    operator = Principal(user_id=uuid4(), is_operator=True)
    require_platform(operator, Action.SET_SUBSCRIPTION)
    with pytest.raises(Forbidden):
        require_platform(Principal(user_id=uuid4()), Action.SET_SUBSCRIPTION)
    with pytest.raises(Unauthenticated):
        require_platform(ANONYMOUS, Action.SET_SUBSCRIPTION)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("column", COLUMNS)
def test_require_hides_the_tenant_from_non_members_and_forbids_members(column: str, action: Action):
    """Without credentials a 401, the same for every tenant; a member without the role a 403."""
    actor = actor_for(column)
    if expected(action, column):
        require(actor, action)
    elif column == "anonymous":
        with pytest.raises(Unauthenticated):
            require(actor, action)
    else:
        with pytest.raises(Forbidden):
            require(actor, action)


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
def test_require_answers_not_found_to_a_signed_in_non_member(action: Action):
    outsider = Actor(Principal(user_id=uuid4()), TENANT, None)
    if expected(action, "anonymous"):
        require(outsider, action)
    else:
        with pytest.raises(NotFound):
            require(outsider, action)


ROLES_AND_NONE = [*Role, None]


@pytest.mark.parametrize("current", ROLES_AND_NONE, ids=str)
@pytest.mark.parametrize("new", ROLES_AND_NONE, ids=str)
def test_owners_and_operators_assign_any_role(current, new):
    assert can_assign_role(actor_for("owner"), current, new)
    assert can_assign_role(actor_for("operator"), current, new)


@pytest.mark.parametrize("current", ROLES_AND_NONE, ids=str)
@pytest.mark.parametrize("new", ROLES_AND_NONE, ids=str)
def test_managers_manage_everyone_but_owners(current, new):
    allowed = current is not Role.OWNER and new is not Role.OWNER
    assert can_assign_role(actor_for("manager"), current, new) is allowed


@pytest.mark.parametrize("column", ["moderator", "author", "reader", "anonymous"])
@pytest.mark.parametrize("current", ROLES_AND_NONE, ids=str)
def test_other_roles_assign_nothing(column, current):
    for new in ROLES_AND_NONE:
        assert not can_assign_role(actor_for(column), current, new)


def test_a_manager_cannot_make_an_owner_or_touch_one():
    manager = actor_for("manager")
    assert not can_assign_role(manager, None, Role.OWNER)
    assert not can_assign_role(manager, Role.MANAGER, Role.OWNER)
    assert not can_assign_role(manager, Role.OWNER, Role.MANAGER)
    assert not can_assign_role(manager, Role.OWNER, None)
    assert can_assign_role(manager, Role.MANAGER, Role.READER)
    assert can_assign_role(manager, Role.AUTHOR, None)
