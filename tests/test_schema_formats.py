"""Each format the contract names is declared as the server checks it, and checked as
declared: what the schema allows is accepted, what it refuses is refused.

The values come from both sides: generated from the declared pattern (Hypothesis reads
it as Schemathesis does) and handed to the server's own check, and sent over HTTP where
the check is the route's. What a schema cannot say (a cursor's signature, the window
between two days) is pinned here too, in the words the document uses.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli import openapi_document
from api.kit.cursors import MAX_LENGTH as CURSOR_MAX_LENGTH
from api.kit.cursors import PATTERN as CURSOR_PATTERN
from api.kit.cursors import CursorCodec, Keyset, time_id
from api.kit.schemas import IDEMPOTENCY_KEY, _email
from api.problems import ApiProblem
from domain.insights.model import MAX_RANGE_DAYS
from domain.kernel.errors import InvalidInput
from domain.tenants.model import HOST_LENGTH, HOST_RULE, LANGUAGES, check_host
from tests.test_foundation import assert_problem

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def document() -> dict:
    return openapi_document()


def _operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _parameters(document: dict, name: str, where: str):
    found = [
        (path, method, parameter)
        for path, method, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == where and parameter["name"].lower() == name.lower()
    ]
    assert found, f"no {where} parameter {name}"
    return found


def _schemas(document: dict):
    """Every request and response model, by name."""
    return document["components"]["schemas"]


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        found = {ref.rsplit("/", 1)[-1]} if ref.startswith("#/components/schemas/") else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _request_models(document: dict) -> dict:
    """The models clients send (request bodies and what they refer to), by name."""
    schemas = _schemas(document)
    names = _refs([op.get("requestBody", {}) for _, _, op in _operations(document)])
    while True:
        more = _refs([schemas[n] for n in names]) - names
        if not more:
            return {name: schemas[name] for name in names}
        names |= more


# --- Idempotency-Key ------------------------------------------------------------------------

IDEMPOTENCY_DECLARED = IDEMPOTENCY_KEY.pattern


def test_every_idempotency_key_declares_the_pattern_the_server_checks(document):
    for path, method, parameter in _parameters(document, "Idempotency-Key", "header"):
        assert parameter["schema"]["pattern"] == IDEMPOTENCY_DECLARED, (method, path)


@FAST
@given(st.from_regex(IDEMPOTENCY_DECLARED, fullmatch=True))
def test_an_idempotency_key_the_schema_allows_is_accepted(key):
    """The routes' check (a key off the shape is a 400: tests/comments, tests/licensing)."""
    assert IDEMPOTENCY_KEY.fullmatch(key)


# --- cursors --------------------------------------------------------------------------------


def test_every_cursor_declares_the_shape_of_the_cursors_the_server_issues(document):
    for path, method, parameter in _parameters(document, "cursor", "query"):
        schema = parameter["schema"]
        assert schema["pattern"] == CURSOR_PATTERN, (method, path)
        assert schema["maxLength"] == CURSOR_MAX_LENGTH, (method, path)
        assert "anyOf" not in schema, (method, path)


@FAST
@given(
    st.datetimes(timezones=st.just(UTC)),
    st.uuids(),
    # The longest text a position may hold (api/kit/cursors._load), any characters.
    st.text(min_size=300, max_size=300),
)
def test_every_cursor_issued_has_the_declared_shape(stamp, ident, text):
    codec = CursorCodec(b"k" * 32)
    for keyset, position in (
        (time_id("members"), (stamp, ident)),
        (Keyset("site-blogs", (str,), lambda row: row), (text,)),
    ):
        cursor = codec.encode(keyset, position)
        assert re.fullmatch(CURSOR_PATTERN, cursor), cursor
        assert len(cursor) <= CURSOR_MAX_LENGTH


@FAST
@given(st.from_regex(CURSOR_PATTERN, fullmatch=True))
def test_a_cursor_of_the_right_shape_that_the_server_did_not_sign_is_refused(cursor):
    """The schema cannot say "signed by the server": the hooks keep such made-up values
    out of Schemathesis's positive cases (tests/schemathesis_hooks.py)."""
    with pytest.raises(ApiProblem):
        CursorCodec(b"k" * 32).decode(time_id("members"), cursor)


async def test_a_cursor_off_the_declared_shape_is_a_422(client, factory):
    world = await factory.world()
    answer = await client.get(
        f"/v1/tenants/{world.slug}/members?cursor=not-a-cursor", headers=world.headers["owner"]
    )
    problem = assert_problem(answer, 422, "validation_failed")
    assert problem["errors"][0]["loc"] == ["query", "cursor"]


# --- host names and e-mail addresses --------------------------------------------------------


def test_a_domain_declares_the_host_rule_the_server_checks(document):
    host = _schemas(document)["DomainCreate"]["properties"]["host"]
    assert host["pattern"] == HOST_RULE
    assert (host["minLength"], host["maxLength"]) == HOST_LENGTH


@FAST
@given(st.from_regex(HOST_RULE, fullmatch=True).filter(lambda h: 4 <= len(h) <= 253))
def test_a_host_the_schema_allows_is_accepted(host):
    assert check_host(host) == host.strip(" ").rstrip(".").lower()


async def test_a_domain_is_taken_as_the_schema_says(client, factory):
    world = await factory.world()
    url, owner = f"/v1/tenants/{world.slug}/domains", world.headers["owner"]
    for host in ("0000", "a.0", "blog..example.com", "blog.example.com\t", "-a.example.com"):
        refused = await client.post(url, json={"host": host}, headers=owner)
        assert_problem(refused, 422, "validation_failed")
    taken = await client.post(
        url, json={"host": f"Blog-{uuid4().hex[:6]}.Example.COM"}, headers=owner
    )
    assert taken.status_code == 201, taken.text
    assert taken.json()["host"] == taken.json()["host"].lower()
    with pytest.raises(InvalidInput):
        check_host("0000")


def test_every_e_mail_field_declares_the_email_format(document):
    fields = [
        (name, prop)
        for name, schema in _request_models(document).items()
        for prop_name, prop in schema.get("properties", {}).items()
        if prop_name in {"email", "owner_email"}
    ]
    assert len(fields) >= 3, fields
    for name, prop in fields:
        assert prop.get("format") == "email", name


@FAST
@given(st.emails().filter(lambda e: len(e) <= 254))
def test_an_e_mail_the_schema_allows_is_accepted(address):
    assert _email(address)


async def test_a_sign_up_with_no_e_mail_address_is_a_422(client, factory):
    world = await factory.world(reader_signup=True)
    answer = await client.post(
        f"/v1/sites/{world.slug}/signup",
        json={"email": "000", "password": "correct horse battery", "display_name": "R"},
    )
    problem = assert_problem(answer, 422, "validation_failed")
    assert problem["errors"][0]["loc"] == ["body", "email"]


# --- integers, languages --------------------------------------------------------------------


async def test_an_integer_is_what_json_schema_calls_one(client, factory):
    world = await factory.world()
    post = await factory.post(world, await factory.blog(world))
    url = f"/v1/sites/{world.slug}/posts/{post.id}/rating"
    reader = world.headers["reader"]
    assert (await client.put(url, json={"stars": 4.0}, headers=reader)).status_code == 200
    for refused in (True, "4", 4.5, 0, 6):
        answer = await client.put(url, json={"stars": refused}, headers=reader)
        assert_problem(answer, 422, "validation_failed")


def test_every_language_field_is_the_list_the_server_knows(document):
    found = 0
    for name, schema in _request_models(document).items():
        for prop_name, prop in schema.get("properties", {}).items():
            if prop_name in {"language", "default_language"}:
                options = [prop, *prop.get("anyOf", [])]
                enums = [o["enum"] for o in options if "enum" in o]
                assert enums == [list(LANGUAGES)], (name, prop_name, prop)
                found += 1
    assert found >= 4


# --- If-Match, the insights window ----------------------------------------------------------


def test_if_match_is_required_exactly_where_its_absence_is_a_428(document):
    for path, method, parameter in _parameters(document, "If-Match", "header"):
        responses = document["paths"][path][method]["responses"]
        assert parameter["required"] is ("428" in responses), (method, path)


async def test_if_match_is_optional_on_the_life_cycle_and_required_on_an_edit(client, factory):
    world = await factory.world()
    post = await factory.post(world, await factory.blog(world), publish=False)
    base, author = f"/v1/tenants/{world.slug}/posts/{post.id}", world.headers["author"]
    edit = await client.patch(base, json={"title": "Autre"}, headers=author)
    assert_problem(edit, 428, "precondition_required")
    published = await client.post(f"{base}/publish", json={}, headers=author)
    assert published.status_code == 200, published.text


def test_the_window_rule_is_written_where_the_schema_cannot_say_it(document):
    for path, method, parameter in _parameters(document, "to", "query"):
        if "/insights/" in path:
            assert f"At most {MAX_RANGE_DAYS} days" in parameter["description"], (method, path)


async def test_a_window_of_366_days_is_taken_and_one_day_more_is_refused(client, factory):
    world = await factory.world()
    today = datetime.now(UTC).date()
    url, manager = f"/v1/tenants/{world.slug}/insights/engagement", world.headers["manager"]
    first = today - timedelta(days=MAX_RANGE_DAYS - 1)
    taken = await client.get(f"{url}?from={first}&to={today}", headers=manager)
    assert taken.status_code == 200, taken.text
    longer = await client.get(f"{url}?from={first - timedelta(days=1)}&to={today}", headers=manager)
    assert_problem(longer, 422, "invalid_input")


# --- parameters, credentials and the statuses declared --------------------------------------


def test_no_parameter_is_declared_nullable(document):
    """A query, path or header value is a string on the wire: left out, never ``null``."""
    nullable = [
        f"{method.upper()} {path} {parameter['name']}"
        for path, method, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if {"type": "null"} in parameter["schema"].get("anyOf", [])
    ]
    assert not nullable, nullable


def test_401_is_declared_exactly_where_credentials_are_read(document):
    for path, method, operation in _operations(document):
        security = operation["security"]
        reads = {"HTTPBearer": []} in security
        assert ("401" in operation["responses"]) is reads, (method, path)
        if reads:
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
        assert security or "401" not in operation["responses"], (method, path)


def test_400_and_500_are_declared_where_they_can_be_answered(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        assert "500" in responses, (method, path)
        if "requestBody" in operation:
            assert "400" in responses, (method, path)


def _concrete(path: str) -> str:
    return re.sub(
        r"\{([^}]+)\}",
        lambda m: {"tenant": "demo", "action": "approve"}.get(
            m.group(1), str(uuid4()) if m.group(1).endswith("_id") else "no-such-thing"
        ),
        path,
    )


async def test_a_405_lists_every_method_the_document_gives_its_path(client, document):
    wrong = []
    for path, methods in document["paths"].items():
        answer = await client.request("OPTIONS", _concrete(path))
        if answer.status_code != 405:
            wrong.append(f"{path}: {answer.status_code}")
            continue
        allowed = {m.strip().lower() for m in answer.headers["allow"].split(",")} - {"head"}
        if allowed != set(methods):
            wrong.append(f"{path}: Allow {sorted(allowed)}, declared {sorted(methods)}")
    assert not wrong, wrong
