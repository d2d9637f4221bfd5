"""Every route of the moderation slice declares one gate: the console's members come in
(USE_CONSOLE, so authors reach the queue where the tenant lets them moderate their own
posts); ``moderation_scope`` in the use cases decides what each may see and do. The
commenter panel (trust, ban, note), staff replies and pins are for moderators only
(MODERATE)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

from api.moderation import routes as moderation
from domain.kernel.access import Action
from tests.gates import declared, routes_of

OPERATIONS = {
    "comments-queue",
    "comments-counts",
    "comments-get",
    "comments-moderate-bulk",
    "comments-moderate",
    "commenters-get",
    "commenters-set-standing",
    "comments-staff-reply",
    "comments-pin",
    "comments-unpin",
}
MODERATORS_ONLY = {
    "commenters-get",
    "commenters-set-standing",
    "comments-staff-reply",
    "comments-pin",
    "comments-unpin",
}
ROUTES = routes_of(moderation)


def test_every_route_of_the_slice_is_listed():
    assert {r.operation_id for r in ROUTES} == OPERATIONS


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_route_declares_one_gate(route: APIRoute):
    expected = Action.MODERATE if route.operation_id in MODERATORS_ONLY else Action.USE_CONSOLE
    assert declared(route) == ("tenant", expected)
