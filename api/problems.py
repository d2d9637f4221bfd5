"""RFC 9457 problem+json: the one place where errors become HTTP answers.

Every problem has a stable ``code`` (documented at ``/problems/{code}``) and a status.
Domain errors map by class; HTTP-level problems (404 route, 405, 413, 415, 422, 500)
are raised by the framework or our middleware and rendered the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, routing
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from domain.comments.model import CommentsClosed
from domain.imports.model import BadExport, ImportTooLarge, UnsupportedVersion
from domain.kernel import errors as de
from persistence.database import DatabaseBusy, DatabaseUnavailable

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    code: str
    status: int
    title: str
    explanation: str
    # The extension members (of ``MEMBERS``) a problem of this code may carry.
    members: tuple[str, ...] = ()


_TEXT: dict[str, Any] = {"type": "string"}
_COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}
# Every extension member a problem can carry beyond RFC 9457's own, with its JSON Schema:
# the OpenAPI ``Problem`` schema is generated from this and the catalogue below.
MEMBERS: dict[str, dict[str, Any]] = {
    "errors": {
        "type": "array",
        "description": "Each invalid field: where it is, what is wrong, and the kind of error.",
        "items": {
            "type": "object",
            "required": ["loc", "msg", "type"],
            "properties": {
                "loc": {"type": "array", "items": {"type": "string"}},
                "msg": {"type": "string"},
                "type": {"type": "string"},
            },
        },
    },
    "quota": {**_TEXT, "description": "The quota that is full."},
    "limit": {**_COUNT, "description": "The plan's limit for that quota."},
    "usage": {**_COUNT, "description": "What the tenant uses of it now."},
    "plan": {**_TEXT, "description": "The tenant's plan."},
    "feature": {**_TEXT, "description": "The feature the plan lacks."},
    "level": {**_TEXT, "description": "The level of the feature needed (insights: `full`)."},
    "subscription_status": {**_TEXT, "description": "The subscription's status."},
    "current_version": {**_COUNT, "description": "The resource's version now (its ETag)."},
    "from": {**_TEXT, "description": "A refused transition's status, or the field at fault."},
    "to": {**_TEXT, "description": "A refused transition's target status, or the field at fault."},
    "field": {**_TEXT, "description": "The input field at fault."},
    "missing_ids": {
        "type": "array",
        "items": _TEXT,
        "description": "The ids of a bulk request that were not found.",
    },
    "retry_after": {**_COUNT, "description": "Seconds to wait, as in the Retry-After header."},
    "missing": {
        "type": "array",
        "description": "An import's quotas without room: each with its limit, usage, what the "
        "file adds and how much is missing.",
        "items": {
            "type": "object",
            "required": ["quota", "limit", "usage", "adding", "missing"],
            "properties": {
                "quota": _TEXT,
                "limit": _COUNT,
                "usage": _COUNT,
                "adding": _COUNT,
                "missing": _COUNT,
            },
        },
    },
    "reason": {**_TEXT, "description": "Why the export could not be read."},
    "version": {**_TEXT, "description": "The export's version."},
    "limit_bytes": {**_COUNT, "description": "The largest upload allowed."},
}


_CATALOGUE = [
    ProblemType(
        "malformed_json",
        400,
        "Malformed JSON",
        "The request body is not valid JSON.",
        members=("errors",),
    ),
    ProblemType("bad_request", 400, "Bad request", "The request cannot be understood as sent."),
    ProblemType(
        "idempotency_key_invalid",
        400,
        "Idempotency-Key missing or malformed",
        "This write must carry an Idempotency-Key header (8 to 255 of A-Z a-z 0-9 . _ : -).",
    ),
    ProblemType(
        "unauthenticated",
        401,
        "Authentication required",
        "No valid credentials were given: sign in, refresh the access token, or send a valid API key.",
    ),
    ProblemType(
        "quota_exceeded",
        402,
        "Quota exceeded",
        "The tenant's plan does not allow more of this resource. The problem names the quota, "
        "its limit and the current usage; upgrading the plan lifts it at once.",
        members=("quota", "limit", "usage", "plan", "missing"),
    ),
    ProblemType(
        "feature_not_in_plan",
        402,
        "Feature not in plan",
        "The tenant's plan does not include this feature.",
        members=("feature", "level", "plan"),
    ),
    ProblemType(
        "subscription_inactive",
        402,
        "Subscription inactive",
        "The tenant's subscription is suspended or cancelled: writes are refused, reads go on.",
        members=("subscription_status",),
    ),
    ProblemType("forbidden", 403, "Forbidden", "Your role does not allow this action."),
    ProblemType(
        "link_invalid",
        403,
        "Link invalid",
        "This signed link was altered or was not made by this server: ask for a new one.",
    ),
    ProblemType(
        "comments_closed",
        403,
        "Comments closed",
        "This blog (or the whole site) takes no comments: its moderation policy is `closed`.",
    ),
    ProblemType(
        "not_found",
        404,
        "Not found",
        "No such resource, or not one you can see. Another tenant's resources are never found.",
        members=("missing_ids",),
    ),
    ProblemType(
        "method_not_allowed", 405, "Method not allowed", "This path does not accept that method."
    ),
    ProblemType("conflict", 409, "Conflict", "The request conflicts with the current state."),
    ProblemType(
        "link_expired",
        410,
        "Link expired",
        "This signed download link is past its time: read the export again for a fresh one.",
    ),
    ProblemType(
        "precondition_failed",
        412,
        "Precondition failed",
        "The resource changed since you read it: the If-Match version is stale.",
        members=("current_version",),
    ),
    ProblemType(
        "payload_too_large",
        413,
        "Payload too large",
        "The request body is over the size limit.",
        members=("limit_bytes",),
    ),
    ProblemType(
        "unsupported_media_type",
        415,
        "Unsupported media type",
        "This endpoint takes application/json bodies.",
    ),
    ProblemType(
        "validation_failed",
        422,
        "Validation failed",
        "Some fields are missing or invalid; `errors` lists each with its location and message.",
        members=("errors",),
    ),
    ProblemType(
        "invalid_input",
        422,
        "Invalid input",
        "The input is well-formed but breaks a rule (for example an invalid status transition).",
        members=("field", "from", "to"),
    ),
    ProblemType(
        "bad_export",
        422,
        "Not a readable export",
        "The uploaded file is not a WordPress (WXR) or Ghost (JSON) export we can read: wrong "
        "format, truncated, or XML declaring a DTD or entities (refused: an export needs none).",
        members=("reason",),
    ),
    ProblemType(
        "unsupported_export_version",
        422,
        "Unsupported export version",
        "The export comes from a version we do not read (WXR 1.0 to 1.2, Ghost 2 to 6).",
        members=("version",),
    ),
    ProblemType(
        "precondition_required",
        428,
        "Precondition required",
        "This edit needs an If-Match header with the version you read.",
    ),
    ProblemType(
        "rate_limited",
        429,
        "Too many requests",
        "Slow down: the Retry-After header says how many seconds to wait.",
        members=("retry_after",),
    ),
    ProblemType(
        "internal_error",
        500,
        "Internal error",
        "Something failed on our side. The request id identifies it in our logs.",
    ),
    ProblemType(
        "service_unavailable",
        503,
        "Service unavailable",
        "A dependency (the database) is down or has no free connection; retry after a moment.",
        members=("retry_after",),
    ),
]
CATALOGUE: dict[str, ProblemType] = {p.code: p for p in _CATALOGUE}

_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    428: "precondition_required",
    429: "rate_limited",
    503: "service_unavailable",
}

# Domain error class -> problem code. The most specific class wins (MRO order).
_DOMAIN_CODES: dict[type[de.DomainError], str] = {
    de.NotFound: "not_found",
    de.Unauthenticated: "unauthenticated",
    de.Forbidden: "forbidden",
    CommentsClosed: "comments_closed",
    de.Conflict: "conflict",
    de.InvalidInput: "invalid_input",
    de.RateLimited: "rate_limited",
    de.QuotaExceeded: "quota_exceeded",
    de.FeatureNotInPlan: "feature_not_in_plan",
    de.SubscriptionInactive: "subscription_inactive",
    de.PreconditionFailed: "precondition_failed",
    de.Overloaded: "service_unavailable",
    BadExport: "bad_export",
    UnsupportedVersion: "unsupported_export_version",
    ImportTooLarge: "payload_too_large",
}


class ApiProblem(Exception):
    """Raised by the HTTP layer itself (content type, preconditions, auth headers)."""

    def __init__(
        self, code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ):
        super().__init__(detail)
        self.code, self.detail, self.headers, self.extra = code, detail, headers or {}, extra


def problem_body(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    ptype = CATALOGUE[code]
    body: dict[str, Any] = {
        "type": f"/problems/{code.replace('_', '-')}",
        "title": ptype.title,
        "status": ptype.status,
        "detail": detail,
        "code": code,
    }
    # An extension member never replaces a standard one: a Conflict carrying its own
    # ``status`` must not turn the answer's status into a string.
    body.update({k: v for k, v in extra.items() if v is not None and k not in body})
    return body


def problem_response(
    code: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    all_headers = dict(headers or {})
    retry_after = all_headers.get("Retry-After")
    if retry_after is not None and retry_after.isdigit():
        extra = {"retry_after": int(retry_after), **extra}
    body = problem_body(code, detail, **extra)
    if body["status"] == 401:
        all_headers.setdefault("WWW-Authenticate", 'Bearer realm="causerie"')
    return JSONResponse(
        body, status_code=body["status"], headers=all_headers, media_type=PROBLEM_MEDIA_TYPE
    )


def problem_bytes(code: str, detail: str, request_id: str | None = None) -> tuple[int, bytes]:
    """For pure-ASGI middleware that answers before the app runs."""
    body = problem_body(code, detail, request_id=request_id)
    return body["status"], json.dumps(body).encode()


def code_for_domain_error(error: de.DomainError) -> str:
    for cls in type(error).__mro__:
        if cls in _DOMAIN_CODES:
            return _DOMAIN_CODES[cls]
    return "invalid_input"


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append(
            {
                "loc": [str(part) for part in err.get("loc", ())],
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
        )
    return out


def _allowed_methods(request: Request) -> str:
    """Every method some route of this path accepts (the router names only the first
    route it met), for a 405's ``Allow``."""
    app = request.app
    table = getattr(app.state, "methods_by_path", None)
    if table is None:
        table = []
        for context in routing.iter_route_contexts(app.routes):
            route = context.original_route
            methods = getattr(route, "methods", None)
            path = getattr(context, "path_format", None) or getattr(route, "path_format", None)
            if methods and path:
                table.append((compile_path(path)[0], path.count("{"), frozenset(methods)))
        app.state.methods_by_path = table
    path = request.scope.get("path", "")
    matching = [(params, methods) for regex, params, methods in table if regex.match(path)]
    # `…/comments/bulk` is that path, not `…/comments/{comment_id}`: the most literal wins.
    fewest = min((params for params, _ in matching), default=0)
    allowed = {m for params, methods in matching if params == fewest for m in methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    return ", ".join(sorted(allowed))


def install(app: FastAPI) -> None:
    @app.exception_handler(de.DomainError)
    async def _domain(request: Request, exc: de.DomainError) -> JSONResponse:
        headers = {}
        if isinstance(exc, de.RateLimited | de.Overloaded):
            headers["Retry-After"] = str(max(1, exc.retry_after_seconds))
        return problem_response(
            code_for_domain_error(exc),
            exc.detail,
            headers=headers,
            request_id=_request_id(request),
            **exc.extra,
        )

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            exc.code, exc.detail, headers=exc.headers, request_id=_request_id(request), **exc.extra
        )

    @app.exception_handler(DatabaseBusy)
    async def _busy(request: Request, exc: DatabaseBusy) -> JSONResponse:
        detail = (
            "The database is unreachable for a moment (nothing was saved); retry shortly."
            if isinstance(exc, DatabaseUnavailable)
            else "Every database connection is in use; retry in a moment."
        )
        return problem_response(
            "service_unavailable",
            detail,
            headers={"Retry-After": "1"},
            request_id=_request_id(request),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        if any(e["type"] == "json_invalid" for e in errors):
            return problem_response(
                "malformed_json",
                "The body could not be parsed as JSON.",
                request_id=_request_id(request),
                errors=errors,
            )
        return problem_response(
            "validation_failed",
            "Some fields are missing or invalid.",
            request_id=_request_id(request),
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _BY_STATUS.get(exc.status_code, "bad_request")
        detail = exc.detail if isinstance(exc.detail, str) else CATALOGUE[code].title
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such resource."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on this path."
            headers["Allow"] = _allowed_methods(request)
        return problem_response(code, detail, headers=headers, request_id=_request_id(request))
