"""Posts in the console: life cycle, scheduling, trash, revisions, If-Match, sanitising,
tags, limits, tenancy, quotas, the suspended subscription, audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from domain.kernel import clock
from domain.kernel.access import Role
from persistence.uow import SqlUnitOfWork
from tests.blogs.test_blogs import CALLERS, audit_actions, headers_for, make_plan, tampered
from tests.licensing.test_licensing import new_key
from tests.test_foundation import assert_problem


def posts(world, rest: str = "") -> str:
    return f"/v1/tenants/{world.slug}/posts{rest}"


def blog_posts(world, blog) -> str:
    return f"/v1/tenants/{world.slug}/blogs/{blog.id}/posts"


async def new_draft(client, world, blog, role: str = "author", **fields):
    response = await client.post(
        blog_posts(world, blog), json={"title": "Un billet", **fields}, headers=world.headers[role]
    )
    assert response.status_code == 201, response.text
    return response.json()


def etag(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


# --- the life cycle ------------------------------------------------------------------------


async def test_draft_publish_unpublish_archive_unarchive(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    created = await client.post(
        blog_posts(world, blog),
        json={"title": "Premier billet", "body_markdown": "Bonjour *tout le monde*."},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    post = created.json()
    assert post["status"] == "draft" and post["version"] == 1
    assert post["slug"] == "premier-billet"
    assert post["author_id"] == str(world.users["author"].id)
    assert post["published_at"] is None
    assert "<em>tout le monde</em>" in post["body_html"]
    assert created.headers["location"].endswith(f"/posts/{post['id']}")

    published = await client.post(posts(world, f"/{post['id']}/publish"), headers=headers)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    assert published.json()["published_at"] is not None
    assert published.headers["etag"] == '"2"'

    unpublished = await client.post(posts(world, f"/{post['id']}/unpublish"), headers=headers)
    assert unpublished.json()["status"] == "draft"
    archived = await client.post(posts(world, f"/{post['id']}/archive"), headers=headers)
    assert archived.json()["status"] == "archived"
    assert_problem(
        await client.post(posts(world, f"/{post['id']}/publish"), headers=headers),
        422,
        "invalid_input",
    )
    assert_problem(
        await client.post(posts(world, f"/{post['id']}/archive"), headers=headers),
        422,
        "invalid_input",
    )
    back = await client.post(posts(world, f"/{post['id']}/unarchive"), headers=headers)
    assert back.json()["status"] == "draft" and back.json()["version"] == 5
    assert_problem(
        await client.post(posts(world, f"/{post['id']}/unpublish"), headers=headers),
        422,
        "invalid_input",
    )
    actions = await audit_actions(client, world)
    for action in (
        "post.created",
        "post.published",
        "post.unpublish",
        "post.archive",
        "post.unarchive",
    ):
        assert action in actions


async def test_scheduled_post_shows_published_once_its_time_comes(client, factory, monkeypatch):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog)
    when = datetime.now(UTC) + timedelta(days=2)
    scheduled = await client.post(
        posts(world, f"/{post['id']}/publish"),
        json={"published_at": when.isoformat()},
        headers=world.headers["author"],
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled"
    assert datetime.fromisoformat(scheduled.json()["published_at"]) == when
    listed = await client.get(posts(world, "?status=scheduled"), headers=world.headers["owner"])
    assert [p["id"] for p in listed.json()["items"]] == [post["id"]]

    later = datetime.now(UTC) + timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    shown = await client.get(posts(world, f"/{post['id']}"), headers=world.headers["author"])
    assert shown.json()["status"] == "published"
    listed = await client.get(posts(world, "?status=published"), headers=world.headers["owner"])
    assert [p["id"] for p in listed.json()["items"]] == [post["id"]]
    listed = await client.get(posts(world, "?status=scheduled"), headers=world.headers["owner"])
    assert listed.json()["items"] == []
    assert "post.scheduled" in await audit_actions(client, world)


async def test_publication_dates_out_of_range(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog)
    path = posts(world, f"/{post['id']}/publish")
    headers = world.headers["author"]
    for value in ("10000-01-01T00:00:00Z", "2030-01-01T10:00:00", "not a date"):
        response = await client.post(path, json={"published_at": value}, headers=headers)
        assert_problem(response, 422, "validation_failed")
    for value in ("9999-06-01T00:00:00Z", "0001-01-01T00:00:00+14:00"):
        response = await client.post(path, json={"published_at": value}, headers=headers)
        assert_problem(response, 422, "invalid_input")
    assert_problem(
        await client.post(
            path, json={"published_at": None, "status": "published"}, headers=headers
        ),
        422,
        "validation_failed",
    )
    current = await client.get(posts(world, f"/{post['id']}"), headers=headers)
    assert current.json()["status"] == "draft" and current.json()["version"] == 1
    backdated = await client.post(
        path, json={"published_at": "2009-03-01T08:00:00+01:00"}, headers=headers
    )
    assert backdated.json()["status"] == "published"
    assert backdated.json()["published_at"].startswith("2009-03-01T07:00:00")


async def test_soft_delete_and_restore_by_a_manager_only(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog)
    author = world.headers["author"]
    await client.post(posts(world, f"/{post['id']}/publish"), headers=author)

    deleted = await client.delete(posts(world, f"/{post['id']}"), headers=author)
    assert deleted.status_code == 204
    assert (await client.delete(posts(world, f"/{post['id']}"), headers=author)).status_code == 204
    seen = await client.get(posts(world, f"/{post['id']}"), headers=author)
    assert seen.json()["deleted_at"] is not None
    live = await client.get(posts(world), headers=world.headers["manager"])
    assert live.json()["items"] == []
    trash = await client.get(posts(world, "?deleted=true"), headers=world.headers["manager"])
    assert [p["id"] for p in trash.json()["items"]] == [post["id"]]

    version = seen.json()["version"]
    assert_problem(
        await client.patch(
            posts(world, f"/{post['id']}"), json={"title": "x"}, headers={**author, **etag(version)}
        ),
        409,
        "conflict",
    )
    assert_problem(
        await client.post(posts(world, f"/{post['id']}/publish"), headers=author), 409, "conflict"
    )
    for role in ("author", "moderator", "reader"):
        assert_problem(
            await client.post(posts(world, f"/{post['id']}/restore"), headers=world.headers[role]),
            403,
            "forbidden",
        )
    restored = await client.post(
        posts(world, f"/{post['id']}/restore"), headers=world.headers["manager"]
    )
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None and restored.json()["status"] == "published"
    assert_problem(
        await client.post(posts(world, f"/{post['id']}/restore"), headers=world.headers["owner"]),
        422,
        "invalid_input",
    )
    actions = await audit_actions(client, world)
    assert actions.count("post.delete") == 1 and actions.count("post.restore") == 1


# --- revisions and If-Match ----------------------------------------------------------------


async def test_revisions_are_kept_for_live_posts_only(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    post = await new_draft(client, world, blog, body_markdown="v1")
    path = posts(world, f"/{post['id']}")
    edited = await client.patch(
        path, json={"body_markdown": "draft edit"}, headers={**headers, **etag(1)}
    )
    assert edited.status_code == 200, edited.text
    revisions = await client.get(f"{path}/revisions", headers=headers)
    assert revisions.json()["items"] == []  # drafts keep none

    await client.post(f"{path}/publish", headers=headers)  # version 3
    first = await client.patch(
        path, json={"title": "Titre 2", "body_markdown": "second"}, headers={**headers, **etag(3)}
    )
    second = await client.patch(path, json={"title": "Titre 3"}, headers={**headers, **etag(4)})
    assert second.json()["version"] == 5
    listed = await client.get(f"{path}/revisions", headers=headers)
    items = listed.json()["items"]
    assert [(r["version"], r["title"]) for r in items] == [(4, "Titre 2"), (3, "Un billet")]
    assert first.json()["body_markdown"] == "second"

    paged = await client.get(f"{path}/revisions?limit=1", headers=headers)
    assert [r["version"] for r in paged.json()["items"]] == [4]
    rest = await client.get(
        f"{path}/revisions?limit=1&cursor={paged.json()['next_cursor']}", headers=headers
    )
    assert [r["version"] for r in rest.json()["items"]] == [3]
    cursor = paged.json()["next_cursor"]
    edited = await client.get(f"{path}/revisions?cursor={tampered(cursor)}", headers=headers)
    assert_problem(edited, 422, "validation_failed")
    await factory.post(world, blog, "Un autre", publish=False)
    posts_page = (
        await client.get(f"/v1/tenants/{world.slug}/posts?limit=1", headers=headers)
    ).json()
    assert posts_page["next_cursor"] is not None
    other = await client.get(
        f"{path}/revisions?cursor={posts_page['next_cursor']}", headers=headers
    )
    assert_problem(other, 422, "validation_failed")

    oldest = items[1]["id"]
    one = await client.get(f"{path}/revisions/{oldest}", headers=headers)
    assert one.json()["body_markdown"] == "draft edit"
    assert one.json()["status"] == "published"
    assert_problem(
        await client.get(f"{path}/revisions/{uuid.uuid4()}", headers=headers), 404, "not_found"
    )
    assert_problem(
        await client.get(f"{path}/revisions/{oldest}", headers=world.headers["reader"]),
        403,
        "forbidden",
    )

    restore = f"{path}/revisions/{oldest}/restore"
    assert_problem(await client.post(restore, headers=headers), 428, "precondition_required")
    assert_problem(
        await client.post(restore, headers={**headers, **etag(4)}), 412, "precondition_failed"
    )
    restored = await client.post(restore, headers={**headers, **etag(5)})
    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert (body["title"], body["body_markdown"], body["version"]) == ("Un billet", "draft edit", 6)
    assert restored.headers["etag"] == '"6"'
    after = await client.get(f"{path}/revisions", headers=headers)
    assert [r["version"] for r in after.json()["items"]] == [5, 4, 3]
    assert "post.revision_restored" in await audit_actions(client, world)


async def test_if_match_guards_edits(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    post = await new_draft(client, world, blog)
    path = posts(world, f"/{post['id']}")
    got = await client.get(path, headers=headers)
    assert got.headers["etag"] == '"1"'

    missing = await client.patch(path, json={"title": "Sans"}, headers=headers)
    assert_problem(missing, 428, "precondition_required")
    ok = await client.patch(
        path, json={"title": "Avec"}, headers={**headers, "If-Match": got.headers["etag"]}
    )
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    stale = await client.patch(path, json={"title": "Perdu"}, headers={**headers, **etag(1)})
    assert assert_problem(stale, 412, "precondition_failed")["current_version"] == 2
    weak = await client.patch(
        path, json={"title": "Faible"}, headers={**headers, "If-Match": 'W/"2"'}
    )
    assert_problem(weak, 412, "precondition_failed")
    # The header's pattern is in the schema, so a malformed one is refused like any field.
    for bad in ("*", "2", '"2", "3"', '"abc"', ""):
        response = await client.patch(
            path, json={"title": "Non"}, headers={**headers, "If-Match": bad}
        )
        assert_problem(response, 422, "validation_failed")
    # the life-cycle actions check If-Match when it is sent
    assert_problem(
        await client.post(f"{path}/publish", headers={**headers, **etag(1)}),
        412,
        "precondition_failed",
    )
    assert (await client.post(f"{path}/publish", headers={**headers, **etag(2)})).status_code == 200
    final = await client.get(path, headers=headers)
    assert final.json()["title"] == "Avec" and final.headers["etag"] == '"3"'


async def test_an_empty_patch_changes_nothing(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog)
    response = await client.patch(
        posts(world, f"/{post['id']}"), json={}, headers={**world.headers["author"], **etag(1)}
    )
    assert response.status_code == 200 and response.json()["version"] == 1


# --- text: sanitising, excerpts, reading time, slugs, tags ---------------------------------

HOSTILE = """# Titre

<script>alert('xss')</script>

[clique](javascript:alert(1)) et [aussi](JaVaScRiPt:alert(2))

<img src="https://img.test/a.png" onerror="alert(3)">

<svg onload="alert(4)"><script>alert(5)</script></svg>

<iframe src="https://evil.test"></iframe>

<style>body { display: none }</style>

<p style="color: red" onclick="alert(6)">stylé</p>

## Liste

- un
- deux

```python
print("code")
```

> une citation

![image](https://img.test/b.png)

[un lien](https://example.test/page)

| a | b |
|---|---|
| 1 | 2 |
"""


async def test_hostile_markdown_is_stripped_and_structure_kept(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog, body_markdown=HOSTILE)
    html = post["body_html"]
    lowered = html.lower()
    for bad in (
        "<script",
        'href="javascript',
        "onerror",
        "onload",
        "onclick",
        "<svg",
        "<iframe",
        "<style",
        "style=",
        "display: none",
        "alert('xss')",
        "alert(5)",
    ):
        assert bad not in lowered, bad
    assert '<img src="https://img.test/a.png">' in html  # the handler went, the image stayed
    for good in (
        "<h1>Titre</h1>",
        "<h2>Liste</h2>",
        "<li>un</li>",
        '<code class="language-python">',
        "<blockquote>",
        '<img src="https://img.test/b.png" alt="image">',
        '<a href="https://example.test/page" rel="noopener nofollow ugc">un lien</a>',
        "<table>",
        "<td>1</td>",
    ):
        assert good in html, good
    assert post["body_markdown"] == HOSTILE  # the source is kept as written


async def test_excerpt_is_derived_unless_given_and_reading_time(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    words = " ".join(["mot"] * 660)
    derived = await new_draft(client, world, blog, body_markdown=f"**Gras** {words}")
    assert derived["excerpt"].startswith("Gras mot mot")
    assert derived["excerpt"].endswith("…") and len(derived["excerpt"]) <= 281
    assert derived["reading_minutes"] == 4  # 661 words at 220 a minute

    given = await new_draft(client, world, blog, body_markdown="court", excerpt="Mon résumé")
    assert given["excerpt"] == "Mon résumé" and given["reading_minutes"] == 1
    path = posts(world, f"/{given['id']}")
    kept = await client.patch(
        path, json={"body_markdown": "autre texte"}, headers={**headers, **etag(1)}
    )
    assert kept.json()["excerpt"] == "Mon résumé"
    cleared = await client.patch(path, json={"excerpt": None}, headers={**headers, **etag(2)})
    assert cleared.json()["excerpt"] == "autre texte"
    follows = await client.patch(
        path, json={"body_markdown": "encore autre"}, headers={**headers, **etag(3)}
    )
    assert follows.json()["excerpt"] == "encore autre"


async def test_post_slugs_collide_into_suffixes_and_old_slugs_stay_reserved(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    first = await new_draft(client, world, blog, title="Les Éléphants d'été")
    second = await new_draft(client, world, blog, title="Les éléphants d\u2019été")
    assert (first["slug"], second["slug"]) == ("les-elephants-d-ete", "les-elephants-d-ete-2")
    taken = await client.post(
        blog_posts(world, blog), json={"title": "X", "slug": "les-elephants-d-ete"}, headers=headers
    )
    assert_problem(taken, 409, "conflict")
    path = posts(world, f"/{first['id']}")
    moved = await client.patch(path, json={"slug": "elephants"}, headers={**headers, **etag(1)})
    assert moved.json()["slug"] == "elephants"
    squat = await client.patch(
        posts(world, f"/{second['id']}"),
        json={"slug": "les-elephants-d-ete"},
        headers={**headers, **etag(1)},
    )
    assert_problem(squat, 409, "conflict")
    back = await client.patch(
        path, json={"slug": "les-elephants-d-ete"}, headers={**headers, **etag(2)}
    )
    assert back.status_code == 200 and back.json()["slug"] == "les-elephants-d-ete"


async def test_tags_are_created_on_the_fly_case_insensitively(client, factory, db):
    world = await factory.world()
    blog = await factory.blog(world)
    one = await new_draft(client, world, blog, tags=["Voyage", "voyage", " Été  indien "])
    assert one["tags"] == ["voyage", "ete-indien"]
    two = await new_draft(client, world, blog, tags=["VOYAGE", "Cuisine"])
    assert two["tags"] == ["voyage", "cuisine"]
    async with SqlUnitOfWork(db, tenant_id=world.tenant.id) as uow:
        rows = (
            await uow.connection.execute(text("SELECT slug, name FROM tags ORDER BY slug"))
        ).all()
    assert [tuple(r) for r in rows] == [
        ("cuisine", "Cuisine"),
        ("ete-indien", "Été indien"),
        ("voyage", "Voyage"),
    ]


# --- limits and bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"title": "x" * 10_000},
        {"title": ""},
        {"title": "ok", "body_markdown": "x" * 200_001},
        {"title": "ok", "excerpt": "x" * 1001},
        {"title": "ok", "cover_image_url": "javascript:alert(1)"},
        {"title": "ok", "cover_image_url": "ftp://files.test/a.png"},
        {"title": "ok", "cover_image_url": "https://img.test/" + "a" * 2000},
        {"title": "ok", "tags": [f"t{n}" for n in range(21)]},
        {"title": "ok", "tags": ["x" * 61]},
        {"title": "ok", "slug": "Pas Bon"},
        {"title": "ok", "language": "xx"},
        {"title": "ok", "body_markdown": "nul \u0000"},
        {"title": "ok", "status": "published"},
        {"title": "ok", "author_id": str(uuid.uuid4())},
        {"title": "ok", "tenant_id": str(uuid.uuid4())},
        {"title": "ok", "version": 7},
    ],
)
async def test_invalid_new_posts_are_refused(client, factory, body):
    world = await factory.world()
    blog = await factory.blog(world)
    response = await client.post(
        blog_posts(world, blog), json=body, headers=world.headers["author"]
    )
    assert_problem(response, 422, "validation_failed")
    assert (await client.get(posts(world), headers=world.headers["owner"])).json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"tenant_id": str(uuid.uuid4())},
        {"author_id": str(uuid.uuid4())},
        {"version": 9},
        {"status": "published"},
        {"blog_id": str(uuid.uuid4())},
        {"title": None},
        {"tags": None},
    ],
)
async def test_smuggled_fields_in_patch_are_refused(client, factory, body):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(client, world, blog)
    response = await client.patch(
        posts(world, f"/{post['id']}"), json=body, headers={**world.headers["author"], **etag(1)}
    )
    assert_problem(response, 422, "validation_failed")
    current = await client.get(posts(world, f"/{post['id']}"), headers=world.headers["author"])
    assert current.json()["version"] == 1 and current.json()["status"] == "draft"


async def test_a_body_over_the_request_limit_is_413(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    response = await client.post(
        blog_posts(world, blog),
        json={"title": "Gros", "body_markdown": "x" * (1024 * 1024 + 10)},
        headers=world.headers["author"],
    )
    assert_problem(response, 413, "payload_too_large")


async def test_a_cover_image_and_long_body_within_limits_are_accepted(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await new_draft(
        client,
        world,
        blog,
        body_markdown="mot " * 50_000,
        cover_image_url="https://img.test/cover.jpg",
        language="fr",
    )
    assert post["cover_image_url"] == "https://img.test/cover.jpg"
    assert post["language"] == "fr" and post["reading_minutes"] == 228


# --- tenancy and unknown ids ---------------------------------------------------------------


def every_route(world, post_id, revision_id):
    base = posts(world, f"/{post_id}")
    return [
        ("GET", base, None),
        ("PATCH", base, {"title": "x"}),
        ("DELETE", base, None),
        ("POST", f"{base}/publish", None),
        ("POST", f"{base}/unpublish", None),
        ("POST", f"{base}/archive", None),
        ("POST", f"{base}/unarchive", None),
        ("POST", f"{base}/restore", None),
        ("GET", f"{base}/revisions", None),
        ("GET", f"{base}/revisions/{revision_id}", None),
        ("POST", f"{base}/revisions/{revision_id}/restore", None),
    ]


@pytest.mark.parametrize("whose", ["unknown", "other tenant"])
async def test_unknown_and_foreign_posts_are_not_found_on_every_route(client, factory, whose):
    world = await factory.world()
    if whose == "unknown":
        post_id, revision_id = uuid.uuid4(), uuid.uuid4()
    else:
        other = await factory.world()
        blog = await factory.blog(other)
        post = await factory.post(other, blog)
        post_id, revision_id = post.id, uuid.uuid4()
    for method, path, body in every_route(world, post_id, revision_id):
        response = await client.request(
            method, path, json=body, headers={**world.headers["owner"], **etag(2)}
        )
        assert_problem(response, 404, "not_found")


async def test_another_tenants_post_stays_untouched(client, factory):
    world, other = await factory.world(), await factory.world()
    blog = await factory.blog(other)
    post = await factory.post(other, blog, title="Chez eux")
    for method, path, body in every_route(world, post.id, uuid.uuid4()):
        await client.request(method, path, json=body, headers={**world.headers["owner"], **etag(2)})
    theirs = await client.get(posts(other, f"/{post.id}"), headers=other.headers["owner"])
    assert theirs.json()["title"] == "Chez eux" and theirs.json()["version"] == 2
    assert theirs.json()["deleted_at"] is None


# --- who sees and who changes --------------------------------------------------------------

EDIT_OWN_POST = {  # a post written by the world's author
    "operator": 200,
    "owner": 200,
    "manager": 200,
    "moderator": 403,
    "author": 200,
    "other author": 404,  # a draft of someone else is not found
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_see_and_edit_a_draft(client, factory, caller):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, publish=False)
    headers = await headers_for(factory, world, caller)
    path = posts(world, f"/{post.id}")
    seen = await client.get(path, headers=headers)
    expected_get = {"moderator": 200, "other author": 404}.get(caller, EDIT_OWN_POST[caller])
    assert seen.status_code == expected_get, seen.text
    edit = await client.patch(path, json={"title": "Changé"}, headers={**headers, **etag(1)})
    assert edit.status_code == EDIT_OWN_POST[caller], edit.text


UNPUBLISH = {
    "operator": 200,
    "owner": 200,
    "manager": 200,
    "moderator": 200,
    "author": 200,
    "other author": 404,  # public, but not in a blog they write for: not theirs to see here
    "reader": 403,
    "outsider": 404,
    "anonymous": 401,
    "other-tenant owner": 404,
}


@pytest.mark.parametrize("caller", CALLERS)
async def test_who_may_unpublish(client, factory, caller):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    headers = await headers_for(factory, world, caller)
    response = await client.post(posts(world, f"/{post.id}/unpublish"), headers=headers)
    assert response.status_code == UNPUBLISH[caller], response.text


async def test_a_colleague_sees_a_public_post_but_may_not_change_it(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    colleague = await factory.user(name="collègue")
    await factory.member(world.tenant, colleague, Role.AUTHOR)
    await client.put(
        f"/v1/tenants/{world.slug}/blogs/{blog.id}/authors/{colleague.id}",
        json={"role": "contributor"},
        headers=world.headers["author"],
    )
    headers = factory.auth(colleague)
    path = posts(world, f"/{post.id}")
    assert (await client.get(path, headers=headers)).status_code == 200
    assert_problem(await client.post(f"{path}/unpublish", headers=headers), 403, "forbidden")
    assert_problem(
        await client.patch(path, json={"title": "x"}, headers={**headers, **etag(2)}),
        403,
        "forbidden",
    )


async def test_console_list_visibility(client, factory):
    world = await factory.world()
    mine = await factory.blog(world, "Le mien")
    theirs = await factory.blog(world, "Le leur", role="manager")
    colleague = await factory.user(name="collègue")
    await factory.member(world.tenant, colleague, Role.AUTHOR)
    colleague_headers = factory.auth(colleague)
    await client.put(
        f"/v1/tenants/{world.slug}/blogs/{mine.id}/authors/{colleague.id}",
        json={"role": "contributor"},
        headers=world.headers["author"],
    )
    own_draft = await factory.post(world, mine, "brouillon à moi", publish=False)
    own_live = await factory.post(world, mine, "publié à moi")
    staff_draft = await factory.post(
        world, theirs, "brouillon du staff", role="manager", publish=False
    )
    staff_live = await factory.post(world, theirs, "publié du staff", role="manager")

    def titles(response):
        assert response.status_code == 200, response.text
        return {p["title"] for p in response.json()["items"]}

    everything = {own_draft.title, own_live.title, staff_draft.title, staff_live.title}
    for role in ("owner", "manager", "moderator", "operator"):
        assert titles(await client.get(posts(world), headers=world.headers[role])) == everything
    assert titles(await client.get(posts(world), headers=world.headers["author"])) == {
        own_draft.title,
        own_live.title,
    }
    # a colleague of the blog sees its public posts, not its drafts
    assert titles(await client.get(posts(world), headers=colleague_headers)) == {own_live.title}
    assert (
        await client.get(posts(world, f"/{own_live.id}"), headers=colleague_headers)
    ).status_code == 200
    assert_problem(
        await client.get(posts(world, f"/{own_draft.id}"), headers=colleague_headers),
        404,
        "not_found",
    )
    assert_problem(
        await client.get(posts(world), headers=world.headers["reader"]), 403, "forbidden"
    )
    assert_problem(
        await client.get(posts(world), headers=world.headers["outsider"]), 404, "not_found"
    )

    owner = world.headers["owner"]
    assert titles(await client.get(posts(world, f"?blog={theirs.id}"), headers=owner)) == {
        staff_draft.title,
        staff_live.title,
    }
    author_id = world.users["author"].id
    assert titles(await client.get(posts(world, f"?author={author_id}"), headers=owner)) == {
        own_draft.title,
        own_live.title,
    }
    assert titles(await client.get(posts(world, "?status=draft"), headers=owner)) == {
        own_draft.title,
        staff_draft.title,
    }

    # keyset pages: most recently changed first, each post once
    seen: list[str] = []
    cursor = None
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(posts(world, query), headers=owner)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 4
    assert seen[0] == str(staff_live.id)
    assert "body_markdown" not in page["items"][0]

    # cursors are signed and bound to this list
    first = (await client.get(posts(world, "?limit=1"), headers=owner)).json()["next_cursor"]
    edited = await client.get(posts(world, f"?cursor={tampered(first)}"), headers=owner)
    assert_problem(edited, 422, "validation_failed")
    blogs = (await client.get(f"/v1/tenants/{world.slug}/blogs?limit=1", headers=owner)).json()[
        "next_cursor"
    ]
    assert blogs is not None
    assert_problem(
        await client.get(posts(world, f"?cursor={blogs}"), headers=owner), 422, "validation_failed"
    )


# --- quotas and the subscription -----------------------------------------------------------


async def test_publishing_beyond_posts_per_blog_is_402(client, factory):
    await make_plan(client, factory, "one-post", posts_per_blog=1)
    world = await factory.world(plan="one-post")
    blog = await factory.blog(world)
    first = await new_draft(client, world, blog)
    second = await new_draft(client, world, blog)
    headers = world.headers["author"]
    assert (
        await client.post(posts(world, f"/{first['id']}/publish"), headers=headers)
    ).status_code == 200
    refused = await client.post(posts(world, f"/{second['id']}/publish"), headers=headers)
    body = assert_problem(refused, 402, "quota_exceeded")
    assert (body["quota"], body["limit"], body["usage"]) == ("posts_per_blog", 1, 1)
    # re-publishing the live one does not count twice; freeing the slot lets the other go
    assert (
        await client.post(posts(world, f"/{first['id']}/publish"), headers=headers)
    ).status_code == 200
    await client.delete(posts(world, f"/{first['id']}"), headers=headers)
    assert (
        await client.post(posts(world, f"/{second['id']}/publish"), headers=headers)
    ).status_code == 200
    # the deleted one cannot come back live over the quota
    assert_problem(
        await client.post(
            posts(world, f"/{first['id']}/restore"), headers=world.headers["manager"]
        ),
        402,
        "quota_exceeded",
    )


async def test_a_suspended_subscription_refuses_post_changes_but_reads_go_on(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    suspended = await client.put(
        f"/v1/tenants/{world.slug}/subscription",
        json={"plan": "business", "status": "suspended"},
        headers={**world.headers["operator"], **new_key()},
    )
    assert suspended.status_code == 200, suspended.text
    path = posts(world, f"/{post.id}")
    for role in ("author", "manager"):
        headers = world.headers[role]
        assert_problem(
            await client.patch(path, json={"title": "Non"}, headers={**headers, **etag(2)}),
            402,
            "subscription_inactive",
        )
        for action in ("unpublish", "archive"):
            assert_problem(
                await client.post(f"{path}/{action}", headers=headers), 402, "subscription_inactive"
            )
        assert_problem(await client.delete(path, headers=headers), 402, "subscription_inactive")
    assert_problem(
        await client.post(
            blog_posts(world, blog), json={"title": "Non"}, headers=world.headers["author"]
        ),
        402,
        "subscription_inactive",
    )
    got = await client.get(path, headers=world.headers["author"])
    assert got.status_code == 200 and got.json()["version"] == 2
    assert (await client.get(posts(world), headers=world.headers["manager"])).status_code == 200
    assert (
        await client.get(f"{path}/revisions", headers=world.headers["author"])
    ).status_code == 200


async def test_every_change_is_audited(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    headers = world.headers["author"]
    post = await new_draft(client, world, blog)
    path = posts(world, f"/{post['id']}")
    await client.patch(path, json={"title": "Deux"}, headers={**headers, **etag(1)})
    await client.post(f"{path}/publish", headers=headers)
    await client.delete(path, headers=headers)
    await client.post(f"{path}/restore", headers=world.headers["owner"])
    log = (
        await client.get(
            f"/v1/tenants/{world.slug}/audit-log?limit=100", headers=world.headers["owner"]
        )
    ).json()["items"]
    mine = [e for e in log if e["target_id"] == post["id"]]
    assert [e["action"] for e in reversed(mine)] == [
        "post.created",
        "post.updated",
        "post.published",
        "post.delete",
        "post.restore",
    ]
    assert mine[0]["actor_user_id"] == str(world.users["owner"].id)
    assert all(e["target_type"] == "post" for e in mine)
