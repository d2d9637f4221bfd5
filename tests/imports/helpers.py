"""Small WordPress exports written in the tests (bad inputs, edge cases), the upload
call, and the job run (the worker's own code, on the test's database)."""

from __future__ import annotations

import os
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from api.imports import runner

GHOST_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "ghost"


def pelican_export() -> bytes:
    """The WXR that ships inside the installed pelican package (AGPL: read, never copied)."""
    return (resources.files("pelican") / "tests" / "content" / "wordpressexport.xml").read_bytes()


WAGTAIL_WHEELS = Path(__file__).resolve().parents[2] / "var" / "import-fixtures"


def wagtail_fixture(name: str) -> bytes:
    """One file of wagtail-wordpress-import's test fixtures, read from its wheel as
    ``make import-fixtures`` downloaded it (by its hash; never installed, never copied).
    Without the wheel the test is skipped here and fails in CI."""
    wheels = sorted(WAGTAIL_WHEELS.glob("wagtail_wordpress_import-*.whl"))
    if not wheels:
        if os.environ.get("CI"):
            pytest.fail("the wagtail-wordpress-import wheel is missing: make import-fixtures")
        pytest.skip("the wagtail-wordpress-import wheel is not downloaded: make import-fixtures")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        return wheel.read(f"wagtail_wordpress_import/test/fixtures/{name}")


def ghost_v4() -> bytes:
    return (GHOST_FIXTURES / "v4_export.json").read_bytes()


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/{v}/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/{v}/">
<channel><title>Old blog</title><link>{site}</link><wp:wxr_version>{v}</wp:wxr_version>
"""


def author(login: str, email: str | None, name: str | None = None) -> str:
    return (
        f"<wp:author><wp:author_login>{login}</wp:author_login>"
        f"<wp:author_email>{email or ''}</wp:author_email>"
        f"<wp:author_display_name><![CDATA[{name or login}]]></wp:author_display_name></wp:author>"
    )


def comment(
    cid: int,
    parent: int = 0,
    body: str = "Nice post",
    approved: str = "1",
    name: str = "Reader",
    email: str = "reader@example.test",
    date: str = "2019-05-02 10:00:00",
) -> str:
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[{name}]]></wp:comment_author>"
        f"<wp:comment_author_email>{email}</wp:comment_author_email>"
        f"<wp:comment_author_url>https://reader.example/</wp:comment_author_url>"
        f"<wp:comment_date_gmt>{date}</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{body}]]></wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type></wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
        "</wp:comment>"
    )


def item(
    pid: int,
    title: str = "Hello",
    slug: str = "hello",
    body: str = "<p>Body</p>",
    status: str = "publish",
    date: str = "2019-05-01 10:00:00",
    creator: str = "alice",
    comments: str = "",
    kind: str = "post",
    tags: str = "",
    extra: str = "",
    site: str = "https://old.example",
) -> str:
    return (
        f"<item><title>{escape(title)}</title><link>{site}/2019/05/{slug}/</link>"
        f"<dc:creator><![CDATA[{creator}]]></dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_id>{pid}</wp:post_id><wp:post_date_gmt>{date}</wp:post_date_gmt>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type>{tags}{extra}{comments}</item>"
    )


def wxr(*parts: str, version: str = "1.2", site: str = "https://old.example") -> bytes:
    return (HEAD.format(v=version, site=site) + "".join(parts) + "</channel></rss>").encode()


def imports_url(world: Any, suffix: str = "") -> str:
    return f"/v1/tenants/{world.slug}/imports{suffix}"


async def upload(
    client: Any,
    world: Any,
    blog: Any,
    data: bytes,
    *,
    role: str = "owner",
    name: str = "export.xml",
    **fields: str,
) -> Any:
    return await client.post(
        imports_url(world),
        files={"file": (name, data, "application/octet-stream")},
        data={"blog": str(blog.id), **fields},
        headers=world.headers[role],
    )


async def run(factory: Any, world: Any, import_id: str, **kwargs: Any) -> Any:
    """What the worker does with the job."""
    from uuid import UUID

    return await runner.run(
        factory.db, factory.services, world.tenant.id, UUID(import_id), **kwargs
    )


async def imported(
    client: Any, factory: Any, world: Any, blog: Any, data: bytes, **fields: str
) -> dict[str, Any]:
    """Upload, run, and answer the finished job as the API shows it."""
    made = await upload(client, world, blog, data, **fields)
    assert made.status_code == 202, made.text
    await run(factory, world, made.json()["id"])
    got = await client.get(
        imports_url(world, f"/{made.json()['id']}"), headers=world.headers["owner"]
    )
    assert got.status_code == 200, got.text
    return dict(got.json())


BILLION = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<rss><channel><title>&lol2;</title></channel></rss>"""
