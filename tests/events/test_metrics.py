"""/metrics shows the worker's backlog: due events waiting and queued jobs."""

from __future__ import annotations

import re

from tests.factories import Factory


def figure(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} missing"
    return float(match.group(1))


async def test_metrics_show_the_backlog(client, factory: Factory):
    before = (await client.get("/metrics")).text
    world = await factory.world()
    await factory.post(world, await factory.blog(world))
    after = (await client.get("/metrics")).text
    for name in ("causerie_outbox_pending", "causerie_jobs_queued"):
        assert figure(after, name) == figure(before, name) + 1
    assert figure(after, "causerie_outbox_oldest_pending_seconds") >= 0
    assert figure(after, "causerie_jobs_oldest_queued_seconds") >= 0
