"""Receiving Webmentions: the endpoint's answers, and the worker's verification of the
source (fetched from a real HTTP server on loopback): replies and mentions become
moderated comments from the ``webmention`` channel, likes and reposts are counted, a
mention sent again updates, a source that is gone or no longer links withdraws it; and
the refusals (bad URLs, another site's post, a source that does not link, a source on
127.0.0.1 when loopback is refused, a huge or silent source, a blocked domain, a flood,
a plan without the feature)."""

from __future__ import annotations

from sqlalchemy import text

from tests.receiver import receiver
from tests.webmention.helpers import FORM, endpoint, h_entry, page_of, rows, verify_all, worker


async def _send(client, world, source, target):
    return await client.post(
        endpoint(world), content=f"source={source}&target={target}".encode(), headers=FORM
    )


def _form(source: str, target: str) -> dict[str, str]:
    return {"source": source, "target": target}


async def test_a_reply_becomes_a_held_comment_updated_when_resent_and_deleted_when_gone(
    client, factory, db, settings, local
):
    world = await factory.world()  # policy "trusted": anonymous comments wait
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    hostile = h_entry(
        target,
        # Markup written as text in the page (mf2py drops real tags from a p-name).
        name="Bob &lt;b&gt;Writer&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;",
        content="<script>steal()</script><p>Great <em>post</em>, <img src=x onerror=alert(2)>"
        "thanks!</p><style>body{}</style>",
        author_url="javascript:alert(3)",
        photo="https://bob.example/me.png",
    )
    w = worker(db, settings)
    async with receiver(body=hostile, headers={"Content-Type": "text/html"}) as source:
        answer = await client.post(endpoint(world), data=_form(source.url, target))
        assert answer.status_code == 202, answer.text
        assert await verify_all(w, world.tenant.id) == ["reply pending"]
        [comment] = await rows(
            db,
            world.tenant.id,
            "SELECT id, source, status, author_name, author_url, author_avatar, author_handle,"
            " body_markdown, body_html, remote_actor FROM comments",
        )
        assert comment.source == "webmention" and comment.status == "pending"
        assert comment.author_name == "Bob Writer"  # tags gone, the script with its text
        assert "<script" not in comment.body_html and "steal" not in comment.body_html
        assert "onerror" not in comment.body_html and "<img" not in comment.body_html
        assert comment.body_markdown.startswith("Great post, thanks!")
        assert comment.author_url == source.url  # a javascript: URL is no author URL
        assert comment.author_avatar == "https://bob.example/me.png"
        assert comment.remote_actor == source.url
        [mention] = await rows(db, world.tenant.id, "SELECT state, kind FROM webmentions")
        assert (mention.state, mention.kind) == ("verified", "reply")

        # In the moderation queue's webmention channel.
        queue = await client.get(
            f"/v1/tenants/{world.slug}/comments",
            params={"source": "webmention"},
            headers=world.headers["manager"],
        )
        assert queue.status_code == 200, queue.text
        assert [i["id"] for i in queue.json()["items"]] == [str(comment.id)]

        # Sent again with new words: the same comment, updated.
        source.body = h_entry(target, content="Second thoughts: even better.")
        assert (
            await client.post(endpoint(world), data=_form(source.url, target))
        ).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["reply updated"]
        [again] = await rows(db, world.tenant.id, "SELECT id, body_markdown, status FROM comments")
        assert again.id == comment.id and again.body_markdown == "Second thoughts: even better."

        # The page is gone: the comment goes.
        source.status, source.body = 410, b"gone"
        assert (
            await client.post(endpoint(world), data=_form(source.url, target))
        ).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["deleted"]
        [gone] = await rows(db, world.tenant.id, "SELECT status FROM comments")
        assert gone.status == "deleted"


async def test_likes_and_reposts_are_counted_once_and_uncounted_when_the_link_goes(
    client, factory, db, settings, local
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    w = worker(db, settings)
    html = {"Content-Type": "text/html; charset=utf-8"}
    async with (
        receiver(body=h_entry(target, prop="like-of"), headers=html) as like,
        receiver(body=h_entry(target, prop="repost-of"), headers=html) as repost,
    ):
        for source in (like, like, repost):  # a like sent twice counts once
            assert (await _send(client, world, source.url, target)).status_code == 202
            await verify_all(w, world.tenant.id)
        counts = await rows(
            db,
            world.tenant.id,
            "SELECT kind, count(*) AS n FROM federation_reactions WHERE post_id = :p "
            "GROUP BY kind ORDER BY kind",
            p=post.id,
        )
        assert [(r.kind, r.n) for r in counts] == [("announce", 1), ("like", 1)]
        assert await rows(db, world.tenant.id, "SELECT id FROM comments") == []

        like.body = b"<html><body><p>I changed my mind.</p></body></html>"
        assert (await _send(client, world, like.url, target)).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["deleted"]
        left = await rows(db, world.tenant.id, "SELECT kind FROM federation_reactions")
        assert [r.kind for r in left] == ["announce"]


async def test_a_plain_mention_is_a_comment_and_an_open_site_shows_it(
    client, factory, db, settings, local
):
    world = await factory.world(comment_policy="open")
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    page = f'<html><body><p>See <a href="{target}#comments">this</a>.</p></body></html>'
    async with receiver(body=page.encode(), headers={"Content-Type": "text/html"}) as source:
        assert (await _send(client, world, source.url, target)).status_code == 202
        assert await verify_all(worker(db, settings), world.tenant.id) == ["mention approved"]
    [comment] = await rows(db, world.tenant.id, "SELECT status, author_name FROM comments")
    assert comment.status == "approved" and comment.author_name == "127.0.0.1"


async def test_a_source_that_does_not_link_to_the_target_makes_nothing(
    client, factory, db, settings, local
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    body = b'<html><body><a href="https://causerie.test/elsewhere">not it</a></body></html>'
    async with receiver(body=body, headers={"Content-Type": "text/html"}) as source:
        assert (await _send(client, world, source.url, target)).status_code == 202
        assert await verify_all(worker(db, settings), world.tenant.id) == ["no link"]
    [mention] = await rows(db, world.tenant.id, "SELECT state, error FROM webmentions")
    assert mention.state == "rejected" and "does not link" in mention.error
    assert await rows(db, world.tenant.id, "SELECT id FROM comments") == []


async def test_a_source_on_loopback_is_refused_when_loopback_is_not_allowed(
    client, factory, db, settings
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    async with receiver(body=h_entry(target), headers={"Content-Type": "text/html"}) as source:
        assert (await _send(client, world, source.url, target)).status_code == 202
        w = worker(db, settings, outbound_allow_loopback=False)  # as in production
        assert await verify_all(w, world.tenant.id) == ["rejected"]
        assert source.received == []  # never even asked
    [mention] = await rows(db, world.tenant.id, "SELECT state, error FROM webmentions")
    assert mention.state == "rejected" and mention.error.startswith("address_not_allowed")
    assert await rows(db, world.tenant.id, "SELECT id FROM comments") == []


async def test_a_huge_or_silent_source_is_rejected(client, factory, db, settings, local):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    w = worker(db, settings, outbound_timeout_seconds=0.5, webmention_max_source_bytes=64 * 1024)
    async with receiver(huge_bytes=5 * 1024 * 1024) as huge, receiver(hang=True) as silent:
        for source in (huge, silent):
            assert (await _send(client, world, source.url, target)).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["rejected", "rejected"]
    errors = await rows(db, world.tenant.id, "SELECT source, error FROM webmentions")
    by_source = {r.source: r.error for r in errors}
    assert by_source[huge.url].startswith("response_too_large")
    assert by_source[silent.url].startswith("timeout")


async def test_bad_requests_are_400_problems_and_keep_nothing(client, factory, db, local):
    world = await factory.world()
    other = await factory.world()
    blog = await factory.blog(world)
    their_blog = await factory.blog(other)
    post = await factory.post(world, blog)
    theirs = await factory.post(other, their_blog)
    target = page_of(world, blog, post)
    source = "https://bob.example/reply"
    unknown = f"https://causerie.test/sites/{world.slug}/blogs/{blog.slug}/no-such-post"
    cases = [
        _form("not a url", target),
        _form("ftp://bob.example/x", target),
        _form("/relative/source", target),
        _form(source, "https://elsewhere.example/post"),
        _form(target, target),
        _form(source, unknown),
        _form(source, page_of(other, their_blog, theirs)),  # another site's post
        _form(source, f"https://causerie.test/sites/{world.slug}/"),
        _form("http://user:pw@bob.example/", target),
    ]
    details = []
    for form in cases:
        answer = await client.post(endpoint(world), data=form)
        assert answer.status_code == 400, (form, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        details.append(answer.json()["detail"])
    # Another site's post is refused in the very words of a post that does not exist.
    assert details[5] == details[6]
    missing = await client.post(endpoint(world), data={"source": source})
    assert missing.status_code == 422
    assert missing.headers["content-type"].startswith("application/problem+json")
    for tenant in (world, other):
        assert await rows(db, tenant.tenant.id, "SELECT id FROM webmentions") == []


async def test_a_flood_from_one_host_is_rate_limited(client, factory, db, settings, local):
    local.settings = local.settings.model_copy(update={"webmention_per_minute": 3})
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    answers = [await _send(client, world, f"https://flood.example/{i}", target) for i in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert answers[-1].headers["content-type"].startswith("application/problem+json")
    assert int(answers[-1].headers["retry-after"]) > 0
    # Another host still gets through.
    assert (await _send(client, world, "https://calm.example/1", target)).status_code == 202


async def test_a_blocked_domain_is_answered_but_dropped_and_a_block_withdraws(
    client, factory, db, settings, local
):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    target = page_of(world, blog, post)
    w = worker(db, settings)
    async with receiver(body=h_entry(target), headers={"Content-Type": "text/html"}) as source:
        assert (await _send(client, world, source.url, target)).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["reply pending"]
        blocked = await client.put(
            f"/v1/tenants/{world.slug}/federation/blocks/127.0.0.1",
            headers=world.headers["manager"],
        )
        assert blocked.status_code in (200, 201, 204), blocked.text
        [comment] = await rows(db, world.tenant.id, "SELECT status FROM comments")
        assert comment.status == "spam"  # the held comment went with the block
        assert (await _send(client, world, source.url, target)).status_code == 202
        [mention] = await rows(db, world.tenant.id, "SELECT state FROM webmentions")
        assert mention.state == "verified"  # not taken again: dropped at the door
        assert len(source.received) == 1


async def test_a_site_without_the_feature_takes_no_mentions(client, factory, db, local):
    world = await factory.world(plan="starter")
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    answer = await _send(client, world, "https://bob.example/x", page_of(world, blog, post))
    assert answer.status_code == 404
    page = await client.get(f"/v1/sites/{world.slug}/blogs/{blog.slug}/posts/{post.slug}")
    assert "link" not in page.headers


async def test_the_endpoint_is_advertised_on_the_post(client, factory):
    world = await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    page = await client.get(f"/v1/sites/{world.slug}/blogs/{blog.slug}/posts/{post.slug}")
    assert page.status_code == 200
    assert page.headers["link"] == (
        f'<https://causerie.test/v1/sites/{world.slug}/webmention>; rel="webmention"'
    )
    again = await client.get(f"/v1/sites/{world.slug}/blogs/{blog.slug}/posts/{post.slug}")
    assert again.headers["link"] == page.headers["link"]  # also from the public-read cache


__all__ = ["text"]


async def test_a_target_on_the_sites_own_domain_is_taken_and_anothers_is_refused(
    client, factory, db, settings, local
):
    world, other = await factory.world(), await factory.world()
    blog = await factory.blog(world)
    post = await factory.post(world, blog)
    domains = {}
    for w in (world, other):
        domains[w.slug] = f"www.{w.slug}.example"
        answer = await client.post(
            f"/v1/tenants/{w.slug}/domains",
            json={"host": domains[w.slug]},
            headers=w.headers["owner"],
        )
        assert answer.status_code == 201, answer.text
    ours = domains[world.slug]
    target = f"https://{ours.upper()}/blogs/{blog.slug}/{post.slug}"
    w = worker(db, settings)
    html = {"Content-Type": "text/html; charset=utf-8"}
    async with receiver(body=h_entry(target, prop="like-of"), headers=html) as like:
        assert (await _send(client, world, like.url, target)).status_code == 202
        assert await verify_all(w, world.tenant.id) == ["like"]
        # The platform's forms on that domain, naming the same site, are its posts too.
        api_form = f"https://{ours}/v1/sites/{world.slug}/blogs/{blog.slug}/posts/{post.slug}"
        assert (await _send(client, world, like.url, api_form)).status_code == 202

        refused = [
            # Another tenant's domain, a domain nobody has, an odd port, no such post,
            # a path that is no post's, the platform's form naming another site.
            f"https://{domains[other.slug]}/blogs/{blog.slug}/{post.slug}",
            f"https://nobody-{world.slug}.example/blogs/{blog.slug}/{post.slug}",
            f"https://{ours}:8443/blogs/{blog.slug}/{post.slug}",
            f"https://{ours}/blogs/{blog.slug}/no-such-post",
            f"https://{ours}/tags/{blog.slug}",
            f"https://{ours}/s/{other.slug}/blogs/{blog.slug}/{post.slug}",
        ]
        for wrong in refused:
            answer = await _send(client, world, like.url, wrong)
            assert answer.status_code == 400, (wrong, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
    kept = await rows(db, world.tenant.id, "SELECT target FROM webmentions ORDER BY received_at")
    assert [r.target for r in kept] == [api_form]  # the same source again: one mention
    reactions = await rows(db, world.tenant.id, "SELECT kind FROM federation_reactions")
    assert [r.kind for r in reactions] == ["like"]
