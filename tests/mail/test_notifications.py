"""Reply notifications: planned by the worker from the outbox, sent over real SMTP, with
a one-click unsubscribe (RFC 8058) that needs no sign-in and cannot be forged."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from api.worker import Worker
from tests.comments.helpers import say, seed
from tests.comments.helpers import site as comment_site
from tests.factories import FrozenClock
from tests.mail.helpers import messages, prefer, send_due
from tests.receiver import receiver
from tests.test_foundation import assert_problem
from tests.webhooks.helpers import LOCAL, create, run_worker

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HOSTILE = '<script>alert("x")</script> **bold** & <b>more</b>'


async def site(factory, **settings):
    """A site whose post's author does not hear of new comments on it, so that only the
    reply mails these tests are about arrive (test_new_comments.py covers the others)."""
    world, blog, post = await comment_site(factory, **settings)
    await prefer(factory.db, world, "author", "new_comment", False)
    return world, blog, post


async def reply_round(factory, worker, world, post, parent, who="author", body=None):
    await seed(factory, world, post.id, who=who, parent_id=parent.id, body=body or "Merci !")
    await worker.dispatch(world.tenant.id)
    return await send_due(worker, world.tenant.id)


def one_click_path(mail) -> str:
    header = mail["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    url = urlsplit(header[1:-1])
    return f"{url.path}?{url.query}"


async def test_a_reply_mails_the_author_of_the_comment_with_one_click_unsubscribe(
    client, factory, worker, arrived
):
    world, _, post = await site(factory)
    parent = await seed(factory, world, post.id, who="reader")
    await worker.dispatch(world.tenant.id)  # the parent itself mails nobody
    assert await send_due(worker, world.tenant.id) == []

    assert await reply_round(factory, worker, world, post, parent, body=HOSTILE) == ["sent"]
    [got] = arrived
    mail = got.message
    reader, author = world.users["reader"], world.users["author"]
    assert got.envelope_to == [reader.email]
    assert mail["Subject"] == f"{author.display_name} answered your comment on Test Brand"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith(
        f"<https://causerie.test/v1/sites/{world.slug}/unsubscribe?token="
    )
    html, plain = got.part("html"), got.part("plain")
    assert "<script>" not in html and "<b>more</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; **bold** &amp; &lt;b&gt;more" in html
    assert HOSTILE in plain  # plain text is text: nothing to escape, nothing rendered
    assert f"/s/{world.slug}/blogs/" in plain and "#comment-" in plain

    # The mail client's one-click POST: no session, the form body of RFC 8058.
    done = await client.post(
        one_click_path(mail),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    assert done.json() == {"notification": "reply", "enabled": False}
    assert await reply_round(factory, worker, world, post, parent, body="Encore") == []
    assert len(arrived) == 1


async def test_forged_or_foreign_unsubscribe_tokens_are_refused(client, factory, worker, arrived):
    world, _, post = await site(factory)
    other, _, _ = await site(factory)
    parent = await seed(factory, world, post.id, who="reader")
    await reply_round(factory, worker, world, post, parent)
    path = one_click_path(arrived[0].message)
    token = path.split("token=")[1]
    user_hex, kind, signature = token.split(".")
    forged = [
        f"{world.users['author'].id.hex}.{kind}.{signature}",  # someone else
        f"{user_hex}.digest.{signature}",  # another notification
        f"{user_hex}.{kind}.{signature[:-2]}AA",  # a made-up signature
        "nonsense",
    ]
    for bad in forged:
        answer = await client.post(f"/v1/sites/{world.slug}/unsubscribe", params={"token": bad})
        assert_problem(answer, 404, "not_found")
    # A genuine token of one tenant does nothing on another.
    foreign = await client.post(f"/v1/sites/{other.slug}/unsubscribe", params={"token": token})
    assert_problem(foreign, 404, "not_found")
    # Still subscribed: the next reply is mailed.
    assert await reply_round(factory, worker, world, post, parent, body="Et encore") == ["sent"]


async def test_no_mail_for_answering_oneself_or_an_anonymous_comment(
    client, factory, worker, arrived
):
    world, _, post = await site(factory)
    mine = await seed(factory, world, post.id, who="reader")
    assert await reply_round(factory, worker, world, post, mine, who="reader") == []
    anonymous = await seed(factory, world, post.id, who="anonymous")
    assert await reply_round(factory, worker, world, post, anonymous) == []
    assert arrived == []


async def test_a_flood_of_replies_is_capped_and_the_rest_digested_when_the_hour_closes(
    client, factory, worker, arrived, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory)
    other, _, _ = await site(factory)
    parent = await seed(factory, world, post.id, who="reader")
    for n in range(13):
        await seed(factory, world, post.id, who="author", parent_id=parent.id, body=f"Réponse {n}")
    await worker.dispatch(world.tenant.id)
    assert len(await send_due(worker, world.tenant.id)) == 10
    assert len(arrived) == 10
    # Three were held back: nothing more until the hour closes.
    clock.set(NOON + timedelta(minutes=59))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []
    clock.set(NOON + timedelta(minutes=61))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert await messages(factory.db, other.tenant.id) == []
    digest = arrived[-1]
    assert digest.envelope_to == [world.users["reader"].email]
    mail = digest.message
    assert mail["Subject"] == "3 more replies to your comments on Test Brand"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = digest.part("plain")

    # The ten mailed one by one and the three digested are the thirteen, each told once.
    def told(text: str) -> set[int]:
        return {int(n) for n in re.findall(r"Réponse (\d+)", text)}

    one_by_one = [told(got.part("plain")) for got in arrived[:10]]
    assert all(len(each) == 1 for each in one_by_one)
    mailed = set().union(*one_by_one)
    assert len(mailed) == 10 and len(told(plain)) == 3
    assert mailed | told(plain) == set(range(13))
    assert plain.count(f"https://causerie.test/s/{world.slug}/blogs/") == 3
    # Told once: later rounds have nothing to digest.
    clock.set(NOON + timedelta(minutes=150))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []


async def test_held_back_replies_are_dropped_for_who_turned_replies_off(
    client, factory, worker, arrived, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory)
    parent = await seed(factory, world, post.id, who="reader")
    for n in range(11):
        await seed(factory, world, post.id, who="author", parent_id=parent.id, body=f"R {n}")
    await worker.dispatch(world.tenant.id)
    assert len(await send_due(worker, world.tenant.id)) == 10
    await prefer(factory.db, world, "reader", "reply", False)
    clock.set(NOON + timedelta(minutes=61))
    await worker.sweep()
    assert await send_due(worker, world.tenant.id) == []


async def test_a_held_reply_mails_once_it_is_approved(client, factory, worker, arrived):
    world, _, post = await site(factory, policy="trusted")  # anonymous comments wait
    parent = await seed(factory, world, post.id, who="reader")
    await worker.dispatch(world.tenant.id)
    said = await say(client, world, post.id, who="anonymous", parent_id=str(parent.id))
    assert said.status_code == 202, said.text
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == []  # held: nothing yet
    approved = await client.post(
        f"/v1/tenants/{world.slug}/comments/{said.json()['id']}/approve",
        headers=world.headers["moderator"],
    )
    assert approved.status_code == 200, approved.text
    await worker.dispatch(world.tenant.id)
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert arrived[0].envelope_to == [world.users["reader"].email]
    assert arrived[0].message["Subject"].startswith("Passant answered")
    assert len(await messages(factory.db, world.tenant.id)) == 1


async def test_members_turn_reply_mails_off_and_on(client, factory, worker, arrived):
    world, _, post = await site(factory)
    url = f"/v1/sites/{world.slug}/me/notifications"
    reader = world.headers["reader"]
    everything = {
        "reply": True,
        "new_comment": True,
        "moderation_digest": True,
        "webhook_disabled": True,
    }
    assert (await client.get(url, headers=reader)).json() == everything
    off = await client.patch(url, json={"reply": False}, headers=reader)
    assert off.status_code == 200 and off.json() == {**everything, "reply": False}
    parent = await seed(factory, world, post.id, who="reader")
    assert await reply_round(factory, worker, world, post, parent) == []
    assert (await client.patch(url, json={"reply": True}, headers=reader)).json()["reply"] is True
    assert await reply_round(factory, worker, world, post, parent, body="Bis") == ["sent"]
    # Bad input and strangers change nothing.
    assert_problem(
        await client.patch(url, json={"reply": "maybe"}, headers=reader), 422, "validation_failed"
    )
    assert_problem(
        await client.patch(url, json={"digest": True}, headers=reader), 422, "validation_failed"
    )
    assert (await client.get(url)).status_code == 401
    other, _, _ = await site(factory)
    foreign = await client.get(f"/v1/sites/{other.slug}/me/notifications", headers=reader)
    assert foreign.status_code == 403
    assert (await client.get(url, headers=reader)).json() == everything


async def test_a_disabled_webhook_endpoint_mails_the_owners_and_managers(
    client, factory, mail_settings, mailing, arrived
):
    """A receiver answering 410 makes the worker disable the endpoint; in the same
    transaction the owner and the manager are mailed why and where to turn it on, except
    a manager who turned that notification off; other tenants' staff hear nothing."""
    settings = mail_settings.model_copy(update=LOCAL)
    mailing.settings = settings
    worker = Worker(factory.db, settings)
    world, _, post = await site(factory)
    other = await factory.world()
    off = await client.patch(
        f"/v1/sites/{world.slug}/me/notifications",
        json={"webhook_disabled": False},
        headers=world.headers["manager"],
    )
    assert off.status_code == 200 and off.json()["webhook_disabled"] is False, off.text
    async with receiver(status=410) as rec:
        await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
    assert await send_due(worker, world.tenant.id) == ["sent"]
    assert await send_due(worker, other.tenant.id) == []
    [got] = arrived
    assert got.envelope_to == [world.users["owner"].email]
    mail = got.message
    assert mail["Subject"] == "A webhook endpoint of Test Brand was disabled"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = got.part("plain")
    assert rec.url in plain and "410" in plain and "https://causerie.test/console/webhooks" in plain
    # Its one-click unsubscribe turns that notification off for the owner.
    done = await client.post(
        one_click_path(mail),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.json() == {"notification": "webhook_disabled", "enabled": False}
