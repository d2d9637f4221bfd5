"""Deliveries for real: a loopback receiver, the reference ``standardwebhooks`` library
checking every signature, the retry schedule on the domain's clock, and receivers that
fail in every way the issue lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from api.events.schemas import envelope
from domain.webhooks.model import FAILING_WINDOW, RETRY_DELAYS
from tests.comments.helpers import say, site
from tests.factories import FrozenClock
from tests.receiver import receiver
from tests.webhooks.helpers import attempts, create, hooks_url, pending, run_worker, verified

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


async def test_a_committed_comment_arrives_signed_as_comment_created(client, factory, worker):
    world, _, post = await site(factory)
    async with receiver() as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        said = await say(client, world, post.id, body="Bravo pour ce billet")
        assert said.status_code == 201, said.text
        assert await run_worker(worker, world.tenant.id) == ["succeeded"]
        [got] = rec.received
    event = verified(made["secret"], got)
    assert event["type"] == "comment.created"
    assert event["data"]["comment_id"] == said.json()["id"]
    assert event["data"]["body_markdown"] == "Bravo pour ce billet"
    assert got.headers["webhook-id"] == event["id"]
    [row] = await attempts(factory.db, world.tenant.id)
    assert (row.status, row.attempt, row.response_status) == ("succeeded", 1, 200)
    assert row.duration_ms is not None


async def test_a_published_post_arrives_signed_as_post_published(client, factory, worker):
    world = await factory.world()
    blog = await factory.blog(world)
    async with receiver() as rec:
        made = await create(client, world, rec.url, types=("post.published",))
        post = await factory.post(world, blog, title="Grande nouvelle")
        assert await run_worker(worker, world.tenant.id) == ["succeeded"]
        [got] = rec.received
    event = verified(made["secret"], got)
    assert (event["type"], event["data"]["post_id"]) == ("post.published", str(post.id))
    assert event["data"]["title"] == "Grande nouvelle"


async def test_unsubscribed_and_disabled_endpoints_get_nothing(client, factory, worker):
    world, _, post = await site(factory)
    async with receiver() as rec:
        await create(client, world, rec.url, types=("rating.changed",))
        await create(client, world, rec.url, types=("comment.created",), enabled=False)
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == []
        assert rec.received == []


async def test_during_a_rotation_both_secrets_verify(client, factory, worker, monkeypatch):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory)
    async with receiver() as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        rotated = (
            await client.post(
                hooks_url(world, made["id"], "rotate-secret"), headers=world.headers["owner"]
            )
        ).json()
        await say(client, world, post.id)
        await run_worker(worker, world.tenant.id)
        [during] = rec.received
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        verified(made["secret"], during)
        verified(rotated["secret"], during)

        clock.set(NOON + timedelta(hours=24, seconds=1))  # the overlap is over
        await say(client, world, post.id)
        await run_worker(worker, world.tenant.id)
        after = rec.received[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    verified(rotated["secret"], after)


async def test_a_500_schedules_the_retry_on_the_schedule_and_it_goes_when_due(
    client, factory, worker, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    worker.webhooks.jitter = lambda: 0.5  # no stretch: the schedule's own delay
    world, _, post = await site(factory)
    async with receiver(status=500) as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
        first, retry = await attempts(factory.db, world.tenant.id)
        assert (first.status, first.response_status, first.attempt) == ("failed", 500, 1)
        assert first.next_attempt_at == NOON + RETRY_DELAYS[0]
        assert (retry.status, retry.attempt, retry.due_at) == ("pending", 2, first.next_attempt_at)

        clock.set(NOON + RETRY_DELAYS[0] - timedelta(seconds=1))
        assert await pending(factory.db, world.tenant.id) == []
        clock.set(NOON + RETRY_DELAYS[0])
        rec.status = 200
        [due] = await pending(factory.db, world.tenant.id)
        assert await worker.webhooks.deliver(world.tenant.id, due.id) == "succeeded"
        one, two = rec.received
    # The same message: the same webhook-id, each attempt signed afresh.
    assert one.headers["webhook-id"] == two.headers["webhook-id"]
    verified(made["secret"], two)
    endpoint = await client.get(hooks_url(world, made["id"]), headers=world.headers["owner"])
    assert endpoint.json()["failing_since"] is None


async def test_the_sweep_queues_a_retry_once_it_is_due(client, factory, worker, monkeypatch):
    clock = FrozenClock(monkeypatch, NOON)
    world, _, post = await site(factory)
    async with receiver(status=503) as rec:
        await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        await run_worker(worker, world.tenant.id)
    _, retry = await attempts(factory.db, world.tenant.id)

    async def queued() -> list[str]:
        async with factory.db.transaction() as tx:
            rows = await tx.connection.execute(
                text("SELECT payload FROM jobs.pgqueuer WHERE entrypoint = 'webhooks.deliver'")
            )
            return [json.loads(r.payload)["delivery_id"] for r in rows]

    clock.set(retry.due_at - timedelta(seconds=1))
    await worker.sweep()
    assert str(retry.id) not in await queued()
    clock.set(retry.due_at)
    await worker.sweep()
    assert str(retry.id) in await queued()


async def test_a_410_disables_the_endpoint_at_once(client, factory, worker):
    world, _, post = await site(factory)
    async with receiver(status=410) as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == []
        assert len(rec.received) == 1
    [only] = await attempts(factory.db, world.tenant.id)  # and no retry
    assert only.response_status == 410
    owner = world.headers["owner"]
    endpoint = (await client.get(hooks_url(world, made["id"]), headers=owner)).json()
    assert endpoint["enabled"] is False and "410" in endpoint["disabled_reason"]
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=owner)
    assert "webhook.endpoint_disabled" in [e["action"] for e in log.json()["items"]]


async def test_an_endpoint_failing_past_the_schedule_is_disabled(
    client, factory, worker, monkeypatch
):
    clock = FrozenClock(monkeypatch, NOON)
    worker.webhooks.jitter = lambda: 0.99  # every wait at its longest
    world, _, post = await site(factory)
    async with receiver(status=500) as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
        for _ in RETRY_DELAYS:
            [retry] = await pending(factory.db, world.tenant.id, due_by=NOON + timedelta(days=9))
            clock.set(retry.due_at)
            assert await worker.webhooks.deliver(world.tenant.id, retry.id) == "failed"
        assert len(rec.received) == len(RETRY_DELAYS) + 1
    assert clock.at - NOON >= FAILING_WINDOW
    assert await pending(factory.db, world.tenant.id, due_by=NOON + timedelta(days=30)) == []
    owner = world.headers["owner"]
    endpoint = (await client.get(hooks_url(world, made["id"]), headers=owner)).json()
    assert endpoint["enabled"] is False
    log = await client.get(f"/v1/tenants/{world.slug}/audit-log", headers=owner)
    assert "webhook.endpoint_disabled" in [e["action"] for e in log.json()["items"]]


async def test_a_receiver_that_hangs_is_a_timeout_failure(client, factory, worker, local):
    local.settings = worker.settings = worker.webhooks.settings = worker.settings.model_copy(
        update={"outbound_timeout_seconds": 0.3}
    )
    world, _, post = await site(factory)
    async with receiver(hang=True) as rec:
        await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
    first, retry = await attempts(factory.db, world.tenant.id)
    assert first.error.startswith("timeout") and first.response_status is None
    assert retry.status == "pending"


async def test_a_50_mb_answer_is_cut_off_and_a_failure(client, factory, worker):
    world, _, post = await site(factory)
    async with receiver(huge_bytes=50 * 1024 * 1024) as rec:
        await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
    first, _ = await attempts(factory.db, world.tenant.id)
    assert first.error.startswith("response_too_large")


async def test_a_redirect_to_the_metadata_address_is_a_failure_not_followed(
    client, factory, worker
):
    world, _, post = await site(factory)
    location = {"Location": "http://169.254.169.254/latest/meta-data/"}
    async with receiver(status=302, headers=location) as rec:
        await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        assert await run_worker(worker, world.tenant.id) == ["failed"]
        assert len(rec.received) == 1
    first, _ = await attempts(factory.db, world.tenant.id)
    assert first.error.startswith("redirect_refused") and "169.254.169.254" in first.error


async def test_the_log_shows_each_attempt_and_a_resend_goes_again_with_the_same_id(
    client, factory, worker
):
    world, _, post = await site(factory)
    owner = world.headers["owner"]
    async with receiver(status=500, body=b"sorry, down") as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        await run_worker(worker, world.tenant.id)
        listed = (
            await client.get(hooks_url(world, made["id"], "deliveries"), headers=owner)
        ).json()
        statuses = sorted((d["attempt"], d["status"]) for d in listed["items"])
        assert statuses == [(1, "failed"), (2, "pending")]
        failed = next(d for d in listed["items"] if d["status"] == "failed")
        assert failed["response_status"] == 500 and failed["duration_ms"] is not None
        detail = (
            await client.get(
                hooks_url(world, made["id"], "deliveries", failed["id"]), headers=owner
            )
        ).json()
        assert detail["response_body"] == "sorry, down"
        assert json.loads(detail["request_body"])["type"] == "comment.created"
        assert detail["request_headers"]["webhook-id"] == failed["event_id"]

        rec.status = 200
        again = await client.post(
            hooks_url(world, made["id"], "deliveries", failed["id"], "resend"), headers=owner
        )
        assert again.status_code == 202, again.text
        assert again.json()["manual"] is True and again.json()["attempt"] == 3
        assert await worker.webhooks.deliver(world.tenant.id, again.json()["id"]) == "succeeded"
        first, resent = rec.received
    assert first.headers["webhook-id"] == resent.headers["webhook-id"] == failed["event_id"]
    verified(made["secret"], resent)


async def test_a_test_event_is_sent_signed_as_webhook_test(client, factory, worker):
    world = await factory.world()
    async with receiver() as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        sent = await client.post(
            hooks_url(world, made["id"], "test"), headers=world.headers["owner"]
        )
        assert sent.status_code == 202, sent.text
        assert await worker.webhooks.deliver(world.tenant.id, sent.json()["id"]) == "succeeded"
        [got] = rec.received
    event = verified(made["secret"], got)
    assert event["type"] == "webhook.test" and event["data"]["endpoint_id"] == made["id"]
    envelope("webhook.test").model_validate(event)  # as the OpenAPI webhooks section says


async def test_a_deleted_endpoints_pending_attempts_go_nowhere(client, factory, worker):
    world, _, post = await site(factory)
    async with receiver() as rec:
        made = await create(client, world, rec.url, types=("comment.created",))
        await say(client, world, post.id)
        await worker.dispatch(world.tenant.id)
        [due] = await pending(factory.db, world.tenant.id)
        await client.delete(hooks_url(world, made["id"]), headers=world.headers["owner"])
        assert await worker.webhooks.deliver(world.tenant.id, due.id) is None
        assert rec.received == []
