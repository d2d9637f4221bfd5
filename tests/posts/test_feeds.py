"""Atom, JSON Feed and sitemap: valid documents, absolute URLs, escaping."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import feedparser

BASE = "https://causerie.test"
NASTY = "<script>alert('x')</script> Tom & Jerry"


async def _world_with_posts(factory):
    world = await factory.world()
    blog = await factory.blog(world, "Carnet & co")
    nasty = await factory.post(
        world, blog, NASTY, "Body with <b>bold</b> & ampersand.", tags=["A&B"]
    )
    plain = await factory.post(world, blog, "Plain", "Plain body.")
    other = await factory.blog(world, "Autre")
    await factory.post(world, other, "Elsewhere", "Other blog.")
    await factory.post(world, blog, "Draft", publish=False)
    return world, blog, nasty, plain


async def test_site_atom_feed(client, factory):
    world, blog, nasty, _ = await _world_with_posts(factory)
    answer = await client.get(f"/v1/sites/{world.slug}/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    assert b"<script>" not in answer.content  # escaped as &lt;script&gt;
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert NASTY in titles and "Draft" not in titles and len(titles) == 3
    entry = next(e for e in feed.entries if e.title == NASTY)
    assert entry.link == f"{BASE}/sites/{world.slug}/blogs/{blog.slug}/{nasty.slug}"
    assert entry.id == f"urn:uuid:{nasty.id}"
    assert entry.author == world.users["author"].display_name
    assert [t.term for t in entry.tags] == ["a-b"]
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == f"{BASE}/v1/sites/{world.slug}/feed.atom"
    for e in feed.entries:
        assert e.link.startswith("https://")


async def test_blog_atom_feed(client, factory):
    world, blog, _, _ = await _world_with_posts(factory)
    answer = await client.get(f"/v1/sites/{world.slug}/blogs/{blog.slug}/feed.atom")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo
    assert feed.feed.title == f"Carnet & co · {world.tenant.name}"
    assert sorted(e.title for e in feed.entries) == sorted([NASTY, "Plain"])
    assert (await client.get(f"/v1/sites/{world.slug}/blogs/nope/feed.atom")).status_code == 404


async def test_json_feed(client, factory):
    world, _, nasty, _ = await _world_with_posts(factory)
    answer = await client.get(f"/v1/sites/{world.slug}/feed.json")
    assert answer.headers["content-type"].startswith("application/feed+json")
    feed = answer.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == world.tenant.name
    assert feed["feed_url"] == f"{BASE}/v1/sites/{world.slug}/feed.json"
    assert feed["home_page_url"].startswith("https://")
    assert len(feed["items"]) == 3
    for item in feed["items"]:
        assert item["id"] and item["url"].startswith("https://")
        assert "content_html" in item or "content_text" in item
    item = next(i for i in feed["items"] if i["title"] == NASTY)
    assert item["id"] == str(nasty.id) and item["tags"] == ["A&B"]
    assert "&amp;" in item["content_html"] and "<script>" not in item["content_html"]
    # JSON Feed 1.1 required fields: version, title, items; each item needs an id.
    assert {"version", "title", "items"} <= set(feed)
    assert all(isinstance(i["id"], str) for i in feed["items"])


async def test_sitemap(client, factory):
    world, blog, _, plain = await _world_with_posts(factory)
    answer = await client.get(f"/v1/sites/{world.slug}/sitemap.xml")
    assert answer.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(answer.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert f"{BASE}/sites/{world.slug}/" in locs
    assert f"{BASE}/sites/{world.slug}/blogs/{blog.slug}/" in locs
    assert f"{BASE}/sites/{world.slug}/blogs/{blog.slug}/{plain.slug}" in locs
    assert len(locs) == 1 + 2 + 3
    assert all(loc.startswith("https://") for loc in locs)
    assert all(u.find("s:lastmod", ns) is not None for u in root.findall("s:url", ns)[1:])


async def test_empty_site_feeds_are_valid(client, factory):
    world = await factory.world()
    feed = feedparser.parse((await client.get(f"/v1/sites/{world.slug}/feed.atom")).content)
    assert not feed.bozo and feed.entries == []
    assert (await client.get(f"/v1/sites/{world.slug}/feed.json")).json()["items"] == []
