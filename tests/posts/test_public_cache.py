"""The public-read cache in one process (api/public_cache.py): answers kept until a write
changes them, the narrow invalidation of votes and comments, the scheduled post's time,
tenants kept apart, credentialed readers never served or stored. Two processes sharing
one database are in tests/test_public_cache_processes.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from api.public_cache import PublicCache
from domain.tenants.model import CommentPolicy
from persistence.posts import public_reads
from persistence.public_changes import PublicChange
from tests.factories import edit_post, post_transition
from tests.posts.test_public import db_now, site


@pytest.fixture
async def cache(app, db, services) -> AsyncIterator[PublicCache]:
    kept = PublicCache(db, dsn=None, forget_site=services.forget_tenant)
    await kept.start()
    app.state.public_cache = kept
    try:
        yield kept
    finally:
        app.state.public_cache = None
        await kept.stop()


async def hits_of(cache: PublicCache, client, path: str, **kwargs) -> tuple[int, object]:
    """(1 if the cache answered, else 0; the answer)."""
    before = cache.hits
    answer = await client.get(path, **kwargs)
    return cache.hits - before, answer


async def test_an_answer_is_kept_and_forgotten_when_a_post_changes(client, factory, cache):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, "Premier")
    s = site(world)
    single = f"{s}/blogs/{blog.slug}/posts/{post.slug}"
    for path in (f"{s}/posts", single, f"{s}/tags", f"{s}/blogs/{blog.slug}", s):
        first, answer = await hits_of(cache, client, path)
        assert (first, answer.status_code) == (0, 200), path
        again, same = await hits_of(cache, client, path)
        assert again == 1 and same.content == answer.content, path
        assert same.headers["etag"] == answer.headers["etag"]
        assert same.headers["cache-control"].startswith("public")
        # a kept answer is compressed once and sent as such to clients that take gzip
        assert same.headers.get("content-encoding") == answer.headers.get("content-encoding")
        if same.headers.get("content-encoding") == "gzip":
            assert "Accept-Encoding" in same.headers["vary"]
        revalidated, not_modified = await hits_of(
            cache, client, path, headers={"If-None-Match": answer.headers["etag"]}
        )
        assert (revalidated, not_modified.status_code, not_modified.content) == (1, 304, b"")

    await edit_post(factory, world, post, title="Premier, revu")
    hit, answer = await hits_of(cache, client, single)
    assert (hit, answer.json()["title"]) == (0, "Premier, revu")
    hit, listed = await hits_of(cache, client, f"{s}/posts")
    assert (hit, [i["title"] for i in listed.json()["items"]]) == (0, ["Premier, revu"])

    await post_transition(factory, world, post, "unpublish")
    assert (await client.get(single)).status_code == 404
    assert (await client.get(f"{s}/posts")).json()["items"] == []
    assert (await client.get(f"{s}/blogs/{blog.slug}")).json()["post_count"] == 0


async def test_a_vote_forgets_its_post_and_the_lists_only(client, factory, cache):
    world = await factory.world(anonymous_ratings=True, anonymous_comments=True)
    blog = await factory.blog(world)
    voted = await factory.post(world, blog, "Voted", tags=["Commun"])
    other = await factory.post(world, blog, "Other", tags=["Commun"])
    s = site(world)
    voted_path = f"{s}/blogs/{blog.slug}/posts/{voted.slug}"
    other_path = f"{s}/blogs/{blog.slug}/posts/{other.slug}"
    paths = [
        voted_path,
        other_path,
        f"{s}/posts",
        f"{s}/posts/{voted.id}/comments",
        f"{s}/posts/{other.id}/comments",
        f"{s}/tags",
        f"{s}/blogs/{blog.slug}",
        f"{s}/feed.atom",
    ]
    for path in paths:
        assert (await client.get(path)).status_code == 200, path
    vote = await client.put(
        f"{s}/posts/{voted.id}/rating", json={"stars": 5}, headers={"X-Voter-Token": "v" * 40}
    )
    assert vote.status_code == 200, vote.text
    hits = {path: (await hits_of(cache, client, path))[0] for path in paths}
    assert hits == {
        voted_path: 0,
        other_path: 1,
        f"{s}/posts": 0,
        f"{s}/posts/{voted.id}/comments": 0,
        f"{s}/posts/{other.id}/comments": 1,
        f"{s}/tags": 1,
        f"{s}/blogs/{blog.slug}": 1,
        f"{s}/feed.atom": 1,
    }
    assert (await client.get(voted_path)).json()["rating"]["count"] == 1

    comment = await client.post(
        f"{s}/posts/{other.id}/comments", json={"body": "Bien vu", "author_name": "Zoé"}
    )
    assert comment.status_code in (201, 202), comment.text
    hit, _ = await hits_of(cache, client, f"{s}/posts/{other.id}/comments")
    assert hit == 0
    hit, _ = await hits_of(cache, client, voted_path)
    assert hit == 1


async def test_a_scheduled_post_makes_the_kept_answers_stale_at_its_time(
    client, factory, db, cache, monkeypatch
):
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog, "Now")
    at = await db_now(db) + timedelta(hours=1)
    await factory.post(world, blog, "Soon", at=at)
    s = site(world)
    titles = [i["title"] for i in (await client.get(f"{s}/posts")).json()["items"]]
    assert titles == ["Now"]
    monkeypatch.setattr(public_reads, "clock", lambda: at - timedelta(seconds=1))
    hit, answer = await hits_of(cache, client, f"{s}/posts")
    assert hit == 1 and [i["title"] for i in answer.json()["items"]] == ["Now"]
    monkeypatch.setattr(public_reads, "clock", lambda: at)
    hit, answer = await hits_of(cache, client, f"{s}/posts")
    assert (hit, [i["title"] for i in answer.json()["items"]]) == (0, ["Soon", "Now"])
    assert (await client.get(f"{s}/blogs/{blog.slug}")).json()["post_count"] == 2


async def test_tenants_never_get_each_others_answers(client, factory, cache):
    first, second = await factory.world(), await factory.world()
    for world, title in ((first, "Chez A"), (second, "Chez B")):
        blog = await factory.blog(world, "Carnet")
        await factory.post(world, blog, title)
    for _ in range(2):
        for world, title in ((first, "Chez A"), (second, "Chez B")):
            answer = await client.get(f"{site(world)}/posts")
            assert [i["title"] for i in answer.json()["items"]] == [title]
            post = await client.get(f"{site(world)}/blogs/carnet/posts/chez-{title[-1].lower()}")
            assert post.json()["title"] == title
            other = first if world is second else second
            # the other tenant's post by its path under this tenant: never its answer
            foreign = f"{site(world)}/blogs/carnet/posts/chez-{'b' if world is first else 'a'}"
            assert (await client.get(foreign)).status_code == 404, other.slug


async def test_credentialed_readers_are_never_served_nor_stored(client, factory, cache):
    world = await factory.world(comment_policy=CommentPolicy.PRE)
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    thread = f"{site(world)}/posts/{post.id}/comments"
    reader = world.headers["reader"]
    held = await client.post(thread, json={"body": "En attente"}, headers=reader)
    assert held.status_code == 202, held.text
    hit, own = await hits_of(cache, client, thread, headers=reader)
    assert hit == 0 and "En attente" in own.text
    assert own.headers["cache-control"] == "private, no-store"
    hit, anonymous = await hits_of(cache, client, thread)
    assert hit == 0 and "En attente" not in anonymous.text
    hit, anonymous = await hits_of(cache, client, thread)
    assert hit == 1 and "En attente" not in anonymous.text
    hit, own = await hits_of(cache, client, thread, headers=reader)
    assert hit == 0 and "En attente" in own.text


async def test_a_domain_changed_by_another_process_is_seen_at_once(client, factory, cache):
    """A custom domain added (or removed) by another process: its row is committed there,
    and its notification reaches this process's cache, which forgets the tenant's hosts
    and the unknown hosts it remembered (within the host cache's 60 s, not after)."""
    world, other = await factory.world(plan="business"), await factory.world(plan="business")
    host = f"blog-{world.slug}.example.com"

    async def resolve(name: str) -> int:
        return (await client.get("/v1/sites/resolve", params={"host": name})).status_code

    async def domains(sql: str, tenant_id, name: str) -> None:
        async with factory.db.transaction(tenant_id=tenant_id) as tx:
            await tx.connection.execute(text(sql), {"t": tenant_id, "h": name})
            await tx.commit()

    assert await resolve(host) == 404  # remembered as nobody's
    await domains(
        "INSERT INTO tenant_domains (tenant_id, id, host, created_at) "
        "VALUES (:t, gen_random_uuid(), :h, now())",
        world.tenant.id,
        host,
    )
    assert await resolve(host) == 404  # the kept miss: nothing told this process yet
    cache.apply(PublicChange(other.tenant.id))  # another tenant's change forgets misses
    assert await resolve(host) == 200
    await domains(
        "DELETE FROM tenant_domains WHERE host = :h AND tenant_id = :t", world.tenant.id, host
    )
    assert await resolve(host) == 200  # kept
    cache.apply(PublicChange(world.tenant.id))  # what the other process's NOTIFY carries
    assert await resolve(host) == 404


async def test_a_comment_edited_or_deleted_forgets_its_post_only(client, factory, cache):
    world = await factory.world()
    blog = await factory.blog(world)
    talked, quiet = (
        await factory.post(world, blog, "Talked"),
        await factory.post(world, blog, "Quiet"),
    )
    s, reader = site(world), world.headers["reader"]
    said = await client.post(
        f"{s}/posts/{talked.id}/comments", json={"body": "Premier"}, headers=reader
    )
    assert said.status_code == 201, said.text
    thread, other_thread = f"{s}/posts/{talked.id}/comments", f"{s}/posts/{quiet.id}/comments"
    quiet_page = f"{s}/blogs/{blog.slug}/posts/{quiet.slug}"
    for change in (
        lambda: client.patch(
            f"{s}/comments/{said.json()['id']}", json={"body": "Repris"}, headers=reader
        ),
        lambda: client.delete(f"{s}/comments/{said.json()['id']}", headers=reader),
    ):
        for path in (thread, other_thread, quiet_page):
            await client.get(path)
        assert (await change()).status_code in (200, 204)
        hits = {
            path: (await hits_of(cache, client, path))[0]
            for path in (thread, other_thread, quiet_page)
        }
        assert hits == {thread: 0, other_thread: 1, quiet_page: 1}
