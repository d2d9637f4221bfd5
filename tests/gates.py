"""Reading the access declarations off routes, for the tests that pin each slice's gates
and for the walk of every route (``tests/test_access_walk.py``)."""

from __future__ import annotations

from types import ModuleType

from fastapi.routing import APIRoute

from api.access import gates_of
from domain.kernel.access import Action


def routes_of(*modules: ModuleType) -> list[APIRoute]:
    """The routes of slice modules that each define a ``router``."""
    return [r for m in modules for r in m.router.routes if isinstance(r, APIRoute)]


def declared(route: APIRoute) -> tuple[str, Action | None]:
    """The one gate a route declares, as (kind, action); fails on none or several."""
    found = list(dict.fromkeys(gates_of(route.dependant)))
    assert len(found) == 1, f"{route.operation_id}: {found}"
    return found[0].kind, found[0].action
