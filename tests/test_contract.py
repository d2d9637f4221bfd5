"""The OpenAPI document is valid, committed as the app serves it, and describes every
error answer as the one Problem schema generated from the error map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from api.cli import openapi_document
from api.problems import CATALOGUE, MEMBERS, PROBLEM_MEDIA_TYPE

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
PROBLEM_REF = "#/components/schemas/Problem"


@pytest.fixture(scope="module")
def document() -> dict:
    return openapi_document()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_the_committed_document_is_the_one_the_app_serves(document):
    committed = json.loads(COMMITTED.read_text())
    assert committed == json.loads(json.dumps(document)), (
        "openapi/openapi.json is stale: run `make openapi`"
    )


def test_the_problem_schema_comes_from_the_error_map(document):
    problem = document["components"]["schemas"]["Problem"]
    assert problem["properties"]["code"]["enum"] == list(CATALOGUE)
    assert set(MEMBERS) <= set(problem["properties"])
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_every_error_answer_is_a_problem(document):
    wrong = []
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if status.isdigit() and int(status) >= 400:
                content = response.get("content", {})
                if list(content) != [PROBLEM_MEDIA_TYPE] or (
                    content[PROBLEM_MEDIA_TYPE]["schema"] != {"$ref": PROBLEM_REF}
                ):
                    wrong.append(f"{method.upper()} {path} {status}")
    assert not wrong, wrong


def test_the_errors_each_operation_can_answer_are_declared(document):
    """Derived from the gate, the method, the parameters and the body."""
    paths = document["paths"]

    def statuses(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    for _, _, operation in operations(document):
        assert {"429", "500", "503"} <= set(operation["responses"])
    assert {"400", "413", "415", "422"} <= statuses("/v1/tenants/{tenant}/blogs", "post")
    assert {"401", "402", "403", "404", "409"} <= statuses("/v1/tenants/{tenant}/blogs", "post")
    edit = paths["/v1/tenants/{tenant}/posts/{post_id}"]["patch"]
    assert {"412", "428"} <= set(edit["responses"])
    if_match = next(p for p in edit["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True  # its absence is a 428
    assert "Retry-After" in statuses_headers(paths["/v1/plans"]["get"], "429")
    assert "WWW-Authenticate" in statuses_headers(paths["/v1/me"]["get"], "401")


def statuses_headers(operation: dict, status: str) -> dict:
    return operation["responses"][status].get("headers", {})


def test_every_header_has_a_schema(document):
    missing = [
        f"{method.upper()} {path} {status} {name}"
        for path, method, operation in operations(document)
        for status, response in operation["responses"].items()
        for name, header in response.get("headers", {}).items()
        if "schema" not in header
    ]
    assert not missing, missing


def test_optional_credentials_are_declared_optional(document):
    paths = document["paths"]
    assert {} in paths["/v1/sites/{tenant}/posts"]["get"]["security"]
    assert {} in paths["/v1/plans"]["get"]["security"]
    assert paths["/v1/me"]["get"]["security"] == [{"HTTPBearer": []}]
    assert paths["/v1/tenants/{tenant}/blogs"]["post"]["security"] == [{"HTTPBearer": []}]


def test_operations_are_tagged_and_described(document):
    declared = {tag["name"] for tag in document["tags"]}
    for path, method, operation in operations(document):
        assert operation.get("tags") and set(operation["tags"]) <= declared, (method, path)
        assert "Who may call" in operation["description"], (method, path)


def test_a_creation_links_to_what_it_created(document):
    created = document["paths"]["/v1/tenants/{tenant}/blogs"]["post"]["responses"]["201"]
    link = created["links"]["blogs-get"]
    assert link["parameters"] == {"tenant": "$request.path.tenant", "blog_id": "$response.body#/id"}


async def test_a_rate_limited_problem_carries_retry_after_in_its_body(client, factory):
    from tests.test_foundation import assert_problem

    attempts = [
        await client.post(
            "/v1/auth/token", data={"username": "nobody@example.test", "password": "wrong"}
        )
        for _ in range(12)
    ]
    refused = assert_problem(attempts[-1], 429, "rate_limited")
    assert refused["retry_after"] == int(attempts[-1].headers["retry-after"])


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/v1/plans", {"GET", "POST"}),
        ("/v1/plans/starter", {"GET", "PATCH", "DELETE"}),
        ("/v1/tenants/demo/subscription", {"GET", "PUT"}),
        ("/v1/tenants/demo/comments/bulk", {"POST"}),
    ],
)
async def test_a_405_allows_every_method_of_the_path(client, path, methods):
    """The router named only the first route it met (GET), on GET+POST paths too."""
    from tests.test_foundation import assert_problem

    refused = await client.request("OPTIONS", path)
    assert_problem(refused, 405, "method_not_allowed")
    allowed = {m.strip() for m in refused.headers["allow"].split(",")}
    assert allowed - {"HEAD"} == methods, allowed
