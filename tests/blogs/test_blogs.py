"""Blogs in the console: create, edit, archive, slugs, authors, the role matrix, quotas."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from domain.kernel.access import Role
from tests.licensing.test_licensing import new_key
from tests.test_foundation import assert_problem

# Callers of the role matrix: the world's roles, plus an author who does not write for the
# blog, and the owner of another tenant.
CALLERS = [
    "operator",
    "owner",
    "manager",
    "moderator",
    "author",
    "other author",
    "reader",
    "outsider",
    "anonymous",
    "other-tenant owner",
]


async def headers_for(factory, world, caller: str) -> dict[str, str]:
    if caller == "other author":
        user = await factory.user(name="another author")
        await factory.member(world.tenant, user, Role.AUTHOR)
        return factory.auth(user)
    if caller == "other-tenant owner":
        return (await factory.world()).headers["owner"]
    return world.headers[caller]


def tampered(cursor: str) -> str:
    """The same signed cursor with its position edited (the signature left as it was)."""
    payload, mac = cursor.split(".")
    version, name, position = json.loads(base64.urlsafe_b64decode(payload + "=="))
    last = position[-1]
    if isinstance(last, int):
        position[-1] = last + 1
    else:
        position[-1] = str(uuid.UUID(int=0)) if last != str(uuid.UUID(int=0)) else "a"
    edited = json.dumps([version, name, position], separators=(",", ":")).encode()
    return f"{base64.urlsafe_b64encode(edited).decode().rstrip('=')}.{mac}"


def url(world, rest: str = "") -> str:
    return f"/v1/tenants/{world.slug}/blogs{rest}"


async def audit_actions(client, world) -> list[str]:
    log = await client.get(
        f"/v1/tenants/{world.slug}/audit-log?limit=100", headers=world.headers["owner"]
    )
    assert log.status_code == 200, log.text
    return [e["action"] for e in log.json()["items"]]


# --- create, edit, archive ---------------------------------------------------------------


async def test_create_blog_derives_slug_from_a_french_title(client, factory):
    world = await factory.world()
    created = await client.post(
        url(world),
        json={"title": "Les Éléphants d'été", "description": "Des éléphants.", "language": "fr"},
        headers=world.headers["author"],
    )
    assert created.status_code == 201, created.text
    blog = created.json()
    assert blog["slug"] == "les-elephants-d-ete"
    assert blog["language"] == "fr"
    assert blog["status"] == "active"
    assert blog["comment_policy"] is None
    authors = await client.get(url(world, f"/{blog['id']}/authors"), headers=world.headers["owner"])
    assert [(a["user_id"], a["role"]) for a in authors.json()] == [
        (str(world.users["author"].id), "owner")
    ]
    assert "blog.created" in await audit_actions(client, world)


async def test_language_defaults_to_the_tenants(client, factory):
    world = await factory.world()
    created = await client.post(
        url(world), json={"title": "Sans langue"}, headers=world.headers["owner"]
    )
    assert created.json()["language"] == world.tenant.default_language


async def test_slug_collisions_get_a_suffix_and_a_taken_explicit_slug_is_409(client, factory):
    world = await factory.world()
    headers = world.headers["manager"]
    first = await client.post(url(world), json={"title": "Voyages"}, headers=headers)
    second = await client.post(url(world), json={"title": "Voyages!"}, headers=headers)
    third = await client.post(url(world), json={"title": "voyages"}, headers=headers)
    assert [r.json()["slug"] for r in (first, second, third)] == [
        "voyages",
        "voyages-2",
        "voyages-3",
    ]
    taken = await client.post(url(world), json={"title": "X", "slug": "voyages"}, headers=headers)
    assert_problem(taken, 409, "conflict")
    renamed = await client.patch(
        url(world, f"/{third.json()['id']}"), json={"slug": "voyages-2"}, headers=headers
    )
    assert_problem(renamed, 409, "conflict")


async def test_long_titles_keep_slugs_within_the_column(client, factory):
    world = await factory.world()
    title = "a" * 200
    slugs = []
    for _ in range(2):
        r = await client.post(url(world), json={"title": title}, headers=world.headers["owner"])
        assert r.status_code == 201, r.text
        slugs.append(r.json()["slug"])
    assert slugs[0] == "a" * 80 and slugs[1] == "a" * 78 + "-2"


async def test_edit_and_archive_a_blog(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Cuisine")
    headers = world.headers["author"]  # the blog's owner
    patched = await client.patch(
        url(world, f"/{blog.id}"),
        json={
            "title": "Cuisine du monde",
            "slug": "cuisine-du-monde",
            "description": "Recettes",
            "language": "fr",
            "comment_policy": "pre",
        },
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["title"], body["slug"], body["language"], body["comment_policy"]) == (
        "Cuisine du monde",
        "cuisine-du-monde",
        "fr",
        "pre",
    )
    cleared = await client.patch(
        url(world, f"/{blog.id}"), json={"comment_policy": None}, headers=headers
    )
    assert cleared.json()["comment_policy"] is None
    assert cleared.json()["title"] == "Cuisine du monde"  # untouched fields stay

    archived = await client.patch(
        url(world, f"/{blog.id}"), json={"status": "archived"}, headers=headers
    )
    assert archived.json()["status"] == "archived"
    no_post = await client.post(
        url(world, f"/{blog.id}/posts"), json={"title": "Refusé"}, headers=headers
    )
    assert_problem(no_post, 422, "invalid_input")
    back = await client.patch(url(world, f"/{blog.id}"), json={"status": "active"}, headers=headers)
    assert back.json()["status"] == "active"
    fetched = await client.get(url(world, f"/{blog.id}"), headers=world.headers["moderator"])
    assert fetched.json()["slug"] == "cuisine-du-monde"
    assert (await audit_actions(client, world)).count("blog.updated") == 4


@pytest.mark.parametrize(
    "body",
    [
        {"title": None},
        {"slug": None},
        {"slug": "Pas Un Slug"},
        {"language": "xx"},
        {"status": "deleted"},
        {"comment_policy": "sometimes"},
        {"title": "x" * 201},
        {"tenant_id": str(uuid.uuid4())},
        {"title": "nul\u0000"},
    ],
)
async def test_invalid_blog_edits_are_refused(client, factory, body):
    world = await factory.world()
    blog = await factory.blog(world, "Stable")
    response = await client.patch(
        url(world, f"/{blog.id}"), json=body, headers=world.headers["owner"]
    )
    assert_problem(response, 422, "validation_failed")
    assert (await client.get(url(world, f"/{blog.id}"), headers=world.headers["owner"])).json()[
        "title"
    ] == "Stable"


async def test_list_blogs_pages_with_a_cursor(client, factory):
    world = await factory.world()
    for n in range(3):
        await factory.blog(world, f"Blog {n}", role="owner")
    first = await client.get(url(world, "?limit=2"), headers=world.headers["author"])
    assert first.status_code == 200
    page = first.json()
    assert [b["title"] for b in page["items"]] == ["Blog 0", "Blog 1"]
    assert 'rel="next"' in first.headers["link"]
    rest = await client.get(
        url(world, f"?limit=2&cursor={page['next_cursor']}"), headers=world.headers["author"]
    )
    assert [b["title"] for b in rest.json()["items"]] == ["Blog 2"]
    assert rest.json()["next_cursor"] is None
    assert_problem(
        await client.get(url(world, "?cursor=garbage"), headers=world.headers["owner"]),
        422,
        "validation_failed",
    )


async def test_blog_list_cursors_are_signed_and_bound_to_their_list(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Blog 0", role="owner")
    await factory.blog(world, "Blog 1", role="owner")
    owner = world.headers["owner"]
    page = (await client.get(url(world, "?limit=1"), headers=owner)).json()
    assert page["next_cursor"]
    edited = await client.get(
        url(world, f"?limit=1&cursor={tampered(page['next_cursor'])}"), headers=owner
    )
    assert_problem(edited, 422, "validation_failed")

    for n in range(2):
        await factory.post(world, blog, f"Billet {n}", role="owner", publish=False)
    posts = (await client.get(f"/v1/tenants/{world.slug}/posts?limit=1", headers=owner)).json()
    assert posts["next_cursor"]  # the same (timestamp, id) shape, but another list
    other = await client.get(url(world, f"?cursor={posts['next_cursor']}"), headers=owner)
    assert_problem(other, 422, "validation_failed")


async def test_public_blog_list_cursors_are_signed_and_bound_to_their_list(client, factory):
    world = await factory.world()
    for n in range(2):
        blog = await factory.blog(world, f"Blog {n}", role="owner")
        await factory.post(world, blog, f"Billet {n}", role="owner", tags=[f"tag{n}"])
    public = f"/v1/sites/{world.slug}"
    page = (await client.get(f"{public}/blogs", params={"limit": 1})).json()
    assert page["next_cursor"]
    rest = await client.get(f"{public}/blogs", params={"limit": 1, "cursor": page["next_cursor"]})
    assert [b["slug"] for b in rest.json()["items"]] == ["blog-1"]
    edited = await client.get(f"{public}/blogs", params={"cursor": tampered(page["next_cursor"])})
    assert_problem(edited, 422, "validation_failed")
    tags = (await client.get(f"{public}/tags", params={"limit": 1})).json()
    assert tags["next_cursor"]
    other = await client.get(f"{public}/blogs", params={"cursor": tags["next_cursor"]})
    assert_problem(other, 422, "validation_failed")


# --- the role matrix -----------------------------------------------------------------------

CREATE_BLOG = {
    "operator": 403,
    "owner": 201,
    "manager": 201,
    "moderator": 403,
    "author": 201,
    "other author": 201,
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}
READ_BLOGS = {
    "operator": 200,
    "owner": 200,
    "manager": 200,
    "moderator": 200,
    "author": 200,
    "other author": 200,
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}
# On a blog owned by the world's author.
EDIT_BLOG = {
    "operator": 200,
    "owner": 200,
    "manager": 200,
    "moderator": 403,
    "author": 200,
    "other author": 403,
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}
WRITE_IN_BLOG = {
    "operator": 403,
    "owner": 201,
    "manager": 201,
    "moderator": 403,
    "author": 201,
    "other author": 403,
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_create_a_blog(client, factory, caller):
    world = await factory.world()
    headers = await headers_for(factory, world, caller)
    response = await client.post(url(world), json={"title": "Mon blog"}, headers=headers)
    assert response.status_code == CREATE_BLOG[caller], response.text


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_read_blogs(client, factory, caller):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = await headers_for(factory, world, caller)
    for path in ("", f"/{blog.id}", f"/{blog.id}/authors"):
        response = await client.get(url(world, path), headers=headers)
        assert response.status_code == READ_BLOGS[caller], (path, response.text)


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_edit_a_blog_and_its_authors(client, factory, caller):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = await headers_for(factory, world, caller)
    edit = await client.patch(url(world, f"/{blog.id}"), json={"title": "Nouveau"}, headers=headers)
    assert edit.status_code == EDIT_BLOG[caller], edit.text
    add = await client.put(
        url(world, f"/{blog.id}/authors/{world.users['manager'].id}"),
        json={"role": "contributor"},
        headers=headers,
    )
    assert add.status_code == EDIT_BLOG[caller], add.text


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_write_in_a_blog(client, factory, caller):
    world = await factory.world()
    blog = await factory.blog(world)  # the world's author owns it
    headers = await headers_for(factory, world, caller)
    response = await client.post(
        url(world, f"/{blog.id}/posts"), json={"title": "Billet"}, headers=headers
    )
    assert response.status_code == WRITE_IN_BLOG[caller], response.text


# --- authors -----------------------------------------------------------------------------


async def test_blog_authors_management(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Collectif")
    owner_headers = world.headers["author"]
    newcomer = await factory.user(name="Zoé")
    await factory.member(world.tenant, newcomer, Role.AUTHOR)
    newcomer_headers = factory.auth(newcomer)
    path = url(world, f"/{blog.id}/authors/{newcomer.id}")

    refused = await client.post(
        url(world, f"/{blog.id}/posts"), json={"title": "Pas encore"}, headers=newcomer_headers
    )
    assert_problem(refused, 403, "forbidden")

    added = await client.put(path, json={"role": "contributor"}, headers=owner_headers)
    assert added.status_code == 200, added.text
    assert {(a["display_name"], a["role"]) for a in added.json()} == {
        (world.users["author"].display_name, "owner"),
        ("Zoé", "contributor"),
    }
    wrote = await client.post(
        url(world, f"/{blog.id}/posts"), json={"title": "Enfin"}, headers=newcomer_headers
    )
    assert wrote.status_code == 201
    # A contributor writes but does not manage the blog.
    assert_problem(
        await client.patch(
            url(world, f"/{blog.id}"), json={"title": "À moi"}, headers=newcomer_headers
        ),
        403,
        "forbidden",
    )

    promoted = await client.put(path, json={"role": "owner"}, headers=owner_headers)
    assert {a["role"] for a in promoted.json()} == {"owner"}
    removed = await client.delete(path, headers=owner_headers)
    assert removed.status_code == 204
    assert_problem(await client.delete(path, headers=owner_headers), 404, "not_found")
    again = await client.post(
        url(world, f"/{blog.id}/posts"), json={"title": "Plus"}, headers=newcomer_headers
    )
    assert_problem(again, 403, "forbidden")

    # The last owner stays.
    last = url(world, f"/{blog.id}/authors/{world.users['author'].id}")
    assert_problem(await client.delete(last, headers=world.headers["manager"]), 409, "conflict")
    assert_problem(
        await client.put(last, json={"role": "contributor"}, headers=world.headers["manager"]),
        409,
        "conflict",
    )
    actions = await audit_actions(client, world)
    assert actions.count("blog.author_set") == 2
    assert actions.count("blog.author_removed") == 1


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("reader", 422, "invalid_input"),
        ("moderator", 422, "invalid_input"),
        ("outsider", 404, "not_found"),
        ("nobody", 404, "not_found"),
    ],
)
async def test_only_writing_members_become_authors(client, factory, who, status, code):
    world = await factory.world()
    blog = await factory.blog(world)
    user_id = uuid.uuid4() if who == "nobody" else world.users[who].id
    response = await client.put(
        url(world, f"/{blog.id}/authors/{user_id}"),
        json={"role": "contributor"},
        headers=world.headers["owner"],
    )
    assert_problem(response, status, code)


async def test_unknown_and_foreign_blogs_are_not_found(client, factory):
    world, other = await factory.world(), await factory.world()
    foreign = await factory.blog(other, "Ailleurs")
    headers = world.headers["owner"]
    for blog_id in (uuid.uuid4(), foreign.id):
        assert_problem(
            await client.get(url(world, f"/{blog_id}"), headers=headers), 404, "not_found"
        )
        assert_problem(
            await client.patch(url(world, f"/{blog_id}"), json={"title": "x"}, headers=headers),
            404,
            "not_found",
        )
        assert_problem(
            await client.get(url(world, f"/{blog_id}/authors"), headers=headers), 404, "not_found"
        )
        assert_problem(
            await client.put(
                url(world, f"/{blog_id}/authors/{world.users['author'].id}"),
                json={"role": "owner"},
                headers=headers,
            ),
            404,
            "not_found",
        )
        assert_problem(
            await client.post(
                url(world, f"/{blog_id}/posts"), json={"title": "x"}, headers=headers
            ),
            404,
            "not_found",
        )
    assert_problem(
        await client.get(url(world, "/not-a-uuid"), headers=headers), 422, "validation_failed"
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 10_000},
        {"title": "ok", "slug": "Bad Slug"},
        {"title": "ok", "slug": "-bad"},
        {"title": "ok", "description": "x" * 2001},
        {"title": "ok", "language": "klingon"},
        {"title": "ok", "status": "archived"},
        {"title": "ok", "tenant_id": str(uuid.uuid4())},
    ],
)
async def test_invalid_blogs_are_refused(client, factory, body):
    world = await factory.world()
    response = await client.post(url(world), json=body, headers=world.headers["owner"])
    assert_problem(response, 422, "validation_failed")
    assert (await client.get(url(world), headers=world.headers["owner"])).json()["items"] == []


async def test_a_lone_surrogate_is_refused_not_a_crash(client, factory):
    world = await factory.world()
    response = await client.post(
        url(world),
        content=b'{"title": "\\ud800"}',
        headers={**world.headers["owner"], "Content-Type": "application/json"},
    )
    assert_problem(response, 422, "validation_failed")


# --- quota and subscription ---------------------------------------------------------------


async def make_plan(client, factory, plan_id: str, **quotas) -> None:
    operator = factory.auth(await factory.user(operator=True))
    body = {
        "id": plan_id,
        "name": plan_id.title(),
        "quotas": {
            "blogs": 10,
            "members": 50,
            "posts_per_blog": 100,
            "custom_domains": 0,
            "api_requests_per_minute": 600,
            **quotas,
        },
        "features": {
            "ratings": True,
            "custom_domain": False,
            "insights": "none",
            "webhooks": False,
            "white_label": False,
        },
    }
    created = await client.post("/v1/plans", json=body, headers=operator)
    assert created.status_code == 201, created.text


async def test_blogs_quota(client, factory):
    await make_plan(client, factory, "one-blog", blogs=1)
    world = await factory.world(plan="one-blog")
    assert (
        await client.post(url(world), json={"title": "Premier"}, headers=world.headers["author"])
    ).status_code == 201
    refused = await client.post(
        url(world), json={"title": "Second"}, headers=world.headers["owner"]
    )
    body = assert_problem(refused, 402, "quota_exceeded")
    assert (body["quota"], body["limit"], body["usage"]) == ("blogs", 1, 1)


async def test_a_suspended_subscription_refuses_blog_writes_but_reads_go_on(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Avant")
    suspended = await client.put(
        f"/v1/tenants/{world.slug}/subscription",
        json={"plan": "business", "status": "suspended"},
        headers={**world.headers["operator"], **new_key()},
    )
    assert suspended.status_code == 200, suspended.text
    owner = world.headers["owner"]
    assert_problem(
        await client.post(url(world), json={"title": "Non"}, headers=owner),
        402,
        "subscription_inactive",
    )
    assert_problem(
        await client.patch(url(world, f"/{blog.id}"), json={"title": "Non"}, headers=owner),
        402,
        "subscription_inactive",
    )
    assert_problem(
        await client.patch(
            url(world, f"/{blog.id}"), json={"title": "Non"}, headers=world.headers["author"]
        ),
        402,
        "subscription_inactive",
    )
    assert (await client.get(url(world), headers=owner)).json()["items"][0]["title"] == "Avant"
    assert (await client.get(url(world, f"/{blog.id}/authors"), headers=owner)).status_code == 200
