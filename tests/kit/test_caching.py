"""What a cache may keep: console and account answers never, errors never, public reads
and the plan catalogue yes, each with a validator.

The walk of every route as every kind of caller (``tests/test_access_walk.py``) checks
the same rule on every route; these tests pin the headers themselves. The real shared
cache in front of the app is ``tests/test_shared_cache.py``.
"""

from __future__ import annotations

PRIVATE = "private, no-store"

PRIVATE_READS = (
    "/v1/me",
    "/v1/tenants/{slug}",
    "/v1/tenants/{slug}/members",
    "/v1/tenants/{slug}/api-keys",
    "/v1/tenants/{slug}/audit-log",
    "/v1/tenants/{slug}/usage",
)


async def test_console_and_account_answers_are_private_and_never_stored(client, factory):
    world = await factory.world()
    for template in PRIVATE_READS:
        path = template.format(slug=world.slug)
        answer = await client.get(path, headers=world.headers["owner"])
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["cache-control"] == PRIVATE, path


async def test_error_answers_are_never_stored(client):
    for path in ("/v1/sites/no-such-site/posts", "/v1/me", "/v1/plans/no-such-plan"):
        answer = await client.get(path)
        assert answer.status_code in (401, 404), path
        assert answer.headers["cache-control"] == PRIVATE, path


async def test_the_middleware_own_answers_are_never_stored(client):
    answer = await client.get("/v1/sites/demo/posts?q=%00")
    assert answer.status_code == 422
    assert answer.headers["cache-control"] == PRIVATE


async def test_the_plan_catalogue_is_public_with_a_validator(client):
    first = await client.get("/v1/plans")
    assert first.status_code == 200
    cache_control = first.headers["cache-control"]
    assert cache_control.startswith("public, max-age=")
    assert "s-maxage=" in cache_control
    etag = first.headers["etag"]
    again = await client.get("/v1/plans", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    one = await client.get(f"/v1/plans/{first.json()[0]['id']}")
    assert one.status_code == 200 and one.headers["etag"]
    assert one.headers["cache-control"] == cache_control


async def test_public_reads_vary_by_origin_even_without_one(client, factory):
    world = await factory.world()
    for headers in ({}, {"Origin": "https://elsewhere.test"}):
        answer = await client.get(f"/v1/sites/{world.slug}/posts", headers=headers)
        assert answer.status_code == 200
        assert answer.headers["cache-control"].startswith("public")
        assert "origin" in answer.headers["vary"].lower(), headers


async def test_a_signed_in_reader_gets_a_private_copy_of_the_threads(client, factory):
    """The threads have a public variant (anonymous) and a private one (a signed-in
    reader sees their own held comments): both say Vary: Authorization."""
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    path = f"/v1/sites/{world.slug}/posts/{post.id}/comments"
    anonymous = await client.get(path)
    signed_in = await client.get(path, headers=world.headers["reader"])
    assert anonymous.status_code == signed_in.status_code == 200, signed_in.text
    assert anonymous.headers["cache-control"].startswith("public")
    assert signed_in.headers["cache-control"] == PRIVATE
    for answer in (anonymous, signed_in):
        assert "authorization" in answer.headers["vary"].lower()
