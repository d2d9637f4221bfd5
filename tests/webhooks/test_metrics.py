"""/metrics counts webhook attempts by outcome, over every tenant."""

from __future__ import annotations

from tests.comments.helpers import say, site
from tests.events.test_metrics import figure
from tests.receiver import receiver
from tests.webhooks.helpers import create, run_worker


async def test_metrics_count_deliveries_by_outcome(client, factory, worker):
    def by(text: str, outcome: str) -> float:
        return figure(text, f'causerie_webhook_deliveries{{outcome="{outcome}"}}')

    before = (await client.get("/metrics")).text
    world, _, post = await site(factory)
    async with receiver(status=500) as failing, receiver() as working:
        await create(client, world, failing.url, types=("comment.created",))
        await create(client, world, working.url, types=("comment.created",))
        await say(client, world, post.id)
        await run_worker(worker, world.tenant.id)
    after = (await client.get("/metrics")).text
    assert by(after, "succeeded") == by(before, "succeeded") + 1
    assert by(after, "failed") == by(before, "failed") + 1
    assert by(after, "pending") == by(before, "pending") + 1  # the failure's retry
