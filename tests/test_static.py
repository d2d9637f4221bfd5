"""The built theme served at ``/``: the SPA fallback, and the API's paths untouched."""

from __future__ import annotations

import httpx
import pytest

from api import static, theme_head
from api.app import create_app
from api.settings import Settings
from persistence.database import Database, create_engine

INDEX = "<!doctype html><title>theme</title><div id=root></div>"


@pytest.fixture
async def theme_client(tmp_path, monkeypatch, settings: Settings):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1234.js").write_text("console.log(1)")
    monkeypatch.setattr(static, "THEME_DIST", dist)
    # No route used here touches the database.
    app = create_app(settings, database=Database(create_engine(settings.database_url or "")))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


@pytest.mark.parametrize("path", ["/", "/s/demo/", "/s/demo/blogs/tech/a-post", "/sites/demo/tags"])
async def test_pages_answer_the_app(theme_client, path):
    response = await theme_client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_assets_are_cached_for_good_and_missing_ones_are_404(theme_client):
    asset = await theme_client.get("/assets/app-1234.js")
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    assert_problem(await theme_client.get("/assets/gone-5678.js"), 404, "not_found")


async def test_api_paths_are_never_shadowed(theme_client):
    assert (await theme_client.get("/healthz")).json() == {"status": "ok"}
    assert (await theme_client.get("/openapi.json")).json()["info"]["title"] == "Causerie API"
    assert "swagger" in (await theme_client.get("/docs")).text.lower()
    assert (await theme_client.get("/problems/not-found")).status_code == 200
    assert_problem(await theme_client.get("/v1/no-such-route"), 404, "not_found")
    assert_problem(await theme_client.get("/problems/nope"), 404, "not_found")
    assert_problem(await theme_client.get("/v1/auth/token"), 405, "method_not_allowed")


async def test_only_reads_reach_the_app(theme_client):
    assert_problem(await theme_client.post("/s/demo/", json={}), 404, "not_found")
    assert (await theme_client.head("/s/demo/")).status_code == 200


def test_no_build_no_mount(tmp_path):
    assert static.theme_mount(tmp_path) is None
    assert static.is_reserved("/v1/sites/demo")
    assert static.is_reserved("/docs")
    assert not static.is_reserved("/v1x")
    assert not static.is_reserved("/s/demo/")


def test_the_head_is_written_into_the_built_page_as_escaped_text():
    built = (
        '<!doctype html><html lang="en"><head><meta name="description" content="" />'
        "<title>Causerie</title></head><body></body></html>"
    )
    head = theme_head.Head(
        title='Un "titre" </title><script>x()</script>',
        description="Résumé <b>gras</b>",
        canonical="https://example.com/sites/demo/",
        site_name="Demo",
        language="fr",
        json_ld=[{"@type": "BlogPosting", "headline": "</script><script>x()</script>"}],
    ).render()
    page = theme_head.inject(built, head, "fr")
    assert page.count("<title>") == 1 and page.count('name="description"') == 1
    assert '<html lang="fr">' in page
    assert "<script>x()" not in page
    assert "&lt;/title&gt;&lt;script&gt;" in page
    assert "\\u003c/script>" in page  # the JSON-LD cannot close its element
    assert 'property="og:title"' in page and 'name="twitter:card"' in page


def test_shorten_cuts_on_a_word():
    assert theme_head.shorten("un  deux\ntrois") == "un deux trois"
    assert theme_head.shorten("mot " * 100, 20) == "mot mot mot mot…"


async def test_robots_txt_lets_crawlers_in_but_not_into_the_console(theme_client):
    answer = await theme_client.get("/robots.txt")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    lines = answer.text.splitlines()
    assert lines[:3] == ["User-agent: *", "Allow: /", "Disallow: /console/"]


async def test_compressible_answers_leave_gzipped(theme_client, tmp_path):
    big = await theme_client.get("/openapi.json", headers={"Accept-Encoding": "gzip, br"})
    assert big.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in big.headers["vary"].lower()
    plain = await theme_client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == big.json()
    # Tiny answers are not worth it.
    small = await theme_client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
