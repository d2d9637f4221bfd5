"""WordPress imports through the API and the worker's run: a real export (pelican's),
statuses, comments and their threads, old addresses, idempotence, and bad input."""

from __future__ import annotations

from sqlalchemy import text

from tests.imports.helpers import imported, imports_url, pelican_export, upload, wagtail_fixture


async def _rows(factory, world, sql: str, **params):
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        return (await tx.connection.execute(text(sql), params)).mappings().all()


async def test_pelicans_wordpress_export_becomes_posts_comments_and_redirects(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Imported")
    job = await imported(client, factory, world, blog, pelican_export())
    assert job["state"] == "succeeded", job["error"]
    assert job["format"] == "wxr"
    posts = await _rows(
        factory,
        world,
        "SELECT slug, status, title, body_html, excerpt, tag_names, published_at FROM posts "
        "WHERE tenant_id = :t ORDER BY slug",
        t=world.tenant.id,
    )
    by_slug = {p["slug"]: p for p in posts}
    assert job["created"]["posts"] == len(posts) >= 8
    assert by_slug["with-comments"]["status"] == "published"
    # The hand-written excerpt is kept whole (a derived one would be cut at 280 characters).
    assert by_slug["with-excerpt"]["excerpt"].endswith("id est laborum.")
    assert any(p["status"] == "draft" for p in posts)
    # Tags and categories (here to tags, the default) are kept by their slugs.
    assert by_slug["with-tags"]["tag_names"] == ["tag-1", "tag2", "tag-3", "category-3"]
    # Pages and custom post types are not posts: they are named among the warnings.
    assert any("a page" in w["message"] for w in job["warnings"])
    for post in posts:
        assert "<script" not in post["body_html"].lower()
    comments = await _rows(
        factory,
        world,
        "SELECT c.author_name, c.author_email, c.parent_id, c.status, c.depth FROM comments c "
        "JOIN posts p ON p.tenant_id = c.tenant_id AND p.id = c.post_id "
        "WHERE c.tenant_id = :t AND p.slug = 'with-comments'",
        t=world.tenant.id,
    )
    assert len(comments) == 3 == job["created"]["comments"]
    assert any(c["parent_id"] is not None for c in comments)  # a thread survives
    # The old address answers with a 301 to the new one.
    moved = await client.get(f"/v1/sites/{world.slug}/redirect", params={"path": "/with-comments/"})
    assert moved.status_code == 301, moved.text
    assert moved.headers["location"].endswith(f"/blogs/{blog.slug}/with-comments")
    by_id = await client.get(f"/v1/sites/{world.slug}/redirect", params={"path": "/?p=422"})
    assert by_id.status_code == 301 and by_id.json()["slug"] == "with-comments"


async def test_the_same_file_twice_creates_nothing_twice(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    first = await imported(client, factory, world, blog, pelican_export())
    second = await imported(client, factory, world, blog, pelican_export())
    assert first["created"]["posts"] > 0
    assert second["state"] == "succeeded"
    assert second["created"]["posts"] == second["created"]["comments"] == 0
    assert second["created"]["authors"] == 0
    count = await _rows(
        factory, world, "SELECT count(*) AS n FROM posts WHERE tenant_id = :t", t=world.tenant.id
    )
    assert count[0]["n"] == first["created"]["posts"]


async def test_scripts_can_ask_for_the_new_address_as_json(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    await imported(client, factory, world, blog, pelican_export())
    answer = await client.get(
        f"/v1/sites/{world.slug}/redirect", params={"path": "/?p=422", "as": "json"}
    )
    assert answer.status_code == 200 and answer.json()["blog"] == blog.slug
    unknown = await client.get(f"/v1/sites/{world.slug}/redirect", params={"path": "/nothing/"})
    assert unknown.status_code == 404


async def test_the_upload_enqueues_a_job_that_the_worker_runs(client, factory, settings):
    from types import SimpleNamespace

    from api.worker import Worker
    from persistence import jobs

    world = await factory.world()
    blog = await factory.blog(world)
    made = await upload(client, world, blog, pelican_export())
    assert made.status_code == 202 and made.json()["state"] == "queued"
    async with factory.db.transaction() as tx:
        payloads = (
            (
                await tx.connection.exec_driver_sql(
                    "SELECT convert_from(payload, 'UTF8') FROM jobs.pgqueuer WHERE entrypoint = "
                    f"'{jobs.IMPORT}'"
                )
            )
            .scalars()
            .all()
        )
    payload = next(p for p in payloads if made.json()["id"] in p)
    worker = Worker(factory.db, settings)
    worker._services = factory.services
    await worker.run_import(SimpleNamespace(payload=payload.encode()))  # type: ignore[arg-type]
    got = await client.get(
        imports_url(world, f"/{made.json()['id']}"), headers=world.headers["owner"]
    )
    assert got.json()["state"] == "succeeded" and got.json()["done"] == got.json()["total"]


async def test_wagtail_wordpress_imports_export_of_one_slug_five_times_gives_five_posts(
    client, factory
):
    """wagtail-wordpress-import's ``post_meta.xml`` (its own test file) holds five posts
    that all say ``item-one-title``: each becomes a post with a slug of its own."""
    world = await factory.world()
    blog = await factory.blog(world, "Imported")
    job = await imported(client, factory, world, blog, wagtail_fixture("post_meta.xml"))
    assert job["state"] == "succeeded", job["error"]
    posts = await _rows(
        factory, world, "SELECT slug, title FROM posts WHERE tenant_id = :t", t=world.tenant.id
    )
    assert len(posts) == 5 == job["created"]["posts"]
    assert len({p["slug"] for p in posts}) == 5
    assert all(p["slug"].startswith("item-one-title") for p in posts)
