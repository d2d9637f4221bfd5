"""A new comment mails the post's author; the moderation queue mails its moderators at
most hourly. Both planned by the worker, sent over real SMTP, each with a one-click
unsubscribe; the digest's hour runs on the domain's clock, moved by the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from tests.comments.helpers import say, seed, site
from tests.factories import FrozenClock
from tests.mail.helpers import messages, prefer, send_due
from tests.test_foundation import assert_problem

HOSTILE = '<script>alert("x")</script> **bold** & <b>more</b>'
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def one_click_path(mail) -> str:
    url = urlsplit(mail["List-Unsubscribe"][1:-1])
    return f"{url.path}?{url.query}"


async def one_click(client, mail):
    return await client.post(
        one_click_path(mail),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


async def comment_round(factory, worker, world, post, who="reader", **fields):
    await seed(factory, world, post.id, who=who, **fields)
    await worker.dispatch(world.tenant.id)
    return await send_due(worker, world.tenant.id)


# --- a new comment on one's post ----------------------------------------------------


async def test_a_comment_mails_the_post_author_with_one_click_unsubscribe(
    client, factory, worker, arrived
):
    world, _, post = await site(factory)
    other, _, _ = await site(factory)
    assert await comment_round(factory, worker, world, post, body=HOSTILE) == ["sent"]
    [got] = arrived
    author, reader = world.users["author"], world.users["reader"]
    assert got.envelope_to == [author.email]
    mail = got.message
    assert mail["Subject"] == f"{reader.display_name} commented on your post on Test Brand"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, plain = got.part("html"), got.part("plain")
    assert "<script>" not in html and "<b>more</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; **bold** &amp; &lt;b&gt;more" in html
    assert HOSTILE in plain
    assert f"https://causerie.test/s/{world.slug}/blogs/" in plain and "#comment-" in plain
    assert await messages(factory.db, other.tenant.id) == []  # nobody elsewhere hears

    # A foreign tenant's site refuses the token; its own site takes it, no sign-in.
    token = one_click_path(mail).split("token=")[1]
    foreign = await client.post(f"/v1/sites/{other.slug}/unsubscribe", params={"token": token})
    assert_problem(foreign, 404, "not_found")
    done = await one_click(client, mail)
    assert done.json() == {"notification": "new_comment", "enabled": False}
    assert await comment_round(factory, worker, world, post, body="Encore") == []


async def test_no_mail_for_ones_own_comment_and_one_mail_for_a_reply(
    client, factory, worker, arrived
):
    world, _, post = await site(factory)
    mine = await seed(factory, world, post.id, who="author")
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == []  # one's own comment
    # A reader answering the author's comment: the reply mail only, not a second one.
    assert await comment_round(factory, worker, world, post, parent_id=mine.id) == ["sent"]
    [got] = arrived
    assert got.message["Subject"].endswith("answered your comment on Test Brand")
    # An anonymous comment is told by name.
    assert await comment_round(factory, worker, world, post, who="anonymous") == ["sent"]
    assert arrived[1].message["Subject"] == "Anonyme commented on your post on Test Brand"


async def test_a_held_comment_mails_the_author_once_approved(client, factory, worker, arrived):
    world, _, post = await site(factory, policy="pre")
    said = await say(client, world, post.id)
    assert said.status_code == 202, said.text
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == []
    approved = await client.post(
        f"/v1/tenants/{world.slug}/comments/{said.json()['id']}/approve",
        headers=world.headers["moderator"],
    )
    assert approved.status_code == 200, approved.text
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert arrived[0].envelope_to == [world.users["author"].email]


async def test_replies_and_new_comments_share_the_hourly_cap(client, factory, worker, arrived):
    world, _, post = await site(factory)
    mine = await seed(factory, world, post.id, who="author")
    for n in range(6):
        await seed(factory, world, post.id, who="reader", body=f"Avis {n}")
        await seed(factory, world, post.id, who="reader", parent_id=mine.id, body=f"Réponse {n}")
    await worker.dispatch(world.tenant.id)
    assert len(await send_due(worker, world.tenant.id)) == 10
    assert {got.envelope_to[0] for got in arrived} == {world.users["author"].email}


async def test_the_preference_turns_new_comment_mails_off(client, factory, worker, arrived):
    world, _, post = await site(factory)
    url = f"/v1/sites/{world.slug}/me/notifications"
    off = await client.patch(url, json={"new_comment": False}, headers=world.headers["author"])
    assert off.status_code == 200 and off.json()["new_comment"] is False, off.text
    assert_problem(
        await client.patch(url, json={"new_comment": "maybe"}, headers=world.headers["author"]),
        422,
        "validation_failed",
    )
    assert await comment_round(factory, worker, world, post) == []
    on = await client.patch(url, json={"new_comment": True}, headers=world.headers["author"])
    assert on.json()["new_comment"] is True
    assert await comment_round(factory, worker, world, post) == ["sent"]


# --- the moderators' hourly digest --------------------------------------------------


async def quiet(factory, world) -> None:
    await prefer(factory.db, world, "author", "new_comment", False)


async def test_the_queue_digest_goes_to_moderators_at_most_hourly(
    client, factory, worker, arrived, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory, policy="pre")
    other, _, other_post = await site(factory, policy="pre")
    await quiet(factory, world)
    await prefer(factory.db, world, "manager", "moderation_digest", False)
    await seed(factory, world, post.id, who="reader", body=HOSTILE)
    await seed(factory, world, post.id, who="reader", body="Deuxième")
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == []  # held comments mail nobody

    await worker.sweep()  # the worker's scheduled round plans the digests
    assert await send_due(worker, world.tenant.id) == ["sent", "sent"]
    assert await messages(factory.db, other.tenant.id) == []  # its queue is empty
    assert sorted(got.envelope_to[0] for got in arrived) == sorted(
        [world.users["owner"].email, world.users["moderator"].email]
    )
    mail = arrived[0].message
    assert mail["Subject"] == "2 comments waiting for moderation on Test Brand"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, plain = arrived[0].part("html"), arrived[0].part("plain")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert HOSTILE in plain and "Deuxième" in plain
    assert f"https://causerie.test/console/t/{world.slug}/moderation" in plain

    # Within the hour: a new held comment, another round, no second digest.
    clock.set(NOON + timedelta(minutes=30))
    await seed(factory, world, post.id, who="reader", body="Troisième")
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    # Past the hour: the new comment is told.
    clock.set(NOON + timedelta(minutes=61))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == ["sent", "sent"]
    assert arrived[-1].message["Subject"] == "3 comments waiting for moderation on Test Brand"
    # Another hour with nothing new in the queue: the same comments are not mailed again.
    clock.set(NOON + timedelta(minutes=130))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    # The other tenant's queue is told to its own moderators only.
    await seed(factory, other, other_post.id, who="reader")
    clock.set(NOON + timedelta(minutes=140))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    await send_due(worker, other.tenant.id)
    assert arrived[-1].envelope_to[0] in {
        other.users[r].email for r in ("owner", "manager", "moderator")
    }
    assert "1 comment waiting" in arrived[-1].message["Subject"]


async def test_an_empty_queue_mails_nobody_and_the_digest_unsubscribes(
    client, factory, worker, arrived, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory, policy="pre")
    await quiet(factory, world)
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    said = await say(client, world, post.id)
    await worker.sweep()  # the rounds are a minute apart at least: this one waits
    assert await send_due(worker, world.tenant.id) == []
    clock.set(NOON + timedelta(minutes=1))
    await worker.sweep()
    await send_due(worker, world.tenant.id)
    [to_owner] = [got for got in arrived if got.envelope_to == [world.users["owner"].email]]
    done = await one_click(client, to_owner.message)
    assert done.json() == {"notification": "moderation_digest", "enabled": False}
    # Approved, the queue is empty: the next rounds mail nobody.
    await client.post(
        f"/v1/tenants/{world.slug}/comments/{said.json()['id']}/approve",
        headers=world.headers["moderator"],
    )
    await worker.dispatch(world.tenant.id)
    await send_due(worker, world.tenant.id)  # the author's new-comment mail is off
    before = len(arrived)
    clock.set(NOON + timedelta(hours=2))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    # A new held comment: the owner unsubscribed, the others are told.
    await say(client, world, post.id)
    clock.set(NOON + timedelta(hours=3))
    await worker.sweep()
    assert len(await send_due(worker, world.tenant.id)) == 2
    assert world.users["owner"].email not in {got.envelope_to[0] for got in arrived[before:]}
