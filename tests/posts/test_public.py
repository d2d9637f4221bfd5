"""The public site: config, blogs, posts, tags, authors; visibility, caching, cursors,
statement counts."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from domain.kernel import clock
from tests.blogs.test_blogs import tampered
from tests.factories import (
    archive_blog,
    edit_post,
    post_transition,
    set_counters,
)

BASE = "https://causerie.test"


def site(world) -> str:
    return f"/v1/sites/{world.slug}"


async def db_now(db):
    return (await db._bound.execute(text("SELECT statement_timestamp()"))).scalar_one()


# --- site config -------------------------------------------------------------------------


async def test_site_config(client, factory):
    world = await factory.world(anonymous_comments=True)
    await factory.blog(world, "English notes", language="en")
    await factory.blog(world, "Carnet", language="fr")
    answer = await client.get(site(world))
    assert answer.status_code == 200
    body = answer.json()
    assert body["slug"] == world.slug and body["name"] == "Test Brand"
    assert body["default_language"] == "en"
    assert body["languages"] == ["en", "fr"]
    assert body["branding"]["show_powered_by"] is True
    assert body["features"] == {
        "ratings": True,
        "anonymous_comments": True,
        "anonymous_ratings": False,
        "reader_signup": True,
        "comment_policy": "trusted",
    }
    assert body["feeds"]["atom"] == f"{BASE}/v1/sites/{world.slug}/feed.atom"


@pytest.mark.parametrize(("plan", "shown"), [("business", True), ("enterprise", False)])
async def test_powered_by_hidden_only_with_white_label(client, factory, plan, shown):
    world = await factory.world(plan=plan)
    patched = await client.patch(
        f"/v1/tenants/{world.slug}",
        json={"branding": {"show_powered_by": False}},
        headers=world.headers["owner"],
    )
    assert patched.status_code == 200
    body = (await client.get(site(world))).json()  # the PATCH forgot the cached site
    assert body["branding"]["show_powered_by"] is shown


async def test_unknown_and_cancelled_sites_are_404(client, factory):
    assert (await client.get("/v1/sites/no-such-site/posts")).status_code == 404
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, "Visible")
    assert (await client.get(site(world) + "/posts")).status_code == 200
    cancel = await client.put(
        f"/v1/tenants/{world.slug}/subscription",
        json={"plan": "business", "status": "cancelled"},
        headers={**world.headers["operator"], "Idempotency-Key": "cancel-0001"},
    )
    assert cancel.status_code == 200, cancel.text
    for path in (
        "",
        "/posts",
        "/blogs",
        f"/blogs/{blog.slug}",
        f"/blogs/{blog.slug}/posts/{post.slug}",
        "/feed.atom",
        "/sitemap.xml",
    ):
        answer = await client.get(site(world) + path)
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "not_found"
    assert (
        await client.get("/v1/sites/resolve", params={"host": "x.example.com"})
    ).status_code == 404


async def test_callers(client, factory, services):
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog, "Hello")
    other = await factory.world()
    for who in ("anonymous", "reader", "outsider", "owner", "operator"):
        answer = await client.get(site(world) + "/posts", headers=world.headers[who])
        assert answer.status_code == 200, who
        assert len(answer.json()["items"]) == 1
    bad = await client.get(site(world) + "/posts", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and "WWW-Authenticate" in bad.headers
    bad = await client.get(site(world) + "/posts", headers={"Authorization": "Basic x"})
    assert bad.status_code == 401
    # API keys: content:read of this tenant reads; of another tenant, it finds nothing.
    key = await client.post(
        f"/v1/tenants/{world.slug}/api-keys",
        json={"name": "front", "scopes": ["content:read"]},
        headers=world.headers["owner"],
    )
    assert key.status_code == 201, key.text
    secret = {"Authorization": f"Bearer {key.json()['secret']}"}
    assert (await client.get(site(world) + "/posts", headers=secret)).status_code == 200
    assert (await client.get(site(other) + "/posts", headers=secret)).status_code == 404


# --- blogs ----------------------------------------------------------------------------------


async def test_blogs_list_and_get(client, factory):
    world = await factory.world()
    first = await factory.blog(world, "Alpha")
    gone = await factory.blog(world, "Beta")
    await factory.blog(world, "Gamma")
    await factory.post(world, first, "One")
    await archive_blog(factory, world, gone)
    page = await client.get(site(world) + "/blogs", params={"limit": 1})
    assert page.status_code == 200
    assert [b["slug"] for b in page.json()["items"]] == ["alpha"]
    assert 'rel="next"' in page.headers["Link"]
    rest = await client.get(
        site(world) + "/blogs", params={"limit": 5, "cursor": page.json()["next_cursor"]}
    )
    assert [b["slug"] for b in rest.json()["items"]] == ["gamma"]
    assert rest.json()["next_cursor"] is None
    one = (await client.get(site(world) + "/blogs/alpha")).json()
    assert one["post_count"] == 1 and one["url"] == f"{BASE}/sites/{world.slug}/blogs/alpha/"
    assert (await client.get(site(world) + "/blogs/beta")).status_code == 404
    assert (await client.get(site(world) + "/blogs/nope")).status_code == 404


# --- posts ----------------------------------------------------------------------------------


async def test_post_list_items(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Carnet")
    post = await factory.post(world, blog, "Premier billet", "Un *texte*.", tags=["Café", "Paris"])
    await set_counters(factory, world, post, comments=3, histogram=(0, 0, 1, 0, 1))
    answer = await client.get(site(world) + "/posts")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    (item,) = answer.json()["items"]
    author = world.users["author"]
    assert item["id"] == str(post.id)
    assert item["blog"] == {"slug": "carnet", "title": "Carnet"}
    assert item["author"] == {
        "handle": author.handle,
        "display_name": author.display_name,
        "ambassador": False,
    }
    assert item["tags"] == [{"slug": "cafe", "name": "Café"}, {"slug": "paris", "name": "Paris"}]
    assert item["comment_count"] == 3
    assert item["rating"] == {"count": 2, "average": 4.0, "histogram": [0, 0, 1, 0, 1]}
    assert item["url"] == f"{BASE}/sites/{world.slug}/blogs/carnet/{post.slug}"
    assert item["snippet"] is None and item["reading_minutes"] == 1
    assert answer.json()["next_cursor"] is None


async def test_filters(client, factory):
    world = await factory.world()
    one = await factory.blog(world, "One")
    two = await factory.blog(world, "Two", role="manager")
    await factory.post(world, one, "By author in one", tags=["Vélo"])
    await factory.post(world, two, "By manager in two", role="manager", tags=["Rando"])
    manager = world.users["manager"].handle

    async def titles(**params):
        answer = await client.get(site(world) + "/posts", params=params)
        assert answer.status_code == 200, answer.text
        return [i["title"] for i in answer.json()["items"]]

    assert await titles(blog="one") == ["By author in one"]
    assert await titles(author=manager) == ["By manager in two"]
    assert await titles(tag="velo") == ["By author in one"]
    assert await titles(tag="VÉLO") == ["By author in one"]  # the name, any case
    assert await titles(tag="rando", blog="one") == []
    for params in ({"blog": "nope"}, {"author": "nobody-here"}, {"tag": "unknown"}):
        answer = await client.get(site(world) + "/posts", params=params)
        assert answer.status_code == 404, params
    # An author of another tenant is not an author here.
    other = await factory.world()
    other_blog = await factory.blog(other)
    await factory.post(other, other_blog, "Elsewhere")
    answer = await client.get(
        site(world) + "/posts", params={"author": other.users["author"].handle}
    )
    assert answer.status_code == 404


async def _walk(client, path, **params):
    seen, cursor = [], None
    for _ in range(50):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await client.get(path, params=query)
        assert answer.status_code == 200, answer.text
        seen += [i["title"] for i in answer.json()["items"]]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


async def test_sorts_and_keyset_pages(client, factory, db):
    world = await factory.world()
    blog = await factory.blog(world)
    start = await db_now(db) - timedelta(days=10)
    posts = []
    for n in range(7):
        posts.append(await factory.post(world, blog, f"P{n}", at=start + timedelta(hours=n)))
    # The same publication time for two posts: the id breaks the tie, none is lost.
    posts.append(await factory.post(world, blog, "P7", at=start + timedelta(hours=6)))
    recent = await _walk(client, site(world) + "/posts", limit=3)
    assert sorted(recent) == sorted(f"P{n}" for n in range(8))
    assert recent[0] in ("P6", "P7") and recent[-1] == "P0"

    # one 5-star vote must not beat twenty votes averaging 4.5
    await set_counters(factory, world, posts[0], histogram=(0, 0, 0, 0, 1))
    await set_counters(factory, world, posts[1], histogram=(0, 0, 0, 10, 10))
    await set_counters(factory, world, posts[2], histogram=(3, 0, 0, 0, 0))
    for n, p in enumerate(posts[3:], start=3):
        await set_counters(factory, world, p, comments=n)
    top = await _walk(client, site(world) + "/posts", sort="top_rated", limit=2)
    assert top[:2] == ["P1", "P0"] and top[-1] == "P2" and len(top) == 8
    discussed = await _walk(client, site(world) + "/posts", sort="most_discussed", limit=3)
    assert discussed[:5] == ["P7", "P6", "P5", "P4", "P3"] and len(discussed) == 8

    # Each sort has its own signed cursor: edited ones, and those of another sort or list,
    # are refused.
    cursors = {}
    for sort in ("recent", "top_rated", "most_discussed"):
        page = await client.get(site(world) + "/posts", params={"sort": sort, "limit": 2})
        cursors[sort] = page.json()["next_cursor"]
        assert cursors[sort] is not None
        edited = await client.get(
            site(world) + "/posts", params={"sort": sort, "cursor": tampered(cursors[sort])}
        )
        assert edited.status_code == 422, sort
    for sort, other in (("top_rated", "recent"), ("recent", "most_discussed")):
        answer = await client.get(
            site(world) + "/posts", params={"sort": sort, "cursor": cursors[other]}
        )
        assert answer.status_code == 422, (sort, other)
        assert answer.json()["code"] == "validation_failed"
    for path in ("/tags", "/blogs"):
        answer = await client.get(site(world) + path, params={"cursor": cursors["recent"]})
        assert answer.status_code == 422, path


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        base64.urlsafe_b64encode(b'["posts:recent","yesterday","x"]').decode(),
        base64.urlsafe_b64encode(
            b'["posts:recent","2024-01-01T00:00:00","00000000-0000-0000-0000-000000000000"]'
        ).decode(),
        base64.urlsafe_b64encode(
            b'["posts:top_rated",1.0,"00000000-0000-0000-0000-000000000000"]'
        ).decode(),  # a cursor of another sort
        "x" * 600,
    ],
)
async def test_malformed_cursors_are_422(client, factory, cursor):
    world = await factory.world()
    answer = await client.get(site(world) + "/posts", params={"cursor": cursor})
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_failed"


async def test_malformed_cursors_on_other_sorts(client, factory):
    world = await factory.world()
    nan = base64.urlsafe_b64encode(
        b'["posts:top_rated",NaN,"00000000-0000-0000-0000-000000000000"]'
    ).decode()
    huge = base64.urlsafe_b64encode(
        json.dumps(
            ["posts:most_discussed", 10**20, "00000000-0000-0000-0000-000000000000"]
        ).encode()
    ).decode()
    for sort, cursor in (("top_rated", nan), ("most_discussed", huge)):
        answer = await client.get(site(world) + "/posts", params={"sort": sort, "cursor": cursor})
        assert answer.status_code == 422, sort
    assert (await client.get(site(world) + "/tags", params={"cursor": "zz"})).status_code == 422


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1000},
        {"limit": "ten"},
        {"sort": "oldest"},
        {"sort": "relevance"},  # relevance needs q
        {"blog": "Not A Slug"},
        {"author": "x" * 41},
        {"tag": "x" * 61},
    ],
)
async def test_bad_list_parameters_are_422(client, factory, params):
    world = await factory.world()
    answer = await client.get(site(world) + "/posts", params=params)
    assert answer.status_code == 422, answer.text


async def test_limit_bounds_are_accepted(client, factory):
    world = await factory.world()
    for limit in (1, 100):
        assert (
            await client.get(site(world) + "/posts", params={"limit": limit})
        ).status_code == 200


# --- one post, old slugs, another tenant --------------------------------------------------


async def test_single_post_and_old_slug(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Carnet")
    post = await factory.post(world, blog, "Titre", "Du **gras**.", tags=["Un"])
    path = f"{site(world)}/blogs/carnet/posts/{post.slug}"
    answer = await client.get(path)
    assert answer.status_code == 200
    body = answer.json()
    assert body["body_html"] == "<p>Du <strong>gras</strong>.</p>\n"
    assert body["author"]["handle"] == world.users["author"].handle
    assert body["blog"] == {"slug": "carnet", "title": "Carnet"}
    assert body["tags"] == [{"slug": "un", "name": "Un"}]
    assert body["rating"] == {"count": 0, "average": None, "histogram": [0, 0, 0, 0, 0]}
    assert body["comment_count"] == 0

    await edit_post(factory, world, post, slug="nouveau-titre")
    moved = await client.get(path)
    assert moved.status_code == 301
    assert moved.headers["Location"] == f"{BASE}{site(world)}/blogs/carnet/posts/nouveau-titre"
    assert (await client.get(f"{site(world)}/blogs/carnet/posts/nouveau-titre")).status_code == 200
    # An old slug of a post that is no longer public redirects nowhere.
    await post_transition(factory, world, post, "unpublish")
    assert (await client.get(path)).status_code == 404
    assert (await client.get(f"{site(world)}/blogs/carnet/posts/no-such")).status_code == 404
    assert (await client.get(f"{site(world)}/blogs/nope/posts/{post.slug}")).status_code == 404


async def test_another_tenants_post_is_404(client, factory):
    mine, theirs = await factory.world(), await factory.world()
    their_blog = await factory.blog(theirs, "Carnet")
    their_post = await factory.post(theirs, their_blog, "Secret de l'autre")
    await factory.blog(mine, "Carnet")
    answer = await client.get(f"{site(mine)}/blogs/carnet/posts/{their_post.slug}")
    assert answer.status_code == 404
    listed = (await client.get(site(mine) + "/posts")).json()["items"]
    assert listed == []
    assert (await client.get(site(mine) + "/tags")).json()["items"] == []


# --- tags and authors ---------------------------------------------------------------------


async def test_tags_with_counts(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    await factory.post(world, blog, "A", tags=["Été", "Mer"])
    await factory.post(world, blog, "B", tags=["été"])
    await factory.post(world, blog, "Draft", tags=["Brouillon", "Mer"], publish=False)
    answer = await client.get(site(world) + "/tags")
    assert answer.json()["items"] == [
        {"slug": "ete", "name": "Été", "post_count": 2},
        {"slug": "mer", "name": "Mer", "post_count": 1},
    ]
    first = (await client.get(site(world) + "/tags", params={"limit": 1})).json()
    assert [t["slug"] for t in first["items"]] == ["ete"]
    second = (
        await client.get(site(world) + "/tags", params={"limit": 1, "cursor": first["next_cursor"]})
    ).json()
    assert [t["slug"] for t in second["items"]] == ["mer"] and second["next_cursor"] is None
    edited = await client.get(
        site(world) + "/tags", params={"cursor": tampered(first["next_cursor"])}
    )
    assert edited.status_code == 422 and edited.json()["code"] == "validation_failed"


async def test_author_page(client, factory):
    world = await factory.world()
    one, two = await factory.blog(world, "Un"), await factory.blog(world, "Deux")
    await factory.post(world, one, "A")
    await factory.post(world, two, "B")
    await factory.post(world, two, "C")
    await factory.post(world, two, "Brouillon", publish=False)
    author = world.users["author"]
    answer = await client.get(f"{site(world)}/authors/{author.handle}")
    assert answer.status_code == 200
    assert answer.json() == {
        "handle": author.handle,
        "display_name": author.display_name,
        "ambassador": False,
        "post_count": 3,
        "blogs": [{"slug": "deux", "title": "Deux"}, {"slug": "un", "title": "Un"}],
        "url": f"{BASE}/sites/{world.slug}/authors/{author.handle}",
    }
    # people without public posts here are not authors of this site
    for handle in (world.users["reader"].handle, "nobody", world.users["outsider"].handle):
        assert (await client.get(f"{site(world)}/authors/{handle}")).status_code == 404


async def test_handles_are_unique_slugs(factory):
    first = await factory.user(name="Zoé Dupont")
    second = await factory.user(name="Zoé Dupont")
    assert first.handle == "zoe-dupont"
    assert second.handle.startswith("zoe-dupont-") and second.handle != first.handle


# --- visibility: nothing unpublished leaks through any route ---------------------------------

ROUTES = [
    "list",
    "blog-filter",
    "tag-filter",
    "author-filter",
    "search",
    "single",
    "old-slug",
    "tags",
    "author",
    "feed-atom",
    "blog-feed",
    "feed-json",
    "sitemap",
    "blog-count",
]
STATES = ["draft", "scheduled", "archived", "deleted", "unpublished", "archived-blog"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("route", ROUTES)
async def test_hidden_posts_never_leak(client, factory, db, route, state):
    world = await factory.world()
    blog = await factory.blog(world, "Carnet")
    # a public post of another author keeps the blog, the tag lists and feeds non-empty
    await factory.post(world, blog, "Visible", "visible text", role="manager", tags=["Commun"])
    kwargs = {"tags": ["Zanzibar", "Commun"]}
    if state == "draft":
        hidden = await factory.post(
            world, blog, "Hidden zanzibar", "zanzibar", publish=False, **kwargs
        )
    elif state == "scheduled":
        at = await db_now(db) + timedelta(days=1)
        hidden = await factory.post(world, blog, "Hidden zanzibar", "zanzibar", at=at, **kwargs)
    else:
        hidden = await factory.post(world, blog, "Hidden zanzibar", "zanzibar", **kwargs)
        hidden = await edit_post(factory, world, hidden, slug="renamed-zanzibar")
        if state == "archived-blog":
            await archive_blog(factory, world, blog)
        else:
            await post_transition(
                factory,
                world,
                hidden,
                {"unpublished": "unpublish"}.get(state, state.rstrip("d"))
                if state != "archived"
                else "archive",
            )
    handle = world.users["author"].handle
    s = site(world)
    old = "hidden-zanzibar"
    requests = {
        "list": (f"{s}/posts", {}),
        "blog-filter": (f"{s}/posts", {"blog": "carnet"}),
        "tag-filter": (f"{s}/posts", {"tag": "zanzibar"}),
        "author-filter": (f"{s}/posts", {"author": handle}),
        "search": (f"{s}/posts", {"q": "zanzibar"}),
        "single": (f"{s}/blogs/carnet/posts/{hidden.slug}", {}),
        "old-slug": (f"{s}/blogs/carnet/posts/{old}", {}),
        "tags": (f"{s}/tags", {}),
        "author": (f"{s}/authors/{handle}", {}),
        "feed-atom": (f"{s}/feed.atom", {}),
        "blog-feed": (f"{s}/blogs/carnet/feed.atom", {}),
        "feed-json": (f"{s}/feed.json", {}),
        "sitemap": (f"{s}/sitemap.xml", {}),
        "blog-count": (f"{s}/blogs/carnet", {}),
    }
    path, params = requests[route]
    answer = await client.get(path, params=params)
    assert answer.status_code in (200, 404), answer.text
    assert answer.status_code < 500
    content = answer.text.lower()
    assert "zanzibar" not in content, (route, state)
    assert str(hidden.id) not in content
    if route == "blog-count" and answer.status_code == 200:
        assert answer.json()["post_count"] == 1


async def test_scheduled_post_appears_when_due_by_the_database_clock(
    client, factory, db, monkeypatch
):
    """Visibility follows the database's clock, not the web process's: a post scheduled
    while the application's clock was an hour behind, due one minute before the
    database's time, is shown although its status is still ``scheduled``; one due in an
    hour is not."""
    world = await factory.world()
    blog = await factory.blog(world)
    now = await db_now(db)
    monkeypatch.setattr(clock, "now", lambda: now - timedelta(hours=1))
    due = await factory.post(world, blog, "Due", at=now - timedelta(minutes=1))
    later = await factory.post(world, blog, "Later", at=now + timedelta(hours=1))
    assert due.status.value == "scheduled" and later.status.value == "scheduled"
    titles = [i["title"] for i in (await client.get(site(world) + "/posts")).json()["items"]]
    assert titles == ["Due"]
    assert (
        await client.get(f"{site(world)}/blogs/{blog.slug}/posts/{due.slug}")
    ).status_code == 200
    assert (
        await client.get(f"{site(world)}/blogs/{blog.slug}/posts/{later.slug}")
    ).status_code == 404


# --- caching ------------------------------------------------------------------------------


async def test_etag_and_304(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, "Cached")
    path = f"{site(world)}/blogs/{blog.slug}/posts/{post.slug}"
    first = await client.get(path)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=30, stale-while-revalidate=120"
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    weak = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = await client.get(path, headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.content == first.content
    await edit_post(factory, world, post, title="Changed")
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    for route in ("", "/posts", "/blogs", "/tags", "/feed.atom", "/feed.json", "/sitemap.xml"):
        answer = await client.get(site(world) + route)
        assert answer.status_code == 200, route
        tag = answer.headers["ETag"]
        assert (
            await client.get(site(world) + route, headers={"If-None-Match": tag})
        ).status_code == 304


# --- a fixed number of statements ---------------------------------------------------------


async def test_statement_count_does_not_grow_with_the_page(client, factory, db):
    world = await factory.world()
    blogs = [await factory.blog(world, f"Blog {n}") for n in range(3)]
    posts = []
    for n in range(25):
        posts.append(
            await factory.post(
                world, blogs[n % 3], f"Post {n}", role="author", tags=[f"t{n % 4}", "all"]
            )
        )
    statements: list[str] = []

    def harness(statement: str) -> bool:
        # Savepoints are the test harness's way to nest transactions, not the app's work.
        return statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))

    def through_sqlalchemy(conn, cursor, statement, parameters, context, executemany):
        if not harness(statement):
            statements.append(statement)

    def through_the_driver(logged) -> None:
        # The public read path runs on the driver's connection (Database.driver_reads);
        # asyncpg reports those statements, and SQLAlchemy's own go through the listener.
        if not harness(logged.query):
            statements.append(logged.query)

    sync = db._bound.sync_connection
    driver = (await db._bound.get_raw_connection()).driver_connection
    paths = [(f"{site(world)}/posts", {"limit": n}) for n in (1, 20, 100)]
    paths += [(f"{site(world)}/posts", {"limit": 20, "q": "post", "tag": "all"})]
    paths += [(f"{site(world)}/blogs/{blogs[0].slug}/posts/{posts[0].slug}", {})]
    await client.get(paths[0][0])  # warms the site cache
    counts = []
    event.listen(sync, "before_cursor_execute", through_sqlalchemy)
    driver.add_query_logger(through_the_driver)
    try:
        for path, params in paths:
            statements.clear()
            answer = await client.get(path, params=params)
            assert answer.status_code == 200
            counts.append(len(statements))
    finally:
        event.remove(sync, "before_cursor_execute", through_sqlalchemy)
        driver.remove_query_logger(through_the_driver)
    # set_config of the tenant context, then the one query; a search also asks for
    # custom plans (see persistence/posts/public_reads.CUSTOM_PLANS)
    assert counts == [2, 2, 2, 3, 2], counts
    listed = (await client.get(f"{site(world)}/posts", params={"limit": 100})).json()["items"]
    assert len(listed) == 25


async def test_scheduled_post_appears_once_its_time_passes(client, factory, db, monkeypatch):
    """The same post, before and after its publication time, with nothing run between:
    the public reads' clock is moved past the post's time rather than waited for."""
    from persistence.posts import public_reads

    world = await factory.world()
    blog = await factory.blog(world)
    at = await db_now(db) + timedelta(hours=1)
    post = await factory.post(world, blog, "Soon", at=at)
    path = f"{site(world)}/blogs/{blog.slug}/posts/{post.slug}"
    assert (await client.get(path)).status_code == 404
    assert (await client.get(site(world) + "/posts")).json()["items"] == []
    monkeypatch.setattr(public_reads, "clock", lambda: at + timedelta(seconds=1))
    assert (await client.get(path)).status_code == 200
    assert [i["title"] for i in (await client.get(site(world) + "/posts")).json()["items"]] == [
        "Soon"
    ]
