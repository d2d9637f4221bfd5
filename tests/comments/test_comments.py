"""Comments on the public site: who may comment where, threads, bodies, spam and
abuse limits, retries, editing and deleting, reports, and the public thread view."""

from __future__ import annotations

import uuid
from datetime import timedelta
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy import text

from domain.comments.model import Tone
from domain.kernel import clock
from domain.tenants.model import CommentPolicy
from tests.comments.helpers import (
    add_reader,
    comments_url,
    db_comment_count,
    say,
    seed,
    site,
)
from tests.factories import Factory, World, post_transition
from tests.test_foundation import assert_problem


def client_at(app, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 4444))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


# --- who may comment where ---------------------------------------------------------------

MATRIX = {
    ("open", "reader"): 201,
    ("open", "anonymous"): 201,
    ("trusted", "reader"): 201,
    ("trusted", "anonymous"): 202,
    ("pre", "reader"): 202,
    ("pre", "anonymous"): 202,
    ("closed", "reader"): 403,
    ("closed", "anonymous"): 403,
}


@pytest.mark.parametrize(("policy", "who"), sorted(MATRIX))
async def test_policy_matrix(client, factory, policy, who):
    world, _, post = await site(factory, policy=policy)
    answer = await say(client, world, post.id, who)
    expected = MATRIX[(policy, who)]
    if expected == 403:
        assert_problem(answer, 403, "comments_closed")
        return
    assert answer.status_code == expected, answer.text
    body = answer.json()
    assert body["status"] == ("approved" if expected == 201 else "pending")
    assert body["held"] is (expected == 202)
    listed = (await client.get(comments_url(world, post.id))).json()["items"]
    assert [c["id"] for c in listed] == ([body["id"]] if expected == 201 else [])
    assert await db_comment_count(factory, world, post.id) == (
        (1, 1) if expected == 201 else (0, 0)
    )


async def test_a_blog_policy_overrides_the_tenants(client, factory):
    world, _, _ = await site(factory, policy="open")
    closed_blog = await factory.blog(world, "Fermé", comment_policy=CommentPolicy.CLOSED)
    closed_post = await factory.post(world, closed_blog)
    assert_problem(await say(client, world, closed_post.id), 403, "comments_closed")

    shut, _, _ = await site(factory, policy="closed")
    open_blog = await factory.blog(shut, "Ouvert", comment_policy=CommentPolicy.OPEN)
    open_post = await factory.post(shut, open_blog)
    assert (await say(client, shut, open_post.id, "anonymous")).status_code == 201


@pytest.mark.parametrize("role", ["owner", "manager", "moderator", "author", "reader"])
async def test_every_member_role_may_comment(client, factory, role):
    world, _, post = await site(factory, policy="trusted")
    assert (await say(client, world, post.id, role)).status_code == 201


async def test_anonymous_comments_need_the_tenants_consent_and_a_name(client, factory):
    world, _, post = await site(factory, anonymous=False)
    assert_problem(await say(client, world, post.id, "anonymous"), 401, "unauthenticated")
    world, _, post = await site(factory, anonymous=True)
    nameless = await client.post(comments_url(world, post.id), json={"body": "Coucou"})
    assert_problem(nameless, 422, "invalid_input")
    blank = await client.post(
        comments_url(world, post.id), json={"body": "Coucou", "author_name": "   "}
    )
    assert_problem(blank, 422, "invalid_input")


async def test_outsiders_and_api_keys_do_not_comment(client, factory):
    world, _, post = await site(factory)
    assert_problem(await say(client, world, post.id, "outsider"), 403, "forbidden")
    assert_problem(await say(client, world, post.id, "operator"), 403, "forbidden")


async def test_an_anonymous_email_never_appears_in_public(client, factory):
    world, _, post = await site(factory)
    posted = await say(
        client,
        world,
        post.id,
        "anonymous",
        author_email="secret.person@example.test",
        author_url="https://example.test/me",
    )
    assert posted.status_code == 201
    assert "secret.person" not in posted.text
    listing = await client.get(comments_url(world, post.id))
    assert "secret.person" not in listing.text
    item = listing.json()["items"][0]
    assert item["author"] == {
        "name": "Passant",
        "url": "https://example.test/me",
        "member": False,
        "ambassador": False,
    }
    queue = await client.get(f"/v1/tenants/{world.slug}/comments", headers=world.headers["owner"])
    assert queue.json()["items"][0]["author"]["email"] == "secret.person@example.test"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.test", "example.test"])
async def test_the_author_website_must_be_http(client, factory, url):
    world, _, post = await site(factory)
    assert_problem(await say(client, world, post.id, author_url=url), 422, "invalid_input")


# --- where one may comment ---------------------------------------------------------------


async def test_no_comments_on_drafts_archived_scheduled_or_deleted_posts(client, factory):
    world, blog, _ = await site(factory)
    draft = await factory.post(world, blog, "Brouillon", publish=False)
    assert_problem(await say(client, world, draft.id), 404, "not_found")
    later = await factory.post(world, blog, "Plus tard", at=clock.now() + timedelta(days=2))
    assert_problem(await say(client, world, later.id), 404, "not_found")
    archived = await factory.post(world, blog, "Archivé")
    await post_transition(factory, world, archived, "archive")
    assert_problem(await say(client, world, archived.id), 404, "not_found")
    deleted = await factory.post(world, blog, "Supprimé")
    await post_transition(factory, world, deleted, "delete")
    assert_problem(await say(client, world, deleted.id), 404, "not_found")
    assert_problem(await client.get(comments_url(world, draft.id)), 404, "not_found")
    assert_problem(await say(client, world, uuid.uuid4()), 404, "not_found")


async def test_another_tenants_post_is_not_found(client, factory):
    world, _, _ = await site(factory)
    _, _, their_post = await site(factory)
    assert_problem(await say(client, world, their_post.id), 404, "not_found")
    assert_problem(await client.get(comments_url(world, their_post.id)), 404, "not_found")


async def test_a_parent_must_be_on_the_same_post(client, factory):
    world, blog, post = await site(factory)
    other_post = await factory.post(world, blog, "Autre")
    parent = await seed(factory, world, other_post.id)
    answer = await say(client, world, post.id, parent_id=str(parent.id))
    assert_problem(answer, 422, "invalid_input")
    unknown = await say(client, world, post.id, parent_id=str(uuid.uuid4()))
    assert_problem(unknown, 422, "invalid_input")


async def test_threads_are_three_levels_deep(client, factory):
    world, _, post = await site(factory)
    top = await seed(factory, world, post.id)
    reply = await say(client, world, post.id, "author", parent_id=str(top.id))
    assert reply.json()["depth"] == 1
    deeper = await say(client, world, post.id, "manager", parent_id=reply.json()["id"])
    assert deeper.status_code == 201 and deeper.json()["depth"] == 2
    too_deep = await say(client, world, post.id, "owner", parent_id=deeper.json()["id"])
    assert_problem(too_deep, 422, "invalid_input")
    [thread] = (await client.get(comments_url(world, post.id))).json()["items"]
    assert thread["id"] == str(top.id)
    assert thread["replies"][0]["replies"][0]["id"] == deeper.json()["id"]


# --- bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n\t "])
async def test_an_empty_body_is_refused(client, factory, body):
    world, _, post = await site(factory)
    answer = await client.post(
        comments_url(world, post.id), json={"body": body}, headers=world.headers["reader"]
    )
    assert answer.status_code == 422


async def test_body_length_limits(client, factory):
    world, _, post = await site(factory)
    assert (await say(client, world, post.id, body="é" * 5000)).status_code == 201
    assert_problem(await say(client, world, post.id, body="x" * 5001), 422, "validation_failed")
    huge = await say(client, world, post.id, body="x" * (1024 * 1024))
    assert_problem(huge, 413, "payload_too_large")
    missing = await client.post(comments_url(world, post.id), headers=world.headers["reader"])
    assert missing.status_code == 422


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "<a href='https://e.test' onclick='alert(1)'>a</a>",
    "<iframe src=https://evil.test></iframe>",
    '[t](https://e.test "x" onmouseover=alert(1))',
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.seen


@pytest.mark.parametrize("payload", XSS)
async def test_xss_payloads_are_rendered_harmless(client, factory, payload):
    world, _, post = await site(factory)
    answer = await say(client, world, post.id, body=payload)
    assert answer.status_code == 201, answer.text
    listing = (await client.get(comments_url(world, post.id))).json()["items"]
    for html in (answer.json()["body_html"], listing[0]["body_html"]):
        for tag, attrs in elements(html):
            assert tag in {"p", "br", "em", "strong", "code", "a"}, html
            for name, value in attrs:
                assert name in {"href", "rel"}, html
                if name == "href":
                    assert (value or "").startswith(("https://", "http://")), html


async def test_light_markdown_and_safe_links(client, factory):
    world, _, post = await site(factory)
    answer = await say(client, world, post.id, body="*oui* **non** `code` [lien](https://e.test)")
    html = answer.json()["body_html"]
    assert "<em>oui</em>" in html and "<strong>non</strong>" in html and "<code>code</code>" in html
    assert '<a href="https://e.test" rel="nofollow ugc noopener">lien</a>' in html
    heading = await say(client, world, post.id, body="# Titre\n\n![i](https://e.test/i.png)")
    assert "<h1>" not in heading.json()["body_html"]
    assert "<img" not in heading.json()["body_html"]


# --- spam and abuse ---------------------------------------------------------------------


async def test_one_address_is_limited_and_a_forged_forwarded_for_does_not_reset_it(client, factory):
    world, _, post = await site(factory)
    codes = []
    for n in range(100):
        answer = await client.post(
            comments_url(world, post.id),
            json={"body": f"Message numéro {n}", "author_name": f"Robot {n}"},
            headers={"X-Forwarded-For": f"198.51.100.{n % 250}"},
        )
        codes.append(answer.status_code)
        if answer.status_code == 429:
            last = answer
    assert codes[:10] == [201] * 10
    assert set(codes[10:]) == {429}
    body = assert_problem(last, 429, "rate_limited")
    assert int(last.headers["Retry-After"]) >= 1 and body["detail"]
    assert len((await client.get(comments_url(world, post.id))).json()["items"]) == 10


async def test_a_signed_in_reader_is_limited_across_addresses(app, services, factory):
    world, _, post = await site(factory)
    codes = []
    for n in range(8):
        async with client_at(app, f"192.0.2.{n + 1}") as http:
            codes.append((await say(http, world, post.id, "reader")).status_code)
    assert codes == [201] * 6 + [429] * 2


async def test_no_raw_address_is_stored(client, factory):
    world, _, post = await site(factory)
    assert (await say(client, world, post.id, "anonymous")).status_code == 201
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        row = (
            await tx.connection.execute(
                text("SELECT ip_hash, row_to_json(c)::text AS everything FROM comments c")
            )
        ).one()
    assert len(row.ip_hash) == 32
    assert "203.0.113.7" not in row.everything


async def test_spam_heuristics(client, factory):
    world, _, post = await site(factory, blocked_words=["casino", "crédit rapide"])
    honey = await say(client, world, post.id, "anonymous", honeypot="http://spam.test")
    links = await say(client, world, post.id, body=" ".join(f"https://l{n}.test" for n in range(4)))
    two_links = await say(client, world, post.id, "author", body="https://a.test https://b.test")
    blocked = await say(client, world, post.id, "manager", body="Meilleur CASINO en ligne")
    accents = await say(client, world, post.id, "owner", body="Un credit Rapide ?")
    first = await say(client, world, post.id, "moderator", body="Même texte")
    again = await say(client, world, post.id, "moderator", body="même   TEXTE")
    answers = [honey, links, two_links, blocked, accents, again]
    assert [a.status_code for a in answers] == [202] * 6
    assert first.status_code == 201
    assert {a.json()["status"] for a in answers} == {"pending"}  # spam is not announced
    queue = await client.get(f"/v1/tenants/{world.slug}/comments", headers=world.headers["owner"])
    reasons = {c["id"]: (c["status"], c["held_reason"]) for c in queue.json()["items"]}
    assert reasons[honey.json()["id"]] == ("spam", "honeypot")
    assert reasons[links.json()["id"]] == ("spam", "links")
    assert reasons[two_links.json()["id"]] == ("pending", "links")
    assert reasons[blocked.json()["id"]] == ("pending", "blocked_words")
    assert reasons[accents.json()["id"]] == ("pending", "blocked_words")
    assert reasons[again.json()["id"]] == ("spam", "repeat")
    listed = (await client.get(comments_url(world, post.id))).json()["items"]
    assert [c["id"] for c in listed] == [first.json()["id"]]


async def test_a_retried_post_with_an_idempotency_key_is_taken_once(client, factory):
    world, _, post = await site(factory)
    key = {"Idempotency-Key": f"comment-{uuid.uuid4().hex}"}
    payload = {"body": "Une seule fois", "author_name": "Ana"}
    first = await client.post(comments_url(world, post.id), json=payload, headers=key)
    second = await client.post(comments_url(world, post.id), json=payload, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        comments_url(world, post.id), json={**payload, "body": "Autre"}, headers=key
    )
    assert_problem(other, 409, "conflict")
    assert len((await client.get(comments_url(world, post.id))).json()["items"]) == 1
    assert await db_comment_count(factory, world, post.id) == (1, 1)
    bad = await client.post(
        comments_url(world, post.id), json=payload, headers={"Idempotency-Key": "short"}
    )
    assert_problem(bad, 400, "idempotency_key_invalid")


async def test_a_suspended_tenant_takes_no_comments(client, factory):
    world, _, post = await site(factory)
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        await tx.connection.execute(
            text("UPDATE subscriptions SET status = 'suspended' WHERE tenant_id = :t"),
            {"t": world.tenant.id},
        )
        await tx.commit()
    assert_problem(await say(client, world, post.id), 402, "subscription_inactive")
    assert_problem(await say(client, world, post.id, "anonymous"), 402, "subscription_inactive")
    assert (await client.get(comments_url(world, post.id))).status_code == 200


# --- the author's own comment -----------------------------------------------------------


async def test_the_author_edits_within_the_window(client, factory, monkeypatch):
    world, _, post = await site(factory)
    posted = (await say(client, world, post.id, body="Premier jet")).json()
    url = f"/v1/sites/{world.slug}/comments/{posted['id']}"
    edited = await client.patch(url, json={"body": "*Corrigé*"}, headers=world.headers["reader"])
    assert edited.status_code == 200
    assert edited.json()["body_html"] == "<p><em>Corrigé</em></p>"
    assert edited.json()["edited_at"] is not None
    assert_problem(
        await client.patch(url, json={"body": "Pas à moi"}, headers=world.headers["author"]),
        403,
        "forbidden",
    )
    assert_problem(await client.patch(url, json={"body": "Anonyme"}), 401, "unauthenticated")
    later = clock.now() + timedelta(minutes=16)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert_problem(
        await client.patch(url, json={"body": "Trop tard"}, headers=world.headers["reader"]),
        409,
        "conflict",
    )


async def test_deleting_keeps_the_place_in_the_thread(client, factory):
    world, _, post = await site(factory)
    top = (await say(client, world, post.id, body="Je vais partir")).json()
    reply = (await say(client, world, post.id, "author", parent_id=top["id"])).json()
    lonely = (await say(client, world, post.id, body="Seul")).json()
    assert await db_comment_count(factory, world, post.id) == (3, 3)
    for comment_id in (top["id"], lonely["id"]):
        gone = await client.delete(
            f"/v1/sites/{world.slug}/comments/{comment_id}", headers=world.headers["reader"]
        )
        assert gone.status_code == 204
    assert await db_comment_count(factory, world, post.id) == (1, 1)
    [thread] = (await client.get(comments_url(world, post.id))).json()["items"]
    assert thread["id"] == top["id"] and thread["status"] == "deleted"
    assert thread["body_html"] is None and thread["author"] is None
    assert thread["replies"][0]["id"] == reply["id"]
    again = await client.delete(
        f"/v1/sites/{world.slug}/comments/{top['id']}", headers=world.headers["reader"]
    )
    assert_problem(again, 409, "conflict")
    not_mine = await client.delete(
        f"/v1/sites/{world.slug}/comments/{reply['id']}", headers=world.headers["reader"]
    )
    assert_problem(not_mine, 403, "forbidden")


# --- reports ----------------------------------------------------------------------------


async def test_three_readers_reports_hide_a_comment(client, factory):
    world, _, post = await site(factory)
    target = (await say(client, world, post.id, "author", body="Contestable")).json()
    url = f"/v1/sites/{world.slug}/comments/{target['id']}/reports"
    for name in ("r1", "r2", "r3"):
        await add_reader(factory, world, name)
    assert_problem(await client.post(url, json={"reason": "spam"}), 401, "unauthenticated")
    first = await client.post(
        url, json={"reason": "abuse", "note": "Insultant"}, headers=world.headers["r1"]
    )
    assert first.status_code == 204
    twice = await client.post(url, json={"reason": "spam"}, headers=world.headers["r1"])
    assert_problem(twice, 409, "conflict")
    own = await client.post(url, json={"reason": "spam"}, headers=world.headers["author"])
    assert_problem(own, 422, "invalid_input")
    assert (
        await client.post(url, json={"reason": "spam"}, headers=world.headers["r2"])
    ).status_code == 204
    assert len((await client.get(comments_url(world, post.id))).json()["items"]) == 1
    assert (
        await client.post(url, json={"reason": "other"}, headers=world.headers["r3"])
    ).status_code == 204
    assert (await client.get(comments_url(world, post.id))).json()["items"] == []
    assert await db_comment_count(factory, world, post.id) == (0, 0)
    bad = await client.post(url, json={"reason": "boring"}, headers=world.headers["reader"])
    assert bad.status_code == 422
    hidden = await client.post(url, json={"reason": "spam"}, headers=world.headers["reader"])
    assert_problem(hidden, 404, "not_found")


# --- the public thread view -------------------------------------------------------------


async def test_own_held_comments_are_shown_to_their_author_only(client, factory):
    world, _, post = await site(factory, policy="pre")
    held = (await say(client, world, post.id, "reader")).json()
    mine = await client.get(comments_url(world, post.id), headers=world.headers["reader"])
    assert [(c["id"], c["status"], c["held"]) for c in mine.json()["items"]] == [
        (held["id"], "held", True)
    ]
    assert mine.headers["cache-control"].startswith("private")
    public = await client.get(comments_url(world, post.id))
    assert public.json()["items"] == []
    assert public.headers["cache-control"].startswith("public")
    other = await client.get(comments_url(world, post.id), headers=world.headers["author"])
    assert other.json()["items"] == []


async def test_a_readers_own_comments_say_mine_to_them_only(client, factory):
    world, _, post = await site(factory)
    own = (await say(client, world, post.id, "reader")).json()
    other = (await say(client, world, post.id, "author", parent_id=own["id"])).json()
    theirs = await client.get(comments_url(world, post.id), headers=world.headers["reader"])
    [top] = theirs.json()["items"]
    assert (top["id"], top["mine"]) == (own["id"], True)
    assert [(r["id"], r["mine"]) for r in top["replies"]] == [(other["id"], False)]
    [anonymous] = (await client.get(comments_url(world, post.id))).json()["items"]
    assert anonymous["mine"] is False
    # Deleted, it is nobody's: the placeholder offers no tools.
    gone = await client.delete(
        f"/v1/sites/{world.slug}/comments/{own['id']}", headers=world.headers["reader"]
    )
    assert gone.status_code == 204
    after = await client.get(comments_url(world, post.id), headers=world.headers["reader"])
    assert after.json()["items"][0]["mine"] is False


async def test_threads_are_paginated_and_cacheable(client, factory):
    world, _, post = await site(factory)
    ids = [str((await seed(factory, world, post.id, body=f"Numéro {n}")).id) for n in range(25)]
    await seed(factory, world, post.id, body="Réponse", parent_id=uuid.UUID(ids[0]))
    seen, cursor = [], None
    while True:
        params = {"limit": 10, **({"cursor": cursor} if cursor else {})}
        page = await client.get(comments_url(world, post.id), params=params)
        assert page.status_code == 200
        seen += [c["id"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            assert "link" not in page.headers
            break
        assert 'rel="next"' in page.headers["link"]
    assert seen == ids
    first = await client.get(comments_url(world, post.id))
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert "max-age=" in first.headers["cache-control"]
    again = await client.get(comments_url(world, post.id), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag
    await seed(factory, world, post.id, body="Du neuf", parent_id=uuid.UUID(ids[1]))
    changed = await client.get(comments_url(world, post.id), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    bad = await client.get(comments_url(world, post.id), params={"cursor": "nope"})
    assert_problem(bad, 422, "validation_failed")


def _tampered(cursor: str) -> str:
    """The same cursor with one character of its payload changed (the first one: the
    last may carry only padding bits)."""
    payload, mac = cursor.split(".")
    flipped = "A" if payload[0] != "A" else "B"
    return f"{flipped}{payload[1:]}.{mac}"


async def test_thread_cursors_are_signed_and_bound_to_their_list(client, factory):
    world, _, post = await site(factory)
    for _ in range(3):
        await seed(factory, world, post.id)
    first = await client.get(comments_url(world, post.id), params={"limit": 1})
    cursor = first.json()["next_cursor"]
    assert cursor
    assert (
        await client.get(comments_url(world, post.id), params={"cursor": cursor})
    ).status_code == 200
    tampered = await client.get(comments_url(world, post.id), params={"cursor": _tampered(cursor)})
    assert_problem(tampered, 422, "validation_failed")
    # A cursor of the moderation queue is refused by the public threads, and the other way.
    queue = await client.get(
        f"/v1/tenants/{world.slug}/comments", params={"limit": 1}, headers=world.headers["owner"]
    )
    queue_cursor = queue.json()["next_cursor"]
    assert queue_cursor
    other = await client.get(comments_url(world, post.id), params={"cursor": queue_cursor})
    assert_problem(other, 422, "validation_failed")
    back = await client.get(
        f"/v1/tenants/{world.slug}/comments",
        params={"cursor": cursor},
        headers=world.headers["owner"],
    )
    assert_problem(back, 422, "validation_failed")


# --- the tone, classified when the text is written ------------------------------------------


class RecordingTone:
    """A tone classifier that answers ``tone`` and remembers what it was asked."""

    def __init__(self, tone: Tone) -> None:
        self.tone, self.calls = tone, []

    def classify(self, text: str, language: str | None = None) -> Tone:
        self.calls.append((text, language))
        return self.tone


async def db_sentiment(factory: Factory, world: World, comment_id) -> str | None:
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:
        query = text("SELECT sentiment FROM comments WHERE id = :id")
        return (await tx.connection.execute(query, {"id": comment_id})).scalar_one()


async def test_the_tone_is_asked_in_the_language_of_the_posts_blog(client, factory, services):
    world = await factory.world(comment_policy=CommentPolicy.OPEN)
    blog = await factory.blog(world, language="de")
    post = await factory.post(world, blog, language="en")  # the blog's language decides
    services.tone = RecordingTone(Tone.POSITIVE)
    made = await say(client, world, post.id, body="Sehr gut geschrieben.")
    assert made.status_code == 201, made.text
    assert services.tone.calls == [("Sehr gut geschrieben.", "de")]
    assert await db_sentiment(factory, world, made.json()["id"]) == "positive"


async def test_an_edit_classifies_the_new_text_with_the_injected_classifier(
    client, factory, services
):
    world = await factory.world(comment_policy=CommentPolicy.OPEN)
    blog = await factory.blog(world, language="fr")
    post = await factory.post(world, blog)
    made = await say(client, world, post.id, body="Merci, c'est parfait.")
    services.tone = RecordingTone(Tone.NEGATIVE)
    edited = await client.patch(
        f"/v1/sites/{world.slug}/comments/{made.json()['id']}",
        json={"body": "Finalement, très déçu."},
        headers=world.headers["reader"],
    )
    assert edited.status_code == 200, edited.text
    assert services.tone.calls == [("Finalement, très déçu.", "fr")]
    assert await db_sentiment(factory, world, made.json()["id"]) == "negative"


async def test_an_approval_classifies_an_unclassified_comment_with_the_injected_classifier(
    client, factory, services
):
    world = await factory.world(comment_policy=CommentPolicy.PRE)
    blog = await factory.blog(world, language="fr")
    post = await factory.post(world, blog)
    comment = await seed(factory, world, post.id, body="Un billet utile.")
    async with factory.db.transaction(tenant_id=world.tenant.id) as tx:  # written before tones
        await tx.connection.execute(
            text("UPDATE comments SET sentiment = NULL WHERE id = :id"), {"id": comment.id}
        )
        await tx.commit()
    services.tone = RecordingTone(Tone.POSITIVE)
    approved = await client.post(
        f"/v1/tenants/{world.slug}/comments/{comment.id}/approve",
        headers=world.headers["moderator"],
    )
    assert approved.status_code == 200, approved.text
    assert services.tone.calls == [("Un billet utile.", "fr")]
    assert await db_sentiment(factory, world, comment.id) == "positive"


@pytest.mark.parametrize(
    ("body", "tone"),
    [
        ("😊" * 5000, None),
        ("Great post! Mais je ne suis pas d'accord avec la fin.", None),
        ("https://example.com/a?b=c", "neutral"),
    ],
    ids=["5000-emoji", "mixed-languages", "only-a-url"],
)
async def test_odd_comments_are_stored_with_a_tone_by_the_real_classifier(
    client, factory, body, tone
):
    world = await factory.world(comment_policy=CommentPolicy.OPEN)
    blog = await factory.blog(world, language="en")
    post = await factory.post(world, blog)
    made = await say(client, world, post.id, body=body)
    assert made.status_code == 201, made.text
    stored = await db_sentiment(factory, world, made.json()["id"])
    assert stored in {"positive", "neutral", "negative"}
    if tone is not None:
        assert stored == tone
