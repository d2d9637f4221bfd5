"""Every route declares who may call it, and answers every kind of caller as the policy
table says.

The first test reads the declaration (the gate of ``api/access.py``) off every route of
the app: a route without one fails it. The second calls every route as each kind of
caller — anonymous, each role of the tenant, a platform operator, the billing system's
key, a tenant's content key, another tenant's owner — and compares the answer with the
decision the gate takes from the policy table (``domain/kernel/access.py``):

- where the policy refuses, the answer is that refusal (401, 403 or 404) and nothing else;
- where it admits, the answer is never a refusal of the gate's kind: no 401, no 403, and
  no "No such tenant/site" 404. Path ids are random, so admitted callers mostly get a
  404 for the resource, a 422 for the empty body, or a 200 for a list;
- whatever the answer, a shared cache may keep it only when it is a success of an open
  route: every other answer says ``Cache-Control: private, no-store``.

A use case may refuse more finely than the route's entry action (an author moderating
only their own posts, for instance): each such case is listed in ``REFINED`` with why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from api.access import Gate, _PlatformGate, _TenantGate
from api.problems import CATALOGUE, code_for_domain_error
from api.registry import ROUTERS
from api.system import routes as system
from domain.kernel.access import Actor, Principal, Role, Scope, require, require_platform
from domain.kernel.errors import DomainError, Unauthenticated
from domain.tenants.model import TenantSettings
from tests.gates import gates_of

CALLERS = (
    "anonymous",
    "owner",
    "manager",
    "moderator",
    "author",
    "reader",
    "operator",
    "billing_key",
    "content_key",
    "other_owner",
)

# (operation id, caller) -> the status a use case answers although the gate admits the
# caller, and why. Keep this short: each line is a rule finer than the policy table.
REFINED: dict[tuple[str, str], tuple[int, str]] = {
    **{
        (operation, caller): (403, "platform keys: signed-in people, then operators only")
        for operation in ("platform-api-keys-list", "platform-api-keys-revoke")
        for caller in ("owner", "manager", "moderator", "author", "reader", "other_owner")
    },
    **{
        ("members-remove", caller): (403, "every member may leave; only staff remove others")
        for caller in ("moderator", "author", "reader")
    },
    **{
        (operation, "author"): (
            403,
            "the queue admits the console's members; authors moderate only where the tenant "
            "lets them, and only comments on their own posts (moderation_scope)",
        )
        for operation in (
            "comments-queue",
            "comments-counts",
            "comments-get",
            "comments-moderate",
        )
    },
    ("insights-author", "author"): (
        403,
        "authors see their own detail only: a random id is another's",
    ),
    ("briefs-list", "author"): (
        403,
        "the briefs are for staff and ambassadors; an author who is not one is refused",
    ),
}

SELF_ERASING = {"site-erase-me"}

# Refusals that only the gate gives: a 404 with one of these details says "this tenant
# or site is not yours", as opposed to "no such post".
GATE_NOT_FOUND = {"No such tenant.", "No such site."}


def api_routes(app) -> list[_Mounted]:
    """Every route the app serves, with its full path (the app mounts our routers under
    ``/v1``, the system router at the root)."""
    mounted = [("", system.router)] + [("/v1", router) for router in ROUTERS]
    routes = []
    for prefix, router in mounted:
        for route in router.routes:
            assert isinstance(route, APIRoute), route
            routes.append(_Mounted(prefix + route.path, route))
    assert len(routes) > 50
    return routes


class _Mounted:
    """A route and the path it answers on."""

    def __init__(self, path: str, route: APIRoute):
        self.path, self.route = path, route
        self.methods, self.dependant = route.methods, route.dependant
        self.operation_id = route.operation_id


def test_every_route_declares_exactly_one_gate(app):
    missing, several = [], []
    for route in api_routes(app):
        gates = list(dict.fromkeys(gates_of(route.dependant)))
        if not gates:
            missing.append(f"{sorted(route.methods)} {route.path}")
        elif len(gates) > 1:
            several.append(f"{sorted(route.methods)} {route.path}: {gates}")
    assert not missing, "routes without an access declaration:\n" + "\n".join(missing)
    assert not several, "routes with more than one access declaration:\n" + "\n".join(several)


def test_every_gate_names_a_policy_action_or_is_open(app):
    for route in api_routes(app):
        for gate in gates_of(route.dependant):
            assert gate.kind in {"tenant", "site", "platform", "user", "anyone", "public"}
            if gate.kind in {"tenant", "site", "platform", "public"}:
                assert gate.action is not None, route.path


# --- the walk ---------------------------------------------------------------------------


def _status_of(error: DomainError) -> int:
    return CATALOGUE[code_for_domain_error(error)].status


def expected_refusal(gate: Gate, principal: Principal, role: Role | None, tenant_id) -> int | None:
    """The status the gate's decision gives this caller, or None when it admits them."""
    actor = Actor(principal, tenant_id, role)
    try:
        if isinstance(gate, _TenantGate):  # includes the contributor gate
            gate.check(actor, TenantSettings())
        elif isinstance(gate, _PlatformGate):
            assert gate.action is not None
            require_platform(principal, gate.action)
        elif gate.kind == "user":
            if principal.user_id is None:
                raise Unauthenticated("Sign in first.")
        elif gate.kind == "public":
            assert gate.action is not None
            require(actor, gate.action)
    except DomainError as error:
        return _status_of(error)
    return None


def _path_value(name: str) -> str:
    if name.endswith("_id") and name != "plan_id":
        return str(uuid4())
    return {"action": "approve", "plan_id": "no-such-plan", "slug": "no-such-thing"}.get(
        name, "no-such-thing"
    )


def _path_params(dependant: Dependant) -> Iterator[str]:
    """The path parameters a route reads, its dependencies' (the gate's ``tenant``) too."""
    for param in dependant.path_params:
        yield param.name
    for sub in dependant.dependencies:
        yield from _path_params(sub)


def _url(route: _Mounted, tenant: str) -> str:
    path = route.path
    for name in set(_path_params(route.dependant)):
        value = tenant if name == "tenant" else _path_value(name)
        path = path.replace("{" + name + "}", value)
    return path


async def _callers(client, factory) -> tuple[Any, dict[str, tuple[dict, Principal, Role | None]]]:
    world = await factory.world()
    other = await factory.world()
    key = await client.post(
        f"/v1/tenants/{world.slug}/api-keys",
        json={"name": "front-end", "scopes": ["content:read"]},
        headers=world.headers["owner"],
    )
    billing = await client.post(
        "/v1/api-keys",
        json={"name": "billing", "scopes": ["billing"]},
        headers=world.headers["operator"],
    )
    assert key.status_code == billing.status_code == 201, (key.text, billing.text)
    content, platform = key.json(), billing.json()
    callers: dict[str, tuple[dict, Principal, Role | None]] = {
        "anonymous": ({}, Principal(), None),
        "operator": (
            world.headers["operator"],
            Principal(user_id=world.users["operator"].id, is_operator=True),
            None,
        ),
        "billing_key": (
            {"Authorization": f"Bearer {platform['secret']}"},
            Principal(key_id=uuid4(), scopes=frozenset({Scope.BILLING})),
            None,
        ),
        "content_key": (
            {"Authorization": f"Bearer {content['secret']}"},
            Principal(
                key_id=uuid4(),
                key_tenant_id=world.tenant.id,
                scopes=frozenset({Scope.CONTENT_READ}),
            ),
            None,
        ),
        "other_owner": (
            other.headers["owner"],
            Principal(user_id=other.users["owner"].id),
            None,
        ),
    }
    for role in Role:
        callers[role.value] = (
            world.headers[role.value],
            Principal(user_id=world.users[role.value].id),
            role,
        )
    return world, callers


def _cacheable_as_declared(gate: Gate, status: int, cache_control: str | None) -> bool:
    """Only a success of an open route may be public; everything else, console answers
    and every error, is ``private, no-store`` (a shared cache keeps none of it)."""
    if cache_control == "private, no-store":
        return True
    return (
        gate.kind in {"public", "anyone"}
        and status < 400
        and cache_control is not None
        and cache_control.startswith("public,")
    )


@pytest.mark.parametrize("caller", CALLERS)
async def test_every_route_answers_each_caller_as_the_policy_says(app, client, factory, caller):
    world, callers = await _callers(client, factory)
    headers, principal, role = callers[caller]
    wrong: list[str] = []
    # A reader who erases their account leaves the tenant: walked last, so that every
    # other route still meets the caller the policy is asked about.
    walk = sorted(api_routes(app), key=lambda r: r.operation_id in SELF_ERASING)
    for route in walk:
        gate = next(gates_of(route.dependant), None)
        assert gate is not None, route.path
        refusal = expected_refusal(gate, principal, role, world.tenant.id)
        for method in sorted(route.methods):
            if method == "HEAD":
                continue
            body = {} if method in {"POST", "PUT", "PATCH"} else None
            answer = await client.request(
                method, _url(route, world.slug), json=body, headers=headers
            )
            status = answer.status_code
            detail = (
                answer.json().get("detail")
                if answer.headers.get("content-type", "").startswith("application/problem+json")
                else None
            )
            where = f"{method} {route.path} ({route.operation_id})"
            refined = REFINED.get((route.operation_id or "", caller))
            if refusal is not None:
                if status != refusal:
                    wrong.append(f"{where}: policy refuses with {refusal}, got {status} {detail}")
            elif refined is not None:
                if status != refined[0]:
                    wrong.append(f"{where}: expected the refined {refined[0]}, got {status}")
            elif status in (401, 403) or (status == 404 and detail in GATE_NOT_FOUND):
                wrong.append(f"{where}: policy admits, got {status} {detail}")
            elif status >= 500:
                wrong.append(f"{where}: {status}")
            if not _cacheable_as_declared(gate, status, answer.headers.get("cache-control")):
                wrong.append(
                    f"{where}: {status} with Cache-Control {answer.headers.get('cache-control')}"
                )
    assert not wrong, f"{caller}:\n" + "\n".join(wrong)
