"""The skeleton's promises: health, readiness, metrics, request ids, problem+json."""

from __future__ import annotations

import json

import pytest

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["type"].startswith("/problems/") and body["title"] and body["detail"]
    return body


async def test_health_and_ready(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ok"}


async def test_ready_fails_cleanly_without_database(client, app, db, monkeypatch):
    async def broken() -> bool:
        raise OSError("connection refused")

    monkeypatch.setattr(app.state.db, "ping", broken)
    assert_problem(await client.get("/readyz"), 503, "service_unavailable")


async def test_every_response_has_a_request_id(client):
    response = await client.get("/healthz")
    assert len(response.headers["x-request-id"]) >= 16
    echoed = await client.get("/healthz", headers={"X-Request-Id": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    hostile = await client.get(
        "/healthz", headers={"X-Request-Id": "a b\u00e9<script>".encode("latin-1")}
    )
    assert hostile.headers["x-request-id"] != "a b\u00e9<script>"


async def test_metrics_are_prometheus_text(client):
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "causerie_http_requests_total" in response.text
    assert response.headers["content-type"].startswith("text/plain")


async def test_unknown_route_is_a_404_problem(client):
    body = assert_problem(await client.get("/v1/no/such/thing"), 404, "not_found")
    assert body["request_id"]


async def test_unknown_method_is_a_405_problem(client):
    assert_problem(await client.delete("/healthz"), 405, "method_not_allowed")


async def test_oversized_body_is_a_413_problem(client, factory):
    world = await factory.world()
    big = json.dumps({"host": "a" * (1024 * 1024 + 10)})
    response = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        content=big,
        headers={**world.headers["owner"], "content-type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")


async def test_streamed_oversized_body_is_a_413_problem(client, factory):
    world = await factory.world()

    async def chunks():
        for _ in range(40):
            yield b"x" * 32768

    response = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        content=chunks(),
        headers={**world.headers["owner"], "content-type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")


async def test_non_json_body_is_a_415_problem(client, factory):
    world = await factory.world()
    response = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        content="host=example.com",
        headers={**world.headers["owner"], "content-type": "text/plain"},
    )
    assert_problem(response, 415, "unsupported_media_type")


async def test_malformed_json_is_a_400_problem(client, factory):
    world = await factory.world()
    response = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        content="{not json",
        headers={**world.headers["owner"], "content-type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


async def test_validation_errors_list_each_field(client, factory):
    world = await factory.world()
    response = await client.post(
        f"/v1/tenants/{world.slug}/domains",
        json={"host": 12, "extra": True},
        headers=world.headers["owner"],
    )
    body = assert_problem(response, 422, "validation_failed")
    locations = {tuple(e["loc"]) for e in body["errors"]}
    assert ("body", "extra") in locations
    assert all(e["msg"] for e in body["errors"])


async def test_unexpected_errors_are_a_500_problem_without_internals(
    client, app, monkeypatch, caplog
):
    from api.system import routes as system

    async def explode() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr(app.state.db, "ping", explode)
    monkeypatch.setattr(system, "ApiProblem", None)  # makes the handler itself fail
    response = await client.get("/readyz")
    body = assert_problem(response, 500, "internal_error")
    assert "hunter2" not in response.text
    assert body["request_id"] == response.headers["x-request-id"]
    assert any(getattr(r, "request_id", None) == body["request_id"] for r in caplog.records)


async def test_problem_types_have_pages(client):
    page = await client.get("/problems/quota-exceeded")
    assert page.status_code == 200 and "quota_exceeded" in page.text
    assert_problem(await client.get("/problems/nope"), 404, "not_found")


@pytest.mark.parametrize("path", ["/docs", "/openapi.json", "/v1"])
async def test_documentation_is_served(client, path):
    assert (await client.get(path)).status_code == 200


async def test_production_refuses_a_role_that_bypasses_rls(settings, owner_url):
    """The owner (a superuser here) may run migrations, never serve requests."""
    from api.app import create_app
    from persistence.database import Database, create_engine

    production = settings.model_copy(update={"environment": "production"})
    privileged = Database(create_engine(owner_url, pool_size=1))
    app = create_app(production)
    app.state.db = privileged
    with pytest.raises(RuntimeError, match="Refusing to start in production"):
        async with app.router.lifespan_context(app):
            pass
    await privileged.dispose()


async def test_production_accepts_the_app_role(settings, owner_url):
    from api.app import create_app

    production = settings.model_copy(update={"environment": "production"})
    app = create_app(production)
    async with app.router.lifespan_context(app):
        assert await app.state.db.ping()


async def test_an_exhausted_pool_answers_503_and_recovers(settings, owner_url):
    """Requests beyond the pool wait for a connection, then get a problem, not a 500."""
    import httpx

    from api.app import create_app
    from persistence.database import Database, app_role_url, create_engine

    tiny = Database(create_engine(app_role_url(owner_url), pool_size=1, pool_timeout=0.2))
    app = create_app(settings, database=tiny)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            async with tiny.transaction():  # holds the only connection
                busy = await http.get("/v1/sites/nowhere/posts")
                body = assert_problem(busy, 503, "service_unavailable")
                assert busy.headers["retry-after"] == "1" and "connection" in body["detail"]
            assert_problem(await http.get("/v1/sites/nowhere/posts"), 404, "not_found")
    finally:
        await tiny.dispose()
