"""A blog's actor, discovered by WebFinger: its document, outbox, followers, articles;
NodeInfo; and what a site without the plan feature (or another tenant) shows."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import text

from tests.federation.helpers import AP, BASE, actor_id, actor_path, article_id


async def test_webfinger_finds_the_blogs_actor(client, factory):
    world = await factory.world()
    blog = await factory.blog(world, "Carnets")
    resource = f"acct:{blog.slug}.{world.slug}@causerie.test"
    found = await client.get(f"/.well-known/webfinger?resource={quote(resource)}")
    assert found.status_code == 200, found.text
    assert found.headers["content-type"].startswith("application/jrd+json")
    jrd = found.json()
    assert jrd["subject"] == resource
    self_link = next(link for link in jrd["links"] if link["rel"] == "self")
    assert self_link == {"rel": "self", "type": AP, "href": actor_id(world, blog)}


async def test_webfinger_refuses_other_hosts_unknown_blogs_and_bad_resources(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    for resource, status in (
        (f"acct:{blog.slug}.{world.slug}@elsewhere.example", 404),
        (f"acct:nope.{world.slug}@causerie.test", 404),
        (f"acct:{blog.slug}.no-such-site@causerie.test", 404),
        ("https://causerie.test/whatever", 422),
        ("acct:<script>@causerie.test", 422),
        ("acct:nodot@causerie.test", 422),
    ):
        answer = await client.get("/.well-known/webfinger", params={"resource": resource})
        assert answer.status_code == status, (resource, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_the_actor_document_has_inbox_outbox_followers_key_and_branding(client, factory):
    world = await factory.world()
    await client.patch(
        f"/v1/tenants/{world.slug}",
        json={"branding": {"logo_url": "https://cdn.example/logo.png"}},
        headers=world.headers["owner"],
    )
    blog = await factory.blog(world, "Carnets", description="Des notes.")
    answer = await client.get(actor_path(world, blog))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(AP)
    actor = answer.json()
    me = actor_id(world, blog)
    assert actor["id"] == me and actor["type"] == "Person"
    assert actor["preferredUsername"] == f"{blog.slug}.{world.slug}"
    assert actor["name"] == "Carnets" and actor["summary"] == "Des notes."
    assert actor["inbox"] == f"{me}/inbox" and actor["outbox"] == f"{me}/outbox"
    assert actor["followers"] == f"{me}/followers"
    assert actor["endpoints"]["sharedInbox"] == f"{BASE}/v1/sites/{world.slug}/inbox"
    assert actor["publicKey"]["id"] == f"{me}#main-key"
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert actor["icon"]["url"] == "https://cdn.example/logo.png"
    # The same key every time: it is made once and kept.
    again = (await client.get(actor_path(world, blog))).json()
    assert again["publicKey"] == actor["publicKey"]


async def test_the_private_key_is_stored_sealed(client, factory, db):
    world = await factory.world()
    blog = await factory.blog(world)
    assert (await client.get(actor_path(world, blog))).status_code == 200
    async with db.transaction(tenant_id=world.tenant.id) as tx:
        sealed = (
            await tx.connection.execute(
                text("SELECT private_sealed FROM federation_keys WHERE blog_id = :b"),
                {"b": blog.id},
            )
        ).scalar_one()
    assert b"PRIVATE KEY" not in bytes(sealed)


async def test_the_outbox_lists_public_posts_as_create_of_article(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog, "Premier", "Du **gras**.", tags=["vélo"])
    await factory.post(world, blog, "Brouillon", publish=False)
    outbox = (await client.get(f"{actor_path(world, blog)}/outbox")).json()
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    page = (await client.get(outbox["first"].replace(BASE, ""))).json()
    assert page["type"] == "OrderedCollectionPage"
    [create] = page["orderedItems"]
    assert create["type"] == "Create" and create["actor"] == actor_id(world, blog)
    article = create["object"]
    assert article["type"] == "Article" and article["id"] == article_id(world, blog, post)
    assert article["name"] == "Premier"
    assert "<strong>gras</strong>" in article["content"]
    assert article["attributedTo"] == actor_id(world, blog)
    assert article["tag"][0]["type"] == "Hashtag" and article["tag"][0]["name"] == "#velo"
    assert article["url"].startswith(f"{BASE}/sites/{world.slug}/blogs/{blog.slug}/")
    one = await client.get(article["id"].replace(BASE, ""))
    assert one.status_code == 200 and one.json()["id"] == article["id"]


async def test_the_outbox_pages_by_keyset_and_refuses_a_bad_cursor(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    for n in range(21):
        await factory.post(world, blog, f"Billet {n}")
    first = (await client.get(f"{actor_path(world, blog)}/outbox?page=true")).json()
    assert len(first["orderedItems"]) == 20
    second = (await client.get(first["next"].replace(BASE, ""))).json()
    assert len(second["orderedItems"]) == 1 and "next" not in second
    ids = {i["id"] for i in first["orderedItems"]} | {i["id"] for i in second["orderedItems"]}
    assert len(ids) == 21
    bad = await client.get(f"{actor_path(world, blog)}/outbox?page=true&before=bm9wZQ")
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


async def test_followers_show_a_count_but_no_one(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    followers = (await client.get(f"{actor_path(world, blog)}/followers")).json()
    assert followers == {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor_id(world, blog)}/followers",
        "type": "OrderedCollection",
        "totalItems": 0,
    }


async def test_nodeinfo_says_activitypub(client):
    links = (await client.get("/.well-known/nodeinfo")).json()["links"]
    assert links[0]["href"] == f"{BASE}/nodeinfo/2.1"
    info = (await client.get("/nodeinfo/2.1")).json()
    assert info["software"]["name"] == "causerie" and info["protocols"] == ["activitypub"]


async def test_a_plan_without_federation_has_no_actors(client, factory):
    world = await factory.world(plan="starter")
    blog = await factory.blog(world, role="owner")
    assert (await client.get(actor_path(world, blog))).status_code == 404
    resource = f"acct:{blog.slug}.{world.slug}@causerie.test"
    answer = await client.get("/.well-known/webfinger", params={"resource": resource})
    assert answer.status_code == 404


async def test_another_tenants_blog_is_not_found_under_this_site(client, factory):
    world, other = await factory.world(), await factory.world()
    blog = await factory.blog(other)
    assert (await client.get(f"/v1/sites/{world.slug}/blogs/{blog.slug}/actor")).status_code == 404
    post = await factory.post(other, blog)
    mine = await factory.blog(world)
    stolen = f"/v1/sites/{world.slug}/blogs/{mine.slug}/actor/posts/{post.id}"
    assert (await client.get(stolen)).status_code == 404
