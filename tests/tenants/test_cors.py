"""CORS: the console origin, and a tenant's own domains on its own public paths only."""

from __future__ import annotations

CONSOLE = "https://console.causerie.test"


async def _world_with_domain(client, factory, host: str):
    world = await factory.world()
    added = await client.post(
        f"/v1/tenants/{world.slug}/domains", json={"host": host}, headers=world.headers["owner"]
    )
    assert added.status_code == 201, added.text
    return world


async def test_console_origin_is_echoed_with_vary(client):
    response = await client.get("/v1", headers={"Origin": CONSOLE})
    assert response.headers["access-control-allow-origin"] == CONSOLE
    assert "Origin" in response.headers["vary"]


async def test_unknown_origin_gets_no_cors_headers(client):
    response = await client.get("/v1", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers["vary"]


async def test_tenant_domain_is_allowed_on_its_own_public_paths_only(client, factory):
    world = await _world_with_domain(client, factory, "blog.brand-a.example")
    other = await _world_with_domain(client, factory, "blog.brand-b.example")
    origin = "https://blog.brand-a.example"
    own = await client.get(f"/v1/sites/{world.slug}/signup", headers={"Origin": origin})
    assert own.headers.get("access-control-allow-origin") == origin
    foreign = await client.get(f"/v1/sites/{other.slug}/signup", headers={"Origin": origin})
    assert "access-control-allow-origin" not in foreign.headers
    admin = await client.get(f"/v1/tenants/{world.slug}", headers={"Origin": origin})
    assert "access-control-allow-origin" not in admin.headers


async def test_preflight_for_allowed_and_refused_origins(client, factory):
    world = await _world_with_domain(client, factory, "news.brand-c.example")
    ask = {"Access-Control-Request-Method": "POST"}
    allowed = await client.options(
        f"/v1/sites/{world.slug}/signup", headers={**ask, "Origin": "https://news.brand-c.example"}
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://news.brand-c.example"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    refused = await client.options(
        f"/v1/sites/{world.slug}/signup",
        headers={**ask, "Origin": "https://news.brand-c.example.evil.test"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_look_alike_origins_are_refused(client, factory):
    world = await _world_with_domain(client, factory, "blog.brand-d.example")
    for origin in (
        "https://blog.brand-d.example:8443",
        "https://blog.brand-d.example/path",
        "ftp://blog.brand-d.example",
        "null",
        "https://blog.brand-d.example.",
    ):
        response = await client.get(f"/v1/sites/{world.slug}/signup", headers={"Origin": origin})
        assert "access-control-allow-origin" not in response.headers, origin
