"""The theme's page of a post, as a Webmention sender or receiver reads it: the endpoint
in the Link header and in a <link>, and the post itself as an h-entry (parsed here by
mf2py) whose body holds the links the post makes."""

from __future__ import annotations

import httpx
import mf2py
import pytest

from api import static
from api.app import create_app
from persistence.database import Database, create_engine
from tests.webmention.helpers import page_of

INDEX = '<!doctype html><html lang="en"><head><title>t</title></head><body><div id="root"></div></body></html>'


@pytest.fixture
async def theme(tmp_path, monkeypatch, settings, db, services):
    (tmp_path / "index.html").write_text(INDEX)
    monkeypatch.setattr(static, "THEME_DIST", tmp_path)
    app = create_app(settings, database=Database(create_engine(settings.database_url or "")))
    app.state.db, app.state.services = db, services  # the test's transaction, as elsewhere
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://causerie.test") as http:
        yield http


async def test_a_post_page_advertises_the_endpoint_and_is_an_h_entry(theme, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(
        world,
        blog,
        title="Sur <script>x</script>",
        body="See [their page](https://them.example/a).",
    )
    url = page_of(world, blog, post)
    page = await theme.get(url)
    assert page.status_code == 200
    endpoint = f"https://causerie.test/v1/sites/{world.slug}/webmention"
    assert page.headers["link"] == f'<{endpoint}>; rel="webmention"'
    parsed = mf2py.parse(doc=page.text, url=url)
    assert parsed["rels"]["webmention"] == [endpoint]
    [entry] = [i for i in parsed["items"] if "h-entry" in i["type"]]
    assert entry["properties"]["name"] == ["Sur <script>x</script>"]  # text, escaped
    assert "<script>x" not in page.text
    assert entry["properties"]["url"] == [url]
    assert 'href="https://them.example/a"' in entry["properties"]["content"][0]["html"]


async def test_a_site_without_the_feature_advertises_nothing(theme, factory):
    world = await factory.world(plan="starter")
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    page = await theme.get(page_of(world, blog, post))
    assert page.status_code == 200
    assert "link" not in page.headers and 'rel="webmention"' not in page.text
