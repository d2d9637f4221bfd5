"""Rate limits on a shared store: Redis when configured (several workers share it),
in-process memory otherwise. Built on the ``limits`` library's sliding-window counters:
two counters per key whatever the limit, so a hit costs the same at 10 or 20,000 a
minute (a moving window keeps one timestamp per request)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds to wait when refused, else 0
    reset_after: int  # seconds until the window has room again


class RateLimiter:
    def __init__(self, redis_url: str | None = None):
        self.storage: Storage = (
            RedisStorage(redis_url, implementation="redispy") if redis_url else MemoryStorage()
        )
        self._limiter = SlidingWindowCounterRateLimiter(self.storage)

    async def hit(self, namespace: str, key: str, per_minute: int) -> Verdict:
        item = RateLimitItemPerMinute(per_minute)
        allowed = await self._limiter.hit(item, namespace, key)
        stats = await self._limiter.get_window_stats(item, namespace, key)
        reset = max(0, math.ceil(stats.reset_time - time.time()))
        return Verdict(
            allowed, per_minute, stats.remaining, max(1, reset) if not allowed else 0, reset
        )

    async def reset(self) -> None:
        await self.storage.reset()
