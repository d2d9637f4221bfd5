"""Every route of the comments and ratings slices declares its access with one gate, the
one the slice means: public reads through the site, contributions as a member (or an
anonymous reader where the tenant's setting allows it). The use cases keep the finer
rules (the author's own comment, the edit window)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from api.access import _ContributorGate
from api.comments import routes as comments
from api.ratings import routes as ratings
from domain.kernel.access import Action
from domain.tenants.model import TenantSettings
from tests.gates import declared, gates_of, routes_of

EXPECTED: dict[str, tuple[str, Action, str | None]] = {
    "comments-list": ("public", Action.READ_PUBLISHED, None),
    "comments-create": ("site", Action.COMMENT_RATE, "anonymous_comments"),
    "comments-edit": ("site", Action.COMMENT_RATE, None),
    "comments-delete": ("site", Action.COMMENT_RATE, None),
    "comments-report": ("site", Action.COMMENT_RATE, None),
    "ratings-get": ("public", Action.READ_PUBLISHED, None),
    "ratings-put": ("site", Action.COMMENT_RATE, "anonymous_ratings"),
    "ratings-delete": ("site", Action.COMMENT_RATE, "anonymous_ratings"),
}

ROUTES = routes_of(comments, ratings)


def test_every_route_of_the_slices_is_listed():
    assert sorted(r.operation_id or "" for r in ROUTES) == sorted(EXPECTED)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_declares_one_gate(route: APIRoute):
    kind, action, setting = EXPECTED[route.operation_id or ""]
    assert declared(route) == (kind, action)
    gate = next(gates_of(route.dependant))
    if isinstance(gate, _ContributorGate):
        selector = gate.anonymous_if
        if setting is None:
            assert selector is None
        else:  # the tenant's own setting decides, and nothing else
            assert selector is not None
            assert selector(TenantSettings(**{setting: True})) is True
            assert selector(TenantSettings(**{setting: False})) is False
