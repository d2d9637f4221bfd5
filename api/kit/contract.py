"""The OpenAPI document tells what the server does: every error answer of every
operation, derived here from what each route declares, never written by hand per route.

- One ``Problem`` schema, generated from the error map (``api/problems.py``: the codes,
  their statuses and the extension members each carries), is the body of every error
  answer, as ``application/problem+json`` (FastAPI's ``HTTPValidationError`` is gone:
  a 422 is a problem like any other).
- Which errors an operation can answer follows from its gate (its kind: who may call),
  its method, its parameters and its body: 401/403 where credentials are read, 402 where
  a tenant's plan or standing decides, 404 where a path names something, 409 on writes,
  412/428 where ``If-Match`` is taken (and then required), 400/413/415/422 where input is
  read, and 429/500/503 everywhere.
- A parameter (path, query, header) is a string on the wire, never JSON ``null``: an
  optional one is simply left out, so its schema loses FastAPI's ``null`` branch. Headers
  the server parses itself get the shape it checks (``Idempotency-Key``).
- Headers get schemas, optional credentials are declared optional (``{}`` beside the
  bearer scheme), operations are tagged and described (with who may call them), and a
  creation links to the reads and edits of what it created.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, routing
from fastapi import params as fastapi_params
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api.access import Gate, gates_of
from api.kit.schemas import CHECKED_REQUIRED, IDEMPOTENCY_KEY
from api.problems import CATALOGUE, MEMBERS, PROBLEM_MEDIA_TYPE

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BEARER = "HTTPBearer"
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_STRING = {"type": "string"}
_SECONDS = {"type": "integer", "minimum": 0}

# What each kind of gate lets through, said once for every operation's description.
_ACCESS = {
    "tenant": "Members of the tenant whose role allows `{action}`, operators where the "
    "policy table says so, and API keys holding a scope that allows it.",
    "site": "A reader's part in an online public site (`{action}`): its members, and "
    "anonymous readers where the tenant allows it.",
    "platform": "Platform operators, or a platform API key holding a scope that allows `{action}`.",
    "user": "Any signed-in user (their own account).",
    "public": "Anyone: credentials are optional (a bad one is still a 401; an API key "
    "needs `content:read`).",
    "anyone": "Anyone.",
}
# Headers each error status carries, beside the problem document.
_ERROR_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"description": "The scheme to use", "schema": _STRING}},
    405: {"Allow": {"description": "The methods the path accepts", "schema": _STRING}},
    429: {"Retry-After": {"description": "Seconds to wait", "schema": _SECONDS}},
    503: {"Retry-After": {"description": "Seconds to wait", "schema": _SECONDS}},
}
# Request headers that routes read as plain strings and check themselves (a malformed one
# is a 400 of its own code): the schema says the shape the check accepts.
_REQUEST_HEADER_SHAPES: dict[str, dict[str, Any]] = {
    "idempotency-key": {"type": "string", "pattern": IDEMPOTENCY_KEY.pattern},
}
_HEADER_SCHEMAS: dict[str, dict[str, Any]] = {
    "ratelimit-limit": _SECONDS,
    "ratelimit-remaining": _SECONDS,
    "ratelimit-reset": _SECONDS,
    "retry-after": _SECONDS,
}


def problem_schema() -> dict[str, Any]:
    """The one ``Problem`` schema, from the error map."""
    carried_by: dict[str, list[str]] = {name: [] for name in MEMBERS}
    for ptype in CATALOGUE.values():
        for name in ptype.members:
            carried_by[name].append(ptype.code)
    extensions = {
        name: {
            **copy.deepcopy(schema),
            "description": f"{schema['description']} Carried by: "
            + ", ".join(f"`{code}`" for code in carried_by[name])
            + ".",
        }
        for name, schema in MEMBERS.items()
    }
    codes = "\n".join(f"- `{p.code}` ({p.status}): {p.explanation}" for p in CATALOGUE.values())
    return {
        "type": "object",
        "title": "Problem",
        "description": "An RFC 9457 problem document. Its `code` is stable:\n\n" + codes,
        "required": ["type", "title", "status", "detail", "code"],
        "properties": {
            "type": {
                "type": "string",
                "format": "uri-reference",
                "description": "`/problems/<code>` (hyphens for underscores): a page about it.",
            },
            "title": {"type": "string"},
            "status": {
                "type": "integer",
                "enum": sorted({p.status for p in CATALOGUE.values()}),
            },
            "detail": {"type": "string"},
            "code": {"type": "string", "enum": list(CATALOGUE)},
            "request_id": {
                "type": ["string", "null"],
                "description": "The request's id, as in our logs.",
            },
            **extensions,
        },
    }


def _describe(status: int) -> str:
    return " or ".join(p.title for p in CATALOGUE.values() if p.status == status)


class _Facts:
    """What an operation's declaration says about the errors it can answer."""

    def __init__(self, route: APIRoute, method: str, operation: dict[str, Any]):
        gates: list[Gate] = list(dict.fromkeys(gates_of(route.dependant)))
        self.gate = gates[0] if gates else None
        self.kind = self.gate.kind if self.gate else "anyone"
        self.method = method
        parameters = operation.get("parameters", [])
        self.path_params = [p["name"] for p in parameters if p["in"] == "path"]
        self.headers = {p["name"].lower() for p in parameters if p["in"] == "header"}
        self.has_input = bool(parameters)
        body = route.body_field
        self.body = body is not None
        self.json_body = body is not None and not isinstance(body.field_info, fastapi_params.Form)
        self.reads_credentials = BEARER in {
            name for requirement in operation.get("security", []) for name in requirement
        }

    def statuses(self) -> set[int]:
        out = {429, 500, 503}
        if self.has_input or self.body:
            out.add(422)
        if self.body or self.headers & {"if-match", "idempotency-key"}:
            out.add(400)
        if self.body:
            out.add(413)
        if self.json_body:
            out.add(415)
        if self.reads_credentials or self.kind not in ("anyone", "public"):
            out |= {401, 403}
        if self.kind in ("tenant", "site"):
            out.add(402)
        if self.path_params:
            out.add(404)
        if self.method in _WRITES:
            out.add(409)
        if "if-match" in self.headers:
            out |= {412, 428}
        return out

    def security(self) -> list[dict[str, list[str]]]:
        if self.kind in ("tenant", "platform", "user"):
            return [{BEARER: []}]
        if self.reads_credentials or self.kind == "site":
            return [{BEARER: []}, {}]
        return []

    def access(self) -> str:
        action = self.gate.action.value if self.gate and self.gate.action else ""
        return _ACCESS[self.kind].format(action=action)


def _error_response(existing: dict[str, Any] | None, status: int) -> dict[str, Any]:
    response = dict(existing or {})
    description = response.get("description")
    if not description or description in ("Validation Error", "Successful Response"):
        response["description"] = _describe(status)
    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_REF}}
    headers = {**_ERROR_HEADERS.get(status, {}), **response.get("headers", {})}
    if headers:
        response["headers"] = headers
    return response


def _schema_headers(responses: dict[str, Any]) -> None:
    for response in responses.values():
        for name, header in response.get("headers", {}).items():
            header.setdefault("schema", dict(_HEADER_SCHEMAS.get(name.lower(), _STRING)))


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, null]`` becomes ``X`` (with the schema's own description and title)."""
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if "anyOf" not in schema or len(options) != 1:
        return schema
    described = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    if schema.get("default") is not None:
        described["default"] = schema["default"]
    return {**described, **options[0]}


def _parameters(operation: dict[str, Any]) -> None:
    """Parameters as they travel: never ``null``; checked headers with their shape."""
    for parameter in operation.get("parameters", []):
        schema = _without_null(parameter.get("schema", {}))
        if parameter["in"] == "header":
            schema = {**schema, **_REQUEST_HEADER_SHAPES.get(parameter["name"].lower(), {})}
        if schema.pop(CHECKED_REQUIRED, False):
            parameter["required"] = True
        parameter["schema"] = schema


def _require_if_match(operation: dict[str, Any]) -> None:
    """``If-Match`` is required where its absence is a 428."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"].lower() == "if-match":
            parameter["required"] = True


def _has_id(response: dict[str, Any], schemas: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    target = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    return "id" in target.get("properties", {})


def _links(paths: dict[str, Any], schemas: dict[str, Any]) -> None:
    """A creation links to the operations on what it created (``…/{x_id}``), so stateful
    testing (and readers) can follow from one to the next."""
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None or not _has_id(created, schemas):
            continue
        request_params = {
            p["name"]: f"$request.path.{p['name']}"
            for p in operations["post"].get("parameters", [])
            if p["in"] == "path"
        }
        for item_path, item_operations in paths.items():
            rest = item_path[len(path) :]
            if not item_path.startswith(path + "/{") or rest.count("/") != 1:
                continue
            if not rest.endswith("}"):
                continue
            param = rest[2:-1]
            for method, operation in item_operations.items():
                links = created.setdefault("links", {})
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {**request_params, param: "$response.body#/id"},
                    "description": f"{method.upper()} the resource just created.",
                }


def _routes(app: FastAPI) -> dict[tuple[str, str], APIRoute]:
    """Each operation's route, as included (prefixes applied)."""
    found: dict[tuple[str, str], APIRoute] = {}
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            path = str(getattr(context, "path_format", None) or route.path_format)
            for method in route.methods or ():
                found[(path, method.lower())] = route
    return found


def build(app: FastAPI, tag_descriptions: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        webhooks=app.webhooks.routes,
    )
    document["info"]["contact"] = {"name": "Causerie", "url": "https://causerie.test/"}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = problem_schema()
    # A webhook entry describes what a receiver is sent; FastAPI's 422 there is ours, not
    # the receiver's, and names the validation schema removed above.
    # A receiver checks a delivery by its Standard Webhooks signature headers, not by any
    # of the API's security schemes: none is declared, explicitly.
    for operations in document.get("webhooks", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
            operation["security"] = []
    routes = _routes(app)
    used_tags: set[str] = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            facts = _Facts(routes[(path, method)], method.upper(), operation)
            responses = operation.setdefault("responses", {})
            for status in sorted(facts.statuses()):
                responses[str(status)] = _error_response(responses.get(str(status)), status)
            for key, response in responses.items():
                if key.isdigit() and int(key) >= 400:
                    responses[key] = _error_response(response, int(key))
            _schema_headers(responses)
            _parameters(operation)
            if 428 in facts.statuses():
                _require_if_match(operation)
            # Open routes say so (``[]``: no credentials read), rather than leaving it unsaid.
            operation["security"] = facts.security()
            access = f"**Who may call:** {facts.access()}"
            summary = operation.get("description") or operation.get("summary", "")
            operation["description"] = f"{summary}\n\n{access}".strip()
            used_tags.update(operation.get("tags", []))
    _links(document["paths"], schemas)
    described = dict(tag_descriptions)
    document["tags"] = [
        {"name": tag, "description": described.get(tag, f"The {tag} operations.")}
        for tag in sorted(used_tags)
    ]
    return document


def install(app: FastAPI, tag_descriptions: Iterable[tuple[str, str]] = ()) -> None:
    """``app.openapi()`` (served at ``/openapi.json`` and exported) becomes ``build``'s."""
    tags = list(tag_descriptions)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app, tags)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
