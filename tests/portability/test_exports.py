"""Full exports of a tenant: asked for by staff (also when the subscription is
cancelled), built by the worker's job, downloaded through a signed link that expires and
refuses any change, audited; the archive holds the documented JSON and a WXR file that
a hardened XML parser reads."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import defusedxml.ElementTree as SafeET
import pytest
from sqlalchemy import text

from domain.kernel import clock
from domain.portability.model import ARCHIVE_TTL, LINK_TTL
from tests.factories import FrozenClock, edit_post
from tests.portability.helpers import document, exports_url, lively, run_exports, unzip
from tests.test_foundation import assert_problem

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"


async def _ready(client, factory, world, who: str = "owner") -> dict:
    asked = await client.post(exports_url(world), headers=world.headers[who])
    assert asked.status_code == 202, asked.text
    assert asked.json()["status"] == "queued" and asked.json()["download_url"] is None
    assert await run_exports(factory, world, asked.json()["id"])
    read = await client.get(
        f"{exports_url(world)}/{asked.json()['id']}", headers=world.headers[who]
    )
    assert read.status_code == 200
    return dict(read.json())


async def _download(client, url: str):
    parts = urlsplit(url)
    return await client.get(f"{parts.path}?{parts.query}")


async def test_export_holds_every_part_of_the_tenant(client, factory):
    world, blog, post, made = await lively(factory)
    reader = world.users["reader"]
    voted = await client.put(
        f"/v1/sites/{world.slug}/posts/{post.id}/rating",
        json={"stars": 4},
        headers=world.headers["reader"],
    )
    assert voted.status_code == 200, voted.text
    standing = await client.put(
        f"/v1/tenants/{world.slug}/commenters/{reader.id}",
        json={"standing": "trusted", "note": "fidèle"},
        headers=world.headers["manager"],
    )
    await edit_post(factory, world, post, title="Premier billet, revu")
    export = await _ready(client, factory, world)
    assert export["status"] == "ready" and export["items_done"] == export["items_total"] > 0
    assert export["sha256"] and export["size_bytes"] > 0

    got = await _download(client, export["download_url"])
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/zip"
    assert got.headers["cache-control"] == "private, no-store"
    files = unzip(got.content)
    assert set(files) == {"README.txt", "causerie-export.json", "wordpress.xml"}
    doc = document(files)
    assert doc["format"] == "causerie-export" and doc["version"] == 1
    assert doc["tenant"]["slug"] == world.slug and "branding" in doc["tenant"]
    assert "settings" in doc["tenant"] and doc["subscription"]["plan_id"] == "business"
    roles = {m["role"] for m in doc["members"]}
    assert roles == {"owner", "manager", "moderator", "author", "reader"}
    assert all("password_hash" not in m and "password" not in m for m in doc["members"])
    assert "password" not in files["causerie-export.json"].decode().lower()
    assert [b["slug"] for b in doc["blogs"]] == [blog.slug]
    (exported,) = doc["posts"]
    assert exported["body_markdown"].startswith("Du *texte*")
    assert "<em>texte</em>" in exported["body_html"] and "<script>" not in exported["body_html"]
    assert exported["tags"] == ["cafe"] and exported["blog_slug"] == blog.slug
    assert exported["rating"] == {"count": 1, "sum": 4, "histogram": [0, 0, 0, 1, 0]}
    assert exported["title"] == "Premier billet, revu"
    assert [r["title"] for r in doc["revisions"]] == ["Premier billet"]
    assert doc["revisions"][0]["post_id"] == str(post.id)
    assert [(t["slug"], t["name"]) for t in doc["tags"]] == [("cafe", "Café")]
    assert len(doc["comments"]) == 3
    reply = next(c for c in doc["comments"] if c["parent_id"])
    assert reply["parent_id"] == str(made["first"].id)
    assert all("ip_hash" not in c and "body_hash" not in c for c in doc["comments"])
    assert standing.status_code == 200, standing.text  # the moderation slice's trust list
    (listed,) = doc["commenter_standings"]
    assert (listed["user_id"], listed["standing"], listed["note"]) == (
        str(reader.id),
        "trusted",
        "fidèle",
    )


async def test_wxr_parses_with_a_hardened_parser_and_keeps_the_threads(client, factory):
    world, _blog, post, _made = await lively(factory)
    export = await _ready(client, factory, world, "manager")
    files = unzip((await _download(client, export["download_url"])).content)
    root = SafeET.fromstring(files["wordpress.xml"])  # refuses DTDs, entities, bombs
    channel = root.find("channel")
    assert root.tag == "rss" and channel.findtext(f"{WP}wxr_version") == "1.2"
    (category,) = channel.findall(f"{WP}category")
    assert category.findtext(f"{WP}cat_name") == "Le blog ]]> <b>"
    (item,) = channel.findall("item")
    assert item.findtext(f"{WP}post_name") == post.slug
    assert item.findtext(f"{WP}status") == "publish"
    assert "<em>texte</em> et ]]&gt; puis" in item.findtext(f"{CONTENT}encoded")
    comments = item.findall(f"{WP}comment")
    assert len(comments) == 3
    by_body = {c.findtext(f"{WP}comment_content"): c for c in comments}
    first = by_body["Bravo ]]> & <merci>"]
    reply = by_body["Merci !"]
    assert reply.findtext(f"{WP}comment_parent") == first.findtext(f"{WP}comment_id")
    assert "Un passant  dit bonjour" in by_body  # the control character is dropped
    tags = [c.text for c in item.findall("category") if c.get("domain") == "post_tag"]
    assert tags == ["Café"]


async def test_export_goes_on_when_the_subscription_is_cancelled(client, factory):
    world, *_ = await lively(factory)
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        await tx.connection.execute(
            text("UPDATE subscriptions SET status = 'cancelled' WHERE tenant_id = :t"),
            {"t": world.tenant.id},
        )
        await tx.commit()
    for who in ("owner", "operator"):
        export = await _ready(client, factory, world, who)
        assert export["status"] == "ready"


@pytest.mark.parametrize("who", ["moderator", "author", "reader", "outsider", "anonymous"])
async def test_only_staff_and_operators_export(client, factory, who):
    world = await factory.world()
    answer = await client.post(exports_url(world), headers=world.headers[who])
    status = {"anonymous": 401, "outsider": 404}.get(who, 403)
    assert answer.status_code == status


async def test_another_tenants_export_is_not_found(client, factory):
    world, *_ = await lively(factory)
    other = await factory.world()
    export = await _ready(client, factory, world)
    for url in (f"/v1/tenants/{other.slug}/exports/{export['id']}",):
        assert_problem(await client.get(url, headers=other.headers["owner"]), 404, "not_found")
    # This tenant's staff in another's URL: not found, and nothing listed.
    assert (await client.get(exports_url(world), headers=other.headers["owner"])).status_code == 404
    assert (await client.get(exports_url(other), headers=other.headers["owner"])).json() == []
    # A link of this tenant's moved onto the other tenant's path does not verify.
    query = urlsplit(export["download_url"]).query
    moved = f"/v1/tenants/{other.slug}/exports/{export['id']}/archive?{query}"
    assert_problem(await client.get(moved), 403, "link_invalid")


async def test_one_export_at_a_time(client, factory):
    world, *_ = await lively(factory)
    first = await client.post(exports_url(world), headers=world.headers["owner"])
    assert first.status_code == 202
    again = await client.post(exports_url(world), headers=world.headers["manager"])
    body = assert_problem(again, 409, "conflict")
    assert first.json()["id"] in body["detail"]
    assert await run_exports(factory, world, first.json()["id"])
    assert not await run_exports(factory, world, first.json()["id"])  # a job run twice
    after = await client.post(exports_url(world), headers=world.headers["owner"])
    assert after.status_code == 202
    listed = await client.get(exports_url(world), headers=world.headers["owner"])
    assert [e["id"] for e in listed.json()] == [after.json()["id"], first.json()["id"]]


async def test_a_tampered_or_expired_link_is_refused(client, factory, monkeypatch):
    world, *_ = await lively(factory)
    export = await _ready(client, factory, world)
    parts = urlsplit(export["download_url"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = parts.path

    def url(**changes: str) -> str:
        merged = {**query, **changes}
        return base + "?" + "&".join(f"{k}={v}" for k, v in merged.items())

    signature = query["signature"]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_problem(await client.get(url(signature=flipped)), 403, "link_invalid")
    later = str(int(query["expires"]) + 3600)
    assert_problem(await client.get(url(expires=later)), 403, "link_invalid")
    other_id = base.replace(export["id"], "00000000-0000-4000-8000-000000000000")
    assert_problem(await client.get(other_id + "?" + parts.query), 403, "link_invalid")
    for bad in (url(expires="soon"), url(signature="no/slash"), base, url(expires="-1")):
        assert_problem(await client.get(bad), 422, "validation_failed")

    frozen = FrozenClock(monkeypatch, clock.now())
    frozen.set(frozen.at + LINK_TTL + timedelta(seconds=1))
    assert_problem(await client.get(url()), 410, "link_expired")
    # A fresh read gives a fresh link, until the archive itself is gone.
    fresh = await client.get(f"{exports_url(world)}/{export['id']}", headers=world.headers["owner"])
    assert (await _download(client, fresh.json()["download_url"])).status_code == 200
    frozen.set(frozen.at + ARCHIVE_TTL)
    gone = await client.get(f"{exports_url(world)}/{export['id']}", headers=world.headers["owner"])
    assert gone.json()["status"] == "expired" and gone.json()["download_url"] is None
    assert_problem(await _download(client, fresh.json()["download_url"]), 410, "link_expired")


async def test_every_export_step_is_audited(client, factory):
    world, *_ = await lively(factory)
    export = await _ready(client, factory, world)
    assert (await _download(client, export["download_url"])).status_code == 200
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log?limit=100", headers=world.headers["owner"]
    )
    actions = [(e["action"], e["target_id"]) for e in log.json()["items"]]
    assert ("export.requested", export["id"]) in actions
    assert ("export.downloaded", export["id"]) in actions


async def test_a_failing_build_marks_the_export_failed(client, factory, monkeypatch):
    world, *_ = await lively(factory)
    from api.portability import archive

    def broken(base_url: str):
        def write(snapshot):
            raise RuntimeError("disk full")

        return write

    monkeypatch.setattr(archive, "writer", broken)
    asked = await client.post(exports_url(world), headers=world.headers["owner"])
    assert await run_exports(factory, world, asked.json()["id"])
    read = await client.get(
        f"{exports_url(world)}/{asked.json()['id']}", headers=world.headers["owner"]
    )
    assert read.json()["status"] == "failed" and read.json()["error"] == "RuntimeError"
    assert read.json()["download_url"] is None
    # A failed export does not block the next one.
    assert (
        await client.post(exports_url(world), headers=world.headers["owner"])
    ).status_code == 202


@pytest.mark.parametrize("bad", ["not-a-uuid", "123"])
async def test_bad_export_ids(client, factory, bad):
    world = await factory.world()
    answer = await client.get(f"{exports_url(world)}/{bad}", headers=world.headers["owner"])
    assert_problem(answer, 422, "validation_failed")


async def test_unknown_export_is_not_found(client, factory):
    world = await factory.world()
    url = f"{exports_url(world)}/00000000-0000-4000-8000-000000000000"
    assert_problem(await client.get(url, headers=world.headers["owner"]), 404, "not_found")


async def test_the_export_job_is_enqueued_with_the_request(client, factory):
    world = await factory.world()
    asked = await client.post(exports_url(world), headers=world.headers["owner"])
    async with factory.db.transaction() as tx:
        payloads = (
            await tx.connection.execute(
                text(
                    "SELECT convert_from(payload, 'UTF8') FROM jobs.pgqueuer "
                    "WHERE entrypoint = 'portability.export'"
                )
            )
        ).scalars()
        assert any(asked.json()["id"] in p for p in payloads)
