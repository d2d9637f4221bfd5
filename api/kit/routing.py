"""A route class that refuses bodies of the wrong media type with a 415 problem."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi import params as fastapi_params
from fastapi.routing import APIRoute, APIRouter

from api.problems import ApiProblem

_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class CheckedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        body_field = self.body_field
        expects_json = body_field is not None and not isinstance(
            body_field.field_info, fastapi_params.Form
        )
        if not expects_json:
            return handler

        async def checked(request: Request) -> Response:
            if request.method in _BODY_METHODS:
                content_type = request.headers.get("content-type", "")
                has_body = request.headers.get("content-length", "0") != "0" or (
                    "transfer-encoding" in request.headers
                )
                if has_body and not _is_json(content_type):
                    raise ApiProblem(
                        "unsupported_media_type",
                        f"Send the body as application/json, not {content_type or 'no type'}.",
                    )
            return await handler(request)

        return checked


def new_router(**kwargs: Any) -> APIRouter:
    """Every router of ours uses ``CheckedRoute``."""
    return APIRouter(route_class=CheckedRoute, **kwargs)
