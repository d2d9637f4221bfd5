"""Every route of the accounts, tenants and members slices declares its access with one
gate, and the gate is the one the slice means (the use cases keep the finer rules:
platform keys are for operators, members other than staff remove only themselves)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from api.accounts import routes as accounts
from api.members import routes as members
from api.tenants import public as tenants_public
from api.tenants import routes as tenants
from domain.kernel.access import Action
from tests.gates import declared, routes_of

ADMIN = ("tenant", Action.READ_TENANT_ADMIN)
MANAGE = ("tenant", Action.MANAGE_TENANT)
SIGNED_IN = ("user", None)
OPEN = ("anyone", None)

EXPECTED: dict[str, tuple[str, Action | None]] = {
    # accounts
    "auth-token": OPEN,
    "auth-refresh": OPEN,
    "auth-revoke": OPEN,
    "sites-signup": OPEN,
    "me-get": SIGNED_IN,
    "me-update": SIGNED_IN,
    "me-change-password": SIGNED_IN,
    # tenants
    "tenants-create": ("platform", Action.SET_SUBSCRIPTION),
    "tenants-get": ADMIN,
    "tenants-update": MANAGE,
    "domains-list": ADMIN,
    "domains-add": MANAGE,
    "domains-remove": MANAGE,
    "api-keys-list": MANAGE,
    "api-keys-create": MANAGE,
    "api-keys-revoke": MANAGE,
    "platform-api-keys-list": SIGNED_IN,
    "platform-api-keys-create": SIGNED_IN,
    "platform-api-keys-revoke": SIGNED_IN,
    "audit-log-list": ADMIN,
    "sites-get": ("public", Action.READ_PUBLISHED),
    "sites-resolve": OPEN,
    # members
    "members-list": ADMIN,
    "invitations-create": MANAGE,
    "invitations-accept": SIGNED_IN,
    "members-change-role": MANAGE,
    "members-remove": ("tenant", Action.BE_MEMBER),
}

ROUTES = routes_of(accounts, tenants, tenants_public, members)


def test_every_route_of_the_slices_is_listed():
    assert sorted(r.operation_id or "" for r in ROUTES) == sorted(EXPECTED)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_declares_one_gate(route: APIRoute):
    assert declared(route) == EXPECTED[route.operation_id or ""]
