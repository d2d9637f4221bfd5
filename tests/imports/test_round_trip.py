"""An export re-imported into an empty tenant gives the same site: its WordPress file
(``wordpress.xml`` in the archive) carries the posts, their tags, statuses, dates,
covers, comments with their threads, and the tenant's redirect table, so the old
addresses keep leading to the same posts in the new tenant."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text

from tests.factories import Factory, World
from tests.imports.helpers import author, comment, imported, item, wxr
from tests.portability.helpers import exports_url, run_exports, unzip

COVER = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>90</wp:meta_value></wp:postmeta>"
ATTACHMENT = (
    "<item><title>cover</title><wp:post_id>90</wp:post_id><wp:post_type>attachment</wp:post_type>"
    "<wp:attachment_url>https://old.example/cover.jpg</wp:attachment_url></item>"
)


def _source() -> bytes:
    return wxr(
        author("alice", "alice@old.example", "Alice"),
        ATTACHMENT,
        item(
            1,
            title="Première",
            slug="premiere",
            body="<p>Un <strong>premier</strong> billet.</p>",
            tags='<category domain="post_tag" nicename="pain"><![CDATA[Pain]]></category>',
            extra=COVER,
            comments=comment(10, body="Bravo pour ce billet")
            + comment(11, parent=10, body="Merci beaucoup", name="Alice")
            + comment(12, parent=11, body="Une troisième voix", email="third@example.test")
            + comment(13, body="En attente", approved="0"),
        ),
        item(2, title="Brouillon", slug="brouillon", status="draft", date="2019-06-01 08:00:00"),
    )


async def _site(factory: Factory, world: World) -> dict[str, Any]:
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:

        async def rows(sql: str) -> list[Any]:
            return list((await tx.connection.execute(text(sql), {"t": world.tenant.id})).all())

        posts = await rows(
            "SELECT p.id, p.slug, p.title, p.excerpt, p.body_html, p.status, "
            "date_trunc('second', p.published_at), p.tag_names, p.cover_image_url, "
            "p.comment_count, u.email, b.slug FROM posts p JOIN users u ON u.id = p.author_id "
            "JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id "
            "WHERE p.tenant_id = :t"
        )
        comments = await rows(
            "SELECT c.post_id, c.author_name, c.author_email, c.author_url, c.body_markdown, "
            "c.status, c.depth, date_trunc('second', c.created_at), parent.body_markdown "
            "FROM comments c LEFT JOIN comments parent ON parent.tenant_id = c.tenant_id "
            "AND parent.id = c.parent_id WHERE c.tenant_id = :t"
        )
        tags = await rows("SELECT slug, name FROM tags WHERE tenant_id = :t")
        redirects = await rows("SELECT path, post_id FROM redirects WHERE tenant_id = :t")
    slug_of = {p[0]: p[1] for p in posts}
    return {
        "posts": {(*p[1:7], tuple(sorted(p[7])), *p[8:]) for p in posts},
        "comments": {(slug_of[c[0]], *c[1:]) for c in comments},
        "tags": {tuple(t) for t in tags},
        "redirects": {path: slug_of[post] for path, post in redirects},
    }


async def test_an_export_imported_into_an_empty_tenant_gives_the_same_site(client, factory):
    first = await factory.world()
    blog = await factory.blog(first)
    job = await imported(client, factory, first, blog, _source())
    assert job["state"] == "succeeded", job["error"]
    await factory.post(first, blog, "Écrit ici", "Du *texte* ici.", tags=["Café"])
    before = await _site(factory, first)
    assert before["redirects"]["/2019/05/premiere/"] == "premiere"
    assert len(before["posts"]) == 3 and len(before["comments"]) == 4

    asked = await client.post(exports_url(first), headers=first.headers["owner"])
    assert asked.status_code == 202, asked.text
    assert await run_exports(factory, first, asked.json()["id"])
    ready = await client.get(
        f"{exports_url(first)}/{asked.json()['id']}", headers=first.headers["owner"]
    )
    link = urlsplit(ready.json()["download_url"])
    archive = await client.get(f"{link.path}?{link.query}")
    assert archive.status_code == 200
    exported = unzip(archive.content)["wordpress.xml"]
    assert b"causerie_redirect" in exported

    second = await factory.world()
    target = await factory.blog(second)
    again = await imported(client, factory, second, target, exported, categories_as="blogs")
    assert again["state"] == "succeeded", again["error"]
    after = await _site(factory, second)
    assert after["posts"] == before["posts"]
    assert after["comments"] == before["comments"]
    assert after["tags"] == before["tags"]
    # Every old address of the first tenant leads to the same post; the export's own
    # addresses (/blogs/…, /?p=…) are added to them.
    assert after["redirects"].items() >= before["redirects"].items()
    public = await client.get(
        f"/v1/sites/{second.slug}/redirect",
        params={"path": "/2019/05/premiere/", "as": "json"},
    )
    assert public.status_code == 200, public.text
    assert public.json()["location"].endswith("/premiere")
