"""The rate limiter counts by the clock it is given, never by the wall clock."""

from __future__ import annotations

import asyncio
import uuid

from auth.rate_limit import RateLimiter
from tests.clock import ManualClock


async def test_a_held_clock_keeps_a_burst_inside_one_window():
    clock = ManualClock(start=60 * 1_000_000 + 59.9)  # a tenth of a second before a turn
    limiter = RateLimiter(None, clock=clock)
    verdicts = [await limiter.hit("test", "k", 5) for _ in range(7)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 2
    assert verdicts[-1].retry_after >= 1


async def test_the_window_slides_with_the_clock():
    clock = ManualClock(start=60 * 1_000_000)
    limiter = RateLimiter(None, clock=clock)
    for _ in range(6):
        assert (await limiter.hit("test", "k", 6)).allowed
    assert not (await limiter.hit("test", "k", 6)).allowed
    clock.advance(70)  # 10 s into the next minute: 5/6 of the six still count
    assert (await limiter.hit("test", "k", 6)).allowed
    assert not (await limiter.hit("test", "k", 6)).allowed
    clock.advance(60)  # the six are gone; the one hit since (refusals do not count) weighs 5/6
    assert (await limiter.hit("test", "k", 6)).remaining == 5


async def test_concurrent_hits_never_pass_the_limit():
    limiter = RateLimiter(None, clock=ManualClock())
    key = uuid.uuid4().hex
    verdicts = await asyncio.gather(*(limiter.hit("test", key, 10) for _ in range(50)))
    assert sum(v.allowed for v in verdicts) == 10
