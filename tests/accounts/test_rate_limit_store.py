"""The rate-limit store is shared by worker processes when Redis is configured.

Two limiter instances stand for two workers: hits through one count for the other.
Redis listens on 127.0.0.1:6379 on our development and CI machines; elsewhere the test
skips, except in CI, where a missing Redis is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from auth.rate_limit import RateLimiter

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_url() -> str:
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable on 127.0.0.1:6379 in CI")
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


async def test_two_workers_share_one_budget(fresh_minute, redis_url):
    first, second = RateLimiter(redis_url), RateLimiter(redis_url)
    key = uuid.uuid4().hex
    verdicts = [await (first if n % 2 else second).hit("test", key, 5) for n in range(7)]
    assert [v.allowed for v in verdicts] == [True] * 5 + [False] * 2
    assert verdicts[-1].retry_after >= 1
    assert verdicts[4].remaining == 0


async def test_in_process_store_is_per_process(fresh_minute):
    first, second = RateLimiter(None), RateLimiter(None)
    key = uuid.uuid4().hex
    for _ in range(3):
        assert (await first.hit("test", key, 3)).allowed
    assert not (await first.hit("test", key, 3)).allowed
    assert (await second.hit("test", key, 3)).allowed
