"""Ghost exports: the real 4.x export of Ghost's own test suite, Lexical bodies, the
__GHOST_URL__ placeholder, and versions we do not read."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import text

from api.adapters.ghost_export import GhostReader, lexical_to_html
from domain.imports.model import BadExport, ImportedPost, UnsupportedVersion
from tests.imports.helpers import ghost_v4, imported, upload


def _export(version: str = "5.80.0", **post: object) -> bytes:
    row = {
        "id": "p1",
        "title": "Lex",
        "slug": "lex",
        "type": "post",
        "status": "published",
        "published_at": "2023-04-05T06:07:08.000Z",
        "html": None,
        "feature_image": None,
    }
    row.update(post)
    data = {
        "posts": [row],
        "tags": [],
        "posts_tags": [],
        "users": [{"id": "u1", "name": "Ann", "email": "ann@example.test"}],
        "posts_authors": [{"post_id": "p1", "author_id": "u1", "sort_order": 0}],
    }
    return json.dumps({"db": [{"meta": {"version": version}, "data": data}]}).encode()


def test_the_v4_export_is_read():
    reader = GhostReader(io.BytesIO(ghost_v4()))
    items = list(reader.items())
    posts = [i for i in items if isinstance(i, ImportedPost)]
    assert reader.version == "4.1.0"
    assert len(posts) == 7 and len(items) == 11  # 4 pages are skipped
    welcome = next(p for p in posts if p.slug == "welcome")
    assert welcome.tags == ["Getting Started"]
    assert welcome.cover_image_url and welcome.cover_image_url.startswith("https://")
    assert welcome.old_paths == ["/welcome/"]
    assert welcome.published_at is not None and welcome.published_at.year == 2021


def test_a_lexical_body_is_rendered_when_there_is_no_html():
    lexical = {
        "root": {
            "children": [
                {"type": "heading", "tag": "h2", "children": [{"type": "text", "text": "Title"}]},
                {
                    "type": "paragraph",
                    "children": [
                        {"type": "text", "text": "bold", "format": 1},
                        {
                            "type": "link",
                            "url": "__GHOST_URL__/other/",
                            "children": [{"type": "text", "text": "x"}],
                        },
                    ],
                },
                {"type": "mystery-card", "children": [{"type": "text", "text": "kept"}]},
            ]
        }
    }
    reader = GhostReader(io.BytesIO(_export(lexical=json.dumps(lexical))), "https://old.example")
    (post,) = list(reader.items())
    assert isinstance(post, ImportedPost)
    assert "<h2>Title</h2>" in post.html and "<strong>bold</strong>" in post.html
    assert 'href="https://old.example/other/"' in post.html
    assert "kept" in post.html and any("mystery-card" in w for w in post.warnings)
    assert lexical_to_html("not json", set()) == ""


@pytest.mark.parametrize("version", ["1.25.0", "7.0.0", "", "banana"])
def test_unsupported_versions_are_refused(version):
    with pytest.raises(UnsupportedVersion):
        GhostReader(io.BytesIO(_export(version)))


@pytest.mark.parametrize(
    "data",
    [b'{"posts": []}', b"[1, 2]", b'{"db": [{"meta": {}}'],
    ids=["no-db", "a-list", "truncated"],
)
def test_what_is_not_a_ghost_export_is_refused(data):
    with pytest.raises(BadExport):
        GhostReader(io.BytesIO(data))


async def test_the_v4_export_becomes_a_site_with_its_old_addresses(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    job = await imported(client, factory, world, blog, ghost_v4(), name="ghost.json")
    assert job["state"] == "succeeded", job["error"]
    assert job["format"] == "ghost"
    assert job["created"]["posts"] == 7 and job["created"]["authors"] == 2
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        rows = (
            (
                await tx.connection.execute(
                    text(
                        "SELECT slug, tag_names, cover_image_url, body_html FROM posts WHERE tenant_id = :t"
                    ),
                    {"t": world.tenant.id},
                )
            )
            .mappings()
            .all()
        )
    assert {r["slug"] for r in rows} >= {"welcome", "write", "design"}
    assert all(r["tag_names"] == ["getting-started"] for r in rows)
    assert all(r["cover_image_url"].startswith("https://static.ghost.org/") for r in rows)
    moved = await client.get(f"/v1/sites/{world.slug}/redirect", params={"path": "/welcome"})
    assert moved.status_code == 301 and moved.json()["slug"] == "welcome"


async def test_an_unsupported_ghost_version_is_a_422_and_creates_no_job(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    answer = await upload(client, world, blog, _export("1.0.0"), name="old.json")
    assert answer.status_code == 422
    assert answer.json()["code"] == "unsupported_export_version"
    listed = await client.get(f"/v1/tenants/{world.slug}/imports", headers=world.headers["owner"])
    assert listed.json() == []


def _with_comments() -> bytes:
    """A Ghost 5 export with the optional ``comments`` and ``members`` tables (columns as
    Ghost's schema has them), as a backup-style export carries them."""
    document = json.loads(_export(html="<p>Body</p>"))
    data = document["db"][0]["data"]
    data["members"] = [
        {"id": "m1", "email": "reader@example.test", "name": "Rea Der"},
        {"id": "m2", "email": "quiet@example.test", "name": None},
    ]

    def row(cid: str, **fields: object) -> dict[str, object]:
        return {
            "id": cid,
            "post_id": "p1",
            "member_id": "m1",
            "parent_id": None,
            "in_reply_to_id": None,
            "status": "published",
            "html": f"<p>Comment {cid}</p>",
            "edited_at": None,
            "created_at": "2023-04-06T10:00:00.000Z",
            "updated_at": "2023-04-06T10:00:00.000Z",
            **fields,
        }

    data["comments"] = [
        row("c3", parent_id="c1", in_reply_to_id="c2", member_id="m1"),  # before its parents
        row("c1", html="<p>First &amp; <b>best</b></p><p>Second line</p>"),
        row("c2", parent_id="c1", member_id="m2"),
        row("c4", status="hidden"),
        row("c5", status="deleted"),
        row("c6", member_id=None, html='<p>See <a href="__GHOST_URL__/x/">x</a></p>'),
    ]
    return json.dumps(document).encode()


def test_ghost_comments_are_read_with_their_threads_when_the_export_has_them():
    v4 = list(GhostReader(io.BytesIO(ghost_v4())).items())  # no comments table
    assert not any(p.comments for p in v4 if isinstance(p, ImportedPost))
    reader = GhostReader(io.BytesIO(_with_comments()), "https://old.example")
    (post,) = list(reader.items())
    assert isinstance(post, ImportedPost)
    by_key = {c.key: c for c in post.comments}
    assert set(by_key) == {"comment:c1", "comment:c2", "comment:c3", "comment:c4", "comment:c6"}
    assert reader.summary.comments == 5
    assert by_key["comment:c3"].parent_key == "comment:c2"  # the reply it answers
    assert by_key["comment:c2"].parent_key == "comment:c1"
    assert by_key["comment:c1"].body == "First & best\nSecond line"
    assert by_key["comment:c2"].author_name == "quiet"  # a member without a name
    assert by_key["comment:c6"].author_name == "Anonymous"
    assert by_key["comment:c6"].body == "See x"
    assert by_key["comment:c4"].status.value == "rejected"
    assert any("c5" in w and "deleted" in w for w in post.warnings)


async def test_ghost_comments_become_threads_on_the_imported_post(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    job = await imported(client, factory, world, blog, _with_comments(), name="ghost.json")
    assert job["state"] == "succeeded", job["error"]
    assert job["created"]["comments"] == 5
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        rows = (
            (
                await tx.connection.execute(
                    text(
                        "SELECT c.body_markdown, c.depth, c.status, c.author_email, "
                        "p.body_markdown AS parent FROM comments c LEFT JOIN comments p "
                        "ON p.tenant_id = c.tenant_id AND p.id = c.parent_id WHERE c.tenant_id = :t"
                    ),
                    {"t": world.tenant.id},
                )
            )
            .mappings()
            .all()
        )
    by_body = {r["body_markdown"]: r for r in rows}
    assert by_body["Comment c3"]["depth"] == 2 and by_body["Comment c3"]["parent"] == "Comment c2"
    assert by_body["Comment c2"]["author_email"] == "quiet@example.test"
    assert by_body["Comment c4"]["status"] == "rejected"
    assert sum(1 for r in rows if r["status"] == "approved") == 4
