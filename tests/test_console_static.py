"""The built console served at ``/console/`` beside the theme at ``/``: each app keeps
its own fallback, and the API's paths stay untouched."""

from __future__ import annotations

import httpx
import pytest

from api import static
from api.app import create_app
from api.settings import Settings
from persistence.database import Database, create_engine

THEME = "<!doctype html><title>theme</title>"
CONSOLE = "<!doctype html><title>console</title>"


@pytest.fixture
async def both(tmp_path, monkeypatch, settings: Settings):
    for name, index in (("theme", THEME), ("console", CONSOLE)):
        dist = tmp_path / name
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text(index)
        (dist / "assets" / f"{name}-1234.js").write_text("1")
    monkeypatch.setattr(static, "THEME_DIST", tmp_path / "theme")
    monkeypatch.setattr(static, "CONSOLE_DIST", tmp_path / "console")
    app = create_app(settings, database=Database(create_engine(settings.database_url or "")))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.mark.parametrize(
    "path", ["/console/", "/console/t/demo/moderation", "/console/t/demo/posts/123?x=1"]
)
async def test_console_pages_answer_the_console(both, path):
    response = await both.get(path)
    assert response.status_code == 200
    assert response.text == CONSOLE
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_the_theme_keeps_everything_else(both):
    assert (await both.get("/")).text == THEME
    assert (await both.get("/s/demo/console")).text == THEME
    assert (await both.get("/consoles")).text == THEME


async def test_bare_console_redirects_to_its_root(both):
    response = await both.get("/console?x=1")
    assert response.status_code == 308
    assert response.headers["location"] == "/console/?x=1"


async def test_console_assets_and_missing_ones(both):
    asset = await both.get("/console/assets/console-1234.js")
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    missing = await both.get("/console/assets/gone-5678.js")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    # Only reads reach the console.
    assert (await both.post("/console/t/demo", json={})).status_code == 404


async def test_api_paths_are_not_shadowed(both):
    assert (await both.get("/healthz")).json() == {"status": "ok"}
    assert (await both.get("/v1/no-such-route")).status_code == 404


def test_no_build_no_mount(tmp_path):
    assert static.console_mount(tmp_path) is None
