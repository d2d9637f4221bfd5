"""The rules of an import job: bad content made harmless, limits refused early, one
import at a time, quotas up front, tenants apart, dry runs, and a failure that leaves a
resumable state."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.imports import use_cases
from tests.imports.helpers import (
    BILLION,
    author,
    comment,
    imported,
    imports_url,
    item,
    pelican_export,
    run,
    upload,
    wxr,
)


async def _rows(factory, world, sql: str):
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        return (await tx.connection.execute(text(sql), {"t": world.tenant.id})).mappings().all()


def _warned(job, needle: str) -> bool:
    return any(needle in w["message"] for w in job["warnings"])


async def test_scripts_and_event_handlers_do_not_survive(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    evil = (
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">there</a></p>'
        '<script>alert(1)</script><img src="https://x.example/a.png" onerror="alert(2)">'
        '<iframe src="https://evil.example"></iframe><style>body{}</style>'
    )
    job = await imported(
        client,
        factory,
        world,
        blog,
        wxr(
            author("alice", "alice@old.example"),
            item(
                1,
                body=evil,
                comments=comment(5, body='<script>alert(3)</script><b onmouseover="x">ok</b>'),
            ),
        ),
    )
    assert job["state"] == "succeeded", job["error"]
    (post,) = await _rows(
        factory, world, "SELECT body_html, body_markdown FROM posts WHERE tenant_id = :t"
    )
    for body in (post["body_html"], post["body_markdown"]):
        lowered = body.lower()
        for needle in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<style"):
            assert needle not in lowered, (needle, body)
    assert "https://x.example/a.png" in post["body_html"]
    (kept,) = await _rows(factory, world, "SELECT body_html FROM comments WHERE tenant_id = :t")
    assert "<script" not in kept["body_html"].lower() and "onmouseover" not in kept["body_html"]


async def test_duplicate_slugs_missing_parents_authors_without_email_and_odd_dates(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog, "Taken")  # its slug is "taken"
    job = await imported(
        client,
        factory,
        world,
        blog,
        wxr(
            author("alice", "alice@old.example", "Alice"),
            author("nomail", None, "No Mail"),
            item(
                1,
                slug="same",
                comments=comment(10) + comment(11, parent=10) + comment(12, parent=99),
            ),
            item(2, slug="same", creator="nomail", comments=comment(13, parent=10)),
            item(3, slug="taken", date="0000-00-00 00:00:00"),
            item(4, slug="far", date="9999-12-31 23:59:59"),
        ),
    )
    assert job["state"] == "succeeded", job["error"]
    assert job["created"]["posts"] == 4 and job["created"]["comments"] == 4
    posts = {
        r["slug"]: r
        for r in await _rows(
            factory,
            world,
            "SELECT p.slug, p.status, p.published_at, u.email FROM posts p JOIN users u "
            "ON u.id = p.author_id WHERE p.tenant_id = :t",
        )
    }
    assert {"same", "same-2", "taken-2", "far"} <= set(posts)
    assert _warned(job, "slug 'same' is taken")
    # Alice was created as a member (author); the author without e-mail is the importer.
    assert posts["same"]["email"] == "alice@old.example"
    assert posts["same-2"]["email"] == world.users["owner"].email
    assert _warned(job, "has no e-mail")
    # Year 0 (no date) and year 9999 (out of range) published posts take the import's date.
    assert posts["taken-2"]["status"] == "published" and posts["taken-2"]["published_at"]
    assert posts["far"]["status"] == "published" and posts["far"]["published_at"].year < 9999
    assert _warned(job, "out of range")
    comments = await _rows(
        factory,
        world,
        "SELECT c.parent_id, c.depth, p.slug FROM comments c JOIN posts p "
        "ON p.tenant_id = c.tenant_id AND p.id = c.post_id WHERE c.tenant_id = :t",
    )
    replies = [c for c in comments if c["parent_id"] is not None]
    assert len(replies) == 1 and replies[0]["slug"] == "same"  # 11 -> 10
    # 12's parent is missing, 13's is in another post: both start their own thread.
    assert sum(1 for c in comments if c["parent_id"] is None) == 3
    assert _warned(job, "comment:99") and _warned(job, "comment:10 is not a comment of this post")
    member = await _rows(
        factory,
        world,
        "SELECT m.role FROM memberships m JOIN users u "
        "ON u.id = m.user_id WHERE m.tenant_id = :t AND u.email = 'alice@old.example'",
    )
    assert member[0]["role"] == "author"


async def test_a_dry_run_reports_and_creates_nothing(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    job = await imported(client, factory, world, blog, pelican_export(), dry_run="true")
    assert job["state"] == "succeeded" and job["dry_run"] is True
    assert job["created"]["posts"] >= 8 and job["created"]["comments"] == 3
    assert (await _rows(factory, world, "SELECT count(*) AS n FROM posts WHERE tenant_id = :t"))[0][
        "n"
    ] == 0
    assert (
        await _rows(factory, world, "SELECT count(*) AS n FROM import_keys WHERE tenant_id = :t")
    )[0]["n"] == 0
    real = await imported(client, factory, world, blog, pelican_export())
    assert real["created"] == job["created"]


async def test_a_failure_midway_leaves_a_resumable_state(client, factory, monkeypatch):
    monkeypatch.setattr(use_cases, "BATCH", 2)
    world = await factory.world()
    blog = await factory.blog(world)
    data = wxr(
        author("alice", "alice@old.example"),
        *(item(i, slug=f"p{i}", comments=comment(100 + i)) for i in range(1, 8)),
    )
    made = await upload(client, world, blog, data)
    assert made.status_code == 202

    def crash(done: int) -> None:
        if done >= 4:
            raise RuntimeError("the disk is gone")

    failed = await run(factory, world, made.json()["id"], fault=crash)
    assert failed.state.value == "failed" and "disk" in str(failed.error)
    assert (await _rows(factory, world, "SELECT count(*) AS n FROM posts WHERE tenant_id = :t"))[0][
        "n"
    ] == 2
    shown = await client.get(
        imports_url(world, f"/{made.json()['id']}"), headers=world.headers["owner"]
    )
    assert shown.json()["state"] == "failed" and shown.json()["error"]["detail"]

    resumed = await client.post(
        imports_url(world, f"/{made.json()['id']}/resume"), headers=world.headers["owner"]
    )
    assert resumed.status_code == 202 and resumed.json()["state"] == "queued"
    done = await run(factory, world, made.json()["id"])
    assert done.state.value == "succeeded"
    assert done.report.posts == 5 and done.report.skipped == 2
    counts = await _rows(
        factory,
        world,
        "SELECT (SELECT count(*) FROM posts WHERE tenant_id = :t) AS p, "
        "(SELECT count(*) FROM comments WHERE tenant_id = :t) AS c",
    )
    assert counts[0]["p"] == 7 and counts[0]["c"] == 7
    again = await client.post(
        imports_url(world, f"/{made.json()['id']}/resume"), headers=world.headers["owner"]
    )
    assert again.status_code == 409  # only a failed import resumes


async def test_a_second_import_while_one_runs_is_a_409(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    first = await upload(client, world, blog, wxr(item(1)))
    assert first.status_code == 202
    second = await upload(client, world, blog, wxr(item(2)))
    assert second.status_code == 409 and second.json()["code"] == "conflict"
    await run(factory, world, first.json()["id"])
    third = await upload(client, world, blog, wxr(item(2)))
    assert third.status_code == 202


async def test_quotas_are_checked_up_front_with_what_is_missing(client, factory):
    world = await factory.world(plan="starter")  # 5 members who are not readers; 4 in use
    blog = await factory.blog(world)
    data = wxr(author("a", "a@old.example"), author("b", "b@old.example"), item(1, creator="a"))
    answer = await upload(client, world, blog, data)
    assert answer.status_code == 402, answer.text
    body = answer.json()
    assert body["code"] == "quota_exceeded"
    assert body["missing"] == [
        {"quota": "members", "limit": 5, "usage": 4, "adding": 2, "missing": 1}
    ]
    assert (await client.get(imports_url(world), headers=world.headers["owner"])).json() == []


async def test_an_upload_over_the_plans_limit_is_refused_before_it_is_read(client, factory):
    world = await factory.world(plan="starter")  # 20 MB
    await factory.blog(world)
    request = client.build_request(
        "POST",
        imports_url(world),
        headers={**world.headers["owner"], "content-type": "multipart/form-data; boundary=x"},
        content=b"--x--\r\n",
    )
    request.headers["content-length"] = str(2 * 1024**3)  # says 2 GB
    answer = await client.send(request)
    assert answer.status_code == 413 and answer.json()["limit_bytes"] == 20 * 1024 * 1024

    sent = {"chunks": 0}

    async def endless():
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.xml"\r\n\r\n'
        for _ in range(2048):  # 2 GB in 1 MB chunks, if it were all read
            sent["chunks"] += 1
            yield b"<" * (1024 * 1024)

    streamed = await client.post(
        imports_url(world),
        content=endless(),
        headers={**world.headers["owner"], "content-type": "multipart/form-data; boundary=x"},
    )
    assert streamed.status_code == 413
    assert sent["chunks"] < 100  # refused as soon as the stream passed the limit


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (BILLION, "bad_export"),
        (b"%PDF-1.4 not an export", "bad_export"),
        (b"<rss><channel></channel>", "bad_export"),
    ],
    ids=["billion-laughs", "wrong-format", "truncated"],
)
async def test_bad_files_are_a_422_and_leave_nothing(client, factory, data, code):
    world = await factory.world()
    blog = await factory.blog(world)
    answer = await upload(client, world, blog, data)
    assert answer.status_code == 422 and answer.json()["code"] == code
    assert (await client.get(imports_url(world), headers=world.headers["owner"])).json() == []


async def test_another_tenants_import_is_a_404_and_authors_may_not_import(client, factory):
    world = await factory.world()
    other = await factory.world()
    blog = await factory.blog(world)
    made = await upload(client, world, blog, wxr(item(1)))
    import_id = made.json()["id"]
    # The other tenant's owner, on their own tenant's path or on ours.
    assert (
        await client.get(imports_url(other, f"/{import_id}"), headers=other.headers["owner"])
    ).status_code == 404
    assert (
        await client.get(imports_url(world, f"/{import_id}"), headers=other.headers["owner"])
    ).status_code == 404
    assert (
        await client.post(
            imports_url(other, f"/{import_id}/resume"), headers=other.headers["owner"]
        )
    ).status_code == 404
    # A blog of another tenant is not found either.
    other_blog = await factory.blog(other)
    assert (await upload(client, world, other_blog, wxr(item(2)))).status_code == 404
    assert (await upload(client, world, blog, wxr(item(3)), role="author")).status_code == 403
    assert (
        await client.get(f"/v1/sites/{other.slug}/redirect", params={"path": "/2019/05/hello/"})
    ).status_code == 404


async def test_categories_can_become_blogs(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    cats = (
        '<category domain="category" nicename="travel"><![CDATA[Travel]]></category>'
        '<category domain="post_tag" nicename="sea"><![CDATA[Sea]]></category>'
    )
    job = await imported(
        client,
        factory,
        world,
        blog,
        wxr(
            "<wp:category><wp:category_nicename>travel</wp:category_nicename>"
            "<wp:cat_name><![CDATA[Travel]]></wp:cat_name></wp:category>",
            item(1, slug="trip", tags=cats),
            item(2, slug="home"),
        ),
        categories_as="blogs",
    )
    assert job["state"] == "succeeded", job["error"]
    assert job["created"]["blogs"] == 1
    rows = await _rows(
        factory,
        world,
        "SELECT p.slug, b.slug AS blog, p.tag_names FROM posts p "
        "JOIN blogs b ON b.tenant_id = p.tenant_id AND b.id = p.blog_id WHERE p.tenant_id = :t",
    )
    where = {r["slug"]: (r["blog"], r["tag_names"]) for r in rows}
    assert where["trip"] == ("travel", ["sea"]) and where["home"][0] == blog.slug


async def test_malformed_uploads_are_problems_never_500s(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    owner = world.headers["owner"]
    url = imports_url(world)
    answers = [
        await client.post(url, headers=owner),
        await client.post(url, json={"file": "x"}, headers=owner),
        await client.post(
            url, content=b"--x\r\n", headers={**owner, "content-type": "multipart/form-data"}
        ),
        await client.post(url, data={"file": "not a file", "blog": str(blog.id)}, headers=owner),
        await upload(client, world, blog, b""),
        await upload(client, world, blog, b"\xef\xbb\xbf\xff\xfe garbage"),
        await upload(client, world, blog, b"[]"),
        await upload(
            client,
            world,
            blog,
            b'{"db": [{"meta": {"version": "5.0.0"}, "data": ["not", "tables"]}]}',
        ),
        await upload(client, world, blog, wxr(item(1)), author_role="owner"),
        await upload(client, world, blog, wxr(item(1)), categories_as="pages"),
        await client.post(
            url, files={"file": ("a.xml", wxr(item(1)))}, data={"blog": "nope"}, headers=owner
        ),
    ]
    assert [a.status_code for a in answers] == [422] * len(answers), [a.text for a in answers]
    assert all(a.headers["content-type"].startswith("application/problem+json") for a in answers)
    assert (await client.get(url, headers=owner)).json() == []
