"""The public counts (a blog's posts, the tags, an author's posts) are kept by the writes
(migration 0013) and must always equal what the public lists show.

After every kind of write that can change them, each count is compared with the number
of posts the matching public list returns, and the kept rows with a recount of the posts
table: a trigger that missed a case fails here, whatever the read does with it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from persistence.posts import public_reads
from tests.factories import archive_blog, edit_post, post_transition

RECOUNT = """
SELECT p.blog_id, f.facet, f.facet_key, count(*)::integer
FROM posts p CROSS JOIN LATERAL (
  SELECT 'blog'::varchar AS facet, ''::text AS facet_key
  UNION ALL SELECT 'author', p.author_id::text
  UNION ALL SELECT DISTINCT 'tag', tag FROM unnest(p.tag_names) AS tag
) f
WHERE p.tenant_id = :t AND p.status IN ('published','scheduled') AND p.deleted_at IS NULL
GROUP BY 1, 2, 3
"""
KEPT = (
    "SELECT blog_id, facet, facet_key, posts FROM public_post_counts "
    "WHERE tenant_id = :t AND posts <> 0"
)


async def _rows(db, world, sql: str) -> set[tuple[object, ...]]:
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        result = await tx.connection.execute(text(sql), {"t": world.tenant.id})
        return {tuple(row) for row in result.all()}


async def _listed(client, world, **params: str) -> int:
    answer = await client.get(f"/v1/sites/{world.slug}/posts", params={"limit": 100, **params})
    if answer.status_code == 404:  # a tag, blog or author with nothing public
        return 0
    assert answer.status_code == 200, answer.text
    return len(answer.json()["items"])


async def assert_counts_agree(client, db, world, blogs: list[str], tags: list[str]) -> None:
    assert await _rows(db, world, KEPT) == await _rows(db, world, RECOUNT)
    site = f"/v1/sites/{world.slug}"
    for blog in blogs:
        answer = await client.get(f"{site}/blogs/{blog}")
        if answer.status_code == 404:  # an archived blog has no page
            continue
        assert answer.json()["post_count"] == await _listed(client, world, blog=blog), blog
    counted = {
        t["slug"]: t["post_count"] for t in (await client.get(f"{site}/tags")).json()["items"]
    }
    for tag in tags:
        shown = await _listed(client, world, tag=tag)
        assert counted.get(tag, 0) == shown, tag
    author = world.users["author"].handle
    page = await client.get(f"{site}/authors/{author}")
    shown = await _listed(client, world, author=author)
    assert (page.json()["post_count"] if page.status_code == 200 else 0) == shown


async def test_counts_follow_every_write(client, factory, db, monkeypatch):
    world = await factory.world()
    one, two = await factory.blog(world, "Un"), await factory.blog(world, "Deux")
    blogs, tags = ["un", "deux"], ["mer", "ete", "vent"]
    check = lambda: assert_counts_agree(client, db, world, blogs, tags)  # noqa: E731

    a = await factory.post(world, one, "A", tags=["Mer", "Été"])
    b = await factory.post(world, one, "B", tags=["mer", "Mer"])  # the same tag twice
    c = await factory.post(world, two, "C", tags=["Vent"])
    draft = await factory.post(world, two, "Brouillon", tags=["Mer"], publish=False)
    await check()

    soon = (await db_now(db)) + timedelta(hours=2)
    scheduled = await factory.post(world, two, "Plus tard", tags=["Été"], at=soon)
    await check()  # kept from its write, not shown (nor counted) before its time
    monkeypatch.setattr(public_reads, "clock", lambda: soon + timedelta(seconds=1))
    await check()  # its time came: counted, with no write
    monkeypatch.setattr(public_reads, "clock", public_reads.database_clock)

    await edit_post(factory, world, a, tags=["Vent"])
    await check()
    await post_transition(factory, world, b, "unpublish")
    await check()
    await post_transition(factory, world, c, "delete")
    await check()
    await factory.post(world, two, "D", tags=["Mer"])
    await post_transition(factory, world, scheduled, "archive")
    await check()
    assert draft.status.value == "draft"

    await archive_blog(factory, world, two)
    await check()  # its posts leave the tags and the author page


async def test_counts_stay_in_their_tenant(client, factory, db):
    mine, theirs = await factory.world(), await factory.world()
    for world in (mine, theirs):
        blog = await factory.blog(world, "Un")
        await factory.post(world, blog, "A", tags=["Mer"])
    await factory.post(theirs, (await factory.blog(theirs, "Deux")), "B", tags=["Mer"])
    tags = (await client.get(f"/v1/sites/{mine.slug}/tags")).json()["items"]
    assert tags == [{"slug": "mer", "name": "Mer", "post_count": 1}]
    page = await client.get(f"/v1/sites/{mine.slug}/authors/{theirs.users['author'].handle}")
    assert page.status_code == 404  # row-level security on the counts: tests/test_rls.py


async def db_now(db):
    return (await db._bound.execute(text("SELECT statement_timestamp()"))).scalar_one()
